/**
 * The AWS SDK clients `edgeware deploy`, `destroy`, `cleanup`, `logs` and `origins` use: credentials and Region
 * from the usual AWS chain (environment, `~/.aws` profiles, SSO, instance roles), an optional named profile, and an
 * optional endpoint (`--endpoint-url`, or AWS's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` variables)
 * for a self-run or test endpoint.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { LambdaClient } from '@aws-sdk/client-lambda'
import { S3Client } from '@aws-sdk/client-s3'

/**
 * How to reach AWS.
 *
 * @example
 * ```ts
 * const aws: AwsOptions = { profile: 'prod', endpoint: 'http://127.0.0.1:4566' }
 * ```
 */
export interface AwsOptions {
  /** A named profile of `~/.aws/config` (default: `$AWS_PROFILE`, else the default chain). */
  profile?: string
  /** One endpoint for every service (a local stand-in); default: per service `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`. */
  endpoint?: string
}

/** The environment variable AWS's SDKs read for a service's endpoint (`AWS_ENDPOINT_URL_<SERVICE ID>`). */
const ENV: Record<'cloudformation' | 's3' | 'lambda' | 'logs' | 'dynamodb', string> = {
  cloudformation: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
  s3: 'AWS_ENDPOINT_URL_S3',
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
  logs: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
}

/**
 * The endpoint a service is reached at, if not AWS's own: the option, else `AWS_ENDPOINT_URL_<SERVICE>`, else
 * `AWS_ENDPOINT_URL`.
 *
 * @example
 * ```ts
 * endpointFor('s3', { endpoint: 'http://127.0.0.1:4566' }) // 'http://127.0.0.1:4566'
 * ```
 */
export function endpointFor(service: keyof typeof ENV, opts: AwsOptions = {}): string | undefined {
  return opts.endpoint ?? process.env[ENV[service]] ?? process.env.AWS_ENDPOINT_URL ?? undefined
}

function base(service: keyof typeof ENV, region: string, opts: AwsOptions): { region: string; endpoint?: string; profile?: string; maxAttempts: number } {
  const endpoint = endpointFor(service, opts)
  return { region, maxAttempts: 3, ...(endpoint ? { endpoint } : {}), ...(opts.profile ? { profile: opts.profile } : {}) }
}

/**
 * The SDK clients, made on first use and destroyed together.
 *
 * @example
 * ```ts
 * const clients = awsClients({ profile: 'prod' })
 * try { await clients.cloudformation().send(cmd) } finally { clients.destroy() }
 * ```
 */
export function awsClients(opts: AwsOptions = {}): {
  /** CloudFormation in a region: us-east-1 by default (Lambda@Edge stacks live there); a Lambda origin's own. */
  cloudformation(region?: string): CloudFormationClient
  /** S3 in a region (us-east-1 by default: the code bucket must be there); path-style against a custom endpoint. */
  s3(region?: string): S3Client
  /** Lambda in us-east-1. */
  lambda(): LambdaClient
  /** CloudWatch Logs in one Region (edge functions log where they ran). */
  logs(region: string): CloudWatchLogsClient
  destroy(): void
} {
  const made = new Map<string, { destroy(): void }>()
  const once = <C extends { destroy(): void }>(key: string, make: () => C): C => {
    let c = made.get(key) as C | undefined
    if (!c) made.set(key, (c = make()))
    return c
  }
  return {
    cloudformation: (region = 'us-east-1') => once(`cfn:${region}`, () => new CloudFormationClient(base('cloudformation', region, opts))),
    s3: (region = 'us-east-1') =>
      once(`s3:${region}`, () => {
        const b = base('s3', region, opts)
        return new S3Client({ ...b, forcePathStyle: b.endpoint !== undefined })
      }),
    lambda: () => once('lambda', () => new LambdaClient(base('lambda', 'us-east-1', opts))),
    logs: (region) => once(`logs:${region}`, () => new CloudWatchLogsClient(base('logs', region, opts))),
    destroy: () => {
      for (const c of made.values()) c.destroy()
      made.clear()
    },
  }
}
