/**
 * The build and `secret()`: each `secret('NAME')` call is found statically and granted to that function's role
 * (exactly, per store), the prefix is baked in per environment, a name the build can't see or that is also a
 * [vars] key is refused with file:line, and the built bundle reads its secret from (an SSM stand-in for) AWS in a
 * fresh node process with SigV4 checked.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build/index.js'
import { loadEnvConfig } from '../../src/build/environment.js'
import { findSecretCalls } from '../../src/build/secret-scan.js'
import { ssmService, secretsManagerService, type StoredSecret } from '../aws/secrets-services.js'
import { startTlsFront } from '../aws/tls-front.js'
import { startAwsStandin, TEST_CREDENTIALS, type AwsStandin } from '../aws/server.js'
import { expectLintClean, HAS_CFN_LINT } from './cfn-lint.js'
import { buildFailure, cleanTempDirs, runDir, runFresh, sampleEvent, tempDir, unzipTo, writeProject } from './helpers.js'

afterAll(cleanTempDirs)

const toml = (extra = '') =>
  `name = "shop"\n${extra}\n[[edge.origins]]\nid = "app"\nurl = "https://app.example.com"\n[edge.default_behavior]\norigin = "app"\nviewer_request = "edge-functions/auth.ts"\norigin_request = "edge-functions/route.ts"\n`

const AUTH = `import { viewerRequest } from 'edgeware'
import { secret } from 'edgeware/secrets'

export const handler = viewerRequest(async (c, next) => {
  const key = await secret('JWT_SECRET', { signal: c.signal })
  c.request.headers.set('x-key-length', String(key.length))
  await next()
})
`
const ROUTE = `import { originRequest } from 'edgeware'
import { secret as read } from 'edgeware/secrets'

export const handler = originRequest(async (c, next) => {
  // two reads of one secret and one from Secrets Manager
  await read('ORIGIN_TOKEN')
  await read("ORIGIN_TOKEN")
  await read('PARTNER_KEY', { store: 'secretsmanager', ttl: 300 })
  await next()
})
`

const project = (files: Record<string, string>, extraToml = ''): Promise<string> =>
  writeProject({ 'wrangler.toml': toml(extraToml), 'edge-functions/auth.ts': AUTH, 'edge-functions/route.ts': ROUTE, ...files }, 'secrets-')

describe('finding secret() calls', () => {
  const imp = "import { secret } from 'edgeware/secrets'\n"
  it('reads literal names, aliases, namespaces, require and the store of inline options', () => {
    expect(findSecretCalls(imp + "secret('A')\nsecret(\"B\", { store: 'secretsmanager' })\nsecret(`C`, { ttl: 5 })").calls).toEqual([
      { name: 'A', store: 'ssm', line: 2 },
      { name: 'B', store: 'secretsmanager', line: 3 },
      { name: 'C', store: 'ssm', line: 4 },
    ])
    expect(findSecretCalls("import { secret as s } from 'edgeware/secrets'\ns('X')").calls).toEqual([{ name: 'X', store: 'ssm', line: 2 }])
    expect(findSecretCalls("import * as sec from 'edgeware/secrets'\nsec.secret('Y')").calls).toEqual([{ name: 'Y', store: 'ssm', line: 2 }])
    expect(findSecretCalls("const { secret } = require('edgeware/secrets')\nsecret('Z')").calls).toEqual([{ name: 'Z', store: 'ssm', line: 2 }])
  })

  it('follows secret through TypeScript, destructuring defaults, require().secret and JSX files, in source order', () => {
    expect(findSecretCalls(imp + "secret<string>('A', { store: 'secretsmanager' as const })\nsecret('B')").calls).toEqual([
      { name: 'A', store: 'secretsmanager', line: 2 },
      { name: 'B', store: 'ssm', line: 3 },
    ])
    expect(findSecretCalls("const { secret: read = null } = require('edgeware/secrets')\nread('C')").calls).toEqual([{ name: 'C', store: 'ssm', line: 2 }])
    expect(findSecretCalls("require('edgeware/secrets').secret('D')").calls).toEqual([{ name: 'D', store: 'ssm', line: 1 }])
    expect(findSecretCalls(imp + "export const el = <b>{secret('E')}</b>", 'jsx').calls).toEqual([{ name: 'E', store: 'ssm', line: 2 }])
    // a local function of the same name is not edgeware's
    expect(findSecretCalls(imp + "function f(secret: (n: string) => void) { secret(name) }\nsecret('F')")).toEqual({ calls: [{ name: 'F', store: 'ssm', line: 3 }], refusals: [] })
  })

  it('refuses the namespace passed on and destructuring it cannot follow', () => {
    expect(findSecretCalls("import * as ns from 'edgeware/secrets'\nregister(ns)\nns.setLocalSecrets(undefined)").refusals.map((r) => `${r.line}: ${r.message}`)).toEqual([
      "2: uses secret as a value (ns): call it directly, secret('NAME'), so the build sees each secret",
    ])
    expect(findSecretCalls("const { ...all } = require('edgeware/secrets')").refusals[0]!.message).toMatch(/^copies secret with a rest element/)
    expect(findSecretCalls("const { [key]: s } = require('edgeware/secrets')").refusals[0]!.message).toMatch(/^destructures secret in a way the build can't follow/)
  })

  it('a property named secret is not a use of the function', () => {
    expect(findSecretCalls(imp + "jwtAuth({ secret: () => secret('JWT_SECRET') })\nf({ a: 1, secret: 'x' })")).toEqual({ calls: [{ name: 'JWT_SECRET', store: 'ssm', line: 2 }], refusals: [] })
    expect(findSecretCalls(imp + 'f({ secret })').refusals[0]!.message).toMatch(/uses secret as a value/)
    expect(findSecretCalls(imp + 'x = ok ? secret : other').refusals[0]!.message).toMatch(/uses secret as a value/)
  })

  it('ignores comments, strings, other modules and other functions named secret', () => {
    expect(findSecretCalls(imp + "// secret(name)\nconst t = 'secret(x)'\nobj.secret(name)").calls).toEqual([])
    expect(findSecretCalls(imp + "// secret(name)\nconst t = 'secret(x)'\nobj.secret(name)").refusals).toEqual([])
    expect(findSecretCalls("import { secret } from './my-secrets'\nsecret(name)")).toEqual({ calls: [], refusals: [] })
  })

  it('refuses what it cannot see: a computed name, a template with ${}, options by reference, a dynamic store, secret as a value, a re-export', () => {
    const r = (src: string) => findSecretCalls(imp + src).refusals.map((x) => `${x.line}: ${x.message}`)
    expect(r('secret(name)')[0]).toMatch(/^2: secret\(name\) with a name that is not a string literal/)
    expect(r('secret(`JWT_${env}`)')[0]).toMatch(/^2: .*not a string literal/)
    expect(r("secret('A', opts)")[0]).toMatch(/^2: secret\('A', …\) with options that are not an object literal/)
    expect(r("secret('A', { store })")[0]).toMatch(/a store that is not written as a literal/)
    expect(r("secret('A', { store: s })")[0]).toMatch(/a store that is not 'ssm' or 'secretsmanager' written as a literal \(s\)/)
    expect(r("secret('A', { store: 'vault' })")[0]).toMatch(/a store that is not/)
    expect(r('const get = secret\nget("A")')[0]).toMatch(/^2: uses secret as a value/)
    expect(findSecretCalls("export { secret } from 'edgeware/secrets'").refusals[0]!.message).toMatch(/re-exports secret/)
  })
})

describe('edgeware build with secrets', () => {
  let out: string
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }> }
  const params = new Map<string, StoredSecret>()
  const sm = new Map<string, StoredSecret>()
  let aws: AwsStandin

  beforeAll(async () => {
    out = join(await tempDir('built-'), 'out')
    await build({ config: await loadEnvConfig(await project({}, '[env.production]\n'), 'production'), outDir: out })
    template = JSON.parse(readFileSync(join(out, 'cloudformation.json'), 'utf8'))
    aws = await startAwsStandin({ ssm: ssmService(params), secretsmanager: secretsManagerService(sm) })
  })
  afterAll(async () => {
    await aws?.close()
  })

  const policies = (role: string) =>
    (template.Resources[role]!.Properties.Policies as { PolicyName: string; PolicyDocument: { Statement: unknown[] } }[] | undefined) ?? []

  it("grants each function's role exactly the secrets its code reads, per store, under the environment's prefix", () => {
    expect(policies('AuthRole')).toEqual([
      {
        PolicyName: 'edge-secrets',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:us-east-1:${AWS::AccountId}:parameter/shop-production/JWT_SECRET' }] }],
        },
      },
    ])
    expect(policies('RouteRole')[0]!.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:us-east-1:${AWS::AccountId}:parameter/shop-production/ORIGIN_TOKEN' }] },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:us-east-1:${AWS::AccountId}:secret:shop-production/PARTNER_KEY-??????' }],
      },
    ])
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { functions: { name: string; functionName: string; secrets: unknown[] }[] }
    expect(manifest.functions.map((f) => [f.functionName, f.secrets])).toEqual([
      ['shop-production-auth', [{ name: 'JWT_SECRET', store: 'ssm', id: '/shop-production/JWT_SECRET' }]],
      [
        'shop-production-route',
        [
          { name: 'PARTNER_KEY', store: 'secretsmanager', id: 'shop-production/PARTNER_KEY' },
          { name: 'ORIGIN_TOKEN', store: 'ssm', id: '/shop-production/ORIGIN_TOKEN' },
        ],
      ],
    ])
  })

  it('retains every edge function and version on stack deletion and replacement', () => {
    for (const r of Object.values(template.Resources).filter((x) => x.Type === 'AWS::Lambda::Function' || x.Type === 'AWS::Lambda::Version')) {
      expect(r.DeletionPolicy).toBe('RetainExceptOnCreate')
      expect(r.UpdateReplacePolicy).toBe('Retain')
    }
  })

  it.skipIf(!HAS_CFN_LINT)('writes a template cfn-lint accepts', () => {
    expectLintClean(join(out, 'cloudformation.json'))
  })

  it('the built bundle reads its secret from SSM in us-east-1 with a signed request, in a fresh node process', async () => {
    params.set('/shop-production/JWT_SECRET', { value: 'x'.repeat(40) })
    const dir = await runDir('edgeware-secret-')
    unzipTo(join(out, 'auth.zip'), dir)
    const env = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_SESSION_TOKEN: 'token', AWS_ENDPOINT_URL_SSM: aws.url }
    const run = await runFresh(dir, sampleEvent('viewer-request'), env)
    expect(run.error).toBeUndefined()
    expect((run.result as { headers: Record<string, { value: string }[]> }).headers['x-key-length']![0]!.value).toBe('40')
    expect(aws.calls).toEqual([{ service: 'ssm', region: 'us-east-1', action: 'GetParameter', input: { Name: '/shop-production/JWT_SECRET', WithDecryption: true } }])
    expect(run.stderr).not.toContain('x'.repeat(40))
  })

  it('the built bundle reads its secret over https, the way it reaches AWS (node:https, a TLS handshake)', async () => {
    params.set('/shop-production/JWT_SECRET', { value: 'y'.repeat(48) })
    const front = await startTlsFront(aws.url)
    try {
      const dir = await runDir('edgeware-secret-tls-')
      unzipTo(join(out, 'auth.zip'), dir)
      const ca = join(dir, 'front-ca.pem')
      writeFileSync(ca, front.certificate)
      const env = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_SESSION_TOKEN: 'token', AWS_ENDPOINT_URL_SSM: front.url, NODE_EXTRA_CA_CERTS: ca }
      const run = await runFresh(dir, sampleEvent('viewer-request'), env)
      expect(run.error).toBeUndefined()
      expect((run.result as { headers: Record<string, { value: string }[]> }).headers['x-key-length']![0]!.value).toBe('48')
      expect(aws.callsOf('ssm').at(-1)).toEqual({ service: 'ssm', region: 'us-east-1', action: 'GetParameter', input: { Name: '/shop-production/JWT_SECRET', WithDecryption: true } })
    } finally {
      await front.close()
    }
  })
})

describe('edgeware build refuses secrets it cannot grant', () => {
  it('a name that is not a string literal, with file:line', async () => {
    const e = await buildFailure(await project({ 'edge-functions/auth.ts': AUTH.replace("secret('JWT_SECRET'", 'secret(process.env.AWS_REGION!') }))
    expect(e.code).toBe('DynamicSecretName')
    expect(e.message).toContain('auth: edge-functions/auth.ts:5: secret(process.env.AWS_REGION!')
  })

  it('a name that is also a [vars] key', async () => {
    const e = await buildFailure(await project({}, '[vars]\nJWT_SECRET = "in-clear"\n'))
    expect(e.code).toBe('SecretInVars')
    expect(e.message).toContain('auth: edge-functions/auth.ts:5: JWT_SECRET is read with secret() and also set in [vars]')
  })

  it('a name a secret cannot have', async () => {
    const e = await buildFailure(await project({ 'edge-functions/auth.ts': AUTH.replace("'JWT_SECRET'", "'jwt-secret'") }))
    expect(e.code).toBe('InvalidSecretName')
    expect(e.message).toContain('secret("jwt-secret")')
  })

  it('[vars] EDGEWARE_SECRETS_PREFIX changes where every secret is read and granted', async () => {
    const out = join(await tempDir('prefix-'), 'out')
    await build({ config: await project({}, '[vars]\nEDGEWARE_SECRETS_PREFIX = "/shared/shop-"\n'), outDir: out })
    const t = JSON.parse(readFileSync(join(out, 'cloudformation.json'), 'utf8'))
    expect(JSON.stringify(t.Resources.AuthRole.Properties.Policies)).toContain('parameter/shared/shop-JWT_SECRET')
    const e = await buildFailure(await project({}, '[vars]\nEDGEWARE_SECRETS_PREFIX = "no-slash"\n'))
    expect(e.code).toBe('InvalidSecretsPrefix')
  })
})
