/**
 * Custom policies (`[[edge.cache_policies]]`, `[[edge.origin_request_policies]]`,
 * `[[edge.response_headers_policies]]`) and how a behavior's reference resolves to a custom or managed policy.
 */
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_RESPONSE_HEADERS_POLICIES, ORIGIN_REQUEST_ONLY_HEADERS, findManaged } from './managed.js'
import type { CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy } from './model.js'
import { MAX_COMMENT, POLICY_NAME } from './names.js'
import { isTable, show, type Reader, type Table } from './problems.js'
import { readResponseHeadersParts } from './response-headers.js'
import { readHeaderName, readSelection } from './selection.js'
import { readTtls } from './ttl.js'

/** Headers an origin request policy may not list: CloudFront answers 400 for Authorization [SF-AUTH], [CDK-ORP]. */
const NOT_IN_ORIGIN_REQUEST_POLICY: Record<string, string> = {
  authorization: 'Authorization can only reach the origin through the cache policy (CloudFront: "The parameter Headers contains Authorization that is not allowed")',
  'accept-encoding': 'Accept-Encoding is forwarded through the cache policy\'s gzip / brotli settings, not an origin request policy',
}

type AnyPolicy = CachePolicy | OriginRequestPolicy | ResponseHeadersPolicy

/** The three kinds of policy: the TOML key, the managed table. */
const KINDS = {
  cache: { key: 'edge.cache_policies', managed: MANAGED_CACHE_POLICIES },
  originRequest: { key: 'edge.origin_request_policies', managed: MANAGED_ORIGIN_REQUEST_POLICIES },
  responseHeaders: { key: 'edge.response_headers_policies', managed: MANAGED_RESPONSE_HEADERS_POLICIES },
} as const

/** `id`, `name` and `comment` of a custom policy, checked. */
function readIdentity(r: Reader, t: Table, key: string, managed: readonly AnyPolicy[]): { id: string; name: string; comment?: string } | undefined {
  const id = r.string(t.id, `${key}.id`, true)
  if (id === undefined) return undefined
  if (findManaged(managed, id)) r.fail(`${key}.id`, `${show(id)} is the name of a managed policy; give the custom policy another id`, id)
  const name = r.string(t.name, `${key}.name`) ?? id
  if (!POLICY_NAME.test(name)) {
    r.fail(t.name === undefined ? `${key}.id` : `${key}.name`, `a policy name (the id when no name is given) is 1-128 letters, digits, "-" and "_", got ${show(name)}`, name)
  }
  const comment = r.string(t.comment, `${key}.comment`)
  if (comment !== undefined && comment.length > MAX_COMMENT) r.fail(`${key}.comment`, `at most ${MAX_COMMENT} characters, got ${comment.length}`, comment)
  return { id, name, ...(comment !== undefined ? { comment } : {}) }
}

function readCachePolicy(r: Reader, t: Table, key: string): CachePolicy | undefined {
  r.unknownKeys(t, key, ['id', 'name', 'comment', 'min_ttl', 'default_ttl', 'max_ttl', 'headers', 'cookies', 'query_strings', 'gzip', 'brotli'])
  const ident = readIdentity(r, t, key, MANAGED_CACHE_POLICIES)
  const ttl = readTtls(r, t, key)
  const headers = readSelection(r, t.headers, `${key}.headers`, { headers: true })
  if (headers?.kind === 'list') {
    headers.names.forEach((h) => {
      // [CFH]: these CloudFront-* headers are allowed only in an origin request policy.
      if (ORIGIN_REQUEST_ONLY_HEADERS.has(h)) r.fail(`${key}.headers`, `${h} can only be forwarded by an origin request policy, not keyed on by a cache policy`, h)
    })
  }
  const cookies = readSelection(r, t.cookies, `${key}.cookies`, { all: true, allExcept: true })
  const queryStrings = readSelection(r, t.query_strings, `${key}.query_strings`, { all: true, allExcept: true })
  const gzip = r.bool(t.gzip, `${key}.gzip`) ?? true
  const brotli = r.bool(t.brotli, `${key}.brotli`) ?? true
  if (!ident || !headers || !cookies || !queryStrings) return undefined
  return { kind: 'custom', ...ident, minTtl: ttl.minTtl, defaultTtl: ttl.defaultTtl, maxTtl: ttl.maxTtl, headers, cookies, queryStrings, gzip, brotli }
}

function readOriginRequestHeaders(r: Reader, v: unknown, key: string): OriginRequestPolicy['headers'] | undefined {
  let sel: OriginRequestPolicy['headers'] | undefined
  if (v === 'all_viewer') sel = { kind: 'all' }
  else if (v === 'all_viewer_and_cloudfront') {
    return r.fail(key, 'all_viewer_and_cloudfront names the CloudFront headers to add: { all_viewer_and_cloudfront = ["CloudFront-Viewer-Country", …] }', v)
  } else if (isTable(v) && 'all_viewer_and_cloudfront' in v) {
    r.unknownKeys(v, key, ['all_viewer_and_cloudfront'])
    const k = `${key}.all_viewer_and_cloudfront`
    const names: string[] = []
    ;(r.stringList(v.all_viewer_and_cloudfront, k) ?? []).forEach((n, i) => {
      const h = readHeaderName(r, n, `${k}[${i}]`)
      if (h !== undefined && !h.startsWith('cloudfront-')) r.fail(`${k}[${i}]`, `only CloudFront-* headers are listed here (every viewer header is already forwarded), got ${show(n)}`, n)
      else if (h !== undefined && !names.includes(h)) names.push(h)
    })
    if (Array.isArray(v.all_viewer_and_cloudfront) && v.all_viewer_and_cloudfront.length === 0) {
      return r.fail(k, 'list at least one CloudFront-* header (or use "all_viewer")', v.all_viewer_and_cloudfront)
    }
    if (names.length === 0) return undefined
    sel = { kind: 'allViewerAndCloudFront', names }
  } else if (typeof v === 'string' && v !== 'none') {
    return r.fail(key, `expected "none", "all_viewer", an array of names, { all_viewer_and_cloudfront = [...] } or { all_except = [...] }, got ${show(v)}`, v)
  } else {
    const s = readSelection(r, v, key, { allExcept: true, headers: true })
    if (!s) return undefined
    sel = s
  }
  if (sel.kind === 'list' || sel.kind === 'allViewerAndCloudFront') {
    for (const h of sel.names) {
      const why = NOT_IN_ORIGIN_REQUEST_POLICY[h]
      if (why) r.fail(key, `${h} is not allowed in an origin request policy: ${why}`, h)
    }
  }
  return sel
}

function readOriginRequestPolicy(r: Reader, t: Table, key: string): OriginRequestPolicy | undefined {
  r.unknownKeys(t, key, ['id', 'name', 'comment', 'headers', 'cookies', 'query_strings'])
  const ident = readIdentity(r, t, key, MANAGED_ORIGIN_REQUEST_POLICIES)
  const headers = readOriginRequestHeaders(r, t.headers, `${key}.headers`)
  const cookies = readSelection(r, t.cookies, `${key}.cookies`, { all: true, allExcept: true })
  const queryStrings = readSelection(r, t.query_strings, `${key}.query_strings`, { all: true, allExcept: true })
  if (!ident || !headers || !cookies || !queryStrings) return undefined
  return { kind: 'custom', ...ident, headers, cookies, queryStrings }
}

function readResponseHeadersPolicy(r: Reader, t: Table, key: string): ResponseHeadersPolicy | undefined {
  r.unknownKeys(t, key, ['id', 'name', 'comment', 'security', 'cors', 'custom', 'remove', 'server_timing'])
  const ident = readIdentity(r, t, key, MANAGED_RESPONSE_HEADERS_POLICIES)
  const parts = readResponseHeadersParts(r, t, key)
  if (!ident) return undefined
  return { kind: 'custom', ...ident, ...parts }
}

/** A policy reference that names nothing known: undefined, after a problem naming what is known. */
type Resolve<P> = (ref: string, key: string) => P | undefined

/** The policies of a config: custom ones declared, managed ones as behaviors use them. */
export interface Policies {
  cache: Resolve<CachePolicy>
  originRequest: Resolve<OriginRequestPolicy>
  responseHeaders: Resolve<ResponseHeadersPolicy>
  /** Every policy declared or used so far, per kind, in first-use order (custom ones first). */
  lists(): { cache: CachePolicy[]; originRequest: OriginRequestPolicy[]; responseHeaders: ResponseHeadersPolicy[] }
}

function declared<P extends AnyPolicy>(r: Reader, edge: Table, kind: keyof typeof KINDS, read: (r: Reader, t: Table, key: string) => P | undefined) {
  const { key } = KINDS[kind]
  const tomlKey = key.slice('edge.'.length)
  const byId = new Map<string, P | null>()
  r.tables(edge[tomlKey], key).forEach((v, i) => {
    const k = `${key}[${i}]`
    const t = r.table(v, k)
    if (!t) return
    const id = typeof t.id === 'string' ? t.id : undefined
    if (id !== undefined && byId.has(id)) r.fail(`${k}.id`, `duplicate policy id ${show(id)}`, id)
    const p = read(r, t, k)
    // An invalid policy with a readable id stays known (null) so behaviors naming it are not reported again.
    if (id !== undefined && !byId.has(id)) byId.set(id, p ?? null)
  })
  const names = new Map<string, string>()
  for (const [id, p] of byId) {
    if (!p) continue
    const other = names.get(p.name)
    if (other !== undefined) r.fail(key, `policies ${show(other)} and ${show(id)} have the same name ${show(p.name)}`, p.name)
    names.set(p.name, id)
  }
  return byId
}

function resolver<P extends AnyPolicy>(r: Reader, kind: keyof typeof KINDS, custom: Map<string, P | null>, used: Map<string, P>): Resolve<P> {
  const managed = KINDS[kind].managed as readonly P[]
  return (ref, key) => {
    if (custom.has(ref)) return custom.get(ref) ?? undefined
    const m = findManaged(managed, ref)
    if (m) {
      const known = used.get(m.id)
      if (known) return known
      used.set(m.id, m)
      return m
    }
    const customIds = [...custom.keys()]
    return r.fail(
      key,
      `no ${KINDS[kind].key.slice('edge.'.length).replace(/_/g, ' ').replace(/ies$/, 'y')} named ${show(ref)} (custom: ${customIds.join(', ') || 'none'}; managed: ${managed.map((p) => p.id).join(', ')})`,
      ref,
    )
  }
}

/**
 * Reads the custom policies of `[edge]` and returns the resolvers behaviors use: a reference is a custom policy's
 * id, or a managed policy's name (with or without `Managed-`) or ID.
 */
export function readPolicies(r: Reader, edge: Table): Policies {
  const customCache = declared(r, edge, 'cache', readCachePolicy)
  const customOrp = declared(r, edge, 'originRequest', readOriginRequestPolicy)
  const customRhp = declared(r, edge, 'responseHeaders', readResponseHeadersPolicy)
  const used = { cache: new Map<string, CachePolicy>(), orp: new Map<string, OriginRequestPolicy>(), rhp: new Map<string, ResponseHeadersPolicy>() }
  const present = <P>(m: Map<string, P | null>): P[] => [...m.values()].filter((p): p is P => p !== null)
  return {
    cache: resolver(r, 'cache', customCache, used.cache),
    originRequest: resolver(r, 'originRequest', customOrp, used.orp),
    responseHeaders: resolver(r, 'responseHeaders', customRhp, used.rhp),
    lists: () => ({
      cache: [...present(customCache), ...used.cache.values()],
      originRequest: [...present(customOrp), ...used.orp.values()],
      responseHeaders: [...present(customRhp), ...used.rhp.values()],
    }),
  }
}
