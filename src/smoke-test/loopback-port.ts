// A free TCP port on the loopback interface, as the kernel hands one out: the container is
// published on it, so the smoke test knows where to probe without asking docker afterwards.
// Another process may take it before docker binds it; the caller then tries another.
import * as net from 'node:net'
import { errorMessage } from '../step/text.js'

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No loopback port'))))
    })
  })
}

/** docker's refusal when the host port is bound by then (the message differs by version). */
export function isPortTaken(error: unknown): boolean {
  const message = errorMessage(error)
  return /port is already allocated|address already in use/i.test(message)
}
