import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanTempDirs, writeProject } from '../build/helpers.js'
import { runCli } from './run-cli.js'

const PLAIN = fileURLToPath(new URL('../lambda-origin/fixtures/plain.mjs', import.meta.url))
const HONO = fileURLToPath(new URL('../lambda-origin/fixtures/hono-app.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'edgeware-cli-origin-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterAll(cleanTempDirs)

/** An event file from `edgeware event`, with its path changed. */
async function eventFile(kind: string, path: string, ...args: string[]): Promise<string> {
  const { code, out } = await runCli('event', kind, '--path', path, ...args)
  expect(code).toBe(0)
  const file = join(dir, `${kind}-${path.replace(/\W/g, '')}.json`)
  writeFileSync(file, out)
  return file
}

describe('edgeware event <origin event>', () => {
  it('prints the event the integration sends, with the options applied', async () => {
    const { code, out } = await runCli('event', 'alb', '--querystring', 'name=tony&name=chou', '--multi-value-headers', '--header', 'X-A: 1', '--header', 'X-A: 2', '--cookie', 'id=7')
    expect(code).toBe(0)
    const e = JSON.parse(out)
    expect(e.multiValueQueryStringParameters).toEqual({ name: ['tony', 'chou'] })
    expect(e.multiValueHeaders['x-a']).toEqual(['1', '2'])
    expect(e.multiValueHeaders.cookie).toEqual(['id=7'])
  })

  it('prints a REST event behind its stage', async () => {
    const e = JSON.parse((await runCli('event', 'apigateway-rest', '--path', '/orders', '--stage', 'v2', '--method', 'DELETE')).out)
    expect([e.path, e.requestContext.path, e.httpMethod]).toEqual(['/orders', '/v2/orders', 'DELETE'])
  })

  it('refuses a malformed option with the usage', async () => {
    const { code, err } = await runCli('event', 'apigateway-http', '--header', 'no-colon')
    expect(code).toBe(2)
    expect(err).toMatch(/--header must look like 'Name: value', got "no-colon"/)
  })
})

describe('edgeware invoke <handler> --event <origin event>', () => {
  it("prints what aws lambda invoke prints, the result, the integration's answer and VALID", async () => {
    const { code, out } = await runCli('invoke', HONO, '--event', await eventFile('apigateway-http', '/hello', '--querystring', 'name=cli'))
    expect(code).toBe(0)
    expect(out).toContain('{\n    "StatusCode": 200,\n    "ExecutedVersion": "$LATEST"\n}')
    expect(out).toMatch(/^HTTP\/1\.1 200 OK$/m)
    expect(out).toMatch(/^hello cli$/m)
    expect(out).toMatch(/VALID: API Gateway \(HTTP API\) answers with the function's response \(\d+ ms, cold start\)/)
  })

  it('runs the sample event of an origin event name', async () => {
    const { code, out } = await runCli('invoke', PLAIN, '--event', 'alb', '--multi-value-headers')
    expect(code).toBe(0)
    expect(out).toMatch(/^HTTP\/1\.1 404 Not Found$/m)
  })

  it("prints FunctionError and the error payload for a throw, the integration's error and INVALID; exit 1", async () => {
    const { code, out } = await runCli('invoke', PLAIN, '--event', await eventFile('apigateway-rest', '/throw'))
    expect(code).toBe(1)
    expect(out).toContain('"FunctionError": "Unhandled"')
    expect(out).toContain('"errorMessage": "boom"')
    expect(out).toMatch(/^HTTP\/1\.1 502 Bad Gateway$/m)
    expect(out).toContain('{"message": "Internal server error"}')
    expect(out).toMatch(/INVALID: API Gateway \(REST API\) answers 502 instead of the function's response:\n {2}FunctionError \[LAMBDA-APIGW\]/)
  })

  it('names the broken rule of a malformed result, as JSON with --json', async () => {
    const { code, out } = await runCli('invoke', PLAIN, '--event', await eventFile('apigateway-rest', '/bad'), '--json')
    expect(code).toBe(1)
    const r = JSON.parse(out)
    expect([r.StatusCode, r.result, r.response.status, r.verdict.violations[0].code]).toEqual([200, 'just a string', 502, 'RestMalformedResult'])
  })

  it("times out at --timeout and answers as the integration does", async () => {
    const { code, out } = await runCli('invoke', PLAIN, '--event', await eventFile('function-url', '/loop'), '--timeout', '1000', '--json')
    expect(code).toBe(1)
    const r = JSON.parse(out)
    expect([r.FunctionError, r.result.errorMessage, r.response.status, r.verdict.violations[0].code]).toEqual(['Unhandled', 'Task timed out after 1.00 seconds', 502, 'FunctionTimeout'])
  })

  it('takes an event file from AWS as it is, and --integration for one it cannot tell', async () => {
    const bare = join(dir, 'bare.json')
    writeFileSync(bare, JSON.stringify({ httpMethod: 'GET', path: '/info', headers: {}, requestContext: { elb: {} }, body: '', isBase64Encoded: false }))
    expect((await runCli('invoke', PLAIN, '--event', bare)).code).toBe(0)
    const unknown = join(dir, 'unknown.json')
    writeFileSync(unknown, JSON.stringify({ httpMethod: 'GET', path: '/info' }))
    const { code, err } = await runCli('invoke', PLAIN, '--event', unknown, '--integration', 'rest')
    expect(code).toBe(1)
    expect(err).toMatch(/not a valid rest event:\n {2}requestContext: requestContext must be an object, got nothing/)
  })

  it('--config: built with the config\'s [vars], secret() reads .dev.vars, a configured origin runs with its memory and region', async () => {
    const config = await writeProject(
      {
        'wrangler.toml': `name = "o"\n[vars]\nSTAGE = "local"\n[[edge.origins]]\nid = "api"\nlambda = { handler = "api/index.ts", integration = "http", memory = 256, region = "eu-west-1" }\n[edge.default_behavior]\norigin = "api"\n`,
        'api/index.ts': `import { secret } from 'edgeware/secrets'
export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ stage: process.env.STAGE, key: await secret('API_KEY'), memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, region: process.env.AWS_REGION }) })
`,
        '.dev.vars': 'API_KEY=from dev vars\n',
      },
      'invoke-origin-config-',
    )
    const { code, out, err } = await runCli('invoke', join(dirname(config), 'api/index.ts'), '--event', 'apigateway-http', '--config', config, '--json')
    expect(code, err).toBe(0)
    expect(JSON.parse((JSON.parse(out) as { response: { body: string } }).response.body)).toEqual({ stage: 'local', key: 'from dev vars', memory: '256', region: 'eu-west-1' })
    expect((await runCli('invoke', join(dirname(config), 'api/index.ts'), '--event', 'apigateway-http', '--config', config, '--env', 'nope')).err).toContain('env: no [env.nope] in the config')
  })

  it('refuses bad options with the usage', async () => {
    expect((await runCli('invoke', PLAIN, '--event', 'alb', '--integration', 'grpc')).err).toMatch(/--integration must be one of rest, http, alb, url, got "grpc"/)
    expect((await runCli('invoke', PLAIN, '--event', 'alb', '--integration', 'http')).err).toMatch(/--event alb is the alb integration's event, not http's/)
    expect((await runCli('invoke', PLAIN, '--event', 'alb', '--memory', '64')).err).toMatch(/memory must be an integer from 128 to 10240 MB, got 64/)
    expect((await runCli('invoke', PLAIN, '--event', 'alb', '--timeout', '500')).err).toMatch(/--timeout must be from 1000 to 900000 ms \(Lambda's 1 to 900 seconds\), got "500"/)
    expect((await runCli('invoke', PLAIN, '--event', 'alb', '--s3')).code).toBe(2)
  })
})
