/**
 * The local HTTPS listener (`[dev] https = true`, `edgeware dev --https`): a TLS server with a self-signed
 * certificate that passes each connection, decrypted, to the front (front.ts) and on to the edge's HTTPS
 * entrypoint (whose requests the edge treats as HTTPS: viewer protocol policy, `CloudFront-Forwarded-Proto`, origin
 * protocol `match-viewer`).
 */
import net from 'node:net'
import tls from 'node:tls'
import type { AddressInfo } from 'node:net'

/** A running HTTPS listener. */
export interface HttpsListener {
  port: number
  /** The self-signed certificate (PEM), for clients that want to trust it. */
  certificate: string
  close(): Promise<void>
}

/** A certificate for localhost, 127.0.0.1, ::1 and the listen address (EC P-256: quick to make). */
async function selfSigned(ip: string): Promise<{ key: string; cert: string }> {
  const { generate } = await import('selfsigned')
  const altNames = [
    { type: 2 as const, value: 'localhost' },
    { type: 7 as const, ip: '127.0.0.1' },
    { type: 7 as const, ip: '::1' },
    ...(net.isIP(ip) && ip !== '127.0.0.1' && ip !== '::1' && ip !== '0.0.0.0' && ip !== '::' ? [{ type: 7 as const, ip }] : []),
  ]
  const pems = await generate([{ name: 'commonName', value: 'edgeware dev' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [{ name: 'subjectAltName', altNames }],
  })
  return { key: pems.private, cert: pems.cert }
}

/**
 * Listens for TLS on `ip:port` and hands each decrypted connection to `connection` (the front, which relays it to the
 * edge's HTTPS entrypoint).
 *
 * @example
 * ```ts
 * const l = await startHttpsListener({ ip: '127.0.0.1', port: 8443, connection: (socket) => frontConnection(socket, front) })
 * ```
 */
export async function startHttpsListener(opts: { ip: string; port: number; connection: (socket: tls.TLSSocket) => void }): Promise<HttpsListener> {
  const { key, cert } = await selfSigned(opts.ip)
  const sockets = new Set<net.Socket>()
  const server = tls.createServer({ key, cert, ALPNProtocols: ['http/1.1'] }, (client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    opts.connection(client)
  })
  // A failed handshake is the client's business; the listener keeps serving.
  server.on('tlsClientError', () => {})
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? new Error(`the HTTPS port ${opts.port} on ${opts.ip} is already in use`) : e))
    server.listen(opts.port, opts.ip, () => ok())
  })
  return {
    port: (server.address() as AddressInfo).port,
    certificate: cert,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy()
        server.close(() => done())
      }),
  }
}
