/**
 * A TLS front for a stand-in: AWS endpoints are https, so a client's TLS path (node:https and its handshake) runs
 * as it does against AWS. It terminates TLS with a self-signed certificate for 127.0.0.1 (the local edge's own
 * HTTPS listener) and passes the bytes on to the stand-in. A fresh `node` trusts it with
 * `NODE_EXTRA_CA_CERTS=<a file holding certificate>`. Test tool, not product.
 */
import { connect } from 'node:net'
import { startHttpsListener } from '../../src/simulator/https.js'

/** A running front. */
export interface TlsFront {
  /** `https://127.0.0.1:<port>/` */
  url: string
  /** The certificate (PEM) to trust. */
  certificate: string
  close(): Promise<void>
}

/** Starts a TLS front on 127.0.0.1 for the stand-in at `target` (`http://127.0.0.1:<port>`). */
export async function startTlsFront(target: string): Promise<TlsFront> {
  const port = Number(new URL(target).port)
  const listener = await startHttpsListener({
    ip: '127.0.0.1',
    port: 0,
    connection: (client) => {
      // (no Nagle on either side: a proxied request must not wait for a delayed ACK)
      const up = connect(port, '127.0.0.1').setNoDelay(true)
      client.setNoDelay(true).pipe(up).pipe(client)
      up.on('error', () => client.destroy())
      client.on('error', () => up.destroy())
    },
  })
  return { url: `https://127.0.0.1:${listener.port}/`, certificate: listener.certificate, close: () => listener.close() }
}
