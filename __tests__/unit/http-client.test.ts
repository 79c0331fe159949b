import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import * as net from 'node:net'
import type { AddressInfo } from 'node:net'
import { httpRequest } from '../../src/smoke-test/http-client.js'

let server: http.Server
let dropper: net.Server
let base: string
let dropUrl: string

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.url === '/slow') return void setTimeout(() => response.end('late'), 2000)
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      response.setHeader('x-echo-method', request.method ?? '')
      response.end(request.url === '/big' ? 'x'.repeat(5000) : body || 'Healthy')
    })
  })
  // What docker-proxy does for a container that is not listening yet: accept, then drop.
  dropper = net.createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  dropUrl = `http://127.0.0.1:${(dropper.address() as AddressInfo).port}/`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await new Promise((resolve) => dropper.close(resolve))
})

describe('httpRequest', () => {
  it('returns status, headers and body', async () => {
    const answer = await httpRequest({ url: `${base}/`, timeoutMs: 1000 })
    expect(answer).toMatchObject({ status: 200, body: 'Healthy', truncated: false })
  })

  it('posts a body', async () => {
    const answer = await httpRequest({
      url: `${base}/score`,
      method: 'POST',
      body: '{"a":1}',
      timeoutMs: 1000,
    })
    expect(answer.body).toBe('{"a":1}')
    expect(answer.headers['x-echo-method']).toBe('POST')
  })

  it('cuts long bodies, and says so', async () => {
    const answer = await httpRequest({ url: `${base}/big`, timeoutMs: 1000, maxBodyBytes: 100 })
    expect(answer.body).toHaveLength(100)
    expect(answer.truncated).toBe(true)
  })

  it('rejects, never hangs, when the connection is dropped', async () => {
    await expect(httpRequest({ url: dropUrl, timeoutMs: 1000 })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    )
  })

  it('rejects after its own timeout', async () => {
    const started = Date.now()
    await expect(httpRequest({ url: `${base}/slow`, timeoutMs: 200 })).rejects.toThrow(
      'no answer within 200 ms',
    )
    expect(Date.now() - started).toBeLessThan(1500)
  })
})
