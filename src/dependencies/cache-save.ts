// Saving freshly built dependencies to the cache. The archive (`docker save`, without the base
// layers) is written while the application is built and tested; it is uploaded ("Save the
// dependencies to the cache") only if that image passes, and stopped and removed otherwise.
import * as core from '@actions/core'
import type { DockerClient, LocalImage } from '../docker/docker.js'
import { archiveDependencies, discardArchive, uploadDependencies } from './dependencies.js'
import type { ImageCache } from './image-cache.js'

export interface CacheSave {
  /** Waits for the archive and uploads it; the bytes saved, if it was. */
  save(): Promise<number | undefined>
  /** Stops `docker save` if it still runs and removes the archive: after a failure, or a save. */
  discard(): Promise<void>
}

/**
 * Starts the archive of the dependencies built now under `key`. Without a cache service (a
 * local run, a runner without one) there is nothing to save to: no `docker save` either.
 */
export async function startCacheSave(
  docker: DockerClient,
  imageCache: ImageCache | undefined,
  key: string | undefined,
  base: LocalImage,
  /** The inventories of the base and the dependencies, when they were read (the check's). */
  inventories?: Buffer,
): Promise<CacheSave | undefined> {
  if (!key || !imageCache || !(await imageCache.available())) return undefined
  const stop = new AbortController()
  const archiving = archiveDependencies(docker, key, base, stop.signal, inventories)
  return {
    async save() {
      core.info('Waiting for the archive of the dependencies (docker save) to end')
      const archive = await archiving
      if (!archive) return undefined
      const bytes = await core.group('Save the dependencies to the cache', () =>
        uploadDependencies(imageCache, key, archive),
      )
      if (bytes !== undefined) core.info(`Saved ${(bytes / 1024 / 1024).toFixed(1)} MiB`)
      return bytes
    },
    async discard() {
      // After a failure the archive is not wanted: stop `docker save` (minutes for a multi-GB
      // base) instead of waiting for it. After a pass it has ended already.
      stop.abort()
      await archiving
      discardArchive(key)
    },
  }
}
