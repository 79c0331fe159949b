// A plain HTTP forward proxy (absolute-URI GET, as apt and pip send through http_proxy): lets an
// engine in a network namespace of its own reach Debian's mirror, which only this machine can,
// without touching the machine's routing or firewall. It counts the hosts asked for.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ForwardProxy {
  url: string
  /** Each host a request was forwarded to, in order. */
  hosts: string[]
  stop(): Promise<void>
}

export async function startForwardProxy(address: string): Promise<ForwardProxy> {
  const hosts: string[] = []
  const server = http.createServer((request, response) => {
    let target: URL
    try {
      target = new URL(request.url ?? '')
    } catch {
      response.writeHead(400).end('absolute URI expected')
      return
    }
    hosts.push(target.hostname)
    const upstream = http.request(
      target,
      { method: request.method, headers: { ...request.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    upstream.on('error', (error) => response.writeHead(502).end(error.message))
    request.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${address}:${port}`,
    hosts,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
