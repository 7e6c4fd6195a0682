import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/distribution/index.js'
import { ConfigError as LegacyConfigError } from '../../src/simulator/config.js'
import { BASE, FILE, problems } from './helpers.js'

describe('every problem of a file at once', () => {
  it('reports five distinct problems in one ConfigError, each with its key and value', () => {
    const e = problems(`[dev]
port = 70000
[edge]
limits = "fast"
[[edge.origins]]
id = "app"
url = "http://localhost:3000"
connection_attempts = 9
[edge.default_behavior]
origin = "app"
viewer_protocol_policy = "sometimes"
[[edge.custom_error_responses]]
error_code = 418
`)
    expect(e.problems.map((p) => [p.key, p.value])).toEqual([
      ['dev.port', 70000],
      ['edge.limits', 'fast'],
      ['edge.origins[0].connection_attempts', 9],
      ['edge.default_behavior.viewer_protocol_policy', 'sometimes'],
      ['edge.custom_error_responses[0].error_code', 418],
    ])
    const lines = e.message.split('\n')
    expect(lines).toHaveLength(5)
    for (const l of lines) expect(l.startsWith(`${FILE}: `)).toBe(true)
    expect(lines[1]).toBe(`${FILE}: edge.limits: expected "classic" or "current", got "fast"`)
    expect(e).toMatchObject({ file: FILE, key: 'dev.port', value: 70000 })
  })

  it('is the ConfigError the simulator and the build import', () => {
    expect(problems('foo = 1')).toBeInstanceOf(LegacyConfigError)
    expect(LegacyConfigError).toBe(ConfigError)
  })

  it('names file:line:column for a TOML syntax error', () => {
    const e = problems('name = "x"\n[edge]\nregion = \n')
    expect(e.message).toBe(`${FILE}:3:10: not valid TOML: invalid value`)
    expect(e.problems[0]).toMatchObject({ line: 3, column: 10 })
  })

  it('does not report an invalid origin again for each behavior that targets it', () => {
    const e = problems(`[[edge.origins]]
id = "app"
url = "ftp://x"
[edge.default_behavior]
origin = "app"
[[edge.behaviors]]
path_pattern = "/a/*"
origin = "app"
`)
    expect(e.problems.map((p) => p.key)).toEqual(['edge.origins[0].url'])
  })

  it('does not report an invalid policy again for each behavior that names it', () => {
    const e = problems(`${BASE}cache_policy = "p"
[[edge.behaviors]]
path_pattern = "/a/*"
origin = "app"
cache_policy = "p"
[[edge.cache_policies]]
id = "p"
min_ttl = -5
`)
    expect(e.problems.map((p) => p.key)).toEqual(['edge.cache_policies[0].min_ttl'])
  })

  it('keeps the single-problem constructor', () => {
    const e = new ConfigError('w.toml', 'edge.region', 'not an AWS region name: "x"', 'x')
    expect(e).toMatchObject({ message: 'w.toml: edge.region: not an AWS region name: "x"', key: 'edge.region', value: 'x', problems: [{ key: 'edge.region', value: 'x' }] })
  })
})
