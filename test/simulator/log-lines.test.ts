/**
 * What the dev log prints for a failed request: the request line and one line naming the function, CloudFront's
 * answer and what went wrong (the user's source line of a throw, the rule a result broke), nothing else; the full
 * story with --verbose.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSite, type Site } from './helpers.js'

const SRC = join(import.meta.dirname, '..', '..', 'src', 'index.ts')

const FILES = {
  // line 4 throws, called from line 7
  'fail.ts': `import { viewerRequest } from ${JSON.stringify(SRC)}

function kaput(what: string): never {
  throw new Error('kaput: ' + what)
}
export const handler = viewerRequest(async (c, next) => {
  if (c.request.uri === '/throw') kaput(c.request.uri)
  if (c.request.uri === '/slow') await new Promise((r) => setTimeout(r, 3000))
  await next()
})
`,
  'raw.js': `exports.handler = async (event) => {
  const r = event.Records[0].cf.response
  r.headers['via'] = [{ key: 'Via', value: '1.1 changed.example' }]
  return r
}
`,
}
const TOML = `viewer_request = "fail.ts"
[[edge.behaviors]]
path_pattern = "/raw/*"
origin = "main"
origin_response = "raw.js"
[edge.functions.fail]
timeout = 1
`

/** The lines logged while `run` ran (a logged record is one entry with a line break: counted as its lines). */
async function linesOf(site: Site, run: () => Promise<Response>): Promise<{ res: Response; lines: string[] }> {
  const before = site.h.logs.length
  const res = await run()
  const id = res.headers.get('x-amz-cf-id')!
  await site.h.record(id)
  // anything the containers post about this request arrives within a moment of its record
  await new Promise((r) => setTimeout(r, 100))
  return { res, lines: site.h.logs.slice(before).flatMap((l) => l.split('\n')) }
}

describe('a failed request in the dev log', () => {
  let site: Site
  beforeAll(async () => {
    site = await startSite('log-lines', FILES, TOML)
  }, 60_000)
  afterAll(() => site?.close())

  it('a throw: the request line and one line with the function, 503 LambdaExecutionError, the error and the line of the source', async () => {
    const { res, lines } = await linesOf(site, () => site.h.get('/throw'))
    expect(res.status).toBe(503)
    const id = res.headers.get('x-amz-cf-id')!
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\[edge\] GET \/throw 503 Error /)
    expect(lines[1]).toBe(`  ✗ fail viewer-request → 503 LambdaExecutionError: Error: kaput: /throw at fail.ts:4:9 (x-amz-cf-id ${id})`)
  })

  it('a result that breaks a rule: one line with 502 and the rule, the header named', async () => {
    const { res, lines } = await linesOf(site, () => site.h.get('/raw/a'))
    expect(res.status).toBe(502)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^ {2}✗ raw origin-response → 502 ReadOnlyHeader: The Lambda function result failed validation: The function tried to add, delete, or change a read-only header\. .*\(at headers\.via\) \(x-amz-cf-id .+\)$/)
  })

  it('a timeout: one line with 503 LambdaLimitExceeded and Lambda\'s words, no separate line for the container it ended', async () => {
    const { res, lines } = await linesOf(site, () => site.h.get('/slow'))
    expect(res.status).toBe(503)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^ {2}✗ fail viewer-request → 503 LambdaLimitExceeded: Task timed out after 1\.00 seconds \(x-amz-cf-id .+\)$/)
  })
})

describe('a failed request in the verbose dev log', () => {
  let site: Site
  beforeAll(async () => {
    site = await startSite('log-lines-verbose', FILES, TOML, { verbose: true })
  }, 60_000)
  afterAll(() => site?.close())

  it("shows the function's own error log and the full stack, through edgeware's frames", async () => {
    const { lines } = await linesOf(site, () => site.h.get('/throw'))
    const text = lines.join('\n')
    expect(text).toContain('ERROR {"level":"error","stage":"viewer-request"')
    expect(text).toMatch(/✗ viewer-request: LambdaExecutionError: Error: kaput: \/throw\n\s+at kaput \(.*fail\.ts:4:9\)\n\s+at .*fail\.ts:7:/)
    expect(text).toMatch(/at .*src[\\/]core[\\/]compose\.ts/)
    expect(text).toContain('✗ fail viewer-request → 503 LambdaExecutionError: Error: kaput: /throw at fail.ts:4:9')
  })
})
