/**
 * One CloudFormation stack, created or updated through a change set (create it, wait until it is computed, show
 * it, execute it, follow the stack's events until it settles) or deleted. Failures come back with CloudFormation's
 * own reason: the change set's `StatusReason`, or the first resource that failed before the rollback.
 */
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Capability,
  type Change,
  type CloudFormationClient,
  type Parameter,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation'
import { awsReason, DeployError } from './errors.js'

/** How a stack operation reports and waits. */
export interface StackOptions {
  log?: (line: string) => void
  /** Between two polls, ms (default 3000). */
  pollMs?: number
  /** Give up waiting after this many ms (default 60 minutes: a CloudFront distribution takes a while). */
  maxWaitMs?: number
}

/** What to deploy into a stack. */
export interface StackInput {
  stackName: string
  /** The template text, or (over CloudFormation's 51,200-byte body limit) its S3 URL. */
  template: { body: string } | { url: string }
  /** Parameter values. */
  parameters?: Record<string, string>
  /** Template parameters with no default: each must be given, or keeps the value the stack has. */
  required?: readonly string[]
  capabilities?: Capability[]
}

/** One line of a change set. */
export interface ChangeLine {
  action: 'Add' | 'Modify' | 'Remove' | 'Replace' | string
  logicalId: string
  type: string
}

/** What {@link deployStack} did. */
export interface StackResult {
  outcome: 'created' | 'updated' | 'unchanged'
  stackId: string
  outputs: Record<string, string>
  changes: ChangeLine[]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i

/**
 * The stack, or undefined when there is none of that name (or id).
 *
 * @example
 * ```ts
 * const stack = await describeStack(cfn, 'my-site')
 * ```
 */
export async function describeStack(cfn: CloudFormationClient, nameOrId: string): Promise<Stack | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: nameOrId }))).Stacks?.[0]
  } catch (e) {
    if (/does not exist/.test((e as Error).message ?? '')) return undefined
    throw new DeployError('StackUnavailable', `describing stack ${nameOrId}: ${awsReason(e)}`)
  }
}

/** The stack's outputs as a map. */
export function outputsOf(stack: Stack | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Outputs ?? []).filter((o) => o.OutputKey && o.OutputValue !== undefined).map((o) => [o.OutputKey!, o.OutputValue!]))
}

/** The newest event id of a stack (where following its events starts). */
async function newestEventId(cfn: CloudFormationClient, stackId: string): Promise<string | undefined> {
  return (await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }))).StackEvents?.[0]?.EventId
}

/** Events newer than `mark` and not seen yet, oldest first (follows NextToken back to `mark`). */
async function eventsSince(cfn: CloudFormationClient, stackId: string, mark: string | undefined, seen: Set<string>): Promise<StackEvent[]> {
  const fresh: StackEvent[] = []
  let token: string | undefined
  page: do {
    const out = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId, ...(token ? { NextToken: token } : {}) }))
    for (const e of out.StackEvents ?? []) {
      if (e.EventId === mark || seen.has(e.EventId ?? '')) break page
      fresh.push(e)
    }
    token = out.NextToken
  } while (token)
  for (const e of fresh) seen.add(e.EventId ?? '')
  return fresh.reverse()
}

function formatEvent(e: StackEvent): string {
  const t = e.Timestamp ? e.Timestamp.toISOString().slice(11, 19) : '        '
  return `  ${t}  ${(e.ResourceStatus ?? '').padEnd(28)} ${e.LogicalResourceId ?? ''}${e.ResourceType && e.ResourceType !== 'AWS::CloudFormation::Stack' ? ` (${e.ResourceType})` : ''}${e.ResourceStatusReason && e.ResourceStatusReason !== 'User Initiated' ? `: ${e.ResourceStatusReason}` : ''}`
}

/** Why an operation failed: the first resource failure that is not a cancellation, else the stack's reason. */
function failureReason(events: readonly StackEvent[], stack: Stack | undefined): string {
  const first = events.find((e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceType !== 'AWS::CloudFormation::Stack' && !/cancelled/i.test(e.ResourceStatusReason ?? ''))
  if (first) return `${first.LogicalResourceId} (${first.ResourceType}) ${first.ResourceStatus}: ${first.ResourceStatusReason ?? 'no reason given'}`
  return stack?.StackStatusReason ?? `the stack ended in ${stack?.StackStatus ?? 'an unknown state'}`
}

/**
 * Follows a stack operation (events printed as they come) until the stack settles; resolves to its final state.
 * `mark` is the newest event before the operation started.
 *
 * @example
 * ```ts
 * const { stack, events } = await followStack(cfn, stackId, mark, { log: console.log })
 * ```
 */
export async function followStack(cfn: CloudFormationClient, stackId: string, mark: string | undefined, opts: StackOptions = {}): Promise<{ stack: Stack | undefined; events: StackEvent[] }> {
  const log = opts.log ?? (() => {})
  const pollMs = opts.pollMs ?? 3000
  const maxWaitMs = opts.maxWaitMs ?? 60 * 60_000
  const deadline = Date.now() + maxWaitMs
  const seen = new Set<string>()
  const events: StackEvent[] = []
  for (;;) {
    await sleep(pollMs)
    // The status first: once it has settled, every event of the operation is there to read.
    const stack = await describeStack(cfn, stackId)
    const status = stack?.StackStatus ?? 'DELETE_COMPLETE'
    const fresh = await eventsSince(cfn, stackId, mark, seen)
    for (const e of fresh) log(formatEvent(e))
    events.push(...fresh)
    if (!status.endsWith('_IN_PROGRESS')) return { stack, events }
    if (Date.now() > deadline) {
      throw new DeployError('StackTimeout', `stack ${stack?.StackName ?? stackId} is still ${status} after ${Math.round(maxWaitMs / 60_000)} minutes; follow it in the CloudFormation console`)
    }
  }
}

/** Resolves the parameters: given values, else the stack's current value for required ones, else an error. */
function parametersFor(input: StackInput, stack: Stack | undefined): Parameter[] {
  const given = input.parameters ?? {}
  const current = new Set((stack?.Parameters ?? []).map((p) => p.ParameterKey))
  const params: Parameter[] = Object.entries(given).map(([k, v]) => ({ ParameterKey: k, ParameterValue: v }))
  const missing: string[] = []
  for (const k of input.required ?? []) {
    if (k in given) continue
    if (current.has(k)) params.push({ ParameterKey: k, UsePreviousValue: true })
    else missing.push(k)
  }
  if (missing.length) {
    throw new DeployError('MissingParameters', `stack ${input.stackName} needs a value for ${missing.join(', ')}: pass ${missing.map((k) => `--param ${k}=…`).join(' ')} (later deploys reuse it)`)
  }
  return params
}

/** The change set's lines (every page). */
async function changeLines(cfn: CloudFormationClient, id: string, first: Change[] | undefined, token: string | undefined): Promise<ChangeLine[]> {
  const all = [...(first ?? [])]
  while (token) {
    const page = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id, NextToken: token }))
    all.push(...(page.Changes ?? []))
    token = page.NextToken
  }
  return all.map((c) => {
    const r = c.ResourceChange ?? {}
    const action = r.Action === 'Modify' && r.Replacement === 'True' ? 'Replace' : (r.Action ?? '?')
    return { action, logicalId: r.LogicalResourceId ?? '?', type: r.ResourceType ?? '?' }
  })
}

const SIGN: Record<string, string> = { Add: '+', Remove: '-', Modify: '~', Replace: '±' }

/**
 * Creates or updates a stack through a change set: describes the stack (a failed first creation,
 * `ROLLBACK_COMPLETE`, is deleted first; a stack busy with another operation is an error), creates the change
 * set, waits for it, prints its changes, executes it and follows the events until the stack settles. A change set
 * without changes is deleted and reported as `unchanged`; one CloudFormation refuses is deleted and thrown with
 * its reason; a failed execution is thrown with the first failing resource's reason once the rollback is done.
 *
 * @example
 * ```ts
 * const r = await deployStack(cfn, { stackName: 'my-site', template: { body }, parameters: { CodeBucket: 'b' }, capabilities: ['CAPABILITY_IAM'] }, { log: console.log })
 * console.log(r.outcome, r.outputs.DistributionDomainName)
 * ```
 */
export async function deployStack(cfn: CloudFormationClient, input: StackInput, opts: StackOptions = {}): Promise<StackResult> {
  const log = opts.log ?? (() => {})
  const pollMs = opts.pollMs ?? 3000
  const name = input.stackName
  const stack = await deployableStack(cfn, name, opts)
  const create = stack === undefined || stack.StackStatus === 'REVIEW_IN_PROGRESS'
  const created = await createChangeSet(cfn, input, create, parametersFor(input, create ? undefined : stack))
  const id = created.Id!
  const described = await computedChangeSet(cfn, id, pollMs)
  if (described.Status !== 'CREATE_COMPLETE') {
    const reason = described.StatusReason ?? `status ${described.Status}`
    await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: id }))
    if (NO_CHANGES.test(reason)) {
      log(`stack ${name}: nothing to deploy (the change set had no changes and was deleted)`)
      return { outcome: 'unchanged', stackId: created.StackId ?? stack?.StackId ?? name, outputs: outputsOf(stack), changes: [] }
    }
    throw new DeployError('ChangeSetFailed', `the change set for ${name} failed and was deleted: ${reason}`)
  }
  const changes = await changeLines(cfn, id, described.Changes, described.NextToken)
  log(`stack ${name}: ${create ? 'creating' : 'updating'} (${changes.length} change${changes.length === 1 ? '' : 's'})`)
  const width = Math.max(0, ...changes.map((c) => c.logicalId.length))
  for (const c of changes) log(`  ${SIGN[c.action] ?? '?'} ${c.action.padEnd(8)} ${c.logicalId.padEnd(width)}  ${c.type}`)
  const stackId = created.StackId ?? described.StackId!
  const mark = await newestEventId(cfn, stackId)
  try {
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: id }))
  } catch (e) {
    throw new DeployError('ChangeSetFailed', `executing the change set for ${name}: ${awsReason(e)}`)
  }
  const { stack: final, events } = await followStack(cfn, stackId, mark, { ...opts, pollMs })
  const ended = final?.StackStatus ?? 'DELETE_COMPLETE'
  if (ended !== 'CREATE_COMPLETE' && ended !== 'UPDATE_COMPLETE') {
    throw new DeployError('StackFailed', `deploying ${name} failed: ${failureReason(events, final)}; ${create ? 'the stack was rolled back' : 'the stack rolled back to its previous state'} (${ended})`)
  }
  return { outcome: create ? 'created' : 'updated', stackId, outputs: outputsOf(final), changes }
}

/**
 * The stack as a change set can take it: none (a failed first creation, `ROLLBACK_COMPLETE`, is deleted first),
 * or one that is not busy with another operation nor stuck in a failed state.
 */
async function deployableStack(cfn: CloudFormationClient, name: string, opts: StackOptions): Promise<Stack | undefined> {
  const stack = await describeStack(cfn, name)
  const status = stack?.StackStatus
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') {
    opts.log?.(`stack ${name} is ${status} from a first deploy that failed: deleting it before creating it again`)
    await deleteStack(cfn, stack!, opts)
    return undefined
  }
  if (status?.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS') {
    throw new DeployError('StackBusy', `stack ${name} is ${status}: wait until that operation ends, then deploy again`)
  }
  if (status?.endsWith('_FAILED')) {
    throw new DeployError('StackFailedState', `stack ${name} is ${status}${stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}: fix it in the CloudFormation console (e.g. continue the rollback), then deploy again`)
  }
  return stack
}

/** CreateChangeSet (CREATE or UPDATE); a refusal is a DeployError with CloudFormation's reason. */
async function createChangeSet(cfn: CloudFormationClient, input: StackInput, create: boolean, parameters: Parameter[]) {
  try {
    return await cfn.send(
      new CreateChangeSetCommand({
        StackName: input.stackName,
        ChangeSetName: `edgeware-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`,
        ChangeSetType: create ? 'CREATE' : 'UPDATE',
        ...('body' in input.template ? { TemplateBody: input.template.body } : { TemplateURL: input.template.url }),
        Parameters: parameters,
        Capabilities: input.capabilities ?? [],
        Description: 'edgeware deploy',
      }),
    )
  } catch (e) {
    throw new DeployError('ChangeSetFailed', `CloudFormation refused the change set for ${input.stackName}: ${awsReason(e)}`)
  }
}

/** DescribeChangeSet until CloudFormation has computed it (or failed to). */
async function computedChangeSet(cfn: CloudFormationClient, id: string, pollMs: number) {
  for (;;) {
    await sleep(pollMs)
    const described = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id }))
    if (described.Status !== 'CREATE_PENDING' && described.Status !== 'CREATE_IN_PROGRESS') return described
  }
}

/**
 * Deletes a stack (by name or id, or one already described) and follows it until it is gone. Resources with
 * `DeletionPolicy: Retain` stay in the account. Resolves to false when there was no such stack.
 *
 * @example
 * ```ts
 * await deleteStack(cfn, 'my-site', { log: console.log })
 * ```
 */
export async function deleteStack(cfn: CloudFormationClient, target: string | Stack, opts: StackOptions = {}): Promise<boolean> {
  const stack = typeof target === 'string' ? await describeStack(cfn, target) : target
  if (!stack) return false
  const stackId = stack.StackId!
  const mark = await newestEventId(cfn, stackId)
  await cfn.send(new DeleteStackCommand({ StackName: stackId }))
  const { stack: final, events } = await followStack(cfn, stackId, mark, opts)
  const ended = final?.StackStatus ?? 'DELETE_COMPLETE'
  if (ended !== 'DELETE_COMPLETE') throw new DeployError('DeleteFailed', `deleting stack ${stack.StackName} failed: ${failureReason(events, final)} (${ended})`)
  return true
}
