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
  var getDescriptor = O.getOwnPropertyDescriptor, hasOwn = O.prototype.hasOwnProperty, keys = O.keys;
  var apply = Reflect.apply, construct = Reflect.construct, RealDate = Date, RProxy = Proxy, RWeakSet = WeakSet;
  var JSONparse = JSON.parse, P = Promise, U8 = Uint8Array, isView = ArrayBuffer.isView;
  var fromCharCode = String.fromCharCode, strSlice = String.prototype.slice, charCodeAt = String.prototype.charCodeAt;
  function latin1Bytes(s) {
    var out = new U8(s.length);
    for (var i = 0; i < s.length; i++) out[i] = apply(charCodeAt, s, [i]);
    return out;
  }
  var resolved = function (v) { return apply(P.resolve, P, [v]); };
  var rejected = function (e) { return apply(P.reject, P, [e]); };

  function hide(obj, name, value) {
    defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  // The host's functions, called so that nothing of the host's realm reaches the code: what one throws becomes
  // an error of this realm with the same name and message (a host error's constructor is the host's Function).
  var ERRORS = { Error: Error, TypeError: TypeError, RangeError: RangeError, SyntaxError: SyntaxError, ReferenceError: ReferenceError, URIError: URIError, EvalError: EvalError };
  function ownError(e) {
    if (e === null || (typeof e !== 'object' && typeof e !== 'function') || e instanceof O) return e;
    var name = 'Error', message = '';
    try { name = String(e.name); message = String(e.message); } catch (e2) { /* unreadable: a plain Error */ }
    return new (apply(hasOwn, ERRORS, [name]) ? ERRORS[name] : Error)(message);
  }
  var rawHost = host;
  host = {};
  getOwnPropertyNames(rawHost).forEach(function (name) {
    var fn = rawHost[name];
    host[name] = function () {
      try { return apply(fn, rawHost, arguments); } catch (e) { throw ownError(e); }
    };
  });

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
        var out = host.digest(kind, alg, key, parts, encoding === undefined ? (v2 ? 'buffer' : 'latin1') : encoding);
        return encoding === undefined && v2 ? cfg.Buffer.from(out, 'hex') : out;
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
        return resolved(format === 'json' ? JSONparse(v) : format === 'bytes' ? latin1Bytes(host.utf8(v)) : v);
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

  // The buffer package's Buffer knows base64url by another name: it decodes - and _ as base64, encodes with + and /.
  function withBase64url(B) {
    var from = B.from, toString = B.prototype.toString, byteLength = B.byteLength, isEncoding = B.isEncoding;
    var replace = String.prototype.replace, lower = String.prototype.toLowerCase;
    function url(enc) { return typeof enc === 'string' && apply(lower, enc, []) === 'base64url'; }
    hide(B, 'from', function from_(value, enc, length) {
      return apply(from, B, url(enc) ? [value, 'base64', length] : arguments);
    });
    hide(B, 'byteLength', function byteLength_(value, enc) { return apply(byteLength, B, url(enc) ? [value, 'base64'] : arguments); });
    hide(B, 'isEncoding', function isEncoding_(enc) { return url(enc) || apply(isEncoding, B, [enc]); });
    hide(B.prototype, 'toString', function toString_(enc, start, end) {
      if (!url(enc)) return apply(toString, this, arguments);
      var s = apply(toString, this, ['base64', start, end]);
      return apply(replace, apply(replace, apply(replace, s, [/\+/g, '-']), [/\//g, '_']), [/=+$/, '']);
    });
    return B;
  }

  var modules = { crypto: crypto, querystring: querystring };
  if (v2) {
    cfg.Buffer = withBase64url(cfg.Buffer);
    modules.buffer = { Buffer: cfg.Buffer };
    modules.cloudfront = cf;
    hide(g, 'Buffer', cfg.Buffer);
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
  // Object.create is listed without its properties list [RT10].
  var realCreate = O.create;
  hide(O, 'create', function create(proto, properties) {
    if (properties !== undefined) throw new TypeError('Object.create with a properties list is not available in ' + cfg.runtime + ' (create the object, then assign its properties)');
    return apply(realCreate, O, [proto]);
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

  // What a run may change that outlives it: the global object, the built-ins and their prototypes, the modules.
  // A run that assigns a new property to one of them (counted by Object.keys: assignment makes it enumerable),
  // replaces or deletes a function or an accessor on it, defines a property on it or changes its prototype or
  // extensibility (the marking calls below) leaves a mark. Data properties are read directly: none of them can
  // have become a getter without a marking call, so reading never runs the code's getters.
  var tracked = [], isExtensible = O.isExtensible;
  function track(o) {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return;
    for (var i = 0; i < tracked.length; i++) if (tracked[i].o === o) return;
    var names = getOwnPropertyNames(o), fns = [];
    tracked[tracked.length] = { o: o, proto: getProto(o), n: keys(o).length, ext: isExtensible(o), fns: fns };
    for (var j = 0; j < names.length; j++) {
      var d = getDescriptor(o, names[j]);
      if (d.get || d.set) fns[fns.length] = [names[j], d.get, d.set, true];
      else if (typeof d.value === 'function') fns[fns.length] = [names[j], d.value, undefined, false];
    }
  }
  function trackTree(o) {
    track(o);
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return;
    var p = getProto(o);
    if (p !== null) track(p);
    if (typeof o === 'function' && hasOwn.call(o, 'prototype')) track(o.prototype);
  }
  function trackAll() {
    track(g);
    getOwnPropertyNames(g).forEach(function (name) { var d = getDescriptor(g, name); if ('value' in d) trackTree(d.value); });
    [getProto(Int8Array), getProto(Int8Array.prototype), RealDate, RealDate.prototype, crypto, querystring, cf, kvsHandle, modules, modules.buffer, g.console, tick].forEach(trackTree);
  }
  // The calls that can turn a data property into an accessor or change a prototype: each marks its target when
  // that is a tracked object, so the check after a run reads data properties directly (no descriptor to allocate).
  var touched = false, trackedSet = new RWeakSet(), setHas = RWeakSet.prototype.has;
  function marking(owner, name) {
    var fn = owner[name];
    if (typeof fn !== 'function') return;
    hide(owner, name, function () {
      var t = arguments[0];
      if (t !== null && (typeof t === 'object' || typeof t === 'function') && apply(setHas, trackedSet, [t])) touched = true;
      return apply(fn, this, arguments);
    });
  }
  function marked(t) {
    var o = t.o;
    if (getProto(o) !== t.proto || isExtensible(o) !== t.ext || keys(o).length !== t.n) return true;
    for (var i = 0; i < t.fns.length; i++) {
      var f = t.fns[i];
      if (f[3]) {
        var d = getDescriptor(o, f[0]);
        if (d === undefined || d.get !== f[1] || d.set !== f[2]) return true;
      } else if (o[f[0]] !== f[1]) return true;
    }
    return false;
  }
  function dirty() {
    if (touched) return true;
    for (var i = 0; i < tracked.length; i++) if (marked(tracked[i])) return true;
    return false;
  }
  ['defineProperty', 'defineProperties', 'setPrototypeOf', 'preventExtensions', 'freeze', 'seal'].forEach(function (n) { marking(O, n); });
  if (typeof g.Reflect === 'object') ['defineProperty', 'setPrototypeOf', 'preventExtensions'].forEach(function (n) { marking(g.Reflect, n); });
  trackAll();
  for (var ti = 0; ti < tracked.length; ti++) apply(RWeakSet.prototype.add, trackedSet, [tracked[ti].o]);

  return {
    setFactory: function (f, names) { factory = f; moduleNames = names; },
    dirty: dirty
  };
})`
