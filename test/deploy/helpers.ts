/**
 * A small site to deploy and the AWS stand-ins it deploys to: the CLI runs in-process against them (the SDK's
 * default chain reads the test credentials and AWS_ENDPOINT_URL from the environment).
 */
import { readFileSync } from 'node:fs'
import { startFakeAws, type FakeAws } from '../aws/index.js'
import type { AwsCall } from '../aws/server.js'
import { writeProject } from '../build/helpers.js'

export const VIEWER = `import { viewerRequest } from 'edgeware'
export const handler = viewerRequest(async (c, next) => { c.request.headers.set('x-v', '1'); await next() })
`
export const ORIGIN = `import { originRequest } from 'edgeware'
import { dynamoOrigin } from 'edgeware/origin'
export const handler = originRequest(dynamoOrigin({ table: process.env.ORIGINS_TABLE!, replicas: ['us-east-1', 'eu-west-1'], ttl: 60 }))
`
export const RESPONSE = `import { viewerResponse } from 'edgeware'
export const handler = viewerResponse(async (c, next) => { await next(); c.response.headers.set('x-r', '1') })
`

/** wrangler.toml of the test site (name "shop"); `response` adds a viewer-response function. */
export function siteToml(opts: { response?: boolean } = {}): string {
  return `name = "shop"
[vars]
ORIGINS_TABLE = "shop-routes"
[[edge.origins]]
id = "app"
url = "https://app.example.com"
[edge.dynamodb]
table = "shop-routes"
[edge.default_behavior]
origin = "app"
viewer_request = "edge-functions/viewer.ts"
origin_request = "edge-functions/origin.ts"
${opts.response ? 'viewer_response = "edge-functions/response.ts"\n' : ''}
# environments with nothing of their own: only their names (stacks, functions, secrets) differ
[env.first]
[env.staging]
`
}

/** A fresh site directory; resolves to its wrangler.toml. */
export function site(opts: { response?: boolean } = {}): Promise<string> {
  return writeProject({ 'wrangler.toml': siteToml(opts), 'edge-functions/viewer.ts': VIEWER, 'edge-functions/origin.ts': ORIGIN, 'edge-functions/response.ts': RESPONSE }, 'deploy-')
}

/**
 * Starts the stand-ins (`buckets` as {@link startFakeAws} takes them) and points the environment at them;
 * `restore()` puts the environment back and stops them.
 */
export async function fakeAwsEnv(buckets?: Record<string, string>): Promise<FakeAws & { restore(): Promise<void> }> {
  const aws = await startFakeAws(buckets)
  const saved: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(aws.env)) {
    saved[k] = process.env[k]
    process.env[k] = v
  }
  for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) {
    saved[k] = process.env[k]
    delete process.env[k]
  }
  return Object.assign(aws, {
    async restore() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      await aws.close()
    },
  })
}

/**
 * `service:Action` of each call in order, polling and paging folded: DescribeChangeSet (or ListStackResources)
 * calls in a row become `cloudformation:DescribeChangeSet*` (`…ListStackResources*`), and the DescribeStackEvents / DescribeStacks rounds that follow an
 * operation (by stack id) become `cloudformation:follow*`.
 */
export function callTrace(calls: readonly AwsCall[]): string[] {
  const out: string[] = []
  for (const c of calls) {
    let name = `${c.service}:${c.action}`
    const last = out[out.length - 1]
    if (c.action === 'DescribeChangeSet' || c.action === 'ListStackResources') name += '*'
    const following = last === 'cloudformation:follow*' || last === 'cloudformation:ExecuteChangeSet' || last === 'cloudformation:DeleteStack'
    if (following && (c.action === 'DescribeStackEvents' || c.action === 'DescribeStacks') && String(c.input.StackName).startsWith('arn:')) name = 'cloudformation:follow*'
    if (name.endsWith('*') && last === name) continue
    out.push(name)
  }
  return out
}

/** The JSON of a file. */
export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}
