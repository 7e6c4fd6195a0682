/**
 * A CloudWatch Logs stand-in (JSON 1.1, `Logs_20140328.*`): log groups and their events per Region (the Region
 * comes from each request's SigV4 scope, as at AWS), DescribeLogGroups by prefix and FilterLogEvents from a start
 * time with pages (nextToken). A Region can be made to refuse requests like a Region not enabled in the account.
 */
import { jsonError, jsonOk, jsonOperation, type ServiceHandler } from './server.js'

/** One stored log event. */
export interface StoredLogEvent {
  timestamp: number
  message: string
  logStreamName?: string
}

/** CloudWatch Logs' state: Region → log group → events. */
export interface LogsState {
  groups: Map<string, Map<string, StoredLogEvent[]>>
  /** Regions answering UnrecognizedClientException (not enabled for the account). */
  disabled: Set<string>
  /** Events per FilterLogEvents page. */
  pageSize: number
  /** Adds events to a group (creating it). */
  put(region: string, group: string, events: StoredLogEvent[]): void
}

/** An empty CloudWatch Logs. */
export function logsState(): LogsState {
  const groups = new Map<string, Map<string, StoredLogEvent[]>>()
  return {
    groups,
    disabled: new Set(),
    pageSize: 3,
    put(region, group, events) {
      let r = groups.get(region)
      if (!r) groups.set(region, (r = new Map()))
      r.set(group, [...(r.get(group) ?? []), ...events])
    },
  }
}

/** The CloudWatch Logs service over a state. */
export function logsService(state: LogsState): ServiceHandler {
  return {
    operation: jsonOperation,
    handle(req, action, input) {
      if (state.disabled.has(req.region)) return jsonError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
      const groups = state.groups.get(req.region) ?? new Map<string, StoredLogEvent[]>()
      if (action === 'DescribeLogGroups') {
        const prefix = String(input.logGroupNamePrefix ?? '')
        const logGroups = [...groups.keys()].filter((g) => g.startsWith(prefix)).sort().map((logGroupName) => ({
          logGroupName,
          arn: `arn:aws:logs:${req.region}:123456789012:log-group:${logGroupName}:*`,
          creationTime: 1_700_000_000_000,
          storedBytes: 0,
        }))
        return jsonOk({ logGroups })
      }
      if (action === 'FilterLogEvents') {
        const group = groups.get(String(input.logGroupName))
        if (!group) return jsonError(400, 'ResourceNotFoundException', 'The specified log group does not exist.')
        const start = Number(input.startTime ?? 0)
        const end = input.endTime === undefined ? Infinity : Number(input.endTime)
        const all = group
          .map((e, i) => ({ ...e, i }))
          .filter((e) => e.timestamp >= start && e.timestamp <= end)
          .sort((a, b) => a.timestamp - b.timestamp || a.i - b.i)
        const from = Number(input.nextToken ?? 0)
        const page = all.slice(from, from + state.pageSize)
        return jsonOk({
          events: page.map((e) => ({ logStreamName: e.logStreamName ?? '2026/01/01/[1]abc', timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp + 100, eventId: `${req.region}-${e.i}` })),
          searchedLogStreams: [],
          ...(from + state.pageSize < all.length ? { nextToken: String(from + state.pageSize) } : {}),
        })
      }
      return jsonError(400, 'InvalidAction', `${action} is not supported here`)
    },
  }
}
