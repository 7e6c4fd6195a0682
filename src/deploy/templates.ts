/**
 * What deploying a template of the build needs besides the stack itself: its parameters (the code bucket, the
 * content-addressed keys, the values given, the values of other stacks' outputs), and the template passed in the
 * request or, over CloudFormation's body limit, through the code bucket.
 */
import { createHash } from 'node:crypto'
import { endpointFor, type AwsOptions } from './aws.js'
import { DeployError } from './errors.js'
import type { StackInput } from './stack.js'
import type { UploadItem } from './upload.js'

/** CloudFormation's limit for a template passed in the request; larger ones go through S3. */
const TEMPLATE_BODY_LIMIT = 51_200

/** A template of the build, as deploy reads it. */
export type Template = { Parameters?: Record<string, { Default?: string }> }

/**
 * Refuses a given parameter no template of the build has (a typo would otherwise be dropped silently).
 *
 * @example
 * ```ts
 * checkGivenParameters({ AppOriginDomainName: 'app.example.com' }, [edgeTemplate, euTemplate])
 * ```
 */
export function checkGivenParameters(given: Record<string, string>, templates: readonly Template[]): void {
  const known = new Set(templates.flatMap((t) => Object.keys(t.Parameters ?? {})))
  const unknown = Object.keys(given).filter((k) => !known.has(k))
  if (!unknown.length) return
  const one = templates.length === 1
  throw new DeployError('UnknownParameter', `the template${one ? ' has' : 's have'} no parameter ${unknown.join(', ')} (${one ? 'it has' : 'they have'} ${[...known].join(', ')})`)
}

/**
 * A template's parameters: the code bucket and every `…CodeKey` / `…DataKey` (its content-addressed default)
 * always, the given values it declares, and its parameters without a default as required, which a later deploy may
 * leave out to keep the stack's value.
 *
 * @example
 * ```ts
 * stackParameters(template, 'my-code', { AppOriginDomainName: 'app.example.com' })
 * ```
 */
export function stackParameters(template: Template, bucket: string, given: Record<string, string> = {}): Pick<StackInput, 'parameters' | 'required'> {
  const params = template.Parameters ?? {}
  const parameters: Record<string, string> = { CodeBucket: bucket }
  for (const [k, v] of Object.entries(given)) if (k in params) parameters[k] = v
  for (const [k, p] of Object.entries(params)) if (/(CodeKey|DataKey)$/.test(k) && p.Default !== undefined) parameters[k] = p.Default
  const required = Object.entries(params).filter(([, p]) => p.Default === undefined).map(([k]) => k)
  return { parameters, required }
}

/**
 * How CloudFormation gets a template: in the request, or (over 51,200 bytes) from the code bucket, with the upload
 * that puts it there.
 *
 * @example
 * ```ts
 * const { template, upload } = templateSource(text, join(dir, 'cloudformation.json'), 'my-code', 'us-east-1', opts)
 * ```
 */
export function templateSource(
  text: string,
  file: string,
  bucket: string,
  region: string,
  opts: AwsOptions,
): { template: StackInput['template']; upload?: UploadItem } {
  if (Buffer.byteLength(text) <= TEMPLATE_BODY_LIMIT) return { template: { body: text } }
  const key = `edgeware/templates/${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`
  const endpoint = endpointFor('s3', opts)
  const url = endpoint ? `${endpoint.replace(/\/$/, '')}/${bucket}/${key}` : `https://${bucket}.s3.${region}.amazonaws.com/${key}`
  return { template: { url }, upload: { key, file, contentType: 'application/json' } }
}
