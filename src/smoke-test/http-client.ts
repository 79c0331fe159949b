// One bounded HTTP request to the container. node:http rather than fetch: against a published
// port whose container is not listening yet, Node 20's fetch was seen to hang with nothing
// keeping the process alive, while http reports ECONNRESET. Every request has its own timer.
import * as http from 'node:http'

export interface HttpAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  /** The body was longer than maxBodyBytes and is cut there. */
  truncated: boolean
}

export interface HttpRequest {
  url: string
  method?: 'GET' | 'POST'
  body?: string
  headers?: Record<string, string>
  timeoutMs: number
  /** Bodies past this many bytes are cut: a scoring answer is evidence, not data to keep. */
  maxBodyBytes?: number
}

export function httpRequest(request: HttpRequest): Promise<HttpAnswer> {
  const limit = request.maxBodyBytes ?? 1024 * 1024
  return new Promise((resolve, reject) => {
    const req = http.request(
      request.url,
      { method: request.method ?? 'GET', headers: request.headers, agent: false },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          if (size < limit) chunks.push(chunk.subarray(0, limit - size))
          size += chunk.length
        })
        response.on('end', () => {
          clearTimeout(timer)
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated: size > limit,
          })
        })
        response.on('error', fail)
      },
    )
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${request.timeoutMs} ms`))
    }, request.timeoutMs)
    function fail(error: Error): void {
      clearTimeout(timer)
      reject(error)
    }
    req.on('error', fail)
    req.end(request.body)
  })
}
