/**
 * The project `edgeware init` writes: a distribution with an example origin, a viewer-request and an
 * origin-response function, a test of both, and the npm scripts to run, test and build it.
 */

/** What the template is filled with. */
export interface TemplateOptions {
  /** The project's name (package.json and `name` in wrangler.toml: letters, digits, `-`). */
  name: string
  /** The `edgeware` dependency: `file:/path/to/checkout` or `^0.1.0`. */
  edgeware: string
  /** Versions of the dev tools (TypeScript, Vitest, @types/node). */
  tools: { typescript: string; vitest: string; typesNode: string }
  /** Write `exec` in front of the dev command (POSIX shells), so a signal to npm reaches the server itself. */
  exec: boolean
}

/**
 * The project's files, path → content.
 *
 * @example
 * ```ts
 * const files = templateFiles({ name: 'my-site', edgeware: '^0.1.0', tools: { typescript: '^5.9.3', vitest: '^4.1.12', typesNode: '^20.19.43' }, exec: true })
 * Object.keys(files) // ['package.json', 'wrangler.toml', 'edge-functions/site/viewer-request.ts', …]
 * ```
 */
export function templateFiles(o: TemplateOptions): Record<string, string> {
  return {
    'package.json': packageJson(o),
    'wrangler.toml': wranglerToml(o.name),
    'edge-functions/site/viewer-request.ts': VIEWER_REQUEST,
    'edge-functions/site/origin-response.ts': ORIGIN_RESPONSE,
    'test/site.test.ts': TEST,
    'tsconfig.json': TSCONFIG,
    '.gitignore': 'node_modules/\n.edgeware/\n.dev.vars\n',
    'README.md': readme(o.name),
  }
}

function packageJson(o: TemplateOptions): string {
  const pkg = {
    name: o.name,
    version: '0.0.0',
    private: true,
    type: 'module',
    scripts: {
      // npm runs scripts through `sh -c`; with `exec` the server is npm's own child, so npm's SIGINT/SIGTERM reach it.
      dev: `${o.exec ? 'exec ' : ''}edgeware dev`,
      test: 'tsc --noEmit && vitest run',
      build: 'edgeware build',
    },
    dependencies: { edgeware: o.edgeware },
    devDependencies: { '@types/node': o.tools.typesNode, typescript: o.tools.typescript, vitest: o.tools.vitest },
  }
  return JSON.stringify(pkg, null, 2) + '\n'
}

function wranglerToml(name: string): string {
  return `# The distribution: \`npm run dev\` serves it on http://127.0.0.1:8787, \`npm run build\` packages it for CloudFront.
name = "${name}"
compatibility_date = "${new Date().toISOString().slice(0, 10)}"

# [vars]                    # baked into every bundle as process.env.NAME (Lambda@Edge has no environment variables)
# API_HOST = "api.example.com"

[dev]
port = 8787

[edge]
runtime = "nodejs22.x"
limits = "classic"          # or "current"

[[edge.origins]]
id = "app"
url = "http://localhost:8788"
example = true              # \`edgeware dev\` serves a small example site here; point url at your origin and drop this line

[edge.default_behavior]
origin = "app"
viewer_request = "edge-functions/site/viewer-request.ts"
origin_response = "edge-functions/site/origin-response.ts"
cache = { default_ttl = 60, min_ttl = 0, max_ttl = 31536000, headers = [], cookies = [], query_strings = "all" }
`
}

const VIEWER_REQUEST = `/**
 * viewer-request: runs on every request, before the cache. A response made here goes straight back to the viewer.
 */
import { viewerRequest } from 'edgeware'
import { redirects } from 'edgeware/middleware'

export const handler = viewerRequest(
  redirects({ '/old': '/' }),
  async (c, next) => {
    if (c.request.uri === '/api/hello') {
      c.json({ hello: c.request.query.get('name') ?? 'world' })
      return
    }
    await next()
  },
)
`

const ORIGIN_RESPONSE = `/**
 * origin-response: runs on a cache miss, before CloudFront caches the origin's answer (headers set here are cached).
 */
import { originResponse } from 'edgeware'
import { securityHeaders } from 'edgeware/middleware'

export const handler = originResponse(securityHeaders())
`

const TEST = `import { describe, expect, it } from 'vitest'
import { createEvent, invoke } from 'edgeware/testing'
import { handler as viewerRequest } from '../edge-functions/site/viewer-request.js'
import { handler as originResponse } from '../edge-functions/site/origin-response.js'

describe('viewer-request', () => {
  it('answers /api/hello itself', async () => {
    const res = await invoke(viewerRequest, createEvent('viewer-request', { uri: '/api/hello', querystring: 'name=edge' }))
    if (!('status' in res)) throw new Error('expected a generated response')
    expect(res.status).toBe('200')
    expect(JSON.parse(res.body ?? '')).toEqual({ hello: 'edge' })
  })

  it('redirects /old to /', async () => {
    const res = await invoke(viewerRequest, createEvent('viewer-request', { uri: '/old' }))
    if (!('status' in res)) throw new Error('expected a redirect')
    expect(res.headers?.location?.[0]?.value).toBe('/')
  })

  it('passes every other request on', async () => {
    const res = await invoke(viewerRequest, createEvent('viewer-request', { uri: '/docs/' }))
    expect(res).toMatchObject({ uri: '/docs/' })
  })
})

describe('origin-response', () => {
  it('adds the security headers', async () => {
    const res = await invoke(originResponse, createEvent('origin-response'))
    expect(res.headers['strict-transport-security']).toBeDefined()
  })
})
`

const TSCONFIG =
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: ['node'],
        strict: true,
        skipLibCheck: true,
        isolatedModules: true,
        noEmit: true,
      },
      include: ['edge-functions', 'test'],
    },
    null,
    2,
  ) + '\n'

function readme(name: string): string {
  return `# ${name}

CloudFront Lambda@Edge functions with [edgeware](https://www.npmjs.com/package/edgeware).

\`\`\`sh
npm run dev                         # the local edge on http://127.0.0.1:8787 (the distribution in wrangler.toml)
npm run dev -- --port 8790          # flags go after --: npm keeps the ones before it for itself
npm test                            # type-check and run test/
npm run build                       # one zip per function, a CloudFormation template and the CloudFront API JSON in .edgeware/build
npm run build -- --env production   # with the [env.production] overrides, in .edgeware/build-production
npx edgeware invoke edge-functions/site/viewer-request.ts --event viewer-request   # one function, run as Lambda runs it
\`\`\`

\`edge-functions/site/\` holds one file per stage a function serves; \`wrangler.toml\` associates them with the
behaviors. Local-only values go in \`.dev.vars\` (never committed).
`
}
