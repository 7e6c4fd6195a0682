/**
 * What every part of the CloudFormation template shares: the JSON type, unique logical IDs and the names the
 * deployed resources get.
 */
import { createHash } from 'node:crypto'

/** A JSON value as the template holds it. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json }

/** A part of a template (what one function, origin or feature adds), merged into the template by the caller. */
export interface TemplateParts {
  parameters: Record<string, Json>
  resources: Record<string, Json>
  outputs: Record<string, Json>
}

/**
 * Merges template parts into `into` (later parts win on a shared logical ID, which {@link LogicalIds} prevents).
 *
 * @example
 * ```ts
 * const template = mergeParts({ parameters: {}, resources: {}, outputs: {} }, functionParts, originParts)
 * ```
 */
export function mergeParts(into: TemplateParts, ...parts: Partial<TemplateParts>[]): TemplateParts {
  for (const p of parts) {
    Object.assign(into.parameters, p.parameters)
    Object.assign(into.resources, p.resources)
    Object.assign(into.outputs, p.outputs)
  }
  return into
}

/**
 * Hands out logical IDs unique within one template (parameters, conditions, resources and outputs alike):
 * `base`, else `base2`, `base3`, … in the order asked, so the same config gives the same IDs.
 *
 * @example
 * ```ts
 * const ids = new LogicalIds(['AppRole'])
 * ids.take('AppRole') // 'AppRole2'
 * ```
 */
export class LogicalIds {
  readonly #taken: Set<string>

  constructor(taken: Iterable<string> = []) {
    this.#taken = new Set(taken)
  }

  /** A free ID starting with `base` (which must start with a letter and hold only letters and digits). */
  take(base: string): string {
    let id = base
    for (let n = 2; this.#taken.has(id); n++) id = `${base}${n}`
    this.#taken.add(id)
    return id
  }
}

/**
 * The name a resource is deployed under: `<prefix>-<name>` (the config's `name`, which carries the environment,
 * keeps names of different stacks apart), shortened to `max` characters with a hash of the full name when it
 * would be longer, so that it stays unique and the same on every build.
 *
 * @example
 * ```ts
 * deployedName('my-site-production', 'by-language', 128) // 'my-site-production-by-language'
 * deployedName('a'.repeat(60), 'assets', 64)             // 'aaaa…a-3f9c21d0' (64 characters)
 * ```
 */
export function deployedName(prefix: string, name: string, max: number): string {
  const full = `${prefix}-${name}`
  if (full.length <= max) return full
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8)
  return `${full.slice(0, max - hash.length - 1)}-${hash}`
}

/**
 * A Lambda function's execution role: trusted by `services`, with Lambda's basic logging and the given inline
 * policies.
 *
 * @example
 * ```ts
 * executionRole(['edgelambda.amazonaws.com', 'lambda.amazonaws.com'], [{ PolicyName: 'edge-secrets', PolicyDocument: doc }])
 * ```
 */
export function executionRole(services: string | string[], policies: Json[] = []): Json {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole' }] },
      ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }],
      ...(policies.length ? { Policies: policies } : {}),
    },
  }
}

/** What {@link lambdaFunction} deploys: names, the runtime and settings, and the logical IDs of its role and code key. */
export interface LambdaFunctionSpec {
  functionName: string
  description: string
  runtime: string
  memoryMb: number
  timeoutS: number
  /** The role's logical ID. */
  role: string
  /** The logical ID of the parameter holding the zip's S3 key in `CodeBucket`. */
  codeKey: string
  /** What `Metadata.edgeware` says about it. */
  metadata: Record<string, Json>
}

/**
 * An `AWS::Lambda::Function` running `index.handler` on x86_64 from a zip in `CodeBucket`.
 *
 * @example
 * ```ts
 * resources.ApiFunction = lambdaFunction({ functionName: 'my-site-origin-api', description: 'edgeware origin api (http)', runtime: 'nodejs22.x', memoryMb: 128, timeoutS: 3, role: 'ApiRole', codeKey: 'ApiCodeKey', metadata: {} })
 * ```
 */
export function lambdaFunction(f: LambdaFunctionSpec): { Type: string; Properties: Record<string, Json>; Metadata: Json } {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: {
      FunctionName: f.functionName,
      Description: f.description,
      Runtime: f.runtime,
      Handler: 'index.handler',
      Architectures: ['x86_64'],
      PackageType: 'Zip',
      MemorySize: f.memoryMb,
      Timeout: f.timeoutS,
      Role: { 'Fn::GetAtt': [f.role, 'Arn'] },
      Code: { S3Bucket: { Ref: 'CodeBucket' }, S3Key: { Ref: f.codeKey } },
    },
    Metadata: { edgeware: f.metadata },
  }
}

/**
 * CloudFormation logical ID from a name: its letter and digit runs, each capitalised (`Fn` in front when it would
 * not start with a letter).
 *
 * @example
 * ```ts
 * logicalId('site-viewer-request') // 'SiteViewerRequest'
 * ```
 */
export function logicalId(name: string): string {
  const id = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')
  return /^[A-Za-z]/.test(id) ? id : `Fn${id}`
}
