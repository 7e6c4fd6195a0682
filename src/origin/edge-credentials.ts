/**
 * An environment-only credential chain for edge bundles. Lambda@Edge always hands a function its role's
 * credentials in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, so the SDK's full Node.js
 * chain (ini files, SSO, STS web identity, IMDS… about 90 KB minified) is dead weight there. A bundler can alias
 * `@aws-sdk/credential-provider-node` to this module (esbuild: `alias`), which exports the same `defaultProvider`.
 * Unbundled code (tests, the CLI) keeps the SDK's own chain.
 */

/**
 * AWS credentials as the SDK expects them.
 *
 * @example
 * ```ts
 * const c: EdgeCredentials = await defaultProvider()()
 * ```
 */
export interface EdgeCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * Drop-in for `@aws-sdk/credential-provider-node`'s `defaultProvider`: reads the Lambda environment only.
 *
 * @example
 * ```ts
 * // esbuild: alias: { '@aws-sdk/credential-provider-node': 'edgeware/src/origin/edge-credentials.ts' }
 * const creds = await defaultProvider()()
 * ```
 */
export function defaultProvider(_init?: unknown): () => Promise<EdgeCredentials> {
  return async function edgeEnvCredentials() {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('edgeware: no AWS credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); Lambda@Edge sets them from the function role')
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN
    return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey }
  }
}
