/**
 * SSM Parameter Store (`AmazonSSM.GetParameter`) and Secrets Manager (`secretsmanager.GetSecretValue`) stand-ins,
 * JSON 1.1 as the API references document them: values by name, a per-name denial, a delay to hit deadlines.
 */
import { jsonError, jsonOk, jsonOperation, type ServiceHandler } from './server.js'

/** A parameter or secret the stand-in holds. */
export interface StoredSecret {
  value: string
  /** SSM: `SecureString` (default) or `String`. */
  type?: 'SecureString' | 'String'
  /** Answer AccessDeniedException for it (the role has no grant). */
  denied?: boolean
  /** Answer only after this many ms. */
  delayMs?: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ACCOUNT = '123456789012'

/** `AmazonSSM.GetParameter`. */
export function ssmService(params: Map<string, StoredSecret>): ServiceHandler {
  return {
    operation: jsonOperation,
    async handle(_req, action, input) {
      if (action !== 'GetParameter') return jsonError(400, 'InvalidAction', `${action} is not supported here`)
      const name = String(input.Name)
      const p = params.get(name)
      if (p?.delayMs) await sleep(p.delayMs)
      if (p?.denied) {
        return jsonError(400, 'AccessDeniedException', `User: arn:aws:sts::${ACCOUNT}:assumed-role/edge/fn is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:${ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name} because no identity-based policy allows the ssm:GetParameter action`)
      }
      if (!p) return jsonError(400, 'ParameterNotFound', '')
      const type = p.type ?? 'SecureString'
      const value = type === 'SecureString' && input.WithDecryption !== true ? Buffer.from(`encrypted:${p.value}`).toString('base64') : p.value
      return jsonOk({ Parameter: { Name: name, Type: type, Value: value, Version: 1, LastModifiedDate: 1.7e9, ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter${name}`, DataType: 'text' } })
    },
  }
}

/** `secretsmanager.GetSecretValue`. */
export function secretsManagerService(secrets: Map<string, StoredSecret>): ServiceHandler {
  return {
    operation: jsonOperation,
    async handle(_req, action, input) {
      if (action !== 'GetSecretValue') return jsonError(400, 'InvalidAction', `${action} is not supported here`)
      const id = String(input.SecretId)
      const s = secrets.get(id)
      if (s?.delayMs) await sleep(s.delayMs)
      if (s?.denied) return jsonError(400, 'AccessDeniedException', `User: arn:aws:sts::${ACCOUNT}:assumed-role/edge/fn is not authorized to perform: secretsmanager:GetSecretValue on resource: ${id}`)
      if (!s) return jsonError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
      return jsonOk({ ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${id}-AbCdEf`, Name: id, SecretString: s.value, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1.7e9 })
    },
  }
}
