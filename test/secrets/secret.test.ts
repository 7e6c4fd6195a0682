/**
 * `secret()` against SSM Parameter Store and Secrets Manager stand-ins that check SigV4 like AWS: one signed read
 * per container, the cache and its TTL, the deadline and the caller's signal, every failure as a named SecretError
 * that never holds the value, and the local values `edgeware dev` / `invoke` / tests put in place.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { clearSecrets, secret, SecretError, setLocalSecrets } from 'edgeware/secrets'
import { secretsManagerService, ssmService, type StoredSecret } from '../aws/secrets-services.js'
import { startAwsStandin, TEST_CREDENTIALS, type AwsStandin } from '../aws/server.js'

const params = new Map<string, StoredSecret>()
const sm = new Map<string, StoredSecret>()
let aws: AwsStandin
const saved = { ...process.env }

beforeAll(async () => {
  aws = await startAwsStandin({ ssm: ssmService(params), secretsmanager: secretsManagerService(sm) })
})
afterAll(async () => {
  await aws.close()
})
beforeEach(() => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: 'session-token-1',
    AWS_ENDPOINT_URL: aws.url,
    EDGEWARE_SECRETS_PREFIX: '/my-site/',
  })
  params.clear()
  sm.clear()
  aws.calls.length = 0
  aws.fault = undefined
  clearSecrets()
  setLocalSecrets(undefined)
})
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
})

async function failure(p: Promise<unknown>): Promise<SecretError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(SecretError)
  return e as SecretError
}

describe('secret() from SSM Parameter Store', () => {
  it('reads the decrypted SecureString <prefix><name> in us-east-1 with a signed GetParameter', async () => {
    params.set('/my-site/JWT_SECRET', { value: 's3cr3t-value' })
    expect(await secret('JWT_SECRET')).toBe('s3cr3t-value')
    expect(aws.calls).toEqual([{ service: 'ssm', region: 'us-east-1', action: 'GetParameter', input: { Name: '/my-site/JWT_SECRET', WithDecryption: true } }])
  })

  it('reads once per container: later calls and concurrent first calls share one read', async () => {
    params.set('/my-site/A', { value: 'a', delayMs: 30 })
    const [x, y, z] = await Promise.all([secret('A'), secret('A'), secret('A')])
    expect([x, y, z]).toEqual(['a', 'a', 'a'])
    expect(await secret('A')).toBe('a')
    expect(aws.callsOf('ssm')).toHaveLength(1)
  })

  it('reads again after ttl seconds, and keeps the value it had when that refresh fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      params.set('/my-site/ROTATED', { value: 'v1' })
      expect(await secret('ROTATED', { ttl: 60 })).toBe('v1')
      params.set('/my-site/ROTATED', { value: 'v2' })
      vi.setSystemTime(Date.now() + 30_000)
      expect(await secret('ROTATED', { ttl: 60 })).toBe('v1')
      vi.setSystemTime(Date.now() + 31_000)
      expect(await secret('ROTATED', { ttl: 60 })).toBe('v2')
      expect(aws.callsOf('ssm')).toHaveLength(2)
      vi.setSystemTime(Date.now() + 61_000)
      aws.fault = () => ({ status: 400, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: '{"__type":"ThrottlingException","message":"Rate exceeded"}' })
      expect(await secret('ROTATED', { ttl: 60 })).toBe('v2')
      aws.fault = undefined
      expect(await secret('ROTATED', { ttl: 60 })).toBe('v2')
      expect(aws.callsOf('ssm')).toHaveLength(4)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a missing parameter is SecretNotFound naming the parameter, and is not cached', async () => {
    const e = await failure(secret('NOPE'))
    expect(e.code).toBe('SecretNotFound')
    expect(e.secretName).toBe('NOPE')
    expect(e.store).toBe('ssm')
    expect(e.message).toContain('SSM parameter /my-site/NOPE does not exist in us-east-1')
    params.set('/my-site/NOPE', { value: 'now-here' })
    expect(await secret('NOPE')).toBe('now-here')
  })

  it('a role without the grant is SecretAccessDenied', async () => {
    params.set('/my-site/LOCKED', { value: 'x', denied: true })
    const e = await failure(secret('LOCKED'))
    expect(e.code).toBe('SecretAccessDenied')
    expect(e.message).toMatch(/may not read SSM parameter \/my-site\/LOCKED \(AccessDeniedException: .*ssm:GetParameter/)
  })

  it('a read slower than timeoutMs is SecretTimeout', async () => {
    params.set('/my-site/SLOW', { value: 'x', delayMs: 400 })
    const started = Date.now()
    const e = await failure(secret('SLOW', { timeoutMs: 50 }))
    expect(e.code).toBe('SecretTimeout')
    expect(e.message).toContain('took longer than 50 ms')
    expect(Date.now() - started).toBeLessThan(350)
  })

  it("the caller's signal (c.signal) aborts the read", async () => {
    params.set('/my-site/SLOW', { value: 'x', delayMs: 400 })
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 20)
    const e = await failure(secret('SLOW', { signal: ac.signal, timeoutMs: 5000 }))
    expect(e.code).toBe('SecretTimeout')
    expect(e.message).toContain('was aborted')
  })

  it('AWS errors other than not-found and denied are SecretUnavailable with the AWS error', async () => {
    aws.fault = () => ({ status: 500, headers: { 'x-amzn-errortype': 'InternalServerError' }, body: '{"__type":"InternalServerError","message":"boom"}' })
    const e = await failure(secret('ANY'))
    expect(e.code).toBe('SecretUnavailable')
    expect(e.message).toContain('InternalServerError: boom')
    expect(aws.callsOf('ssm')).toHaveLength(2) // one retry
  })

  it('a kept-alive connection that closes without an answer (the container was frozen meanwhile) is tried once more on a fresh one', async () => {
    params.set('/my-site/A', { value: 'a' })
    params.set('/my-site/B', { value: 'b' })
    expect(await secret('A')).toBe('a')
    let calls = 0
    aws.fault = () => (calls++ === 0 ? 'drop' : undefined)
    expect(await secret('B')).toBe('b')
    expect(aws.callsOf('ssm').map((c) => c.input.Name)).toEqual(['/my-site/A', '/my-site/B', '/my-site/B'])
  })

  it('refuses a name that is not letters, digits and _ without calling AWS', async () => {
    for (const bad of ['', '1ABC', 'a/b', '../x', 'with space']) {
      expect((await failure(secret(bad))).code).toBe('InvalidSecretName')
    }
    expect((await failure(secret('OK', { store: 'vault' as 'ssm' }))).code).toBe('InvalidSecretName')
    expect(aws.calls).toHaveLength(0)
  })

  it('a request signed with another secret key is refused like AWS does (SecretAccessDenied)', async () => {
    params.set('/my-site/A', { value: 'a' })
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-right-key'
    const e = await failure(secret('A'))
    expect(e.code).toBe('SecretAccessDenied')
    expect(e.message).toContain('InvalidSignatureException')
  })

  it('without credentials in the environment it is NoCredentials', async () => {
    delete process.env.AWS_ACCESS_KEY_ID
    const e = await failure(secret('X'))
    expect(e.code).toBe('NoCredentials')
  })

  it('without a baked prefix (not built by edgeware build) it says so', async () => {
    delete process.env.EDGEWARE_SECRETS_PREFIX
    const e = await failure(secret('X'))
    expect(e.code).toBe('SecretUnavailable')
    expect(e.message).toContain('no secret prefix was baked in')
    // what to do in a test, and where the helper comes from
    expect(e.message).toContain("a test calls setLocalSecrets({ NAME: 'value' }) from edgeware/secrets")
  })
})

describe('secret() from Secrets Manager', () => {
  it('reads the SecretString of <prefix without "/"><name> with a signed GetSecretValue', async () => {
    sm.set('my-site/API_KEY', { value: '{"key":"k-123"}' })
    expect(await secret('API_KEY', { store: 'secretsmanager' })).toBe('{"key":"k-123"}')
    expect(aws.calls).toEqual([{ service: 'secretsmanager', region: 'us-east-1', action: 'GetSecretValue', input: { SecretId: 'my-site/API_KEY' } }])
  })

  it('a missing secret is SecretNotFound; the same name in SSM is another secret', async () => {
    params.set('/my-site/API_KEY', { value: 'from-ssm' })
    const e = await failure(secret('API_KEY', { store: 'secretsmanager' }))
    expect(e.code).toBe('SecretNotFound')
    expect(e.message).toContain('Secrets Manager secret my-site/API_KEY')
    expect(await secret('API_KEY')).toBe('from-ssm')
  })
})

describe('local secrets (edgeware dev, invoke, tests)', () => {
  it('setLocalSecrets makes secret() read the given values and never call AWS', async () => {
    setLocalSecrets({ JWT_SECRET: 'local-value' }, '.dev.vars')
    expect(await secret('JWT_SECRET')).toBe('local-value')
    expect(await secret('JWT_SECRET', { store: 'secretsmanager' })).toBe('local-value')
    const e = await failure(secret('OTHER'))
    expect(e.code).toBe('SecretNotFound')
    expect(e.message).toBe('secret OTHER: not in .dev.vars')
    expect(aws.calls).toHaveLength(0)
    setLocalSecrets(undefined)
    params.set('/my-site/JWT_SECRET', { value: 'aws-value' })
    expect(await secret('JWT_SECRET')).toBe('aws-value')
  })

  it('never writes a value (or anything) to the console, on success or failure', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}))
    try {
      params.set('/my-site/S', { value: 'do-not-print-me' })
      await secret('S')
      params.set('/my-site/D', { value: 'do-not-print-me', denied: true })
      const e = await failure(secret('D'))
      expect(e.message).not.toContain('do-not-print-me')
      for (const s of spies) expect(s).not.toHaveBeenCalled()
    } finally {
      for (const s of spies) s.mockRestore()
    }
  })
})
