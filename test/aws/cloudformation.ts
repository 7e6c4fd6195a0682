/**
 * A CloudFormation stand-in speaking the query protocol (form-encoded requests, XML answers, `ErrorResponse`
 * errors) for what `edgeware deploy` / `destroy` use: CreateChangeSet, DescribeChangeSet, ExecuteChangeSet,
 * DeleteChangeSet, DescribeStacks, DescribeStackEvents, ListStackResources, DeleteStack. It computes change sets by
 * comparing templates and parameters as CloudFormation does per resource (Add / Modify / Remove, with replacement
 * for Lambda versions), runs operations step by step with stack events, honours DeletionPolicy /
 * UpdateReplacePolicy (Retain, RetainExceptOnCreate), rolls back on an injected resource failure, creates
 * Lambda functions and versions in the shared Lambda state (a distribution makes their functions replicated), and
 * creates CloudFront key value stores from their S3 import source (failing when the object isn't there).
 */
import { randomUUID } from 'node:crypto'
import { ACCOUNT, replicatedMessage, type LambdaState } from './lambda.js'
import type { S3State } from './s3.js'
import type { ServiceHandler, StandinResponse } from './server.js'

type Json = unknown
type Template = { Parameters?: Record<string, { Default?: string }>; Resources?: Record<string, ResourceDef>; Outputs?: Record<string, { Value: Json }> }
type ResourceDef = { Type: string; Properties?: Record<string, Json>; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string | string[] }
type Resource = { logicalId: string; type: string; physicalId: string; attrs: Record<string, string>; def: ResourceDef; status: string; createdBy: string }

interface Event {
  EventId: string
  StackId: string
  StackName: string
  LogicalResourceId: string
  PhysicalResourceId: string
  ResourceType: string
  Timestamp: Date
  ResourceStatus: string
  ResourceStatusReason?: string
}

interface Change {
  action: 'Add' | 'Modify' | 'Remove'
  logicalId: string
  type: string
  replacement?: 'True' | 'False'
}

interface ChangeSet {
  id: string
  name: string
  stackId: string
  type: 'CREATE' | 'UPDATE'
  status: string
  executionStatus: string
  statusReason?: string
  template: Template
  parameters: Record<string, string>
  changes: Change[]
  created: Date
}

interface Stack {
  id: string
  name: string
  /** The region it was created in (the request's credential scope). */
  region: string
  status: string
  statusReason?: string
  template: Template
  parameters: Record<string, string>
  resources: Map<string, Resource>
  outputs: Record<string, string>
  events: Event[]
  changeSets: Map<string, ChangeSet>
  created: Date
  deleted: boolean
}

/** CloudFormation's state, and the faults a test can inject. */
export interface CfnState {
  stacks: Map<string, Stack>
  lambda: LambdaState
  s3: S3State
  /** Pause between two steps of an operation, ms. */
  stepMs: number
  /** Events per DescribeStackEvents page (CloudFormation pages too). */
  eventsPageSize: number
  /** The next change set fails with this reason (CloudFormation's own words). */
  failNextChangeSet?: string
  /** Resource logical id → the reason its next create or update fails (then the stack rolls back). */
  failResource: Map<string, string>
  /** CloudFront key value stores by name: the data each was created with (imported from S3 on creation only). */
  keyValueStores: Map<string, string>
}

/** An empty CloudFormation over the shared Lambda and S3 state. */
export function cfnState(lambda: LambdaState, s3: S3State): CfnState {
  return { stacks: new Map(), lambda, s3, stepMs: 2, eventsPageSize: 6, failResource: new Map(), keyValueStores: new Map() }
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const rand = () => randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()

/** Form fields `A.member.1.B=…` → `{ A: [{ B: … }] }`. */
export function parseQueryForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of new URLSearchParams(body)) {
    const path = k.split('.')
    let node: Record<string, unknown> | unknown[] = out
    for (let i = 0; i < path.length; i++) {
      let seg: string | number = path[i]!
      if (seg === 'member' || seg === 'entry') continue
      if (/^\d+$/.test(seg)) seg = Number(seg) - 1
      const last = i === path.length - 1
      const nextIsList = path[i + 1] === 'member' || path[i + 1] === 'entry'
      const container = node as Record<string | number, unknown>
      if (last) container[seg] = v
      else container[seg] ??= nextIsList ? [] : {}
      node = container[seg] as Record<string, unknown>
    }
  }
  return out
}

function toXml(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('')
  if (typeof value === 'object') return Object.entries(value as object).filter(([, v]) => v !== undefined).map(([k, v]) => `<${k}>${toXml(v)}</${k}>`).join('')
  return esc(String(value))
}

const ok = (action: string, result: Record<string, unknown>): StandinResponse => ({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: `<${action}Response xmlns="${NS}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
})
const fail = (code: string, message: string, status = 400): StandinResponse => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
})

/** The stack of a name (live, in the region asked) or id (any). */
function find(state: CfnState, nameOrId: string, region: string): Stack | undefined {
  const byId = state.stacks.get(nameOrId)
  if (byId) return byId
  return [...state.stacks.values()].find((s) => s.name === nameOrId && s.region === region && !s.deleted)
}

/** Resource logical ids a value refers to (Ref, GetAtt, Sub). */
function refs(value: Json, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => refs(v, into))
  else if (value && typeof value === 'object') {
    const o = value as Record<string, Json>
    if (typeof o.Ref === 'string') into.add(o.Ref)
    if (Array.isArray(o['Fn::GetAtt'])) into.add(String(o['Fn::GetAtt'][0]))
    if (typeof o['Fn::Sub'] === 'string') for (const m of o['Fn::Sub'].matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g)) into.add(m[1]!)
    for (const v of Object.values(o)) refs(v, into)
  }
  return into
}

/** Resources in creation order (dependencies first). */
function order(t: Template): string[] {
  const res = t.Resources ?? {}
  const out: string[] = []
  const visit = (id: string, path: Set<string>) => {
    if (out.includes(id) || path.has(id) || !res[id]) return
    path.add(id)
    const deps = refs(res[id]!.Properties ?? {})
    for (const d of ([] as string[]).concat(res[id]!.DependsOn ?? [])) deps.add(d)
    for (const d of [...deps].sort()) visit(d, path)
    out.push(id)
  }
  for (const id of Object.keys(res).sort()) visit(id, new Set())
  return out
}

/** Properties with parameters and pseudo parameters substituted (resource references left symbolic). */
function withParams(value: Json, params: Record<string, string>): Json {
  if (Array.isArray(value)) return value.map((v) => withParams(v, params))
  if (value && typeof value === 'object') {
    const o = value as Record<string, Json>
    if (typeof o.Ref === 'string' && o.Ref in params) return params[o.Ref]
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withParams(v, params)]))
  }
  return value
}

/** Resolves intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Select, Fn::Split) against a stack's parameters and resources. */
function resolve(value: Json, params: Record<string, string>, resources: Map<string, Resource>, stack: Pick<Stack, 'name' | 'region'>): Json {
  const pseudo: Record<string, string> = { 'AWS::Region': stack.region, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::StackName': stack.name, 'AWS::URLSuffix': 'amazonaws.com' }
  const ref = (name: string): string => params[name] ?? pseudo[name] ?? resources.get(name)?.physicalId ?? `<unresolved ${name}>`
  const att = (id: string, a: string): string => resources.get(id)?.attrs[a] ?? `<unresolved ${id}.${a}>`
  const again = (v: Json): Json => resolve(v, params, resources, stack)
  if (Array.isArray(value)) return value.map(again)
  if (value && typeof value === 'object') {
    const o = value as Record<string, Json>
    if (typeof o.Ref === 'string') return ref(o.Ref)
    if (Array.isArray(o['Fn::GetAtt'])) return att(String(o['Fn::GetAtt'][0]), String(o['Fn::GetAtt'][1]))
    if (typeof o['Fn::Sub'] === 'string') return o['Fn::Sub'].replace(/\$\{([A-Za-z0-9:]+)(?:\.([A-Za-z.]+))?\}/g, (_, n: string, a?: string) => (a ? att(n, a) : ref(n)))
    if (Array.isArray(o['Fn::Select'])) return (again(o['Fn::Select'][1] as Json) as Json[])[Number(o['Fn::Select'][0])] as Json
    if (Array.isArray(o['Fn::Split'])) return String(again(o['Fn::Split'][1] as Json)).split(String(o['Fn::Split'][0]))
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, again(v)]))
  }
  return value
}

const REPLACE_ON: Record<string, string[] | 'any'> = {
  'AWS::Lambda::Version': 'any',
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::DynamoDB::GlobalTable': ['TableName', 'KeySchema'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::CloudFront::KeyValueStore': ['Name'],
  'AWS::CloudFront::Function': ['Name'],
}

/** CloudFormation's change set: per resource Add / Modify (replacement or not) / Remove, in template order. */
function diff(stack: Stack | undefined, t: Template, params: Record<string, string>): Change[] {
  const before = stack?.template.Resources ?? {}
  const after = t.Resources ?? {}
  const changes: Change[] = []
  const replaced = new Set<string>()
  for (const id of order(t)) {
    const n = after[id]!
    const o = before[id]
    if (!o || !stack?.resources.has(id)) {
      changes.push({ action: 'Add', logicalId: id, type: n.Type })
      continue
    }
    const a = JSON.stringify(withParams(o.Properties ?? {}, stack.parameters))
    const b = JSON.stringify(withParams(n.Properties ?? {}, params))
    const dependsOnReplaced = [...refs(n.Properties ?? {})].some((r) => replaced.has(r))
    if (a === b && o.Type === n.Type && !dependsOnReplaced) continue
    const rule = REPLACE_ON[n.Type]
    const op = (o.Properties ?? {}) as Record<string, Json>
    const np = (withParams(n.Properties ?? {}, params) ?? {}) as Record<string, Json>
    const ow = (withParams(op, stack.parameters) ?? {}) as Record<string, Json>
    const replace = a !== b && (rule === 'any' || (Array.isArray(rule) && rule.some((k) => JSON.stringify(ow[k]) !== JSON.stringify(np[k]))))
    if (replace) replaced.add(id)
    changes.push({ action: 'Modify', logicalId: id, type: n.Type, replacement: replace ? 'True' : 'False' })
  }
  for (const id of Object.keys(before)) if (!after[id] && stack?.resources.has(id)) changes.push({ action: 'Remove', logicalId: id, type: before[id]!.Type })
  return changes
}

/** The CloudFormation service over a state. */
export function cloudFormationService(state: CfnState): ServiceHandler {
  const event = (s: Stack, logicalId: string, type: string, status: string, reason?: string, physicalId?: string) => {
    s.events.unshift({
      EventId: randomUUID(),
      StackId: s.id,
      StackName: s.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId ?? (type === 'AWS::CloudFormation::Stack' ? s.id : ''),
      ResourceType: type,
      Timestamp: new Date(),
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
    })
  }
  const stackEvent = (s: Stack, status: string, reason?: string) => {
    s.status = status
    if (reason) s.statusReason = reason
    event(s, s.name, 'AWS::CloudFormation::Stack', status, reason)
  }

  /** Creates a resource's physical side; returns an error reason or undefined. */
  const createResource = (s: Stack, id: string, def: ResourceDef, params: Record<string, string>, opId: string): Resource | string => {
    const props = resolve(def.Properties ?? {}, params, s.resources, s) as Record<string, Json>
    const r: Resource = { logicalId: id, type: def.Type, physicalId: `${s.name}-${id}-${rand()}`, attrs: {}, def, status: 'CREATE_COMPLETE', createdBy: opId }
    switch (def.Type) {
      case 'AWS::Lambda::Function': {
        const name = String(props.FunctionName ?? r.physicalId)
        if (state.lambda.functions.has(name)) return `Resource of type 'AWS::Lambda::Function' with identifier '${name}' already exists.`
        state.lambda.functions.set(name, { versions: 0, versionCode: [], replicated: new Set() })
        r.physicalId = name
        r.attrs.Arn = `arn:aws:lambda:${s.region}:${ACCOUNT}:function:${name}`
        break
      }
      case 'AWS::Lambda::Version': {
        const name = String(props.FunctionName)
        const fn = state.lambda.functions.get(name)
        if (!fn) return `Function not found: ${name}`
        fn.versions++
        fn.versionCode.push(String(props.CodeSha256))
        state.lambda.published.push({ functionName: name, version: fn.versions })
        r.physicalId = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:${fn.versions}`
        r.attrs.Version = String(fn.versions)
        break
      }
      case 'AWS::CloudFront::Distribution': {
        r.physicalId = `E${rand()}`
        r.attrs.DomainName = `d${rand().toLowerCase()}.cloudfront.net`
        markReplicas(props)
        break
      }
      case 'AWS::DynamoDB::GlobalTable':
        r.physicalId = String(props.TableName)
        r.attrs.Arn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${r.physicalId}`
        break
      case 'AWS::IAM::Role':
        r.attrs.Arn = `arn:aws:iam::${ACCOUNT}:role/${r.physicalId}`
        break
      case 'AWS::CloudFront::KeyValueStore': {
        // CloudFront reads the import file with the caller's rights when it creates the store.
        const name = String(props.Name)
        const source = String((props.ImportSource as { SourceArn?: string } | undefined)?.SourceArn ?? '')
        const m = /^arn:aws:s3:::([^/]+)\/(.+)$/.exec(source)
        const object = m ? state.s3.objects.get(`${m[1]}/${m[2]}`) : undefined
        if (source && !object) return `Resource handler returned message: "Invalid request provided: AWS::CloudFront::KeyValueStore: the import source ${source} can't be read (HTTP 404 NoSuchKey)" (HandlerErrorCode: InvalidRequest)`
        if (state.keyValueStores.has(name)) return `Resource handler returned message: "Invalid request provided: A key value store with the name ${name} already exists." (HandlerErrorCode: AlreadyExists)`
        state.keyValueStores.set(name, object?.body.toString('utf8') ?? '{"data":[]}')
        const id = randomUUID()
        r.physicalId = name
        Object.assign(r.attrs, { Arn: `arn:aws:cloudfront::${ACCOUNT}:key-value-store/${id}`, Id: id, Status: 'READY' })
        break
      }
      case 'AWS::ApiGateway::RestApi':
        r.physicalId = rand().toLowerCase().slice(0, 10)
        r.attrs.RootResourceId = rand().toLowerCase().slice(0, 10)
        break
      case 'AWS::ApiGatewayV2::Api':
        r.physicalId = rand().toLowerCase().slice(0, 10)
        r.attrs.ApiEndpoint = `https://${r.physicalId}.execute-api.${s.region}.amazonaws.com`
        break
      case 'AWS::Lambda::Url':
        r.attrs.FunctionUrl = `https://${(rand() + rand() + rand()).toLowerCase().slice(0, 32)}.lambda-url.${s.region}.on.aws/`
        break
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        r.attrs.DNSName = `${s.name.slice(0, 20)}-${rand().toLowerCase()}.${s.region}.elb.amazonaws.com`
        break
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        // Elastic Load Balancing registers a function only when it may invoke it already.
        const fn = String((props.Targets as { Id?: string }[] | undefined)?.[0]?.Id ?? '')
        const allowed = [...s.resources.values()].some((x) => {
          if (x.type !== 'AWS::Lambda::Permission') return false
          const p = resolve(x.def.Properties ?? {}, params, s.resources, s) as Record<string, Json>
          return p.Principal === 'elasticloadbalancing.amazonaws.com' && p.FunctionName === fn
        })
        if (props.TargetType === 'lambda' && !allowed) return `Resource handler returned message: "elasticloadbalancing principal does not have permission to invoke ${fn} from target group" (HandlerErrorCode: InvalidRequest)`
        r.physicalId = `arn:aws:elasticloadbalancing:${s.region}:${ACCOUNT}:targetgroup/${String(props.Name ?? id)}/${rand().toLowerCase()}`
        break
      }
      case 'AWS::CloudFront::Function': {
        r.physicalId = String(props.Name)
        const arn = `arn:aws:cloudfront::${ACCOUNT}:function/${r.physicalId}`
        Object.assign(r.attrs, { FunctionARN: arn, 'FunctionMetadata.FunctionARN': arn, Stage: props.AutoPublish === true ? 'LIVE' : 'DEVELOPMENT' })
        break
      }
    }
    return r
  }
  /** The versions a distribution's associations name are replicated from then on. */
  const markReplicas = (props: Record<string, Json>) => {
    for (const m of JSON.stringify(props).matchAll(/arn:aws:lambda:us-east-1:\d+:function:([A-Za-z0-9_-]+):(\d+)/g)) {
      state.lambda.functions.get(m[1]!)?.replicated.add(Number(m[2]))
    }
  }
  /** Deletes (or keeps) a resource; returns an error reason or undefined. */
  const deleteResource = (r: Resource, policy: string | undefined, opId: string): 'skipped' | string | undefined => {
    if (policy === 'Retain' || (policy === 'RetainExceptOnCreate' && r.createdBy !== opId)) return 'skipped'
    if (r.type === 'AWS::Lambda::Function') {
      const fn = state.lambda.functions.get(r.physicalId)
      if (fn?.replicated.size) return replicatedMessage(r.physicalId, Math.min(...fn.replicated))
      state.lambda.functions.delete(r.physicalId)
    }
    if (r.type === 'AWS::Lambda::Version') {
      const name = r.physicalId.split(':')[6]!
      if (state.lambda.functions.get(name)?.replicated.has(Number(r.attrs.Version))) return replicatedMessage(name, Number(r.attrs.Version))
    }
    if (r.type === 'AWS::CloudFront::KeyValueStore') state.keyValueStores.delete(r.physicalId)
    return undefined
  }

  const runChangeSet = async (s: Stack, cs: ChangeSet) => {
    const create = cs.type === 'CREATE'
    const opId = cs.id
    const step = () => sleep(state.stepMs)
    const old = { template: s.template, parameters: s.parameters, resources: new Map(s.resources) }
    stackEvent(s, create ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS', 'User Initiated')
    const applied: { change: Change; previous?: Resource }[] = []
    const replacedOld: Resource[] = []
    let failed: string | undefined
    for (const c of cs.changes.filter((x) => x.action !== 'Remove')) {
      await step()
      const def = cs.template.Resources![c.logicalId]!
      const previous = s.resources.get(c.logicalId)
      const verb = c.action === 'Add' ? 'CREATE' : 'UPDATE'
      event(s, c.logicalId, c.type, `${verb}_IN_PROGRESS`, c.replacement === 'True' ? 'Requested update requires the creation of a new physical resource; hence creating one.' : undefined, previous?.physicalId)
      await step()
      const injected = state.failResource.get(c.logicalId)
      let outcome: Resource | string
      if (injected) {
        state.failResource.delete(c.logicalId)
        outcome = injected
      } else if (c.action === 'Add' || c.replacement === 'True') {
        outcome = createResource(s, c.logicalId, def, cs.parameters, opId)
      } else {
        outcome = { ...previous!, def }
        if (c.type === 'AWS::CloudFront::Distribution') markReplicas(resolve(def.Properties ?? {}, cs.parameters, s.resources, s) as Record<string, Json>)
      }
      if (typeof outcome === 'string') {
        event(s, c.logicalId, c.type, `${verb}_FAILED`, outcome, previous?.physicalId)
        failed = c.logicalId
        break
      }
      if (c.replacement === 'True' && previous) replacedOld.push(previous)
      s.resources.set(c.logicalId, outcome)
      applied.push({ change: c, previous })
      event(s, c.logicalId, c.type, `${verb}_COMPLETE`, undefined, outcome.physicalId)
    }
    if (failed) {
      const what = create ? 'create' : 'update'
      stackEvent(s, create ? 'ROLLBACK_IN_PROGRESS' : 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to ${what}: [${failed}]. ${create ? 'Rollback requested by user.' : ''}`.trim())
      for (const a of applied.reverse()) {
        await step()
        const now = s.resources.get(a.change.logicalId)!
        if (a.change.action === 'Add' || a.change.replacement === 'True') {
          // what this operation created goes (RetainExceptOnCreate deletes it; Retain keeps it)
          const r = deleteResource(now, now.def.DeletionPolicy, opId)
          event(s, now.logicalId, now.type, r === 'skipped' ? 'DELETE_SKIPPED' : r ? 'DELETE_FAILED' : 'DELETE_COMPLETE', r && r !== 'skipped' ? r : undefined, now.physicalId)
        } else {
          event(s, now.logicalId, now.type, 'UPDATE_COMPLETE', undefined, now.physicalId)
        }
      }
      await step()
      if (create) {
        s.resources.clear()
        stackEvent(s, 'ROLLBACK_COMPLETE')
      } else {
        s.resources = old.resources
        stackEvent(s, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS')
        await step()
        stackEvent(s, 'UPDATE_ROLLBACK_COMPLETE')
      }
      return
    }
    s.template = cs.template
    s.parameters = cs.parameters
    if (!create) {
      stackEvent(s, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')
      const gone = [...replacedOld.map((r) => ({ r, policy: r.def.UpdateReplacePolicy })), ...cs.changes.filter((c) => c.action === 'Remove').map((c) => ({ r: old.resources.get(c.logicalId)!, policy: old.template.Resources![c.logicalId]!.DeletionPolicy }))]
      for (const { r, policy } of gone) {
        await step()
        const res = deleteResource(r, policy, opId)
        event(s, r.logicalId, r.type, res === 'skipped' ? 'DELETE_SKIPPED' : res ? 'DELETE_FAILED' : 'DELETE_COMPLETE', res && res !== 'skipped' ? res : undefined, r.physicalId)
      }
      for (const c of cs.changes.filter((x) => x.action === 'Remove')) s.resources.delete(c.logicalId)
    }
    s.outputs = Object.fromEntries(Object.entries(s.template.Outputs ?? {}).map(([k, o]) => [k, String(resolve(o.Value, s.parameters, s.resources, s))]))
    await step()
    stackEvent(s, create ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE')
  }

  const runDelete = async (s: Stack) => {
    stackEvent(s, 'DELETE_IN_PROGRESS', 'User Initiated')
    const opId = `delete-${s.id}`
    for (const id of order(s.template).reverse()) {
      const r = s.resources.get(id)
      if (!r) continue
      await sleep(state.stepMs)
      const res = deleteResource(r, r.def.DeletionPolicy, opId)
      if (res === 'skipped') event(s, id, r.type, 'DELETE_SKIPPED', undefined, r.physicalId)
      else if (res) {
        event(s, id, r.type, 'DELETE_FAILED', res, r.physicalId)
        stackEvent(s, 'DELETE_FAILED', `The following resource(s) failed to delete: [${id}]. `)
        return
      } else {
        event(s, id, r.type, 'DELETE_IN_PROGRESS', undefined, r.physicalId)
        event(s, id, r.type, 'DELETE_COMPLETE', undefined, r.physicalId)
      }
      s.resources.delete(id)
    }
    await sleep(state.stepMs)
    stackEvent(s, 'DELETE_COMPLETE')
    s.deleted = true
  }

  const template = (input: Record<string, unknown>): Template | StandinResponse => {
    let text = input.TemplateBody as string | undefined
    if (text === undefined && typeof input.TemplateURL === 'string') {
      const u = new URL(input.TemplateURL)
      const [, bucket, ...key] = u.pathname.split('/')
      text = state.s3.objects.get(`${bucket}/${decodeURIComponent(key.join('/'))}`)?.body.toString('utf8')
      if (text === undefined) return fail('ValidationError', `S3 error: Access Denied for ${input.TemplateURL}`)
    }
    try {
      return JSON.parse(text ?? '') as Template
    } catch {
      return fail('ValidationError', 'Template format error: JSON not well-formed.')
    }
  }

  return {
    operation(req) {
      const input = parseQueryForm(req.body.toString('utf8'))
      const action = String(input.Action ?? '?')
      delete input.Action
      delete input.Version
      return { action, input }
    },
    handle(req, action, input) {
      const region = req.region
      switch (action) {
        case 'DescribeStacks': {
          const s = find(state, String(input.StackName), region)
          if (!s) return fail('ValidationError', `Stack with id ${input.StackName} does not exist`)
          return ok(action, {
            Stacks: [
              {
                StackId: s.id,
                StackName: s.name,
                CreationTime: s.created,
                StackStatus: s.status,
                StackStatusReason: s.statusReason,
                Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
                Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
              },
            ],
          })
        }
        case 'CreateChangeSet': {
          const t = template(input)
          if ('status' in t) return t
          const name = String(input.StackName)
          const type = input.ChangeSetType === 'CREATE' ? 'CREATE' : 'UPDATE'
          let s = find(state, name, region)
          if (type === 'CREATE' && s && s.status !== 'REVIEW_IN_PROGRESS') return fail('AlreadyExistsException', `Stack [${name}] already exists`)
          if (type === 'UPDATE' && !s) return fail('ValidationError', `Stack [${name}] does not exist`)
          const caps = (input.Capabilities as string[] | undefined) ?? []
          if (Object.values(t.Resources ?? {}).some((r) => r.Type.startsWith('AWS::IAM::')) && !caps.includes('CAPABILITY_IAM') && !caps.includes('CAPABILITY_NAMED_IAM')) {
            return fail('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_IAM]')
          }
          const params: Record<string, string> = {}
          for (const p of (input.Parameters as { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: string }[] | undefined) ?? []) {
            if (!(p.ParameterKey in (t.Parameters ?? {}))) return fail('ValidationError', `Parameters: [${p.ParameterKey}] do not exist in the template`)
            if (p.UsePreviousValue === 'true') {
              const prev = s?.parameters[p.ParameterKey]
              if (prev === undefined) return fail('ValidationError', `Invalid input for parameter key ${p.ParameterKey}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`)
              params[p.ParameterKey] = prev
            } else params[p.ParameterKey] = p.ParameterValue ?? ''
          }
          const missing = Object.entries(t.Parameters ?? {}).filter(([k, p]) => !(k in params) && p.Default === undefined).map(([k]) => k)
          if (missing.length) return fail('ValidationError', `Parameters: [${missing.join(', ')}] must have values`)
          for (const [k, p] of Object.entries(t.Parameters ?? {})) if (!(k in params) && p.Default !== undefined) params[k] = p.Default
          if (!s) {
            const id = `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/${name}/${randomUUID()}`
            s = { id, name, region, status: 'REVIEW_IN_PROGRESS', template: {}, parameters: {}, resources: new Map(), outputs: {}, events: [], changeSets: new Map(), created: new Date(), deleted: false }
            state.stacks.set(id, s)
            stackEvent(s, 'REVIEW_IN_PROGRESS', 'User Initiated')
          }
          const csName = String(input.ChangeSetName)
          if ([...s.changeSets.values()].some((c) => c.name === csName)) return fail('AlreadyExistsException', `ChangeSet [${csName}] already exists`)
          const cs: ChangeSet = {
            id: `arn:aws:cloudformation:${region}:${ACCOUNT}:changeSet/${csName}/${randomUUID()}`,
            name: csName,
            stackId: s.id,
            type,
            status: 'CREATE_PENDING',
            executionStatus: 'UNAVAILABLE',
            template: t,
            parameters: params,
            changes: [],
            created: new Date(),
          }
          s.changeSets.set(cs.id, cs)
          const stack = s
          setTimeout(() => {
            cs.changes = diff(type === 'CREATE' ? undefined : stack, t, params)
            if (state.failNextChangeSet) {
              cs.status = 'FAILED'
              cs.statusReason = state.failNextChangeSet
              state.failNextChangeSet = undefined
            } else if (cs.changes.length === 0) {
              cs.status = 'FAILED'
              cs.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set."
            } else {
              cs.status = 'CREATE_COMPLETE'
              cs.executionStatus = 'AVAILABLE'
            }
          }, state.stepMs)
          return ok(action, { Id: cs.id, StackId: s.id })
        }
        case 'DescribeChangeSet': {
          const cs = [...state.stacks.values()].flatMap((s) => [...s.changeSets.values()]).find((c) => c.id === input.ChangeSetName)
          if (!cs) return fail('ChangeSetNotFound', `ChangeSet [${input.ChangeSetName}] does not exist`)
          const s = state.stacks.get(cs.stackId)!
          const start = Number(input.NextToken ?? 0)
          const page = cs.changes.slice(start, start + 2)
          return ok(action, {
            ChangeSetName: cs.name,
            ChangeSetId: cs.id,
            StackId: s.id,
            StackName: s.name,
            CreationTime: cs.created,
            ExecutionStatus: cs.executionStatus,
            Status: cs.status,
            StatusReason: cs.statusReason,
            Parameters: Object.entries(cs.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
            Changes: page.map((c) => ({
              Type: 'Resource',
              ResourceChange: {
                Action: c.action,
                LogicalResourceId: c.logicalId,
                PhysicalResourceId: s.resources.get(c.logicalId)?.physicalId,
                ResourceType: c.type,
                Replacement: c.replacement,
                Scope: c.action === 'Modify' ? ['Properties'] : [],
              },
            })),
            NextToken: start + 2 < cs.changes.length ? String(start + 2) : undefined,
          })
        }
        case 'ExecuteChangeSet':
        case 'DeleteChangeSet': {
          const s = [...state.stacks.values()].find((x) => x.changeSets.has(String(input.ChangeSetName)))
          const cs = s?.changeSets.get(String(input.ChangeSetName))
          if (!s || !cs) return fail('ChangeSetNotFound', `ChangeSet [${input.ChangeSetName}] does not exist`)
          if (action === 'DeleteChangeSet') {
            s.changeSets.delete(cs.id)
            return ok(action, {})
          }
          if (cs.executionStatus !== 'AVAILABLE') return fail('InvalidChangeSetStatus', `ChangeSet [${cs.id}] cannot be executed in its current status of [${cs.status}]`)
          s.changeSets.clear()
          void runChangeSet(s, cs)
          return ok(action, {})
        }
        case 'DescribeStackEvents': {
          const s = find(state, String(input.StackName), region)
          if (!s) return fail('ValidationError', `Stack [${input.StackName}] does not exist`)
          const start = Number(input.NextToken ?? 0)
          const end = start + state.eventsPageSize
          return ok(action, { StackEvents: s.events.slice(start, end), NextToken: end < s.events.length ? String(end) : undefined })
        }
        case 'ListStackResources': {
          const s = find(state, String(input.StackName), region)
          if (!s) return fail('ValidationError', `Stack with id ${input.StackName} does not exist`)
          const all = [...s.resources.values()]
          const start = Number(input.NextToken ?? 0)
          const end = start + 3
          return ok(action, {
            StackResourceSummaries: all.slice(start, end).map((r) => ({ LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId, ResourceType: r.type, ResourceStatus: r.status, LastUpdatedTimestamp: new Date() })),
            NextToken: end < all.length ? String(end) : undefined,
          })
        }
        case 'DeleteStack': {
          const s = find(state, String(input.StackName), region)
          if (s && !s.deleted) void runDelete(s)
          return ok(action, {})
        }
        default:
          return fail('InvalidAction', `${action} is not supported here`)
      }
    },
  }
}
