import fc from 'fast-check'
import { stringify } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/distribution/index.js'
import { BASE, expectProblem, FILE, problems } from './helpers.js'

// Every key the distribution model knows, set to a valid value; the fuzz below replaces one or more of them (or the
// tables around them) with arbitrary TOML values. Whatever it writes, parseConfig either returns a model or throws a
// ConfigError whose problems each name a key: never a TypeError, a RangeError or a hang.

type Toml = Record<string, unknown>

const VALID: Toml = {
  name: 'site',
  compatibility_date: '2026-11-01',
  vars: { TABLE: 'edge-origins', DEBUG: true, N: 3 },
  dev: { port: 8787, ip: '127.0.0.1', viewer: { country: 'US', city: 'Seattle', latitude: 47.6, time_zone: 'America/Los_Angeles' } },
  edge: {
    runtime: 'nodejs22.x',
    limits: 'classic',
    region: 'us-east-1',
    default_root_object: 'index.html',
    origins: [
      { id: 'app', url: 'http://127.0.0.1:3000', domain: 'app.example.com', protocol_policy: 'https-only', connection_attempts: 3, connection_timeout: 10, custom_headers: { 'x-origin': 'edge' } },
      { id: 'backup', url: 'http://127.0.0.1:3001' },
      { id: 'assets', s3: { dir: 'public', bucket: 'my-site-assets', region: 'us-east-1' } },
      { id: 'api', lambda: { handler: 'api/handler.mjs', integration: 'alb', multi_value_headers: false } },
    ],
    origin_groups: [{ id: 'app-ha', members: ['app', 'backup'], failover_status_codes: [500, 502, 503, 504] }],
    default_behavior: {
      origin: 'app-ha',
      cache_policy: 'by-language',
      origin_request_policy: 'viewer-country',
      response_headers_policy: 'site-headers',
      allowed_methods: ['GET', 'HEAD', 'OPTIONS'],
      cached_methods: ['GET', 'HEAD'],
      viewer_protocol_policy: 'redirect-to-https',
      compress: true,
      viewer_request_function: 'cff/router.js',
      origin_request: 'functions/oreq.mjs',
    },
    behaviors: [
      { path_pattern: '/api/*', origin: 'api', allowed_methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'], viewer_request: 'functions/vreq.mjs', include_body: ['viewer_request'], cache_policy: 'CachingDisabled' },
      { path_pattern: '/static/*', origin: 'assets', cache: { default_ttl: 60, min_ttl: 0, max_ttl: 3600, headers: ['accept'], cookies: [], query_strings: 'all' }, viewer_response_function: 'cff/headers.js' },
    ],
    cache_policies: [{ id: 'by-language', min_ttl: 0, default_ttl: 86400, max_ttl: 31536000, headers: ['accept-language'], cookies: 'none', query_strings: { all_except: ['utm'] }, gzip: true, brotli: true }],
    origin_request_policies: [{ id: 'viewer-country', headers: ['cloudfront-viewer-country'], cookies: 'none', query_strings: 'all' }],
    response_headers_policies: [
      {
        id: 'site-headers',
        security: { hsts: 'max-age=63072000; includeSubDomains', content_type_options: true, frame_options: 'DENY', referrer_policy: 'same-origin', csp: "default-src 'self'", override: true },
        cors: { allow_origins: ['https://example.com'], allow_methods: ['GET', 'HEAD'], allow_headers: ['*'], allow_credentials: false, max_age: 600, override: true },
        custom: [{ name: 'X-Site', value: 'example', override: true }],
        remove: ['server'],
      },
    ],
    custom_error_responses: [{ error_code: 404, response_page_path: '/404.html', response_code: 404, error_caching_min_ttl: 10 }],
    key_value_stores: [{ id: 'routes', data: 'routes.kvs.json' }],
    cloudfront_functions: { router: { runtime: 'cloudfront-js-2.0', key_value_store: 'routes', comment: 'routes' } },
    functions: { 'functions-oreq': { memory: 128, timeout: 5 } },
  },
  env: { production: { name: 'site-prod', vars: { TABLE: 'prod-origins' }, edge: { region: 'eu-west-1', origin_groups: [{ id: 'app-ha', members: ['backup', 'app'] }] } } },
}

/** Dotted paths of every value in the document (tables, arrays and leaves), array items by index. */
function paths(v: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (path.length) out.push(path)
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...path, i], out))
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...path, k], out)
  return out
}
const PATHS = paths(VALID)

function setAt(doc: Toml, path: readonly (string | number)[], value: unknown): Toml {
  const copy = structuredClone(doc)
  let t = copy as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) t = t[k] as Record<string | number, unknown>
  t[path[path.length - 1]!] = value
  return copy
}

// Values TOML can hold, weighted towards what a user gets wrong: the wrong type, out of range, NaN-like strings.
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', 'NaN', 'nan', 'Infinity', '-1', '1e309', '0x10', 'true', 'none', 'all', '*', '/', '../../etc/passwd', 'constructor', '__proto__', 'toString', 'app', 'routes', 'x'.repeat(5000)),
  fc.integer(),
  fc.constantFrom(0, -1, 65536, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5, -0),
  fc.boolean(),
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
)
const key = fc.oneof(fc.constantFrom('id', 'url', 'origin', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'data', 'members', 'headers'), fc.string({ minLength: 1, maxLength: 8 }))
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 4, arbitrary: scalar }, tie('array'), tie('table')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  table: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})).value
const special = fc.constantFrom<unknown>(
  Array.from({ length: 5000 }, (_, i) => `h${i}`),
  Array.from({ length: 2000 }, () => ({ id: 'app', url: 'http://127.0.0.1:3000' })),
  JSON.parse('['.repeat(200) + ']'.repeat(200)) as unknown,
  [[[]]],
  [{}],
  {},
  [],
)

const mutation = fc.tuple(fc.constantFrom(...PATHS), fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: special }))
const addition = fc.tuple(fc.constantFrom(...PATHS.filter((p) => typeof p[p.length - 1] === 'string').map((p) => [...p.slice(0, -1), '']), [''] as (string | number)[]), key, value)

function attempt(doc: Toml, env?: string): void {
  let text: string
  try {
    text = stringify(doc)
  } catch {
    return // not expressible in TOML (e.g. a key smol-toml refuses): nothing a user could write
  }
  try {
    parseConfig(text, FILE, env ? { env } : {})
  } catch (e) {
    if (!(e instanceof ConfigError)) throw new Error(`parseConfig crashed on:\n${text.slice(0, 2000)}\n${(e as Error).stack}`)
    expect(e.problems.length).toBeGreaterThan(0)
    for (const p of e.problems) {
      expect(typeof p.key).toBe('string')
      expect(p.key.length).toBeGreaterThan(0)
      expect(p.message.length).toBeGreaterThan(0)
    }
  }
}

describe('parseConfig under arbitrary values at every known key', () => {
  it('the valid base parses, with and without its environment', () => {
    const text = stringify(VALID)
    expect(parseConfig(text, FILE).edge.origins.map((o) => o.id)).toEqual(['app', 'backup', 'assets', 'api'])
    expect(parseConfig(text, FILE, { env: 'production' }).edge.region).toBe('eu-west-1')
  })

  it('one to three values replaced: a model or a ConfigError naming keys, never a crash', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (ms, withEnv) => {
        let doc = VALID
        for (const [p, v] of ms) {
          try {
            doc = setAt(doc, p, v)
          } catch {
            // an earlier mutation removed the table this path goes through
          }
        }
        attempt(doc, withEnv ? 'production' : undefined)
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261206), numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    )
  })

  it('unknown keys added anywhere: a ConfigError, never a crash', () => {
    fc.assert(
      fc.property(addition, ([p, k, v]) => {
        const path = [...p.slice(0, -1), k]
        attempt(setAt(VALID, path, v))
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261207), numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    )
  })
})

describe('parseConfig: names that are also JavaScript object properties', () => {
  it('an [env.<name>.edge.__proto__] table is an unknown key, never the edge table\'s prototype', () => {
    const e = problems(`${BASE}[env.p.edge.__proto__]\nregion = "eu-west-1"\n`, { env: 'p' })
    expect(e.problems.map((p) => p.key)).toEqual(['env.p.edge.__proto__'])
    expect(e.message).toMatch(/unknown key/)
  })

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('--env %s without such an environment is an error listing the known ones', (env) => {
    expectProblem(`${BASE}[env.staging]\nname = "s"\n`, 'env', /no \[env\..*\] in the config \(known environments: staging\)/, { env })
    expectProblem(BASE, 'env', /no \[env\..*\] in the config \(known environments: none\)/, { env })
  })

  it('a [vars] key __proto__ is refused by name (it would be lost, not baked)', () => {
    expectProblem(`${BASE}[vars]\n__proto__ = "x"\n`, 'vars.__proto__', /not a valid variable name: "__proto__"/)
  })

  it('include_body = ["toString"] is an unknown stage', () => {
    expectProblem(BASE.replace('origin = "app"\n', 'origin = "app"\ninclude_body = ["toString"]\n'), 'edge.default_behavior.include_body[0]', /unknown stage "toString"/)
  })
})
