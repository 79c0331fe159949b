// Servers that fail on purpose, for the fault tests. Each listens on 127.0.0.1 only and stops by
// itself after `maxSeconds`, even if a test forgets it.
import * as http from 'node:http'
import * as net from 'node:net'

export interface SeenRequest {
  at: number
  method: string
  url: string
  userAgent: string
}

export type RegistryFault = 'name-unknown' | 'denied' | 'unavailable'

export interface StubRegistry {
  /** host:port, to put in front of an image name. */
  host: string
  requests: SeenRequest[]
  /** Pull attempts the Docker daemon made (its first request of each pull is GET /v2/). */
  daemonPulls(): SeenRequest[]
  stop(): Promise<void>
}

const json = {
  'Content-Type': 'application/json',
  'Docker-Distribution-API-Version': 'registry/2.0',
}

/** A registry (API v2, plain http, as docker allows on loopback) that fails every pull. */
export function startStubRegistry(fault: RegistryFault, maxSeconds = 300): Promise<StubRegistry> {
  const requests: SeenRequest[] = []
  const server = http.createServer((request, response) => {
    requests.push({
      at: Date.now(),
      method: request.method ?? '',
      url: request.url ?? '',
      userAgent: String(request.headers['user-agent'] ?? ''),
    })
    if (request.url === '/v2/' && fault !== 'unavailable') {
      response.writeHead(200, json).end('{}')
    } else if (fault === 'name-unknown') {
      response.writeHead(404, json).end(
        JSON.stringify({
          errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }],
        }),
      )
    } else if (fault === 'denied') {
      response.writeHead(401, json).end(
        JSON.stringify({
          errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
        }),
      )
    } else {
      response.writeHead(503, { 'Content-Type': 'text/plain' }).end('busy')
    }
  })
  return listen(server, maxSeconds).then((port) => ({
    host: `127.0.0.1:${port}`,
    requests,
    // The daemon pulls on behalf of a client and says so in its user agent.
    daemonPulls: () =>
      requests.filter((seen) => seen.url === '/v2/' && seen.userAgent.includes('UpstreamClient(')),
    stop: () => close(server),
  }))
}

export interface HoldingServer {
  port: number
  /** Connections accepted so far, and how many of them are still open. */
  accepted(): number
  open(): number
  /** Resolves at the first connection: whoever connects is now stuck waiting for an answer. */
  firstConnection: Promise<void>
  stop(): Promise<void>
}

/** Accepts connections and never answers: a pip index that hangs, to hold a build mid-RUN. */
export function startHoldingServer(maxSeconds = 300): Promise<HoldingServer> {
  const sockets = new Set<net.Socket>()
  let accepted = 0
  let connected: () => void = () => {}
  const firstConnection = new Promise<void>((resolve) => (connected = resolve))
  const server = net.createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    socket.resume() // read (and drop) what comes, so that the peer's close is seen
    connected()
  })
  return listen(server, maxSeconds).then((port) => ({
    port,
    accepted: () => accepted,
    open: () => sockets.size,
    firstConnection,
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      await close(server)
    },
  }))
}

export interface DroppingScoreServer {
  /** POST /score requests seen so far, the dropped one included. */
  scoreCalls(): number
  stop(): Promise<void>
}

/**
 * A scoring server that is live (GET / answers 200) and answers POST /score with `{"ok": true}`,
 * except the `dropOn`-th POST /score, whose connection it destroys unanswered: what a server
 * dropping connections under load does to a client (`socket hang up`).
 */
export async function startDroppingScoreServer(
  port: number,
  dropOn: number,
  maxSeconds = 60,
): Promise<DroppingScoreServer> {
  let scoreCalls = 0
  const server = http.createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/score') {
      if (++scoreCalls === dropOn) {
        request.socket.destroy()
        return
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok": true}')
    } else if (request.url === '/') {
      response.writeHead(200).end('Healthy')
    } else {
      response.writeHead(404).end()
    }
  })
  await listen(server, maxSeconds, port)
  return { scoreCalls: () => scoreCalls, stop: () => close(server) }
}

function listen(server: net.Server, maxSeconds: number, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const timer = setTimeout(() => server.close(), maxSeconds * 1000)
      timer.unref()
      server.once('close', () => clearTimeout(timer))
      resolve((server.address() as net.AddressInfo).port)
    })
  })
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (server instanceof http.Server) server.closeAllConnections()
    server.close(() => resolve())
  })
}
