import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build/index.js'
import { cfnLint, HAS_CFN_LINT } from './cfn-lint.js'
import { cleanTempDirs, FIXTURES, REPO, tempDir, writeTree } from './helpers.js'

afterAll(cleanTempDirs)

/** S3 origins only under origin paths, a read timeout on S3 (the "current" profile), an origin group of two buckets. */
const S3_GROUP = `name = "s3-group"
[edge]
limits = "current"
[[edge.origins]]
id = "blue"
origin_path = "/blue"
read_timeout = 60
s3 = { dir = "public", bucket = "site-blue", region = "eu-central-1" }
[[edge.origins]]
id = "green"
s3 = { dir = "public", bucket = "site-green", region = "us-west-2" }
[[edge.origin_groups]]
id = "site"
members = ["blue", "green"]
failover_status_codes = [403, 404, 500]
[[edge.response_headers_policies]]
id = "cors-only"
cors = { allow_origins = ["*"] }
[edge.default_behavior]
origin = "site"
viewer_response = "fn.js"
cache_policy = "CachingOptimized"
response_headers_policy = "cors-only"
`

describe('cfn-lint on the templates the build writes', () => {
  // Each case is a whole distribution: the example, one with every feature, the legacy form, S3 and a group.
  const cases: [string, () => Promise<string>][] = [
    ['the example wrangler.toml', async () => join(REPO, 'wrangler.toml')],
    ['every feature of the model', async () => join(FIXTURES, 'distribution', 'wrangler.toml')],
    ['the legacy cache form', async () => join(FIXTURES, 'site', 'wrangler.toml')],
    [
      'S3 origins in an origin group',
      async () => {
        const dir = await tempDir('lint-')
        writeTree(dir, { 'wrangler.toml': S3_GROUP, 'fn.js': 'exports.handler = async (e) => e.Records[0].cf.response\n', 'public/index.html': 'hi\n' })
        return join(dir, 'wrangler.toml')
      },
    ],
  ]

  it.skipIf(!HAS_CFN_LINT).each(cases)('%s: no error and no warning', async (_, config) => {
    const out = join(await tempDir('lint-out-'), 'out')
    await build({ config: await config(), outDir: out })
    const r = cfnLint(join(out, 'cloudformation.json'))
    expect(r.output).toBe('')
    expect(r.code).toBe(0)
  })
})
