import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { build } from '../../src/build/index.js'
import { expectLintClean, HAS_CFN_LINT } from './cfn-lint.js'
import { cleanTempDirs, FIXTURES, REPO, tempDir, writeProject } from './helpers.js'

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

/** CloudFront Functions of both runtimes beside Lambda@Edge, one with a key value store. */
const FUNCTIONS = `name = "cff-lint"
[[edge.origins]]
id = "app"
domain = "app.example.com"
[[edge.key_value_stores]]
id = "routes"
data = "routes.kvs.json"
[edge.cloudfront_functions.router]
key_value_store = "routes"
[edge.cloudfront_functions.headers]
runtime = "cloudfront-js-1.0"
[edge.default_behavior]
origin = "app"
viewer_request_function = "router.ts"
origin_request = "fn.js"
[[edge.behaviors]]
path_pattern = "/docs/*"
origin = "app"
viewer_response_function = "headers.js"
`

/** A Lambda origin of each integration in us-east-1 (the edge template), and two in eu-west-1 (their own template). */
const ORIGINS = `name = "origins-lint"
[[edge.origins]]
id = "rest"
lambda = { handler = "api.js", integration = "rest" }
[[edge.origins]]
id = "http"
lambda = { handler = "api.js", integration = "http" }
[[edge.origins]]
id = "alb"
lambda = { handler = "api.js", integration = "alb", multi_value_headers = true }
[[edge.origins]]
id = "url"
lambda = { handler = "api.js", integration = "url" }
[[edge.origins]]
id = "eu-url"
lambda = { handler = "api.js", integration = "url", auth_type = "NONE", region = "eu-west-1" }
[[edge.origins]]
id = "eu-alb"
lambda = { handler = "api.js", integration = "alb", region = "eu-west-1" }
[edge.default_behavior]
origin = "rest"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
[[edge.behaviors]]
path_pattern = "/http/*"
origin = "http"
[[edge.behaviors]]
path_pattern = "/alb/*"
origin = "alb"
[[edge.behaviors]]
path_pattern = "/url/*"
origin = "url"
allowed_methods = ["GET", "HEAD"]
[[edge.behaviors]]
path_pattern = "/eu/*"
origin = "eu-url"
[[edge.behaviors]]
path_pattern = "/eu-alb/*"
origin = "eu-alb"
`

describe('cfn-lint on the templates the build writes', () => {
  // Each case is a whole distribution: the example, one with every feature, the legacy form, S3 and a group.
  const cases: [string, () => Promise<string>][] = [
    ['the example wrangler.toml', async () => join(REPO, 'wrangler.toml')],
    ['every feature of the model', async () => join(FIXTURES, 'distribution', 'wrangler.toml')],
    ['the legacy cache form', async () => join(FIXTURES, 'site', 'wrangler.toml')],
    [
      'S3 origins in an origin group',
      () => writeProject({ 'wrangler.toml': S3_GROUP, 'fn.js': 'exports.handler = async (e) => e.Records[0].cf.response\n', 'public/index.html': 'hi\n' }, 'lint-'),
    ],
    [
      'CloudFront Functions and a key value store',
      () =>
        writeProject({
          'wrangler.toml': FUNCTIONS,
          'fn.js': 'exports.handler = async (e) => e.Records[0].cf.request\n',
          'router.ts': "import cf from 'cloudfront'\nexport async function handler(event: { request: { uri: string } }) {\n  event.request.uri = await cf.kvs().get(event.request.uri)\n  return event.request\n}\n",
          'headers.js': 'function handler(event) { return event.response }\n',
          'routes.kvs.json': '{"data":[{"key":"/a","value":"/b"}]}',
        }, 'lint-'),
    ],
  ]

  it.skipIf(!HAS_CFN_LINT)('Lambda origins of every integration: the edge template and the eu-west-1 one, no error and no warning', async () => {
    const config = await writeProject({ 'wrangler.toml': ORIGINS, 'api.js': 'exports.handler = async () => ({ statusCode: 200, body: "ok" })\n' }, 'lint-')
    const out = join(await tempDir('lint-out-'), 'out')
    await build({ config, outDir: out })
    for (const file of ['cloudformation.json', 'origins-eu-west-1.json']) expectLintClean(join(out, file))
  })

  it.skipIf(!HAS_CFN_LINT).each(cases)('%s: no error and no warning', async (_, config) => {
    const out = join(await tempDir('lint-out-'), 'out')
    await build({ config: await config(), outDir: out })
    expectLintClean(join(out, 'cloudformation.json'))
  })
})
