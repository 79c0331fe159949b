// The cache-service stand-in against the real @actions/cache client, in process: what the action
// relies on (save, exact and restore-key hits, misses, an existing key, an unreachable service)
// behaves here the way the client and github.com behave together.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as cache from '@actions/cache'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startCacheService, type CacheService } from '../helpers/cache-service.js'

const CREATE = 'POST /twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry'
const FINALIZE = 'POST /twirp/github.actions.results.api.v1.CacheService/FinalizeCacheEntryUpload'
const LOOKUP = 'POST /twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL'

// The client reads RUNNER_TEMP (archive scratch dir) and GITHUB_WORKSPACE (tar's -C root) too;
// a runner sets both, the service's env deliberately does not.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-service-test-'))
const runnerTemp = path.join(scratch, 'runner-temp')
const workspace = path.join(scratch, 'workspace')
fs.mkdirSync(runnerTemp)
fs.mkdirSync(workspace)

/** Sets `vars` in process.env; returns the function that puts the previous values back. */
function applyEnv(vars: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]))
  Object.assign(process.env, vars)
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** Runs `fn` with stdout captured: @actions/core logs (and workflow commands) go there. */
async function captured<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const write = process.stdout.write
  let output = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output += String(chunk)
    return true
  }) as typeof process.stdout.write
  try {
    const result = await fn()
    return { result, output }
  } finally {
    process.stdout.write = write
  }
}

/**
 * Runs `fn` with the client's retry back-off (sleeps of 3 s and more) cut to nothing, and reports
 * how long it would have slept. The attempts and their outcome are unchanged.
 */
async function withoutBackoff<T>(fn: () => Promise<T>): Promise<{ result: T; sleptMs: number }> {
  const realSetTimeout = globalThis.setTimeout
  let sleptMs = 0
  const fast = (callback: () => void, ms?: number) => {
    if (ms !== undefined && ms >= 3000) {
      sleptMs += ms
      ms = 0
    }
    return realSetTimeout(callback, ms)
  }
  globalThis.setTimeout = fast as unknown as typeof setTimeout
  try {
    const result = await fn()
    return { result, sleptMs }
  } finally {
    globalThis.setTimeout = realSetTimeout
  }
}

/** Relative path -> sha256 of every file under `dir`. */
function digest(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    files[path.relative(dir, file)] = createHash('sha256')
      .update(fs.readFileSync(file))
      .digest('hex')
  }
  return files
}

function makeDir(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(workspace, name)
  fs.rmSync(dir, { recursive: true, force: true })
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true })
    fs.writeFileSync(path.join(dir, relative), content)
  }
  return dir
}

const restoreBaseEnv = applyEnv({ RUNNER_TEMP: runnerTemp, GITHUB_WORKSPACE: workspace })

afterAll(() => {
  restoreBaseEnv()
  fs.rmSync(scratch, { recursive: true, force: true })
})

describe('a working cache service', () => {
  let service: CacheService
  let restoreEnv: () => void

  beforeAll(async () => {
    service = await startCacheService()
    restoreEnv = applyEnv(service.env)
  })

  afterAll(async () => {
    restoreEnv()
    await service.stop()
  })

  it('is what isFeatureAvailable() looks for', () => {
    expect(cache.isFeatureAvailable()).toBe(true)
    const unset = applyEnv({ ACTIONS_RESULTS_URL: '' })
    try {
      expect(cache.isFeatureAvailable()).toBe(false)
    } finally {
      unset()
    }
  })

  it('saves a directory and restores it byte for byte', async () => {
    const dir = makeDir('image', {
      'manifest.json': '{"layers": ["a", "b"]}\n',
      'layers/a.txt': 'first layer\n',
      'layers/empty': '',
      'image.tar': randomBytes(20 * 1024 * 1024),
    })
    const before = digest(dir)
    const scratchDirs = () => fs.readdirSync(runnerTemp).map((name) => path.join(runnerTemp, name))
    const tempBefore = scratchDirs()

    const saved = await captured(() => cache.saveCache([dir], 'image-v1'))
    expect(saved.result).toBeGreaterThan(0)
    expect(saved.output).not.toMatch(/^::(warning|error)::/m)
    const [entry] = service.entries()
    // Random bytes do not compress: the archive is at least the 20 MB file.
    expect(entry).toEqual({
      key: 'image-v1',
      version: expect.stringMatching(/^[0-9a-f]{64}$/),
      size: expect.any(Number),
    })
    expect(entry.size).toBeGreaterThan(20 * 1024 * 1024)
    // Under 128 MiB the Azure SDK uploads with one Put Blob (no comp=block).
    expect(service.requests).toEqual([CREATE, expect.stringMatching(/^PUT \/\S+$/), FINALIZE])

    fs.rmSync(dir, { recursive: true })
    service.requests.length = 0
    const restored = await captured(() => cache.restoreCache([dir], 'image-v1'))
    expect(restored.result).toBe('image-v1')
    expect(restored.output).toContain('Cache hit for: image-v1')
    expect(digest(dir)).toEqual(before)
    // Not a *.blob.core.windows.net host, so the client downloads with one plain GET.
    expect(service.requests).toEqual([LOOKUP, expect.stringMatching(/^GET \/\S+$/)])
    // The client deletes its archives but not its scratch dirs in RUNNER_TEMP: one per save
    // (holding tar's manifest.txt) and one per restore (empty).
    const left = scratchDirs().filter((dir) => !tempBefore.includes(dir))
    expect(left.map((dir) => fs.readdirSync(dir)).sort()).toEqual([[], ['manifest.txt']])
  })

  it('matches keys like github.com: exact, then newest prefix, then each restore key', async () => {
    const dir = path.join(workspace, 'deps')
    for (const key of ['deps-linux-aaa', 'deps-linux-bbb', 'deps-linux-bbb-2']) {
      makeDir('deps', { 'key.txt': key })
      expect((await captured(() => cache.saveCache([dir], key))).result).toBeGreaterThan(0)
    }
    const restore = async (key: string, restoreKeys?: string[]) => {
      fs.rmSync(dir, { recursive: true, force: true })
      const hit = (await captured(() => cache.restoreCache([dir], key, restoreKeys))).result
      return { hit, content: hit && fs.readFileSync(path.join(dir, 'key.txt'), 'utf8') }
    }

    // An exact key wins over newer keys it is a prefix of.
    expect(await restore('deps-linux-bbb')).toEqual({
      hit: 'deps-linux-bbb',
      content: 'deps-linux-bbb',
    })
    // The primary key is prefix-matched too: the hit is then not the key asked for.
    expect(await restore('deps-linux-')).toEqual({
      hit: 'deps-linux-bbb-2',
      content: 'deps-linux-bbb-2',
    })
    // Restore keys in order; the first that matches anything decides.
    expect(await restore('deps-linux-ccc', ['deps-mac-', 'deps-linux-aaa', 'deps-'])).toEqual({
      hit: 'deps-linux-aaa',
      content: 'deps-linux-aaa',
    })
    expect(await restore('deps-linux-ccc', ['deps-mac-', 'deps-'])).toEqual({
      hit: 'deps-linux-bbb-2',
      content: 'deps-linux-bbb-2',
    })
  })

  it('misses without an error, also when only the paths (the version) differ', async () => {
    const dir = makeDir('miss', { 'a.txt': 'a' })
    expect((await captured(() => cache.saveCache([dir], 'miss-key'))).result).toBeGreaterThan(0)
    service.requests.length = 0

    const miss = await captured(() => cache.restoreCache([dir], 'other-key', ['other-']))
    expect(miss.result).toBeUndefined()
    expect(miss.output).not.toMatch(/^::(warning|error)::/m)
    // Same key, other path list: another cache version, so a miss as well.
    const otherPaths = await captured(() => cache.restoreCache([dir, `${dir}-2`], 'miss-key'))
    expect(otherPaths.result).toBeUndefined()
    expect(service.requests).toEqual([LOOKUP, LOOKUP])
  })

  it('keeps the first save of a key: a second save returns -1 and only logs info', async () => {
    const dir = makeDir('twice', { 'which.txt': 'first' })
    expect((await captured(() => cache.saveCache([dir], 'twice'))).result).toBeGreaterThan(0)
    makeDir('twice', { 'which.txt': 'second' })
    service.requests.length = 0

    // No ReserveCacheError reaches the caller: saveCache catches it (409 already_exists).
    const second = await captured(() => cache.saveCache([dir], 'twice'))
    expect(second.result).toBe(-1)
    expect(second.output).toContain(
      'Failed to save: Unable to reserve cache with key twice, another job may be creating this cache.',
    )
    expect(second.output).not.toMatch(/^::(warning|error)::/m)
    expect(service.requests).toEqual([CREATE])
    expect(service.entries().filter((entry) => entry.key === 'twice')).toHaveLength(1)

    fs.rmSync(dir, { recursive: true })
    expect((await captured(() => cache.restoreCache([dir], 'twice'))).result).toBe('twice')
    expect(fs.readFileSync(path.join(dir, 'which.txt'), 'utf8')).toBe('first')
  })

  it('uploads archives over 128 MiB in blocks (Put Block + Put Block List)', async () => {
    const dir = makeDir('large', { 'layer.tar': randomBytes(130 * 1024 * 1024) })
    const before = digest(dir)
    service.requests.length = 0
    expect((await captured(() => cache.saveCache([dir], 'large'))).result).toBeGreaterThan(0)
    // 64 MiB blocks (saveCacheV2's uploadChunkSize): three blocks, then the list.
    expect(service.requests.filter((r) => r.endsWith('?comp=block'))).toHaveLength(3)
    expect(service.requests.filter((r) => r.endsWith('?comp=blocklist'))).toHaveLength(1)

    fs.rmSync(dir, { recursive: true })
    expect((await captured(() => cache.restoreCache([dir], 'large'))).result).toBe('large')
    expect(digest(dir)).toEqual(before)
    fs.rmSync(dir, { recursive: true })
  })

  it('refuses calls without the runtime token and blob URLs it did not sign', async () => {
    const noToken = await fetch(new URL(LOOKUP.split(' ')[1], service.env.ACTIONS_RESULTS_URL), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'image-v1', version: service.entries()[0].version }),
    })
    expect(noToken.status).toBe(401)
    expect(await noToken.json()).toMatchObject({ code: 'unauthenticated' })

    const lookup = await fetch(new URL(LOOKUP.split(' ')[1], service.env.ACTIONS_RESULTS_URL), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${service.env.ACTIONS_RUNTIME_TOKEN}`,
      },
      body: JSON.stringify({ key: 'image-v1', version: service.entries()[0].version }),
    })
    const { signed_download_url: url } = (await lookup.json()) as { signed_download_url: string }
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200)
    // A download URL cannot write, and a changed path breaks the signature.
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(403)
    expect(
      (await fetch(url.replace('/actions-cache/', '/actions-cache/x'), { method: 'HEAD' })).status,
    ).toBe(403)
  })
})

describe('a cache service answering 503', () => {
  let service: CacheService
  let restoreEnv: () => void

  beforeAll(async () => {
    service = await startCacheService({ failWith: 'unavailable' })
    restoreEnv = applyEnv(service.env)
  })

  afterAll(async () => {
    restoreEnv()
    await service.stop()
  })

  it('restoreCache retries 5 times, then warns and resolves undefined', async () => {
    const dir = path.join(workspace, 'unavailable')
    const { result, sleptMs } = await withoutBackoff(() =>
      captured(() => cache.restoreCache([dir], 'image-v1', ['image-'])),
    )
    expect(result.result).toBeUndefined()
    expect(result.output).toMatch(
      /^::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Failed to make request after 5 attempts: Failed request: \(503\) Service Unavailable: the cache service is down$/m,
    )
    expect(service.requests).toEqual(Array(5).fill(LOOKUP))
    // 3 s, then 1.5x per attempt with jitter: a real run waits ~25-34 s before the warning.
    expect(sleptMs).toBeGreaterThanOrEqual(3000 + 4500 + 6750 + 10125)
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('saveCache retries 5 times, then returns -1 with only an info line', async () => {
    const dir = makeDir('unavailable', { 'a.txt': 'a' })
    service.requests.length = 0
    const { result } = await withoutBackoff(() =>
      captured(() => cache.saveCache([dir], 'image-v1')),
    )
    expect(result.result).toBe(-1)
    expect(result.output).toContain(
      'Failed to save: Unable to reserve cache with key image-v1, another job may be creating this cache.',
    )
    expect(result.output).not.toMatch(/^::(warning|error)::/m)
    expect(service.requests).toEqual(Array(5).fill(CREATE))
  })
})

describe('a cache service that resets connections', () => {
  let service: CacheService
  let restoreEnv: () => void

  beforeAll(async () => {
    service = await startCacheService({ failWith: 'unreachable' })
    restoreEnv = applyEnv(service.env)
  })

  afterAll(async () => {
    restoreEnv()
    await service.stop()
  })

  it('restoreCache gives up at once, warns and resolves undefined', async () => {
    const dir = path.join(workspace, 'unreachable')
    const started = Date.now()
    const { result, output } = await captured(() => cache.restoreCache([dir], 'image-v1'))
    expect(result).toBeUndefined()
    expect(output).toMatch(
      /^::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Unable to make request: ECONNRESET%0A/m,
    )
    expect(service.requests).toEqual([LOOKUP])
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('saveCache returns -1 with only an info line', async () => {
    const dir = makeDir('unreachable', { 'a.txt': 'a' })
    service.requests.length = 0
    const { result, output } = await captured(() => cache.saveCache([dir], 'image-v1'))
    expect(result).toBe(-1)
    expect(output).toContain('Failed to save: Unable to reserve cache with key image-v1')
    expect(output).not.toMatch(/^::(warning|error)::/m)
    expect(service.requests).toEqual([CREATE])
  })
})
