/**
 * The `cloudfront` module of cloudfront-js-2.0 [KVSH], [ORIG], [GEN], as TypeScript sees it. It exists only
 * inside CloudFront Functions: `compileCloudFrontFunction` keeps the import, the sandbox provides it. `edgeware/functions`
 * references it, so a function importing from there can `import cf from 'cloudfront'` too.
 */
declare module 'cloudfront' {
  interface KeyValueStoreHandle {
    get(key: string): Promise<string>
    get(key: string, options: { format: 'string' }): Promise<string>
    get(key: string, options: { format: 'json' }): Promise<unknown>
    get(key: string, options: { format: 'bytes' }): Promise<Uint8Array>
    exists(key: string): Promise<boolean>
    meta(): Promise<{ creationDateTime: string; lastUpdatedDateTime: string; keyCount: number }>
  }
  const cf: {
    kvs(id?: string): KeyValueStoreHandle
    updateRequestOrigin(params: Record<string, unknown>): void
    selectRequestOriginById(originId: string): void
    createRequestOriginGroup(params: { originIds: string[]; selectionCriteria?: 'default' | 'media-quality-score'; failoverCriteria: { statusCodes: number[] } }): void
    edgeLocation: { name?: string; serverIp?: string; region?: string }
  }
  export default cf
}
