/**
 * The Lambda side of the stand-ins: the functions CloudFormation creates (with their published versions and
 * whether CloudFront still holds replicas of them), and the Lambda REST API's DeleteFunction as it answers for
 * Lambda@Edge functions (`InvalidParameterValueException … because it is a replicated function`).
 */
import type { ServiceHandler, StandinResponse } from './server.js'

export const ACCOUNT = '123456789012'

/** A function the stand-in holds. */
export interface StandinFunction {
  /** Versions published so far (1, 2, …). */
  versions: number
  /** The CodeSha256 of each published version. */
  versionCode: string[]
  /** Versions CloudFront holds replicas of: Lambda refuses to delete them (and so the function). */
  replicated: Set<number>
}

/** Lambda's state, shared with the CloudFormation stand-in. */
export interface LambdaState {
  functions: Map<string, StandinFunction>
  /** Every version published, in order. */
  published: { functionName: string; version: number }[]
  /** CloudFront has removed the replicas of these functions (all when no names are given). */
  dropReplicas(names?: string[]): void
}

/** An empty Lambda. */
export function lambdaState(): LambdaState {
  const functions = new Map<string, StandinFunction>()
  return {
    functions,
    published: [],
    dropReplicas(names) {
      for (const [n, f] of functions) if (!names || names.includes(n)) f.replicated.clear()
    },
  }
}

/** Lambda's error for deleting a replicated function, word for word. */
export function replicatedMessage(name: string, version: number): string {
  return `Lambda was unable to delete arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:${version} because it is a replicated function. Please see our documentation for Deleting Lambda@Edge Functions and Replicas.`
}

const restError = (status: number, type: string, message: string): StandinResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.awslambda/` },
  body: JSON.stringify({ Type: 'User', Message: message }),
})

/** The Lambda REST API (`DELETE /2015-03-31/functions/{FunctionName}`). */
export function lambdaService(state: LambdaState): ServiceHandler {
  return {
    operation(req) {
      const m = /^\/2015-03-31\/functions\/([^/]+)$/.exec(req.path)
      if (req.method === 'DELETE' && m) return { action: 'DeleteFunction', input: { FunctionName: m[1]!, ...(req.query.has('Qualifier') ? { Qualifier: req.query.get('Qualifier') } : {}) } }
      return { action: `${req.method} ${req.path}`, input: {} }
    },
    handle(_req, action, input) {
      if (action !== 'DeleteFunction') return restError(404, 'UnknownOperationException', `${action} is not supported here`)
      const name = String(input.FunctionName)
      const fn = state.functions.get(name)
      if (!fn) return restError(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`)
      if (fn.replicated.size) return restError(400, 'InvalidParameterValueException', replicatedMessage(name, Math.min(...fn.replicated)))
      state.functions.delete(name)
      return { status: 204 }
    },
  }
}
