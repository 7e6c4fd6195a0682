import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, loadDevVars, parseDevVars, type CustomOriginConfig } from '../../src/distribution/index.js'
import { BASE, expectProblem, parse } from './helpers.js'

const SITE = `name = "site"
[vars]
STAGE = "dev"
TABLE = "edge-origins"
[edge]
region = "us-east-1"
${BASE}cache = { default_ttl = 60 }

[env.production]
vars = { STAGE = "prod" }
[env.production.edge]
region = "eu-west-1"
[[env.production.edge.origins]]
id = "app"
domain = "app.example.com"
[[env.production.edge.origins]]
id = "backup"
domain = "backup.example.com"
[env.production.edge.default_behavior]
cache_policy = "CachingOptimized"

[env.staging]
name = "site-stage"
`
const SITE_OK = SITE.replace('cache = { default_ttl = 60 }', '')
const urls = (c: ReturnType<typeof parse>) => c.edge.origins.map((o) => (o as CustomOriginConfig).url)

describe('[env.<name>] overlays', () => {
  it('without an environment the top-level keys apply and [env] is ignored', () => {
    const c = parse(SITE)
    expect(c).toMatchObject({ name: 'site', vars: { STAGE: 'dev', TABLE: 'edge-origins' }, edge: { region: 'us-east-1' } })
    expect(c.env).toBeUndefined()
    expect(urls(c)).toEqual(['http://localhost:3000'])
  })

  it('replaces arrays of tables and [vars] whole, merges other tables key by key, names the environment', () => {
    const c = parse(SITE_OK, { env: 'production' })
    expect(c.env).toBe('production')
    expect(c.name).toBe('site-production')
    expect(c.vars).toEqual({ STAGE: 'prod' })
    expect(c.edge.region).toBe('eu-west-1')
    expect(urls(c)).toEqual(['https://app.example.com', 'https://backup.example.com'])
    // [env.production.edge.default_behavior] merges: the top-level origin stays, the cache policy is added.
    expect(c.behaviors[0]).toMatchObject({ originId: 'app', cachePolicy: { id: 'CachingOptimized' } })
  })

  it('reports a problem in a value the environment gave under its env key', () => {
    // The environment's cache_policy meets the top-level legacy cache of the same behavior.
    expectProblem(SITE, 'env.production.edge.default_behavior.cache_policy', /either the legacy cache = \{ … \} or cache_policy, not both/, { env: 'production' })
    expectProblem(SITE_OK.replace('region = "eu-west-1"', 'region = "mars"'), 'env.production.edge.region', /not an AWS region name: "mars"/, { env: 'production' })
  })

  it('a behavior whose origin the environment\'s origins array dropped says the array replaced the top-level one, and the ways out', () => {
    const toml = `name = "site"${BASE}[[edge.origins]]\nid = "assets"\ns3 = { dir = ".", bucket = "site-assets", region = "us-east-1" }\n[[edge.behaviors]]\npath_pattern = "/assets/*"\norigin = "assets"\n[env.production]\n[[env.production.edge.origins]]\nid = "app"\ndomain = "app.example.com"\n`
    expectProblem(toml, 'edge.behaviors[0].origin', /no \[\[edge\.origins\]\] with id "assets" \(known: app; \[\[env\.production\.edge\.origins\]\] replaces the whole top-level \[\[edge\.origins\]\] array: repeat every origin there, or give the top-level origin a domain for the build instead\)/, { env: 'production' })
    // without the environment, the same origin is there
    expect(parse(toml).behaviors[0]).toMatchObject({ originId: 'assets' })
  })

  it('keeps an environment\'s own name', () => {
    expect(parse(SITE, { env: 'staging' }).name).toBe('site-stage')
  })

  it('refuses an unknown environment, listing the known ones', () => {
    expectProblem(SITE, 'env', /no \[env\.preview\] in the config \(known environments: production, staging\)/, { env: 'preview' })
    expectProblem(BASE, 'env', /known environments: none/, { env: 'production' })
  })

  it('refuses keys an environment cannot hold', () => {
    expectProblem(`${BASE}[env.production]\nport = 1`, 'env.production.port', /unknown key \(an environment may hold: name, compatibility_date, vars, dev, edge/)
  })

  it('loadConfig takes the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeware-env-'))
    try {
      writeFileSync(join(dir, 'wrangler.toml'), SITE_OK)
      expect((await loadConfig(join(dir, 'wrangler.toml'), { env: 'production' })).edge.region).toBe('eu-west-1')
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})

describe('.dev.vars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeware-devvars-'))
  afterAll(() => rmSync(dir, { recursive: true }))

  it('parses KEY=value lines with comments, export, and quoting', () => {
    expect(
      parseDevVars(
        [
          '# local secrets',
          '',
          'JWT_SECRET=s3cr3t',
          'export API_KEY = "a b # not a comment"',
          "RAW='a\\nb'",
          'ESCAPED="line1\\nline2 \\"q\\""',
          'BARE=value # a comment',
          'EMPTY=',
          'JWT_SECRET=later wins',
        ].join('\n'),
        '.dev.vars',
      ),
    ).toEqual({ JWT_SECRET: 'later wins', API_KEY: 'a b # not a comment', RAW: 'a\\nb', ESCAPED: 'line1\nline2 "q"', BARE: 'value', EMPTY: '' })
  })

  it.each([
    ['a line without =', 'JWT_SECRET', /\.dev\.vars:1:1: expected KEY=value .*got "JWT_SECRET"/],
    ['a bad key', 'A=1\n1KEY=x', /\.dev\.vars:2:1: expected KEY=value/],
    ['an unterminated quote', 'A="abc', /\.dev\.vars:1:1: malformed value "abc/],
    ['text after a closing quote', "A='x' y", /\.dev\.vars:1:1: malformed value/],
  ])('names the file and line of %s', (_, text, re) => {
    let err: unknown
    try {
      parseDevVars(text, '.dev.vars')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toMatch(re)
  })

  it('loads .dev.vars beside the config, .dev.vars.<env> for an environment, {} without one', () => {
    const config = join(dir, 'wrangler.toml')
    expect(loadDevVars(config)).toEqual({})
    writeFileSync(join(dir, '.dev.vars'), 'SECRET=dev\n')
    expect(loadDevVars(config)).toEqual({ SECRET: 'dev' })
    expect(loadDevVars(config, { env: 'production' })).toEqual({ SECRET: 'dev' })
    writeFileSync(join(dir, '.dev.vars.production'), 'SECRET=prod\n')
    expect(loadDevVars(config, { env: 'production' })).toEqual({ SECRET: 'prod' })
  })
})
