// The dependencies image: the base image plus apt and pip packages, the slow and rarely
// changing part. It is named by a key over everything that goes into it, so a run reuses it
// from the daemon, or restores it from the Actions cache on a fresh runner, and builds it only
// when neither has it. Both builders simply build FROM it: no builder-specific cache import.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  checkDependenciesArchive,
  INVENTORIES_ENTRY,
  INVENTORIES_MAX_BYTES,
  UnfitArchiveError,
} from './archive-check.js'
import { contentHash } from '../plan/content-hash.js'
import type { DockerClient, LocalImage } from '../docker/docker.js'
import type { PipConfigMode } from '../plan/dockerfile.js'
import type { TreeSnapshot } from '../inputs/code-snapshot.js'
import { tempRoot } from '../step/temp-root.js'
import type { ImageCache } from './image-cache.js'
import { writeArchiveWithoutBase } from './layer-archive.js'
import { errorMessage } from '../step/text.js'

const DEPENDENCIES_REPOSITORY = 'extend-azureml-image/dependencies'
// v2: the key covers every staged requirements file (includes, local packages), not the top one.
// v3: kept (tagged, cached) only once checked against the server's dependencies
// (conflict-check.ts), so an image made before that check is not found, in the daemon or cache.
/** @internal (exported for its unit tests) */
export const CACHE_KEY_PREFIX = 'extend-azureml-image-deps-v3-'
const KEY_VERSION = 3

export interface StagedRequirements {
  folder: string
  /** What is staged in the folder, walked once for both digests (default tag and key). */
  snapshot: TreeSnapshot
  /** The top file's path in the folder: pip runs from its folder. */
  file: string
}

export type DependenciesSource = 'daemon' | 'cache' | 'built'

export interface DependencyInputs {
  aptPackages: string[]
  /** The staged requirements folder, hashed whole (paths and contents), and the top file in it. */
  requirements?: StagedRequirements
  /** Index URLs without credentials: where packages come from is part of what they are. */
  pipIndexes: string[]
  /** How the indexes reach pip: an image built with build args carries the URLs in its history. */
  pipConfig: PipConfigMode
}

/**
 * The base image as the daemon has it (pulled first when absent): what `docker build` starts
 * from, so the key follows the base image the build really uses. `inDaemon` is a lookup the
 * caller already made.
 */
export async function localBase(
  docker: DockerClient,
  reference: string,
  inDaemon?: LocalImage,
): Promise<LocalImage> {
  const local = inDaemon ?? (await docker.localImage(reference))
  if (local) return local
  await docker.pullIfMissingAndReadUser(reference) // pulls, with retries for transient failures
  const pulled = await docker.localImage(reference)
  if (!pulled) throw new Error(`Base image ${reference} is not there after pulling it`)
  return pulled
}

export async function dependenciesKey(base: LocalImage, inputs: DependencyInputs): Promise<string> {
  const hash = await contentHash(
    {
      keyVersion: KEY_VERSION,
      baseId: base.id,
      aptPackages: inputs.aptPackages,
      pipIndexes: inputs.pipIndexes,
      pipConfig: inputs.pipConfig,
      requirementsFile: inputs.requirements?.file ?? null,
    },
    {},
    { requirements: inputs.requirements?.snapshot },
  )
  return hash.slice(0, 32)
}

export function dependenciesTag(key: string): string {
  return `${DEPENDENCIES_REPOSITORY}:${key}`
}

/** Where the archive lives: a path that is the same on every run, as the cache requires. @internal (exported for its unit tests) */
export function archivePath(key: string): string {
  return path.join(tempRoot(), `extend-azureml-image-cache-${key}`, 'dependencies.tar')
}

export interface FoundDependencies {
  source: Exclude<DependenciesSource, 'built'>
  image: LocalImage
  /** What a restored entry says the images hold (inventory-memo.ts's document; unchecked). */
  inventories?: Buffer
}

/**
 * A cache entry cannot be overwritten: a bad one stays a miss, on every run, until deleted.
 * Says how, naming the key.
 */
function deleteHint(cacheKey: string): string {
  return `Cache entries cannot be overwritten, so this one stays a miss until it is deleted: \`gh cache delete ${cacheKey}\`, or the repository's Actions > Caches page.`
}

/**
 * Finds the dependencies image in the daemon or the cache; undefined when it must be built.
 * A restored archive is checked before `docker load` (see archive-check.ts): the base's layers
 * are what its chain must start with.
 */
export async function findDependencies(
  docker: DockerClient,
  imageCache: ImageCache | undefined,
  key: string,
  base: LocalImage,
): Promise<FoundDependencies | undefined> {
  const tag = dependenciesTag(key)
  const inDaemon = await docker.localImage(tag)
  if (inDaemon) return { source: 'daemon', image: inDaemon }
  if (!imageCache) return undefined
  const archive = archivePath(key)
  const cacheKey = `${CACHE_KEY_PREFIX}${key}`
  try {
    if (!(await imageCache.restore(archive, cacheKey))) return undefined
    const { inventories } = await checkDependenciesArchive(archive, {
      tag,
      baseLayers: base.layers,
    })
    // The base image is present (localBase made sure of it): a refusal now most likely means a
    // corrupt entry.
    await docker.load(archive).catch((error: unknown) => {
      throw new UnfitArchiveError(`docker load refused it (${errorMessage(error)})`)
    })
    const restored = await docker.localImage(tag)
    if (restored) return { source: 'cache', image: restored, ...(inventories && { inventories }) }
    core.warning(
      `The cached archive (cache key ${cacheKey}) did not hold ${tag}; building the dependencies. ${deleteHint(cacheKey)}`,
    )
    return undefined
  } catch (error) {
    if (error instanceof UnfitArchiveError) {
      core.warning(
        `The cached dependencies (cache key ${cacheKey}) were not loaded: ${error.message}. Treated as a cache miss: building them. ${deleteHint(cacheKey)}`,
      )
    } else {
      core.warning(`Could not use the cached dependencies (${errorMessage(error)}); building them.`)
    }
    return undefined
  } finally {
    fs.rmSync(path.dirname(archive), { recursive: true, force: true })
  }
}

/** Removes the archive folder (and the cache client's scratch files in it). */
export function discardArchive(key: string): void {
  fs.rmSync(path.dirname(archivePath(key)), { recursive: true, force: true })
}

/**
 * Writes the archive of what apt and pip added. Started as soon as the dependencies are built,
 * it runs alongside the application build and the smoke test instead of after them.
 */
export async function archiveDependencies(
  docker: DockerClient,
  key: string,
  base: LocalImage,
  signal?: AbortSignal,
  /** The inventories of the base and the dependencies, added to the archive as they are. */
  inventories?: Buffer,
): Promise<string | undefined> {
  const archive = archivePath(key)
  try {
    fs.mkdirSync(path.dirname(archive), { recursive: true })
    const dropped = await docker.save(
      dependenciesTag(key),
      (saved) =>
        writeArchiveWithoutBase(
          saved,
          base.layers,
          archive,
          // Too large (thousands of packages), it would make the whole entry refused: left out.
          inventories && inventories.length <= INVENTORIES_MAX_BYTES
            ? { name: INVENTORIES_ENTRY, data: inventories }
            : undefined,
        ),
      signal,
    )
    // The dependencies image is built on the base: none of its layers found means another base.
    if (dropped === 0 && base.layers.length > 0) {
      throw new Error(
        "none of the base image's layers was recognised in the saved image (by diff id; a layer compressed other than with gzip is not recognised)",
      )
    }
    return archive
  } catch (error) {
    // Stopped because the image failed: there is nothing to save, and nothing to warn about.
    if (!signal?.aborted)
      core.warning(`Could not save the dependencies to the cache: ${errorMessage(error)}`)
    discardArchive(key)
    return undefined
  }
}

/** After a passing smoke test: uploads the archive; it is removed either way. */
export async function uploadDependencies(
  imageCache: ImageCache,
  key: string,
  archive: string,
): Promise<number | undefined> {
  try {
    const size = fs.statSync(archive).size
    return (await imageCache.save(archive, `${CACHE_KEY_PREFIX}${key}`)) ? size : undefined
  } catch (error) {
    core.warning(`Could not save the dependencies to the cache: ${errorMessage(error)}`)
    return undefined
  } finally {
    discardArchive(key)
  }
}
