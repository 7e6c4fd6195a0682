import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseConfig } from '../../src/distribution/index.js'
import { FIXTURES } from './helpers.js'

const file = join(FIXTURES, 'wrangler.toml')
const base = `
[[edge.origins]]
id = "app"
url = "http://localhost:3000"
[edge.default_behavior]
origin = "app"
`
const err = (toml: string): ConfigError => {
  try {
    parseConfig(toml, file)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return e as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('reads the root example (contract 6) with absolute paths, function names and stages', async () => {
    const c = await loadConfig(join(FIXTURES, '..', '..', '..', 'wrangler.toml'))
    expect(c.vars).toEqual({ ORIGINS_TABLE: 'edge-origins' })
    expect(c.edge.origins.map((o) => [o.id, o.kind === "custom" && o.url, o.kind === "custom" && o.example])).toEqual([
      ['app', 'http://localhost:8788', 'tour'],
      ['blog', 'http://localhost:8789', 'tour'],
      ['assets', false, false],
      ['api', false, false],
    ])
    expect(c.edge.origins[3]).toMatchObject({ kind: 'lambda' })
    expect(c.edge.origins[2]).toMatchObject({ kind: 's3', bucket: 'edgeware-example-assets', dir: join(FIXTURES, '..', '..', '..', 'public') })
    expect(c.edge.dynamodb).toMatchObject({ local: true, table: 'edge-origins' })
    expect(c.behaviors.map((b) => b.pathPattern)).toEqual(['/api/*', '/static/*', '*'])
    expect(c.functions.map((f) => f.name).sort()).toEqual(['api-viewer-request', 'site-origin-request', 'site-origin-response', 'site-viewer-request', 'site-viewer-response'])
  })

  it('applies defaults', () => {
    const c = parseConfig(base, file)
    expect(c.dev.port).toBe(8787)
    expect(c.edge).toMatchObject({ runtime: 'nodejs22.x', limitsName: 'classic', region: 'us-east-1' })
    expect(c.edge.limits.viewer.timeoutMs).toBe(5000)
    expect(c.behaviors).toHaveLength(1)
    expect(c.behaviors[0]).toMatchObject({ pathPattern: '*', isDefault: true, originId: 'app', includeBody: [] })
    expect(c.behaviors[0]!.cache).toEqual({ defaultTtl: 86400, minTtl: 0, maxTtl: 31536000, headers: [], cookies: [], queryStrings: 'none' })
    expect(c.path).toBe(file)
    expect(c.root).toBe(FIXTURES)
  })

  it('names functions from their entry path and merges stages and behaviors', () => {
    const c = parseConfig(
      `${base}viewer_request = "functions/vreq.mjs"
viewer_response = "functions/vresp.mjs"
[[edge.behaviors]]
path_pattern = "/x/*"
origin = "app"
viewer_request = "functions/vreq.mjs"
include_body = ["viewer_request"]
[edge.functions.functions-vreq]
memory = 128
timeout = 3
`,
      file,
    )
    const vreq = c.functions.find((f) => f.name === 'functions-vreq')!
    expect(vreq).toMatchObject({ entry: join(FIXTURES, 'functions/vreq.mjs'), stages: ['viewer-request'], behaviors: ['/x/*', '*'], memoryMb: 128, timeoutS: 3 })
    expect(c.behaviors[0]!.includeBody).toEqual(['viewer-request'])
  })

  it.each([
    ['an unknown top-level key', `foo = 1\n${base}`, /toml: foo: unknown key/],
    ['an unknown behavior key', `${base}viewer_requst = "x.ts"`, /edge\.default_behavior\.viewer_requst: unknown key/],
    ['a bad limits name', `[edge]\nlimits = "fast"\n${base}`, /edge\.limits: expected "classic" or "current", got "fast"/],
    ['a bad runtime', `[edge]\nruntime = "python3.13"\n${base}`, /edge\.runtime: .*"python3\.13"/],
    ['a bad region', `[edge]\nregion = "mars"\n${base}`, /edge\.region: not an AWS region name: "mars"/],
    ['a port out of range', `[dev]\nport = 70000\n${base}`, /dev\.port: expected an integer from 0 to 65535, got 70000/],
    ['no origins', `[edge.default_behavior]\norigin = "app"`, /edge\.origins: at least one/],
    ['a non-http origin url', base.replace('http://localhost:3000', 'ftp://x'), /edge\.origins\[0\]\.url: protocol must be http or https/],
    ['an origin port CloudFront refuses', base.replace('localhost:3000', 'localhost:81'), /edge\.origins\[0\]\.url: port must be 80, 443 or 1024-65535/],
    ['an unknown origin id', base.replace('origin = "app"', 'origin = "nope"'), /edge\.default_behavior\.origin: no \[\[edge\.origins\]\] with id "nope"/],
    ['a missing function file', `${base}viewer_request = "missing.ts"`, /edge\.default_behavior\.viewer_request: file not found: "missing\.ts"/],
    ['IncludeBody on a response stage', `${base}include_body = ["origin_response"]`, /include_body\[0\]: The IncludeBody option can only be used with viewer-request or origin-request events/],
    ['a TTL order CloudFront refuses', `${base}cache = { default_ttl = 10, min_ttl = 20 }`, /edge\.default_behavior\.cache\.default_ttl: must be between min_ttl \(20\)/],
    ['bad query_strings', `${base}cache = { query_strings = "some" }`, /cache\.query_strings: expected "all", "none" or an array/],
    ['a bad path pattern', `${base}[[edge.behaviors]]\npath_pattern = "/a b"\norigin = "app"`, /edge\.behaviors\[0\]\.path_pattern: not a CloudFront path pattern/],
    ['a missing default behavior', base.replace('[edge.default_behavior]\norigin = "app"', ''), /edge\.default_behavior: is required/],
    ['a read timeout out of the classic range', base.replace('url = "http://localhost:3000"', 'url = "http://localhost:3000"\nread_timeout = 1'), /edge\.origins\[0\]\.read_timeout: expected an integer from 4 to 60, got 1/],
    ['a timeout over the viewer limit', `${base}viewer_request = "functions/vreq.mjs"\n[edge.functions.functions-vreq]\ntimeout = 10`, /edge\.functions\.functions-vreq\.timeout: The function timeout is larger than the maximum allowed .*10 Max allowed: 5/],
    ['memory over the viewer limit', `${base}viewer_request = "functions/vreq.mjs"\n[edge.functions.functions-vreq]\nmemory = 1024`, /memory size is larger than the maximum allowed size .*1024 Max allowed: 128/],
    ['settings for an unknown function', `${base}[edge.functions.ghost]\ntimeout = 1`, /edge\.functions\.ghost: no function named "ghost"/],
    ['a var that is not a scalar', `[vars]\nA = [1]\n${base}`, /vars\.A: expected a string, number or boolean/],
    ['invalid TOML', `name = `, /not valid TOML/],
  ])('rejects %s, naming the file and the key', (_, toml, re) => {
    const e = err(toml)
    expect(e.message).toMatch(re)
    expect(e.message.startsWith(file)).toBe(true)
  })

  it('accepts the wider origin ranges of the current limits profile', () => {
    const c = parseConfig(`[edge]\nlimits = "current"\n${base.replace('url = "http://localhost:3000"', 'url = "http://localhost:3000"\nread_timeout = 1')}`, file)
    expect(c.edge.origins[0]!.readTimeout).toBe(1)
  })

  it('names an unreadable file', async () => {
    await expect(loadConfig(join(FIXTURES, 'nope.toml'))).rejects.toThrow(/nope\.toml: \(file\): cannot read config: ENOENT/)
  })
})
