/**
 * `edgeware destroy` and `edgeware cleanup`. Destroying deletes the edge stack but keeps its Lambda@Edge functions
 * (their `DeletionPolicy` retains them): CloudFront removes a function's replicas only some hours after the
 * distribution stops using it, and until then Lambda refuses to delete it. Cleanup deletes the retained functions
 * whose replicas are gone, and says which ones to try again later.
 */
import { ListStackResourcesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda'
import { dirname, resolve } from 'node:path'
import { loadEnvConfig } from '../build/environment.js'
import { awsClients, type AwsOptions } from './aws.js'
import { originTableStack } from './deploy.js'
import { awsReason } from './errors.js'
import { deleteStack, describeStack, type StackOptions } from './stack.js'
import { readState, retain, writeState } from './state.js'

/** Which stack: by name, or the config's (with its environment). */
export interface StackTarget extends AwsOptions, StackOptions {
  /** The wrangler.toml (default `wrangler.toml`); its directory holds `.edgeware/deploy/`. */
  config?: string
  env?: string
  stack?: string
}

/**
 * The stack a command acts on and the directory its state lives in.
 *
 * @example
 * ```ts
 * const { stack, root } = await resolveStack({ env: 'production' }) // stack 'my-site-production'
 * ```
 */
export async function resolveStack(t: StackTarget): Promise<{ stack: string; root: string }> {
  const configPath = resolve(t.config ?? 'wrangler.toml')
  const stack = t.stack ?? (await loadEnvConfig(configPath, t.env)).name
  return { stack, root: dirname(configPath) }
}

/** The Lambda functions a stack holds (physical names). */
async function stackFunctions(cfn: CloudFormationClient, stackId: string): Promise<string[]> {
  const names: string[] = []
  let token: string | undefined
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackId, ...(token ? { NextToken: token } : {}) }))
    for (const r of page.StackResourceSummaries ?? []) if (r.ResourceType === 'AWS::Lambda::Function' && r.PhysicalResourceId) names.push(r.PhysicalResourceId)
    token = page.NextToken
  } while (token)
  return names
}

/** Options of {@link destroy}. */
export interface DestroyOptions extends StackTarget {
  /** Also delete the origin table stack, and with it the table and its data (default false). */
  originTable?: boolean
}

/**
 * Deletes the edge stack, then the stacks of its Lambda origins outside us-east-1 (and, when asked, its origin table
 * stack), recording the functions it retains in
 * `.edgeware/deploy/<stack>.json` for `edgeware cleanup`. Resolves to the retained function names; a stack that
 * does not exist is not an error (nothing to do).
 *
 * @example
 * ```ts
 * const { retained } = await destroy({ env: 'staging', log: console.log })
 * ```
 */
export async function destroy(opts: DestroyOptions = {}): Promise<{ stack: string; deleted: boolean; retained: string[]; originTableDeleted: boolean }> {
  const log = opts.log ?? (() => {})
  const { stack, root } = await resolveStack(opts)
  const state = await readState(root, stack)
  const clients = awsClients(opts)
  try {
    const cfn = clients.cloudformation()
    const found = await describeStack(cfn, stack)
    let retained: string[] = []
    if (!found) log(`no stack ${stack}: nothing to destroy`)
    else {
      // the Lambda origins' functions in the edge stack are regional: deleted with it
      retained = (await stackFunctions(cfn, found.StackId!)).filter((n) => !state.originFunctions?.includes(n))
      log(`deleting stack ${stack} (the CloudFront distribution is disabled, then deleted: this takes a while)`)
      // Recorded first: a destroy cut short still leaves the names for cleanup.
      state.retained = retain(state.retained, retained, 'destroyed')
      await writeState(root, state)
      await deleteStack(cfn, found, { ...opts, log })
      state.functions = []
      delete state.distributionId
      delete state.domainName
      delete state.originFunctions
      await writeState(root, state)
      if (retained.length) {
        log(`retained ${retained.length} Lambda@Edge function${retained.length === 1 ? '' : 's'}: ${retained.join(', ')}`)
        log('CloudFront deletes their replicas within a few hours; then `edgeware cleanup` deletes the functions')
      }
    }
    // then the Lambda origins outside us-east-1, which nothing uses any more
    for (const o of state.originStacks ?? []) {
      log(`deleting stack ${o.stack} in ${o.region} (the Lambda origins there)`)
      if (!(await deleteStack(clients.cloudformation(o.region), o.stack, { ...opts, log }))) log(`no stack ${o.stack}: nothing to delete`)
      const left = state.originStacks!.filter((x) => x !== o)
      if (left.length) state.originStacks = left
      else delete state.originStacks
      await writeState(root, state)
    }
    let originTableDeleted = false
    if (opts.originTable) {
      const name = state.originTableStack ?? originTableStack(stack)
      log(`deleting stack ${name} (the origin table and every rule in it)`)
      originTableDeleted = await deleteStack(cfn, name, { ...opts, log })
      if (!originTableDeleted) log(`no stack ${name}: nothing to delete`)
      delete state.originTableStack
      await writeState(root, state)
    }
    return { stack, deleted: found !== undefined, retained, originTableDeleted }
  } finally {
    clients.destroy()
  }
}

/** What {@link cleanup} did with each retained function. */
export interface CleanupResult {
  stack: string
  deleted: string[]
  /** Already gone (deleted elsewhere). */
  gone: string[]
  /** Lambda still refuses: CloudFront has not removed every replica yet. */
  replicated: string[]
  failed: { functionName: string; reason: string }[]
}

/**
 * Deletes the functions a stack retained (`DeleteFunction`, every version). One Lambda still refuses as "a
 * replicated function" stays listed to try again later; one already gone is dropped from the list. Idempotent:
 * with nothing retained it does nothing.
 *
 * @example
 * ```ts
 * const r = await cleanup({ env: 'staging', log: console.log })
 * if (r.replicated.length) console.log('try again in an hour')
 * ```
 */
export async function cleanup(opts: StackTarget = {}): Promise<CleanupResult> {
  const log = opts.log ?? (() => {})
  const { stack, root } = await resolveStack(opts)
  const state = await readState(root, stack)
  const result: CleanupResult = { stack, deleted: [], gone: [], replicated: [], failed: [] }
  // Never a function the stack holds now.
  const todo = state.retained.filter((r) => !state.functions.includes(r.functionName))
  if (todo.length === 0) {
    log(`nothing to clean up for ${stack}`)
    return result
  }
  const clients = awsClients(opts)
  try {
    const lambda = clients.lambda()
    for (const r of todo) {
      try {
        await lambda.send(new DeleteFunctionCommand({ FunctionName: r.functionName }))
        result.deleted.push(r.functionName)
        log(`deleted ${r.functionName}`)
      } catch (e) {
        const err = e as { name?: string; message?: string }
        if (err.name === 'ResourceNotFoundException') {
          result.gone.push(r.functionName)
          log(`${r.functionName} is already gone`)
        } else if (err.name === 'InvalidParameterValueException' && /replicated function/i.test(err.message ?? '')) {
          result.replicated.push(r.functionName)
          log(`${r.functionName} is still replicated (CloudFront has not removed every replica yet): retry later`)
        } else {
          result.failed.push({ functionName: r.functionName, reason: awsReason(e) })
          log(`${r.functionName}: ${awsReason(e)}`)
        }
      }
    }
  } finally {
    clients.destroy()
    const done = new Set([...result.deleted, ...result.gone])
    state.retained = state.retained.filter((r) => !done.has(r.functionName))
    await writeState(root, state)
  }
  return result
}
