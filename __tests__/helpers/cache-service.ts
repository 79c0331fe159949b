// A loopback stand-in for the GitHub Actions cache service, for the real, unmodified
// @actions/cache client (v6). It speaks cache service v2, the one github.com uses today: a Twirp
// JSON API (CreateCacheEntry, FinalizeCacheEntryUpload, GetCacheEntryDownloadURL) that hands out
// signed blob URLs, plus the part of the Azure Blob REST API the client uses on those URLs.
//
// Why our own blob endpoint instead of Azurite: the client needs only four blob operations (Put
// Blob for archives up to 128 MiB, Put Block + Put Block List above that, and a plain GET to
// download, because downloadUtils uses the Azure SDK only for *.blob.core.windows.net hosts). That
// is ~100 lines here, versus Azurite's dependency tree (express, sequelize, mysql2, tedious,
// applicationinsights, ...) and a child process to start, wait for and kill. Everything below is
// one in-process HTTP server on 127.0.0.1 with its files in one temp dir.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'

/**
 * - `unavailable`: every request answers 503 (Twirp `unavailable`). The client retries a Twirp
 *   call 5 times with 3 s, ~4.5-6.75 s, ... back-off, so one call takes ~30 s of real time.
 * - `unreachable`: every connection is reset after the request line, the way a blocked or dead
 *   host looks to the client (a NetworkError, no retries).
 */
export type CacheFailure = 'unavailable' | 'unreachable'

export interface CacheServiceOptions {
  failWith?: CacheFailure
}

export interface CacheEntryInfo {
  key: string
  version: string
  size: number
}

export interface CacheService {
  /** The variables a runner sets for the cache client; merge them into the action's env. */
  env: Record<string, string>
  /** Finalized (restorable) entries, oldest first. */
  entries(): CacheEntryInfo[]
  /** `METHOD /path` per request; blob requests add `?comp=block|blocklist` when present. */
  requests: string[]
  stop(): Promise<void>
}

const TWIRP_SERVICE = '/twirp/github.actions.results.api.v1.CacheService/'
const ACCOUNT = 'devstoreaccount1'
const CONTAINER = 'actions-cache'
const MAX_LIFETIME_MS = 30 * 60 * 1000
const URL_LIFETIME_MS = 60 * 60 * 1000

// Twirp error codes and the HTTP statuses the Twirp spec assigns them.
const TWIRP_STATUS = {
  malformed: 400,
  invalid_argument: 400,
  unauthenticated: 401,
  bad_route: 404,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 412,
  unavailable: 503,
} as const
type TwirpCode = keyof typeof TWIRP_STATUS

class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message)
  }
}

class BlobError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

interface Entry {
  id: number
  key: string
  version: string
  blob: string
  size: number
  finalized: boolean
}

export async function startCacheService(options: CacheServiceOptions = {}): Promise<CacheService> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-service-'))
  const blobDir = path.join(root, 'blobs')
  const blockDir = path.join(root, 'blocks')
  fs.mkdirSync(blobDir)
  fs.mkdirSync(blockDir)

  const secret = randomBytes(32)
  const token = runtimeToken(secret)
  const entries: Entry[] = []
  const requests: string[] = []
  let baseUrl = ''

  // The SAS stand-in: the signature covers path, permissions and expiry, so the client must use
  // the URLs exactly as handed out (a download URL cannot write, an expired one is refused).
  const sign = (pathname: string, permissions: string, expiry: string): string =>
    createHmac('sha256', secret).update(`${pathname}\n${permissions}\n${expiry}`).digest('base64')

  function signedUrl(blob: string, permissions: string): string {
    const pathname = `/${ACCOUNT}/${CONTAINER}/${blob}`
    const expiry = new Date(Date.now() + URL_LIFETIME_MS).toISOString()
    const query = new URLSearchParams({
      sv: '2025-01-05',
      sr: 'b',
      sp: permissions,
      se: expiry,
      sig: sign(pathname, permissions, expiry),
    })
    return `${baseUrl}${pathname.slice(1)}?${query}`
  }

  // --- Twirp ---------------------------------------------------------------------------------

  // Key lookup as documented for actions/cache: for the primary key, then each restore key in
  // order, an exact match wins, else the newest entry whose key starts with it. Only entries of
  // the same version (paths + compression) and already finalized are visible.
  function lookup(keys: string[], version: string): Entry | undefined {
    const visible = entries.filter((entry) => entry.finalized && entry.version === version)
    for (const key of keys) {
      const exact = visible.find((entry) => entry.key === key)
      if (exact) return exact
      const prefixed = visible.filter((entry) => entry.key.startsWith(key))
      if (prefixed.length > 0) return prefixed.reduce((a, b) => (b.id > a.id ? b : a))
    }
    return undefined
  }

  function required(body: Record<string, unknown>, field: string): string {
    const value = body[field]
    if (typeof value !== 'string' || value === '') {
      throw new TwirpError('invalid_argument', `${field} is required`)
    }
    return value
  }

  const methods: Record<string, (body: Record<string, unknown>) => Promise<object>> = {
    async CreateCacheEntry(body) {
      const key = required(body, 'key')
      const version = required(body, 'version')
      // Like github.com: entries are immutable, and a reservation in progress counts too.
      if (entries.some((entry) => entry.key === key && entry.version === version)) {
        throw new TwirpError(
          'already_exists',
          'cache entry with the same key, version, and scope already exists',
        )
      }
      const id = entries.length + 1
      const entry: Entry = {
        id,
        key,
        version,
        blob: `${id}-${randomUUID()}`,
        size: 0,
        finalized: false,
      }
      entries.push(entry)
      return { ok: true, signed_upload_url: signedUrl(entry.blob, 'cw') }
    },

    async FinalizeCacheEntryUpload(body) {
      const key = required(body, 'key')
      const version = required(body, 'version')
      const entry = entries.find((e) => e.key === key && e.version === version && !e.finalized)
      if (!entry) throw new TwirpError('not_found', `no reservation for key ${key}`)
      const size = Number(body.size_bytes ?? 0)
      const stored = blobSize(entry.blob)
      if (stored === undefined) {
        throw new TwirpError('failed_precondition', `nothing was uploaded for key ${key}`)
      }
      if (stored !== size) {
        throw new TwirpError('failed_precondition', `uploaded ${stored} bytes, finalized ${size}`)
      }
      entry.size = size
      entry.finalized = true
      return { ok: true, entry_id: String(entry.id) }
    },

    async GetCacheEntryDownloadURL(body) {
      const key = required(body, 'key')
      const version = required(body, 'version')
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
      const entry = lookup([key, ...restoreKeys], version)
      // A miss is not an error in v2: the client reads ok=false as "not found".
      if (!entry) return { ok: false, signed_download_url: '', matched_key: '' }
      return { ok: true, signed_download_url: signedUrl(entry.blob, 'r'), matched_key: entry.key }
    },
  }

  async function twirp(req: http.IncomingMessage, res: http.ServerResponse, method: string) {
    try {
      if (req.method !== 'POST' || !Object.hasOwn(methods, method)) {
        throw new TwirpError('bad_route', `no handler for ${req.method} ${req.url}`)
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        throw new TwirpError('unauthenticated', 'invalid or missing runtime token')
      }
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        throw new TwirpError('bad_route', 'only the JSON protocol is served here')
      }
      let body: unknown
      try {
        body = JSON.parse((await readAll(req)).toString('utf8'))
      } catch {
        throw new TwirpError('malformed', 'the request body is not JSON')
      }
      if (typeof body !== 'object' || body === null) {
        throw new TwirpError('malformed', 'the request body is not a JSON object')
      }
      sendJson(res, 200, await methods[method](body as Record<string, unknown>))
    } catch (error) {
      if (!(error instanceof TwirpError)) throw error
      req.resume()
      sendJson(res, TWIRP_STATUS[error.code], { code: error.code, msg: error.message })
    }
  }

  // --- Blob storage --------------------------------------------------------------------------

  const blobPath = (blob: string) => path.join(blobDir, blob)
  const blockPath = (blob: string, id: string) =>
    path.join(blockDir, blob, Buffer.from(id).toString('hex'))

  function blobSize(blob: string): number | undefined {
    try {
      return fs.statSync(blobPath(blob)).size
    } catch {
      return undefined
    }
  }

  function authorize(url: URL, needed: string): void {
    const permissions = url.searchParams.get('sp') ?? ''
    const expiry = url.searchParams.get('se') ?? ''
    const given = Buffer.from(url.searchParams.get('sig') ?? '', 'base64')
    const expected = Buffer.from(sign(url.pathname, permissions, expiry), 'base64')
    const valid = given.length === expected.length && timingSafeEqual(given, expected)
    if (!valid || !(Date.parse(expiry) > Date.now()) || !permissions.includes(needed)) {
      throw new BlobError(403, 'AuthenticationFailed', 'Signature, permission or expiry mismatch.')
    }
  }

  // Writes the request body to `file` via a temp name, so a broken upload leaves nothing behind.
  async function receive(req: http.IncomingMessage, file: string): Promise<void> {
    const partial = `${file}.${randomUUID()}.partial`
    try {
      await pipeline(req, fs.createWriteStream(partial))
      fs.renameSync(partial, file)
    } finally {
      fs.rmSync(partial, { force: true })
    }
  }

  async function blob(req: http.IncomingMessage, res: http.ServerResponse, url: URL, name: string) {
    try {
      const comp = url.searchParams.get('comp')
      if (req.method === 'PUT') {
        authorize(url, 'w')
        if (comp === 'block') {
          // Put Block: stage one block of a large upload.
          const id = url.searchParams.get('blockid')
          if (!id) throw new BlobError(400, 'InvalidQueryParameterValue', 'blockid is required.')
          fs.mkdirSync(path.join(blockDir, name), { recursive: true })
          await receive(req, blockPath(name, id))
        } else if (comp === 'blocklist') {
          // Put Block List: the blob becomes the staged blocks in the listed order.
          const xml = (await readAll(req)).toString('utf8')
          const ids = [...xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map(
            (match) => match[2],
          )
          const missing = ids.filter((id) => !fs.existsSync(blockPath(name, id)))
          if (ids.length === 0 || missing.length > 0) {
            throw new BlobError(400, 'InvalidBlockList', 'The block list names unknown blocks.')
          }
          const partial = `${blobPath(name)}.${randomUUID()}.partial`
          try {
            for (const id of ids) {
              await pipeline(
                fs.createReadStream(blockPath(name, id)),
                fs.createWriteStream(partial, { flags: 'a' }),
              )
            }
            fs.renameSync(partial, blobPath(name))
          } finally {
            fs.rmSync(partial, { force: true })
          }
          fs.rmSync(path.join(blockDir, name), { recursive: true, force: true })
        } else if (comp === null) {
          // Put Blob: the whole archive in one request.
          if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
            throw new BlobError(400, 'MissingRequiredHeader', 'x-ms-blob-type must be BlockBlob.')
          }
          await receive(req, blobPath(name))
        } else {
          throw new BlobError(400, 'UnsupportedQueryParameter', `comp=${comp} is not served here.`)
        }
        res.writeHead(201, { 'x-ms-request-id': randomUUID(), 'Content-Length': '0' }).end()
      } else if (req.method === 'GET' || req.method === 'HEAD') {
        authorize(url, 'r')
        if (comp !== null) throw new BlobError(400, 'UnsupportedQueryParameter', `comp=${comp}`)
        const size = blobSize(name)
        if (size === undefined) throw new BlobError(404, 'BlobNotFound', 'The blob does not exist.')
        res.writeHead(200, {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(size),
          'x-ms-blob-type': 'BlockBlob',
        })
        if (req.method === 'HEAD') res.end()
        else await pipeline(fs.createReadStream(blobPath(name)), res)
      } else {
        throw new BlobError(405, 'UnsupportedHttpVerb', `${req.method} is not served here.`)
      }
    } catch (error) {
      if (!(error instanceof BlobError)) throw error
      req.resume()
      sendBlobError(res, error.status, error.code, error.message)
    }
  }

  // --- Server --------------------------------------------------------------------------------

  const blobPrefix = `/${ACCOUNT}/${CONTAINER}/`
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const comp = url.searchParams.get('comp')
    requests.push(`${req.method} ${url.pathname}${comp ? `?comp=${comp}` : ''}`)
    const isTwirp = url.pathname.startsWith(TWIRP_SERVICE)

    let handled: Promise<void>
    if (options.failWith === 'unreachable') {
      req.socket.destroy()
      return
    } else if (options.failWith === 'unavailable') {
      req.resume()
      if (isTwirp) sendJson(res, 503, { code: 'unavailable', msg: 'the cache service is down' })
      else sendBlobError(res, 503, 'ServerBusy', 'The server is busy.')
      return
    } else if (isTwirp) {
      handled = twirp(req, res, url.pathname.slice(TWIRP_SERVICE.length))
    } else if (
      url.pathname.startsWith(blobPrefix) &&
      /^[\w-]+$/.test(url.pathname.slice(blobPrefix.length))
    ) {
      handled = blob(req, res, url, url.pathname.slice(blobPrefix.length))
    } else {
      req.resume()
      sendJson(res, 404, { code: 'bad_route', msg: `no route for ${url.pathname}` })
      return
    }
    // Anything unexpected is a stand-in bug: answer 500 so the client (and the test) sees it.
    handled.catch((error: unknown) => {
      if (res.headersSent) res.destroy()
      else sendJson(res, 500, { code: 'internal', msg: String(error) })
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime)
      server.close(() => resolve())
      server.closeAllConnections()
    }).finally(() => fs.rmSync(root, { recursive: true, force: true }))
    return stopped
  }
  // A forgotten stop() must not leave a server or files behind for long.
  const lifetime = setTimeout(() => void stop(), MAX_LIFETIME_MS)
  lifetime.unref()

  return {
    env: {
      // v2 is opt-in on the client side; the runner sets this flag on github.com.
      ACTIONS_CACHE_SERVICE_V2: 'True',
      // v2 calls go to `${ACTIONS_RESULTS_URL}twirp/...`; isFeatureAvailable() checks it is set.
      ACTIONS_RESULTS_URL: baseUrl,
      // Sent as the Bearer token on Twirp calls (this client does not decode it).
      ACTIONS_RUNTIME_TOKEN: token,
      // The client falls back to v1 for any host that is not github.com / *.ghe.com (GHES), so
      // an inherited GHES value must not leak in. ACTIONS_CACHE_URL (v1) stays unset on purpose:
      // if v2 were ever off, isFeatureAvailable() says false instead of calling an API not served.
      GITHUB_SERVER_URL: 'https://github.com',
      // Read and write (the permissive default); overrides a read-only mode inherited from CI.
      ACTIONS_CACHE_MODE: 'write',
    },
    entries: () =>
      entries
        .filter((entry) => entry.finalized)
        .map(({ key, version, size }) => ({ key, version, size })),
    requests,
    stop,
  }
}

// Shaped like a runner's token (a JWT with an `scp` claim) in case something decodes it.
function runtimeToken(secret: Buffer): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const header = part({ typ: 'JWT', alg: 'HS256' })
  const payload = part({
    scp: 'Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:1:1',
    iss: 'cache-service-stand-in',
    exp: Math.floor((Date.now() + MAX_LIFETIME_MS) / 1000),
  })
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function sendJson(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  })
  res.end(text)
}

// Storage errors are XML; the Azure SDK parses them into a RestError with the code.
function sendBlobError(res: http.ServerResponse, status: number, code: string, message: string) {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
  res.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': String(Buffer.byteLength(xml)),
    'x-ms-error-code': code,
  })
  res.end(xml)
}
