// The dependencies image, kept across runners with the GitHub Actions cache (@actions/cache).
// The cache is a speed-up, never a reason to fail: anything that goes wrong is a warning.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'

export interface ImageCache {
  /** Whether a cache service is configured here (on a runner: yes; elsewhere: no). */
  available(): Promise<boolean>
  /** Restores the archive for `key` into `file`; true on an exact hit. */
  restore(file: string, key: string): Promise<boolean>
  /** Saves `file` under `key`; false when it was not saved. */
  save(file: string, key: string): Promise<boolean>
}

// Loaded on first use: the cache client (with its Azure SDK) is most of the bundle, and runs
// that never reach the dependencies step should not pay for parsing it.
const loadCache = () => import('@actions/cache')

/**
 * The client leaves scratch folders in RUNNER_TEMP; pointing it at the archive's own folder,
 * which the caller removes, keeps the runner's temp dir clean.
 */
async function withScratchIn<T>(dir: string, action: () => Promise<T>): Promise<T> {
  const saved = process.env.RUNNER_TEMP
  fs.mkdirSync(dir, { recursive: true })
  process.env.RUNNER_TEMP = dir
  try {
    return await action()
  } finally {
    if (saved === undefined) delete process.env.RUNNER_TEMP
    else process.env.RUNNER_TEMP = saved
  }
}

/** The real cache service. Its paths are part of the cache version, so they must be stable. */
export class ActionsImageCache implements ImageCache {
  async available(): Promise<boolean> {
    return (await loadCache()).isFeatureAvailable()
  }

  async restore(file: string, key: string): Promise<boolean> {
    const cache = await loadCache()
    if (!cache.isFeatureAvailable()) {
      core.info('The GitHub Actions cache is not available here; building the dependencies.')
      return false
    }
    // The client reports service trouble itself, as a warning, and answers a miss.
    const hit = await withScratchIn(path.dirname(file), () => cache.restoreCache([file], key))
    return hit === key && fs.existsSync(file)
  }

  async save(file: string, key: string): Promise<boolean> {
    const cache = await loadCache()
    if (!cache.isFeatureAvailable()) return false
    // -1: not saved (the key exists already, or the service is down); the client says which.
    const id = await withScratchIn(path.dirname(file), () => cache.saveCache([file], key))
    return id !== -1
  }
}
