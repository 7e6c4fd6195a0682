/**
 * `edgeware/secrets`: `secret(name)` reads a secret at the edge. Lambda@Edge has no environment variables, so a
 * secret comes from SSM Parameter Store (a SecureString, decrypted) or Secrets Manager in us-east-1, once per
 * container, signed with SigV4 from the credentials Lambda puts in the function's reserved variables and sent with
 * node:https (./aws-call.ts, loaded on the first read: no fetch, whose first use costs a cold start tens of ms).
 * Under `edgeware dev` and `edgeware invoke` the same call reads `.dev.vars` instead (see {@link setLocalSecrets}).
 * @module
 */
import type { AwsAnswer } from './aws-call.js'
import type { AwsCredentials } from './sigv4.js'

/**
 * Where a secret lives on AWS: SSM Parameter Store (`GetParameter` with decryption, the default) or Secrets
 * Manager (`GetSecretValue`).
 *
 * @example
 * ```ts
 * const store: SecretStore = 'secretsmanager'
 * ```
 */
export type SecretStore = 'ssm' | 'secretsmanager'

/**
 * Options of {@link secret}. The store must be written as a literal (`{ store: 'secretsmanager' }`) so that
 * `edgeware build` can grant the function exactly that secret.
 *
 * @example
 * ```ts
 * const opts: SecretOptions = { store: 'secretsmanager', ttl: 300, timeoutMs: 1500, signal: c.signal }
 * ```
 */
export interface SecretOptions {
  /** Default `'ssm'`. */
  store?: SecretStore
  /**
   * Seconds a value read from AWS is kept before it is read again (default: for the container's life). A refresh
   * that fails keeps serving the value it had.
   */
  ttl?: number
  /** Deadline of one read from AWS, in ms (default 2000). */
  timeoutMs?: number
  /** Aborts the read (e.g. `c.signal`, which aborts shortly before the Lambda deadline). */
  signal?: AbortSignal
}

/**
 * Why {@link secret} failed. Never carries the secret's value.
 *
 * @example
 * ```ts
 * const code: SecretErrorCode = 'SecretNotFound'
 * ```
 */
export type SecretErrorCode = 'InvalidSecretName' | 'SecretNotFound' | 'SecretAccessDenied' | 'SecretTimeout' | 'SecretUnavailable' | 'NoCredentials'

/**
 * The error {@link secret} throws: `code` names what went wrong, `secretName` and `store` which secret. The
 * message says where it looked (the parameter or secret id, or the local file) and never holds a value.
 *
 * @example
 * ```ts
 * try { await secret('JWT_SECRET') } catch (e) {
 *   if (e instanceof SecretError && e.code === 'SecretNotFound') console.error(e.message)
 * }
 * ```
 */
export class SecretError extends Error {
  override name = 'SecretError'
  readonly code: SecretErrorCode
  readonly secretName: string
  readonly store: SecretStore | 'local'

  constructor(code: SecretErrorCode, secretName: string, store: SecretStore | 'local', message: string) {
    super(message)
    this.code = code
    this.secretName = secretName
    this.store = store
  }
}

/** Where the local runtime (`edgeware dev`, `edgeware invoke`, a test) puts `.dev.vars`: a global the build never sets. */
const LOCAL = Symbol.for('edgeware.localSecrets')
type Local = { values: Readonly<Record<string, string>>; source: string }
type Entry = { value?: string; expires: number; pending?: Promise<string> }

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const entries = new Map<string, Entry>()

/**
 * Makes {@link secret} read from `values` instead of AWS (`undefined` switches back). `edgeware dev` and
 * `edgeware invoke` do this with `.dev.vars`; use it in your own tests. Clears every cached value.
 *
 * @example
 * ```ts
 * import { setLocalSecrets } from 'edgeware/secrets'
 * setLocalSecrets({ JWT_SECRET: 'a-test-secret-of-at-least-32-bytes!!' }, 'my test')
 * ```
 */
export function setLocalSecrets(values: Readonly<Record<string, string>> | undefined, source = 'local secrets'): void {
  const g = globalThis as { [LOCAL]?: Local }
  if (values === undefined) delete g[LOCAL]
  else g[LOCAL] = { values: Object.freeze({ ...values }), source }
  entries.clear()
}

function fail(code: SecretErrorCode, name: string, store: SecretStore | 'local', message: string): never {
  throw new SecretError(code, name, store, `secret ${name}: ${message}`)
}

/**
 * Reads the secret `name` (letters, digits and `_`, like a `[vars]` key). On AWS it is the SSM parameter
 * `<prefix><name>` (SecureString, decrypted) or, with `store: 'secretsmanager'`, the Secrets Manager secret
 * `<prefix without its leading "/"><name>`, in us-east-1; the prefix is baked in by `edgeware build`
 * (`/<name in wrangler.toml>/`, with the environment, or `[vars] EDGEWARE_SECRETS_PREFIX`). It is read once per
 * container (concurrent first calls share one read) and kept for `ttl` seconds (default: the container's life).
 * Locally it reads `.dev.vars`. Fails with a {@link SecretError}; nothing here ever logs a value.
 *
 * `edgeware build` finds every `secret('NAME')` call and grants the function exactly those secrets; a name that
 * is not a string literal fails the build.
 *
 * @example
 * ```ts
 * import { viewerRequest } from 'edgeware'
 * import { jwtAuth } from 'edgeware/middleware'
 * import { secret } from 'edgeware/secrets'
 *
 * export const handler = viewerRequest(jwtAuth({ secret: () => secret('JWT_SECRET') }))
 * ```
 */
export function secret(name: string, options: SecretOptions = {}): Promise<string> {
  const store = options.store ?? 'ssm'
  const local = (globalThis as { [LOCAL]?: Local })[LOCAL]
  try {
    if (typeof name !== 'string' || !NAME.test(name)) fail('InvalidSecretName', String(name), store, 'a secret name is letters, digits and _, not starting with a digit')
    if (local) {
      const v = local.values[name]
      if (v === undefined) fail('SecretNotFound', name, 'local', `not in ${local.source}`)
      return Promise.resolve(v)
    }
    if (store !== 'ssm' && store !== 'secretsmanager') fail('InvalidSecretName', name, store, `store must be 'ssm' or 'secretsmanager', got ${JSON.stringify(store)}`)
  } catch (e) {
    return Promise.reject(e)
  }
  const key = store + ':' + name
  const now = Date.now()
  const hit = entries.get(key)
  if (hit?.value !== undefined && hit.expires > now) return Promise.resolve(hit.value)
  if (hit?.pending) return hit.pending
  const entry: Entry = hit ?? { expires: 0 }
  const ttlMs = options.ttl === undefined ? Infinity : options.ttl * 1000
  entry.pending = readFromAws(name, store, options).then(
    (value) => {
      entry.value = value
      entry.expires = Date.now() + ttlMs
      entry.pending = undefined
      return value
    },
    (e: unknown) => {
      entry.pending = undefined
      // A refresh that fails keeps the value it had (the next call tries again).
      if (entry.value !== undefined) return entry.value
      entries.delete(key)
      throw e
    },
  )
  entries.set(key, entry)
  return entry.pending
}

/** The function role's credentials, from Lambda's reserved variables (read on each call: they can change). */
function credentials(name: string, store: SecretStore): AwsCredentials {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) fail('NoCredentials', name, store, 'no AWS credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); Lambda sets them from the function role, and `edgeware dev` reads .dev.vars instead')
  return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN }
}

/** One read from AWS, with the deadline and the caller's signal. */
async function readFromAws(name: string, store: SecretStore, options: SecretOptions): Promise<string> {
  const prefix = process.env.EDGEWARE_SECRETS_PREFIX
  if (prefix === undefined) fail('SecretUnavailable', name, store, "no secret prefix was baked in: `edgeware build` bakes it in, `edgeware dev` and `edgeware invoke` read .dev.vars instead, and a test calls setLocalSecrets({ NAME: 'value' }) from edgeware/secrets")
  const ssm = store === 'ssm'
  const id = ssm ? prefix + name : prefix.replace(/^\//, '') + name
  const where = ssm ? `SSM parameter ${id}` : `Secrets Manager secret ${id}`
  const service = ssm ? 'ssm' : 'secretsmanager'
  const endpoint = (ssm ? process.env.AWS_ENDPOINT_URL_SSM : process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER) ?? process.env.AWS_ENDPOINT_URL ?? `https://${service}.us-east-1.amazonaws.com/`
  const timeoutMs = options.timeoutMs ?? 2000
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline
  const target = ssm ? 'AmazonSSM.GetParameter' : 'secretsmanager.GetSecretValue'
  const input = JSON.stringify(ssm ? { Name: id, WithDecryption: true } : { SecretId: id })
  let res: AwsAnswer
  try {
    const creds = credentials(name, store)
    const { callAws } = await import('./aws-call.js')
    res = await callAws({ url: new URL(endpoint), region: 'us-east-1', service, target, body: input }, creds, signal)
  } catch (e) {
    if (e instanceof SecretError) throw e
    if (signal.aborted) fail('SecretTimeout', name, store, `reading ${where} ${deadline.aborted ? `took longer than ${timeoutMs} ms` : 'was aborted'}`)
    return fail('SecretUnavailable', name, store, `reading ${where} failed: ${(e as Error).message}`)
  }
  let body: { __type?: string; message?: string; Message?: string; Parameter?: { Value?: string }; SecretString?: string; SecretBinary?: string }
  try {
    body = JSON.parse(res.body) as typeof body
  } catch {
    return fail('SecretUnavailable', name, store, `${where}: HTTP ${res.status} with a body that is not JSON`)
  }
  if (res.status >= 200 && res.status < 300) {
    const value = ssm ? body.Parameter?.Value : (body.SecretString ?? body.SecretBinary)
    if (typeof value === 'string') return value
    return fail('SecretUnavailable', name, store, `${where}: the answer holds no value`)
  }
  const type = (res.errorType ?? body.__type ?? '').split(/[#:]/).filter(Boolean).pop() ?? ''
  const reason = `${type || `HTTP ${res.status}`}${body.message ?? body.Message ? `: ${body.message ?? body.Message}` : ''}`
  if (type === 'ParameterNotFound' || type === 'ResourceNotFoundException') fail('SecretNotFound', name, store, `${where} does not exist in us-east-1 (${reason})`)
  if (/AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken|InvalidClientTokenId|KMS/.test(type)) fail('SecretAccessDenied', name, store, `the function's role may not read ${where} (${reason})`)
  return fail('SecretUnavailable', name, store, `${where}: ${reason}`)
}

/**
 * Forgets every cached value (tests, or after rotating a secret in a long-lived process).
 *
 * @example
 * ```ts
 * clearSecrets()
 * ```
 */
export function clearSecrets(): void {
  entries.clear()
}
