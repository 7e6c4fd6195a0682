/**
 * A distribution routed by the origin table, for tests of where that table lives: two example origins (`app`,
 * `blog`), the origin-request lookup, nothing cached, and the `[edge.dynamodb]` a test gives.
 */
import { request } from 'node:http'
import { join } from 'node:path'
import { FIXTURES } from '../simulator/helpers.js'

/** The origin-request function: `dynamoOrigin` on `process.env.ORIGINS_TABLE`. */
export const ORIGIN_REQUEST = join(FIXTURES, 'functions', 'dynamo-oreq.ts')

/**
 * The wrangler.toml: `[vars] ORIGINS_TABLE = "origins"`, the example origins on `app` and `blog`, `[edge.dynamodb]`
 * from `dynamodb` (its lines), `more` appended (e.g. `[env.*]` tables).
 */
export function routedSiteToml(o: { name: string; app: number; blog: number; dynamodb: string; edgePort?: number; more?: string }): string {
  return `name = "${o.name}"
[vars]
ORIGINS_TABLE = "origins"
${o.edgePort !== undefined ? `[dev]\nport = ${o.edgePort}\n` : ''}[[edge.origins]]
id = "app"
url = "http://localhost:${o.app}"
example = true
[[edge.origins]]
id = "blog"
url = "http://localhost:${o.blog}"
example = true
[edge.dynamodb]
${o.dynamodb}
[edge.default_behavior]
origin = "app"
origin_request = "${ORIGIN_REQUEST}"
cache = { default_ttl = 0, max_ttl = 0, headers = ["host"] }
${o.more ?? ''}`
}

/** Which example origin (`app`, `blog`) the edge on `port` sends a request for `host` to (else the status and body). */
export function originFor(port: number | string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const q = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (r) => {
      let body = ''
      r.setEncoding('utf8')
      r.on('data', (c: string) => (body += c))
      r.on('end', () => resolve(/example origin <b>(\w+)<\/b>/.exec(body)?.[1] ?? `(no example origin: ${r.statusCode} ${body.slice(0, 200)})`))
    })
    q.on('error', reject)
    q.end()
  })
}
