/**
 * CloudFront Functions and their KeyValueStores in `edgeware build`: each associated function compiled for its
 * runtime (syntax, globals, modules and the code size limit checked by {@link compileCloudFrontFunction}), the
 * rules a template can break checked (reference/cloudfront-functions.md §5, §6, §8), each store's data file
 * validated against the KeyValueStore limits, and what the template, the CloudFront API JSON and the manifest
 * write for them.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { relative, sep } from 'node:path'
import { parse, type AnyNode, type Identifier, type MemberExpression } from 'acorn'
import { simple } from 'acorn-walk'
import { KeyValueStore, KvsError } from '../cloudfront-functions/kvs.js'
import { FunctionError } from '../cloudfront-functions/errors.js'
import { checkFunctionSyntax } from '../cloudfront-functions/syntax.js'
import type { BehaviorConfig, CloudFrontFunctionConfig, EdgeConfig, FunctionEventType, KeyValueStoreConfig } from '../distribution/model.js'
import { MAX_COMMENT } from '../distribution/names.js'
import type { Problem } from './checks.js'
import { compileCloudFrontFunction } from './cloudfront-function.js'
import { deployedName, logicalId, type Json, type LogicalIds, type TemplateParts } from './template.js'

/** CloudFront Function and KeyValueStore names: at most 64 characters [TF]. */
const MAX_NAME = 64
/** The `cloudfront` module's helpers that change the request's origin: viewer-request only [ORIG]. */
const ORIGIN_HELPERS = new Set(['updateRequestOrigin', 'selectRequestOriginById', 'createRequestOriginGroup'])

/**
 * A compiled CloudFront Function.
 *
 * @example
 * ```ts
 * const { functions, problems } = await buildCloudFrontFunctions(await loadConfig('wrangler.toml'))
 * for (const f of functions) console.log(f.fn.name, `${f.bytes} of ${f.limit} bytes`, f.sha256)
 * ```
 */
export interface BuiltCloudFrontFunction {
  fn: CloudFrontFunctionConfig
  /** `FunctionCode`: the compiled code. */
  code: string
  /** UTF-8 bytes of `code`, and the code size limit it was checked against. */
  bytes: number
  limit: number
  /** Hex SHA-256 of `code`. */
  sha256: string
}

/**
 * A KeyValueStore's data, validated, in the import format the build writes and `edgeware deploy` uploads.
 *
 * @example
 * ```ts
 * const { stores } = await buildCloudFrontFunctions(await loadConfig('wrangler.toml'))
 * for (const s of stores) console.log(s.store.id, s.keys, 'keys, used by', s.functions.join(', '))
 * ```
 */
export interface BuiltKeyValueStore {
  store: KeyValueStoreConfig
  /** `{"data":[…]}` as written (`<id>.kvs.json`) and imported. */
  data: string
  keys: number
  /** Hex SHA-256 of `data`. */
  sha256: string
  /** The import file limit it was checked against (bytes). */
  limit: number
  /** The CloudFront Functions associated with it. */
  functions: string[]
}

/** What the template names for the CloudFront Functions and stores: logical IDs and deployed names. */
export interface FunctionsPlan {
  /** Function entry → its resource and deployed `Name`. */
  functions: Map<string, { logicalId: string; name: string }>
  /** Store id → its resource, the parameter holding the S3 key of its data, and the output with its ARN. */
  stores: Map<string, { logicalId: string; dataKey: string; arnOutput: string }>
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/** The stores CloudFront Functions use (each once, in config order). */
function usedStores(config: EdgeConfig): KeyValueStoreConfig[] {
  return config.edge.keyValueStores.filter((s) => config.cloudfrontFunctions.some((f) => f.keyValueStore === s.id))
}

/**
 * Fixes the logical IDs and deployed names of the CloudFront Functions and the stores they use.
 *
 * @example
 * ```ts
 * planFunctions(config, new LogicalIds()).functions.get(entry) // { logicalId: 'RouterCloudFrontFunction', name: 'my-site-router' }
 * ```
 */
export function planFunctions(config: EdgeConfig, ids: LogicalIds): FunctionsPlan {
  const functions = new Map(
    config.cloudfrontFunctions.map((f) => [f.entry, { logicalId: ids.take(`${logicalId(f.name)}CloudFrontFunction`), name: deployedName(config.name, f.name, MAX_NAME) }]),
  )
  const stores = new Map(
    usedStores(config).map((s) => {
      const base = `${logicalId(s.id)}KeyValueStore`
      return [s.id, { logicalId: ids.take(base), dataKey: ids.take(`${base}DataKey`), arnOutput: ids.take(`${base}Arn`) }]
    }),
  )
  return { functions, stores }
}

/**
 * The name a store is deployed under: the config's name, the store's id and its data's hash. CloudFront imports a
 * store's data only when the store is created, so new data makes a new store (CloudFormation replaces it, and the
 * functions move to it in the same update).
 *
 * @example
 * ```ts
 * keyValueStoreName(config, built) // 'my-site-routes-3bf6d3d1'
 * ```
 */
export function keyValueStoreName(config: Pick<EdgeConfig, 'name'>, s: Pick<BuiltKeyValueStore, 'store' | 'sha256'>): string {
  return deployedName(config.name, `${s.store.id}-${s.sha256.slice(0, 8)}`, MAX_NAME)
}

/**
 * The S3 key of a store's data in the code bucket: content-addressed, like the zips.
 *
 * @example
 * ```ts
 * keyValueStoreKey(built) // 'edgeware/kvs/routes/3bf6d3d1ff980b66.json'
 * ```
 */
export function keyValueStoreKey(s: Pick<BuiltKeyValueStore, 'store' | 'sha256'>): string {
  return `edgeware/kvs/${s.store.id}/${s.sha256.slice(0, 16)}.json`
}

/** What the code uses of the `cloudfront` module (`kvs`, `updateRequestOrigin`, …) and the string ids it passes to `cf.kvs()`. */
function cloudfrontCalls(code: string, fn: CloudFrontFunctionConfig): { used: Set<string>; kvsIds: string[] } {
  const locals = new Set(checkFunctionSyntax(code, fn.runtime).imports.filter((i) => i.module === 'cloudfront').map((i) => i.local))
  const used = new Set<string>()
  const kvsIds: string[] = []
  if (locals.size === 0) return { used, kvsIds }
  const isCf = (n: AnyNode): n is MemberExpression => n.type === 'MemberExpression' && n.object.type === 'Identifier' && locals.has(n.object.name) && n.property.type === 'Identifier'
  simple(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }), {
    MemberExpression(node) {
      if (isCf(node)) used.add((node.property as Identifier).name)
    },
    CallExpression(node) {
      const id = node.arguments[0]
      if (isCf(node.callee) && (node.callee.property as Identifier).name === 'kvs' && id?.type === 'Literal' && typeof id.value === 'string') kvsIds.push(id.value)
    },
  })
  return { used, kvsIds }
}

/**
 * The rules between a function's code and its associations: a store to read, origin helpers on viewer-request
 * only (problems); a store id written into the code (a warning: deployed, the id is CloudFront's own).
 */
function codeProblems(fn: CloudFrontFunctionConfig, code: string): { problems: Problem[]; warnings: Problem[] } {
  const { used: calls, kvsIds } = cloudfrontCalls(code, fn)
  const problems: Problem[] = []
  // [KVSH], §8.2: cf.kvs(id) takes the store's Id attribute, which CloudFront assigns (and a new store gets with new data).
  const warnings = kvsIds.map((id) => ({
    code: 'KeyValueStoreIdInCode',
    message: `CloudFront Function ${fn.name} calls cf.kvs(${JSON.stringify(id)}): deployed, its store's id is the one CloudFront assigns (a new one with each change of its data), so the call fails there; call cf.kvs() without an id to read the associated store`,
  }))
  if (calls.has('kvs') && fn.keyValueStore === undefined) {
    // [KVSH]: "Before it can be used, the KVS must be associated with the function"; cf.kvs() fails without one.
    problems.push({ code: 'KeyValueStoreNotAssociated', message: `CloudFront Function ${fn.name} calls cf.kvs(), but no key value store is associated with it: set [edge.cloudfront_functions.${fn.name}] key_value_store` })
  }
  const helper = [...calls].find((c) => ORIGIN_HELPERS.has(c))
  if (helper && fn.eventTypes.includes('viewer-response')) {
    // [ORIG]: the origin modification helpers work in viewer-request functions only.
    problems.push({ code: 'OriginChangeNotAllowed', message: `CloudFront Function ${fn.name} calls cf.${helper}(), which works in viewer-request functions only, but it is associated with viewer-response on ${fn.behaviors.join(', ')}` })
  }
  return { problems, warnings }
}

/** Compiles one function (with its warnings); its problems instead when CloudFront would refuse it. */
async function compile(fn: CloudFrontFunctionConfig, root: string): Promise<{ built: BuiltCloudFrontFunction; warnings: Problem[] } | Problem[]> {
  const rel = relative(root, fn.entry).split(sep).join('/')
  try {
    const c = await compileCloudFrontFunction(fn.entry, { runtime: fn.runtime })
    const { problems, warnings } = codeProblems(fn, c.code)
    return problems.length ? problems : { built: { fn, code: c.code, bytes: c.bytes, limit: c.limit, sha256: sha256(c.code) }, warnings }
  } catch (e) {
    if (!(e instanceof FunctionError)) throw e
    return e.problems.map((p) => ({ code: p.code, message: `CloudFront Function ${fn.name}: ${p.file ? relative(root, p.file).split(sep).join('/') || p.file : rel}:${p.line}:${p.column}: ${p.message}` }))
  }
}

/** Reads and validates one store's data file. */
async function loadStore(store: KeyValueStoreConfig, config: EdgeConfig, key: string): Promise<BuiltKeyValueStore | Problem> {
  let text: string
  try {
    text = await readFile(store.data, 'utf8')
  } catch (e) {
    return { code: 'InvalidImportFile', message: `${key}.data: cannot read ${store.data} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }
  }
  try {
    const kvs = KeyValueStore.fromImport(text, { id: store.id })
    const data = `${JSON.stringify(kvs.toImport())}\n`
    const functions = config.cloudfrontFunctions.filter((f) => f.keyValueStore === store.id).map((f) => f.name)
    if (Buffer.byteLength(data) > kvs.limits.kvsFileBytes) {
      return { code: 'FileTooLarge', message: `${key}.data (${store.data}): the import file is ${Buffer.byteLength(data)} bytes, over the limit of ${kvs.limits.kvsFileBytes}` }
    }
    return { store, data, keys: kvs.size, sha256: sha256(data), limit: kvs.limits.kvsFileBytes, functions }
  } catch (e) {
    if (!(e instanceof KvsError)) throw e
    return { code: e.code, message: `${key}.data (${store.data}): ${e.message.slice(e.code.length + 2)}` }
  }
}

/**
 * Compiles every CloudFront Function of a config and validates the data of every store they use; problems (code
 * CloudFront would refuse, a broken rule, a store over its limits) and warnings (a store no function uses) come
 * back together so that the build reports them all at once.
 *
 * @example
 * ```ts
 * const { functions, stores, problems } = await buildCloudFrontFunctions(config)
 * if (problems.length) throw BuildError.from(problems)
 * ```
 */
export async function buildCloudFrontFunctions(config: EdgeConfig): Promise<{ functions: BuiltCloudFrontFunction[]; stores: BuiltKeyValueStore[]; problems: Problem[]; warnings: Problem[] }> {
  const problems: Problem[] = []
  const warnings: Problem[] = []
  const functions: BuiltCloudFrontFunction[] = []
  for (const r of await Promise.all(config.cloudfrontFunctions.map((f) => compile(f, config.root)))) {
    if (Array.isArray(r)) problems.push(...r)
    else {
      functions.push(r.built)
      warnings.push(...r.warnings)
    }
  }
  const stores: BuiltKeyValueStore[] = []
  const used = usedStores(config)
  for (const [i, s] of config.edge.keyValueStores.entries()) {
    if (!used.includes(s)) continue
    const r = await loadStore(s, config, `edge.key_value_stores[${i}]`)
    if ('store' in r) stores.push(r)
    else problems.push(r)
  }
  for (const s of config.edge.keyValueStores) {
    if (!used.includes(s)) warnings.push({ code: 'UnusedKeyValueStore', message: `edge.key_value_stores: ${JSON.stringify(s.id)} is not associated with any CloudFront Function, so the template leaves it out` })
  }
  return { functions, stores, problems, warnings }
}

/** A function's `FunctionConfig.Comment`: the config's, else what it is and where it runs (≤ 128 characters). */
function comment(config: EdgeConfig, f: CloudFrontFunctionConfig): string {
  const text = f.comment ?? `edgeware ${config.name}: ${f.eventTypes.join(', ')} on ${f.behaviors.join(', ')}`
  return text.length <= MAX_COMMENT ? text : `${text.slice(0, MAX_COMMENT - 1)}…`
}

/**
 * The template's part for the CloudFront Functions: per store a `<Store>DataKey` parameter (the S3 key of its data
 * in `CodeBucket`) and an `AWS::CloudFront::KeyValueStore` importing it; per function an `AWS::CloudFront::Function`
 * (`AutoPublish`, so it is LIVE and can be associated) with its store; an output with each store's ARN.
 *
 * @example
 * ```ts
 * const { parameters, resources, outputs } = functionResources(config, plan, built.functions, built.stores)
 * ```
 */
export function functionResources(
  config: EdgeConfig,
  plan: FunctionsPlan,
  functions: readonly BuiltCloudFrontFunction[],
  stores: readonly BuiltKeyValueStore[],
): TemplateParts {
  const parameters: Record<string, Json> = {}
  const resources: Record<string, Json> = {}
  const outputs: Record<string, Json> = {}
  for (const s of stores) {
    const p = plan.stores.get(s.store.id)!
    parameters[p.dataKey] = {
      Type: 'String',
      Default: keyValueStoreKey(s),
      Description: `S3 key in CodeBucket of ${s.store.id}.kvs.json (sha256 ${s.sha256}), the data key value store ${s.store.id} is created with.`,
    }
    resources[p.logicalId] = {
      Type: 'AWS::CloudFront::KeyValueStore',
      Properties: {
        Name: keyValueStoreName(config, s),
        Comment: `edgeware ${config.name}: ${s.store.id} (${s.keys} key${s.keys === 1 ? '' : 's'})`.slice(0, MAX_COMMENT),
        // Imported on creation only: new data has a new name, so CloudFormation creates a new store for it.
        ImportSource: { SourceType: 'S3', SourceArn: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::\${CodeBucket}/\${${p.dataKey}}` } },
      },
    }
    outputs[p.arnOutput] = { Description: `ARN of key value store ${s.store.id} (for its data-plane API: UpdateKeys, PutKey, …)`, Value: { 'Fn::GetAtt': [p.logicalId, 'Arn'] } }
  }
  for (const b of functions) {
    const p = plan.functions.get(b.fn.entry)!
    const store = b.fn.keyValueStore === undefined ? undefined : plan.stores.get(b.fn.keyValueStore)
    resources[p.logicalId] = {
      Type: 'AWS::CloudFront::Function',
      Properties: {
        Name: p.name,
        // Without AutoPublish the function stays in DEVELOPMENT and can't be associated (§8.1).
        AutoPublish: true,
        FunctionConfig: {
          Comment: comment(config, b.fn),
          Runtime: b.fn.runtime,
          ...(store ? { KeyValueStoreAssociations: [{ KeyValueStoreARN: { 'Fn::GetAtt': [store.logicalId, 'Arn'] } }] } : {}),
        },
        FunctionCode: b.code,
      },
      Metadata: { edgeware: { eventTypes: b.fn.eventTypes, behaviors: b.fn.behaviors, bytes: b.bytes, maxBytes: b.limit } },
    }
  }
  return { parameters, resources, outputs }
}

/** A behavior's CloudFront Functions, in event order. */
function associated(b: BehaviorConfig, plan: FunctionsPlan): { eventType: FunctionEventType; logicalId: string; name: string }[] {
  return (['viewer-request', 'viewer-response'] as const).flatMap((eventType) => {
    const entry = b.cloudfrontFunctions[eventType]
    const p = entry === undefined ? undefined : plan.functions.get(entry)
    return p ? [{ eventType, ...p }] : []
  })
}

/**
 * A behavior's `FunctionAssociations` in CloudFormation's form (a list; the ARN of the LIVE function), or
 * `undefined` when it has none.
 *
 * @example
 * ```ts
 * cfnFunctionAssociations(behavior, plan) // [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['RouterCloudFrontFunction', 'FunctionMetadata.FunctionARN'] } }]
 * ```
 */
export function cfnFunctionAssociations(b: BehaviorConfig, plan: FunctionsPlan): Json[] | undefined {
  const rows = associated(b, plan)
  return rows.length ? rows.map((r) => ({ EventType: r.eventType, FunctionARN: { 'Fn::GetAtt': [r.logicalId, 'FunctionMetadata.FunctionARN'] } })) : undefined
}

/**
 * A behavior's `FunctionAssociations` in the CloudFront API's form (`{ Quantity, Items }`, ARNs with an
 * `<account>` placeholder), or `undefined` when it has none.
 *
 * @example
 * ```ts
 * apiFunctionAssociations(behavior, plan) // { Quantity: 1, Items: [{ EventType: 'viewer-request', FunctionARN: 'arn:aws:cloudfront::<account>:function/my-site-router' }] }
 * ```
 */
export function apiFunctionAssociations(b: BehaviorConfig, plan: FunctionsPlan): Json | undefined {
  const rows = associated(b, plan)
  return rows.length ? { Quantity: rows.length, Items: rows.map((r) => ({ EventType: r.eventType, FunctionARN: `arn:aws:cloudfront::<account>:function/${r.name}` })) } : undefined
}

/**
 * What manifest.json says about a CloudFront Function.
 *
 * @example
 * ```ts
 * const built = (await build({ config: 'wrangler.toml' })).manifest
 * for (const f of built.cloudfrontFunctions) console.log(f.functionName, f.eventTypes, f.limits.share)
 * ```
 */
export interface CloudFrontFunctionManifest {
  name: string
  /** The deployed `Name`. */
  functionName: string
  entry: string
  runtime: string
  eventTypes: FunctionEventType[]
  behaviors: string[]
  keyValueStore?: string
  bytes: number
  sha256: string
  limits: { bytes: number; share: number }
}

/**
 * What manifest.json says about a KeyValueStore: its data file, where `edgeware deploy` uploads it, its name.
 *
 * @example
 * ```ts
 * const built = (await build({ config: 'wrangler.toml' })).manifest
 * for (const s of built.keyValueStores) console.log(s.name, s.file, '→', s.s3Key)
 * ```
 */
export interface KeyValueStoreManifest {
  id: string
  /** The deployed `Name` (it holds the data's hash: new data, new store). */
  name: string
  /** The data file in the build directory. */
  file: string
  s3Key: string
  keys: number
  bytes: number
  sha256: string
  functions: string[]
  limits: { bytes: number; share: number }
}

const share = (n: number, of: number): number => Math.round((n / of) * 10_000) / 10_000

/**
 * The manifest's `cloudfrontFunctions` and `keyValueStores`.
 *
 * @example
 * ```ts
 * functionsManifest(config, plan, built.functions, built.stores).keyValueStores[0].s3Key
 * ```
 */
export function functionsManifest(
  config: EdgeConfig,
  plan: FunctionsPlan,
  functions: readonly BuiltCloudFrontFunction[],
  stores: readonly BuiltKeyValueStore[],
): { cloudfrontFunctions: CloudFrontFunctionManifest[]; keyValueStores: KeyValueStoreManifest[] } {
  return {
    cloudfrontFunctions: [...functions]
      .sort((a, b) => (a.fn.name < b.fn.name ? -1 : 1))
      .map((b) => ({
        name: b.fn.name,
        functionName: plan.functions.get(b.fn.entry)!.name,
        entry: relative(config.root, b.fn.entry).split(sep).join('/'),
        runtime: b.fn.runtime,
        eventTypes: [...b.fn.eventTypes],
        behaviors: [...b.fn.behaviors],
        ...(b.fn.keyValueStore !== undefined ? { keyValueStore: b.fn.keyValueStore } : {}),
        bytes: b.bytes,
        sha256: b.sha256,
        limits: { bytes: b.limit, share: share(b.bytes, b.limit) },
      })),
    keyValueStores: stores.map((s) => ({
      id: s.store.id,
      name: keyValueStoreName(config, s),
      file: keyValueStoreFile(s),
      s3Key: keyValueStoreKey(s),
      keys: s.keys,
      bytes: Buffer.byteLength(s.data),
      sha256: s.sha256,
      functions: [...s.functions],
      limits: { bytes: s.limit, share: share(Buffer.byteLength(s.data), s.limit) },
    })),
  }
}

/**
 * The file a store's data is written to in the build directory.
 *
 * @example
 * ```ts
 * keyValueStoreFile(built) // 'routes.kvs.json'
 * ```
 */
export function keyValueStoreFile(s: Pick<BuiltKeyValueStore, 'store'>): string {
  return `${s.store.id}.kvs.json`
}
