/**
 * The code the sandbox runs inside each fresh V8 context before the function: it shapes the context into the
 * runtime (frozen `Date`, `console.log` only, the runtime's modules, 1.0's byte-string methods, stubs for the
 * built-in members the runtime lacks, its globals only), and defines the per-run entry point.
 *
 * Kept as source text (not a function of this module) so that no bundler or coverage tool can rewrite it: it
 * runs in another realm and must not reference anything of this one. `host` is the bridge of `sandbox.ts`.
 */
export const PRELUDE = String.raw`(function (g, host, cfg) {
  'use strict';
  var v2 = cfg.runtime === 'cloudfront-js-2.0';
  var O = Object, defineProperty = O.defineProperty, getOwnPropertyNames = O.getOwnPropertyNames, getProto = O.getPrototypeOf;
  var getDescriptor = O.getOwnPropertyDescriptor, hasOwn = O.prototype.hasOwnProperty;
  var apply = Reflect.apply, construct = Reflect.construct, RealDate = Date, RProxy = Proxy;
  var JSONparse = JSON.parse, P = Promise, U8 = Uint8Array, isView = ArrayBuffer.isView;
  var fromCharCode = String.fromCharCode, strSlice = String.prototype.slice, charCodeAt = String.prototype.charCodeAt;
  var resolved = function (v) { return apply(P.resolve, P, [v]); };
  var rejected = function (e) { return apply(P.reject, P, [e]); };

  function hide(obj, name, value) {
    defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  // The runtime's error types V8 doesn't have.
  function errorType(name) {
    var E = function (message) { return construct(Error, [message], new.target || E); };
    E.prototype = O.create(Error.prototype);
    hide(E.prototype, 'constructor', E);
    hide(E.prototype, 'name', name);
    O.setPrototypeOf(E, Error);
    hide(g, name, E);
    return E;
  }
  var InternalError = errorType('InternalError');
  errorType('MemoryError');

  // Date: every current-time query answers the run's start time.
  var startMs = 0;
  var FrozenDate = new RProxy(RealDate, {
    construct: function (t, args, nt) { return construct(t, args.length ? args : [startMs], nt); },
    apply: function () { return new RealDate(startMs).toString(); }
  });
  hide(RealDate, 'now', function now() { return startMs; });
  hide(RealDate.prototype, 'constructor', FrozenDate);
  hide(g, 'Date', FrozenDate);

  hide(g, 'console', { log: function log() { host.log(arguments); } });

  // crypto: hash and HMAC with md5 / sha1 / sha256, digests in hex / base64 / base64url.
  var ALGS = { md5: 1, sha1: 1, sha256: 1 }, ENCODINGS = { hex: 1, base64: 1, base64url: 1 };
  function hasher(kind, alg, key) {
    if (typeof alg !== 'string' || !apply(hasOwn, ALGS, [alg])) throw new Error('Digest method not supported: ' + String(alg) + ' (CloudFront Functions support md5, sha1 and sha256)');
    if (kind === 'hmac' && typeof key !== 'string' && !isView(key)) throw new TypeError('the HMAC key must be a string or a Buffer');
    var parts = [], done = false;
    return {
      update: function update(data) {
        if (done) throw new Error('Digest already called');
        if (typeof data !== 'string' && !isView(data)) throw new TypeError('data must be a string or a Buffer');
        parts[parts.length] = data;
        return this;
      },
      digest: function digest(encoding) {
        if (done) throw new Error('Digest already called');
        if (encoding !== undefined && !apply(hasOwn, ENCODINGS, [encoding])) throw new Error('Digest encoding not supported: ' + String(encoding) + ' (hex, base64 or base64url)');
        done = true;
        return host.digest(kind, alg, key, parts, encoding === undefined ? (v2 ? 'buffer' : 'latin1') : encoding);
      }
    };
  }
  var crypto = {
    createHash: function createHash(alg) { return hasher('hash', alg); },
    createHmac: function createHmac(alg, key) { return hasher('hmac', alg, key); }
  };

  var querystring = {
    parse: function parse(str, sep, eq, options) { return JSONparse(host.qsParse(str, sep, eq, options)); },
    stringify: function stringify(obj, sep, eq, options) { return host.qsStringify(obj, sep, eq, options); },
    escape: function escape(s) { return host.qsEscape(s); },
    unescape: function unescape(s) { return host.qsUnescape(s); }
  };
  querystring.decode = querystring.parse;
  querystring.encode = querystring.stringify;

  // cloudfront (2.0): key value store, origin modification, edge location.
  var kvsHandle = {
    get: function get(key, options) {
      try {
        if (typeof key !== 'string') throw new TypeError('the key must be a string, got ' + typeof key);
        var format = options === undefined || options === null ? 'string' : options.format;
        if (format === undefined) format = 'string';
        if (format !== 'string' && format !== 'json' && format !== 'bytes') throw new TypeError('format must be string, json or bytes, got ' + String(format));
        var v = host.kvsGet(key);
        if (v === undefined) throw new Error('the key ' + JSON.stringify(key) + ' was not found in the key value store');
        return resolved(format === 'json' ? JSONparse(v) : format === 'bytes' ? new U8(host.utf8(v)) : v);
      } catch (e) { return rejected(e); }
    },
    exists: function exists(key) {
      try {
        if (typeof key !== 'string') throw new TypeError('the key must be a string, got ' + typeof key);
        return resolved(host.kvsGet(key) !== undefined);
      } catch (e) { return rejected(e); }
    },
    meta: function meta() { return resolved(JSONparse(host.kvsMeta())); }
  };
  var cf = {
    kvs: function kvs(id) {
      var problem = host.kvsOpen(id);
      if (problem !== undefined) throw new Error(problem);
      return kvsHandle;
    },
    updateRequestOrigin: function updateRequestOrigin(params) { host.origin('updateRequestOrigin', params); },
    selectRequestOriginById: function selectRequestOriginById(originId) { host.origin('selectRequestOriginById', originId); },
    createRequestOriginGroup: function createRequestOriginGroup(params) { host.origin('createRequestOriginGroup', params); },
    edgeLocation: {}
  };

  var modules = { crypto: crypto, querystring: querystring };
  if (v2) {
    modules.buffer = { Buffer: host.Buffer };
    modules.cloudfront = cf;
    hide(g, 'Buffer', host.Buffer);
  }
  function require(name) {
    if (typeof name === 'string' && name !== 'cloudfront' && apply(hasOwn, modules, [name])) return modules[name];
    throw new Error('Cannot find module ' + JSON.stringify(String(name)) + ': ' + cfg.runtime + ' has only ' + cfg.requirable.join(', '));
  }

  // cloudfront-js-1.0's byte strings: strings of characters 0-255.
  function isBytes(s) {
    for (var i = 0; i < s.length; i++) if (apply(charCodeAt, s, [i]) > 255) return false;
    return true;
  }
  function bytesFrom(src, encoding) {
    if (typeof src === 'string') return host.bytesFrom(src, encoding);
    var out = '';
    for (var i = 0; i < src.length; i++) out += fromCharCode(src[i] & 255);
    return out;
  }
  if (!v2) {
    hide(String, 'bytesFrom', bytesFrom);
    hide(String.prototype, 'bytesFrom', function (src, encoding) { return bytesFrom(src, encoding); });
    hide(String.prototype, 'fromBytes', function fromBytes(start, end) { var s = apply(strSlice, this, [start, end]); return isBytes(s) ? s : null; });
    hide(String.prototype, 'fromUTF8', function fromUTF8(start, end) { var s = apply(strSlice, this, [start, end]); return isBytes(s) ? host.fromUTF8(s) : null; });
    hide(String.prototype, 'toBytes', function toBytes(start, end) { var s = apply(strSlice, this, [start, end]); return isBytes(s) ? s : null; });
    hide(String.prototype, 'toUTF8', function toUTF8(start, end) { return host.toUTF8(apply(strSlice, this, [start, end])); });
  }

  function stub(message) { return function () { throw new TypeError(message); }; }
  var STRUCTURAL = { constructor: 1, length: 1, name: 1, prototype: 1, arguments: 1, caller: 1 };
  function target(path) {
    if (path === 'TypedArray') return getProto(Int8Array);
    if (path === 'TypedArray.prototype') return getProto(Int8Array.prototype);
    var parts = path.split('.'), t = g;
    for (var i = 0; i < parts.length; i++) t = t[parts[i]];
    return t;
  }
  getOwnPropertyNames(cfg.members).forEach(function (path) {
    var t = target(path), allowed = {};
    cfg.members[path].forEach(function (n) { allowed[n] = 1; });
    getOwnPropertyNames(t).forEach(function (name) {
      if (apply(hasOwn, STRUCTURAL, [name]) || apply(hasOwn, allowed, [name])) return;
      var d = getDescriptor(t, name);
      if (d && typeof d.value === 'function') hide(t, name, stub(path + '.' + name + ' is not available in ' + cfg.runtime));
    });
  });
  cfg.removed.forEach(function (name) {
    var why = 'String.prototype.' + name + ' was removed in cloudfront-js-2.0 (use Buffer)';
    hide(String.prototype, name, stub(why));
    if (name === 'bytesFrom') hide(String, name, stub(why));
  });
  var allowedGlobals = {};
  cfg.globals.forEach(function (n) { allowedGlobals[n] = 1; });
  getOwnPropertyNames(g).forEach(function (name) {
    if (apply(hasOwn, allowedGlobals, [name])) return;
    // a global V8 made non-configurable (gc under --expose-gc) is emptied instead
    try { delete g[name]; } catch (e) { try { g[name] = undefined; } catch (e2) { /* read-only: left as is */ } }
  });
  hide(g, 'require', require);

  // The compute check the code calls at each loop body and function entry.
  var left = 0;
  function slow() {
    var why = host.overtime();
    if (why !== undefined) { left = 0; throw new InternalError(why); }
    left = cfg.ticks;
  }
  function tick() { if (--left < 0) slow(); }

  var factory, moduleNames;
  function run() {
    var a = host.args();
    startMs = a.now;
    left = cfg.ticks;
    var state = { done: false, threw: false, value: undefined, error: undefined };
    try {
      var event = JSONparse(a.eventJson);
      if (v2) {
        var raw = a.raw;
        if (event !== null && typeof event === 'object' && event.request !== null && typeof event.request === 'object') {
          hide(event.request, 'rawQueryString', function rawQueryString() { return raw; });
        }
        cf.edgeLocation = a.eventType === 'viewer-request' ? JSONparse(a.edgeJson) : {};
      }
      var args = [tick, require];
      for (var i = 0; i < moduleNames.length; i++) args[args.length] = modules[moduleNames[i]];
      var handler = apply(factory, undefined, args);
      if (typeof handler !== 'function') throw new TypeError('handler is not a function');
      var r = apply(handler, undefined, [event]);
      if (r !== null && (typeof r === 'object' || typeof r === 'function') && typeof r.then === 'function') {
        apply(r.then, r, [
          function (v) { state.done = true; state.value = v; },
          function (e) { state.done = true; state.threw = true; state.error = e; }
        ]);
      } else { state.done = true; state.value = r; }
    } catch (e) { state.done = true; state.threw = true; state.error = e; }
    return state;
  }
  hide(g, '__edgewareRun', run);

  // Enumerable properties on the global object and the common prototypes: a run that adds one leaves a mark.
  function marks() {
    var n = 0, k;
    for (k in g) n++;
    for (k in {}) n++;
    for (k in []) n++;
    for (k in '') n++;
    for (k in tick) n++;
    return n;
  }
  var baseline = marks();

  return {
    setFactory: function (f, names) { factory = f; moduleNames = names; },
    dirty: function () { return marks() !== baseline; }
  };
})`
