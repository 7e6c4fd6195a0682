/**
 * What the build does about `secret()` (edgeware/secrets): the prefix the secrets live under on AWS, the checks
 * (a name the build can see, not also a `[vars]` key), and the IAM statements that grant each function exactly
 * the secrets it reads.
 */
import type { EdgeConfig } from '../simulator/config.js'
import type { SecretReadReport } from './bundle.js'
import type { Problem } from './checks.js'
import type { SecretStore } from '../secrets/index.js'

/** One secret a function reads. */
export interface SecretRef {
  name: string
  store: SecretStore
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** SSM parameter names: letters, digits and `_ . - /`, starting with `/` here (a hierarchy). */
const PREFIX = /^\/[A-Za-z0-9_.\-/]*$/

/**
 * Where the secrets of a config live: `[vars] EDGEWARE_SECRETS_PREFIX` if set, else `/<name>/` (the name with its
 * environment, so production and staging read different secrets). SSM parameter `<prefix><NAME>`; Secrets Manager
 * secret `<prefix without its leading "/"><NAME>`.
 *
 * @example
 * ```ts
 * secretsPrefix({ name: 'my-site-production', vars: {} }) // '/my-site-production/'
 * ```
 */
export function secretsPrefix(config: Pick<EdgeConfig, 'name' | 'vars'>): string {
  const v = config.vars.EDGEWARE_SECRETS_PREFIX
  return v === undefined ? `/${config.name}/` : String(v)
}

/**
 * The AWS name of a secret: the SSM parameter name or the Secrets Manager secret id.
 *
 * @example
 * ```ts
 * secretId('/my-site/', { name: 'JWT_SECRET', store: 'ssm' }) // '/my-site/JWT_SECRET'
 * secretId('/my-site/', { name: 'API_KEY', store: 'secretsmanager' }) // 'my-site/API_KEY'
 * ```
 */
export function secretId(prefix: string, s: SecretRef): string {
  return s.store === 'ssm' ? prefix + s.name : prefix.replace(/^\//, '') + s.name
}

/**
 * The build's checks on one function's secrets: refused uses (a name or store it can't see) with `file:line`, a
 * name that is not a valid secret name, a name that is also a `[vars]` key (a value is either baked in or secret,
 * never both), and a prefix SSM would refuse.
 *
 * @example
 * ```ts
 * const problems = secretProblems(config, 'site-viewer-request', bundle.secrets, bundle.secretRefusals)
 * ```
 */
export function secretProblems(config: Pick<EdgeConfig, 'name' | 'vars'>, fnName: string, reads: readonly SecretReadReport[], refusals: readonly string[]): Problem[] {
  const problems: Problem[] = refusals.map((r) => ({ code: 'DynamicSecretName', message: `${fnName}: ${r}` }))
  for (const r of reads) {
    if (!NAME.test(r.name)) {
      problems.push({ code: 'InvalidSecretName', message: `${fnName}: ${r.file}: secret(${JSON.stringify(r.name)}): a secret name is letters, digits and _, not starting with a digit (like a [vars] key)` })
    } else if (Object.hasOwn(config.vars, r.name)) {
      problems.push({ code: 'SecretInVars', message: `${fnName}: ${r.file}: ${r.name} is read with secret() and also set in [vars] (baked into the bundle in clear): remove it from [vars] and keep the value in ${r.store === 'ssm' ? 'SSM Parameter Store' : 'Secrets Manager'} (and in .dev.vars for local runs)` })
    }
  }
  const prefix = secretsPrefix(config)
  if (reads.length > 0 && !PREFIX.test(prefix)) {
    problems.push({ code: 'InvalidSecretsPrefix', message: `[vars] EDGEWARE_SECRETS_PREFIX = ${JSON.stringify(prefix)}: the prefix of SSM parameter names starts with / and holds only letters, digits and _ . - /` })
  }
  return problems
}

/**
 * The distinct secrets of a function's reads, sorted (store, then name).
 *
 * @example
 * ```ts
 * uniqueSecrets(bundle.secrets) // [{ name: 'JWT_SECRET', store: 'ssm' }]
 * ```
 */
export function uniqueSecrets(reads: readonly SecretRef[]): SecretRef[] {
  const seen = new Map<string, SecretRef>()
  for (const r of reads) seen.set(`${r.store}:${r.name}`, { name: r.name, store: r.store })
  return [...seen.values()].sort((a, b) => (a.store + a.name < b.store + b.name ? -1 : 1))
}

import type { Json } from './template.js'

/**
 * IAM statements granting exactly `secrets` in us-east-1: `ssm:GetParameter` on each parameter, and
 * `secretsmanager:GetSecretValue` on each secret (any of the 6-character suffixes Secrets Manager adds to ARNs).
 * Secrets encrypted with the AWS managed keys (`aws/ssm`, `aws/secretsmanager`) need no KMS grant.
 *
 * @example
 * ```ts
 * secretStatements('/my-site/', [{ name: 'JWT_SECRET', store: 'ssm' }])
 * // [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:us-east-1:${AWS::AccountId}:parameter/my-site/JWT_SECRET' }] }]
 * ```
 */
export function secretStatements(prefix: string, secrets: readonly SecretRef[]): Json[] {
  const ssm = secrets.filter((s) => s.store === 'ssm').map((s) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:us-east-1:\${AWS::AccountId}:parameter/${secretId(prefix, s).replace(/^\//, '')}` }))
  const sm = secrets.filter((s) => s.store === 'secretsmanager').map((s) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:us-east-1:\${AWS::AccountId}:secret:${secretId(prefix, s)}-??????` }))
  const out: Json[] = []
  if (ssm.length) out.push({ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: ssm })
  if (sm.length) out.push({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: sm })
  return out
}

/**
 * The inline role policy granting a function exactly the secrets it reads (none when it reads none).
 *
 * @example
 * ```ts
 * executionRole('lambda.amazonaws.com', secretsPolicy(config, built.secrets))
 * ```
 */
export function secretsPolicy(config: Pick<EdgeConfig, 'name' | 'vars'>, secrets: readonly SecretRef[]): Json[] {
  return secrets.length ? [{ PolicyName: 'edge-secrets', PolicyDocument: { Version: '2012-10-17', Statement: secretStatements(secretsPrefix(config), secrets) } }] : []
}
