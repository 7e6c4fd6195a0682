/**
 * `edgeware logs`: a Lambda@Edge function logs in the Region where each replica ran, to
 * `/aws/lambda/us-east-1.<function name>` there. This finds the Regions that have that log group and merges their
 * events by time, each line prefixed with its Region, once or following new events.
 */
import { DescribeLogGroupsCommand, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs'
import { awsClients, type AwsOptions } from './aws.js'
import { awsReason, DeployError } from './errors.js'

/**
 * The Regions looked in by default: those with CloudFront regional edge caches, where Lambda@Edge replicas run.
 * AWS does not publish this list for Lambda@Edge; it is the Regions third parties list for regional edge caches
 * (unverified), all enabled by default in an account. `--regions` replaces it.
 *
 * @example
 * ```ts
 * EDGE_LOG_REGIONS.includes('eu-west-1') // true
 * ```
 */
export const EDGE_LOG_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
]

/**
 * The log group a Lambda@Edge function writes to in every Region.
 *
 * @example
 * ```ts
 * edgeLogGroup('my-site-site-viewer-request') // '/aws/lambda/us-east-1.my-site-site-viewer-request'
 * ```
 */
export function edgeLogGroup(functionName: string): string {
  return `/aws/lambda/us-east-1.${functionName}`
}

/**
 * A `--since` value: a duration back from now (`30s`, `10m`, `2h`, `1d`) or an ISO date; epoch ms.
 *
 * @example
 * ```ts
 * parseSince('10m', Date.parse('2026-01-01T00:10:00Z')) // Date.parse('2026-01-01T00:00:00Z')
 * ```
 */
export function parseSince(value: string, now = Date.now()): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(value.trim())
  if (m) return now - Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
  const t = Date.parse(value)
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new DeployError('InvalidSince', `--since: expected a duration like 30s, 10m, 2h, 1d or an ISO date, got ${JSON.stringify(value)}`)
  return t
}

/** Options of {@link tailLogs}. */
export interface LogsOptions extends AwsOptions {
  /** The Lambda function name (with the config's name and environment). */
  functionName: string
  /** Where to look (default {@link EDGE_LOG_REGIONS}). */
  regions?: readonly string[]
  /** Epoch ms of the oldest event (default: 10 minutes ago). */
  since?: number
  /** Keep printing new events until `signal` aborts. */
  follow?: boolean
  signal?: AbortSignal
  /** Between two polls when following, ms (default 2000). */
  pollMs?: number
  /** Each output line. */
  print?: (line: string) => void
  /** Notes (Regions found, skipped). */
  log?: (line: string) => void
}

type Client = ReturnType<ReturnType<typeof awsClients>['logs']>
type Event = FilteredLogEvent & { region: string }

/** The Regions (of `regions`) that have the log group; Regions that answer with an error are noted and skipped. */
async function regionsWithGroup(client: (r: string) => Client, group: string, regions: readonly string[], log: (line: string) => void): Promise<string[]> {
  const found = await Promise.all(
    regions.map(async (region) => {
      try {
        const out = await client(region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }))
        return out.logGroups?.some((g) => g.logGroupName === group) ? region : undefined
      } catch (e) {
        log(`  ${region}: skipped (${awsReason(e)})`)
        return undefined
      }
    }),
  )
  return found.filter((r): r is string => r !== undefined)
}

/** Where a Region's next read starts: the newest time printed, and the events printed at that time. */
type Mark = { ts: number; ids: Set<string> }

/** Events of one Region from its mark (every page), without those already printed. */
async function eventsOf(c: Client, region: string, group: string, mark: Mark): Promise<Event[]> {
  const out: Event[] = []
  let token: string | undefined
  do {
    const page = await c.send(new FilterLogEventsCommand({ logGroupName: group, startTime: mark.ts, ...(token ? { nextToken: token } : {}) }))
    for (const e of page.events ?? []) if (!(e.timestamp === mark.ts && mark.ids.has(e.eventId ?? ''))) out.push({ ...e, region })
    token = page.nextToken
  } while (token)
  return out
}

function line(e: Event, width: number): string {
  const time = new Date(e.timestamp ?? 0).toISOString()
  return `[${e.region}]${' '.repeat(width - e.region.length)} ${time} ${(e.message ?? '').replace(/\n$/, '')}`
}

/**
 * Prints a Lambda@Edge function's log events from every Region it ran in, merged by time and prefixed with the
 * Region; with `follow`, keeps printing new ones (and looks for new Regions now and then) until `signal` aborts.
 * Resolves to the Regions that had the log group.
 *
 * @example
 * ```ts
 * await tailLogs({ functionName: 'my-site-site-viewer-request', since: Date.now() - 600_000, print: console.log })
 * ```
 */
export async function tailLogs(opts: LogsOptions): Promise<string[]> {
  const print = opts.print ?? ((l: string) => console.log(l))
  const log = opts.log ?? (() => {})
  const group = edgeLogGroup(opts.functionName)
  const regions = opts.regions ?? EDGE_LOG_REGIONS
  const clients = awsClients(opts)
  const client = (r: string) => clients.logs(r)
  const width = Math.max(...regions.map((r) => r.length))
  const marks = new Map<string, Mark>()
  const markOf = (r: string): Mark => {
    let m = marks.get(r)
    if (!m) marks.set(r, (m = { ts: opts.since ?? Date.now() - 600_000, ids: new Set() }))
    return m
  }
  try {
    let found = await regionsWithGroup(client, group, regions, log)
    log(found.length ? `${group} in ${found.join(', ')}` : `${group} is in none of ${regions.length} Regions yet: the function has not run (or ran in a Region not looked in: --regions)`)
    for (let round = 0; ; round++) {
      const batch = (
        await Promise.all(
          found.map(async (r) => {
            try {
              return await eventsOf(client(r), r, group, markOf(r))
            } catch (e) {
              log(`  ${r}: ${awsReason(e)}`)
              return []
            }
          }),
        )
      ).flat()
      batch.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0))
      for (const e of batch) {
        const m = markOf(e.region)
        const ts = e.timestamp ?? 0
        if (ts > m.ts) {
          m.ts = ts
          m.ids.clear()
        }
        m.ids.add(e.eventId ?? '')
        print(line(e, width))
      }
      if (!opts.follow || opts.signal?.aborted) return found
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, opts.pollMs ?? 2000)
        opts.signal?.addEventListener('abort', () => { clearTimeout(t); ok() }, { once: true })
      })
      if (opts.signal?.aborted) return found
      // Replicas start running in new Regions as traffic moves: look again every 15 rounds.
      if (round % 15 === 14) {
        const now = await regionsWithGroup(client, group, regions, log)
        for (const r of now) if (!found.includes(r)) log(`${group} appeared in ${r}`)
        found = now
      }
    }
  } finally {
    clients.destroy()
  }
}
