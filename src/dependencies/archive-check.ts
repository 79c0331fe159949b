// Checks a dependencies archive restored from the cache before `docker load` sees it.
// `docker load` applies whatever tags an archive names (manifest.json's RepoTags, the legacy
// `repositories` file, and for an OCI layout the name annotations of index.json), so a poisoned
// or corrupt cache entry could re-tag any image, the base included. Only an archive that holds
// exactly one image, tagged with nothing but the dependencies tag of its key, whose layers start
// with the base image's, is loaded.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { buffer } from 'node:stream/consumers'
import { pipeline } from 'node:stream/promises'
import tarStream from 'tar-stream'

/** Metadata is kilobytes; anything larger is not what docker save writes. */
const METADATA_LIMIT = 8 * 1024 * 1024
/** The largest inventories file an archive gets: a larger one would make the archive refused. */
export const INVENTORIES_MAX_BYTES = METADATA_LIMIT

const MANIFEST = 'manifest.json'
const REPOSITORIES = 'repositories'
const OCI_INDEX = 'index.json'
const CONTAINERD_NAME = 'io.containerd.image.name'
const OCI_REF_NAME = 'org.opencontainers.image.ref.name'

/** The action's own file in the archive: the images' inventories (cache-inventories.ts). */
export const INVENTORIES_ENTRY = 'extend-azureml-image-inventories.json'

export interface ArchiveExpectation {
  /** The dependencies tag of the cache key: the only tag the archive may carry. */
  tag: string
  /** The base image's diff ids, base first: where the image's layer chain must start. */
  baseLayers: readonly string[]
}

/** The archive is not one to load; the message says which rule it breaks. */
export class UnfitArchiveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnfitArchiveError'
  }
}

/** A name as docker's extraction sees it: `./a`, `/a` and `a/` are all `a`. */
function entryName(name: string): string {
  return path.posix
    .normalize(name)
    .replace(/^(?:\.?\/)+/, '')
    .replace(/\/+$/, '')
}

/**
 * Names taken from the archive go into a warning: shown only when they look like image
 * references, so that no text from a poisoned entry reaches the log as it is.
 */
function shown(value: unknown): string {
  return typeof value === 'string' && /^[\w][\w.:/@+-]{0,255}$/.test(value)
    ? `"${value}"`
    : '(a name that is not an image reference)'
}

/** The contents of the entries `wanted` names, each required to be one regular file. */
async function readEntries(file: string, wanted: Set<string>): Promise<Map<string, Buffer>> {
  try {
    return await readTar(file, wanted)
  } catch (error) {
    if (error instanceof UnfitArchiveError) throw error
    throw new UnfitArchiveError(`it is not a readable tar archive (${(error as Error).message})`)
  }
}

async function readTar(file: string, wanted: Set<string>): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer[]>()
  const extract = tarStream.extract()
  const reading = pipeline(fs.createReadStream(file), extract)
  reading.catch(() => undefined) // awaited below; the loop sees the same failure first
  for await (const entry of extract) {
    const name = entryName(entry.header.name)
    if (!wanted.has(name)) {
      entry.resume()
      continue
    }
    // A link or a folder would make docker read something other than what is checked here.
    if (entry.header.type !== 'file')
      throw new UnfitArchiveError(`${name} is not a regular file (a ${entry.header.type})`)
    if ((entry.header.size ?? 0) > METADATA_LIMIT)
      throw new UnfitArchiveError(`${name} is larger than ${METADATA_LIMIT} bytes`)
    found.set(name, [...(found.get(name) ?? []), await buffer(entry)])
  }
  await reading
  const contents = new Map<string, Buffer>()
  for (const [name, copies] of found) {
    // Extracted in order, a later copy would replace the one read first.
    if (copies.length > 1) throw new UnfitArchiveError(`${name} appears ${copies.length} times`)
    contents.set(name, copies[0])
  }
  return contents
}

function parsed(name: string, data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'))
  } catch {
    throw new UnfitArchiveError(`${name} is not JSON`)
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

function checkRepoTags(entry: Record<string, unknown>, tag: string): void {
  const tags = entry.RepoTags
  if (!Array.isArray(tags) || tags.length !== 1 || tags[0] !== tag) {
    const named = Array.isArray(tags) ? tags.map(shown).join(', ') || 'no tag' : 'no tag list'
    throw new UnfitArchiveError(
      `${MANIFEST} tags the image ${named}; the only tag allowed is "${tag}"`,
    )
  }
}

/** `{"repo": {"tag": "id"}}`: legacy docker load applies every tag it lists. */
function checkRepositories(data: Buffer | undefined, tag: string): void {
  if (data === undefined) return
  const repositories = parsed(REPOSITORIES, data)
  const colon = tag.lastIndexOf(':')
  const [repository, version] = [tag.slice(0, colon), tag.slice(colon + 1)]
  if (!isRecord(repositories)) throw new UnfitArchiveError(`${REPOSITORIES} is not a JSON object`)
  for (const [name, versions] of Object.entries(repositories)) {
    const others = isRecord(versions)
      ? Object.keys(versions).filter((key) => name !== repository || key !== version)
      : ['(not an object)']
    if (others.length > 0) {
      throw new UnfitArchiveError(
        `${REPOSITORIES} names ${others.map((key) => shown(`${name}:${key}`)).join(', ')}; the only tag allowed is "${tag}"`,
      )
    }
  }
}

/** An OCI layout's index: the containerd image store names images from its annotations. */
function checkIndex(data: Buffer | undefined, tag: string): void {
  if (data === undefined) return
  const index = parsed(OCI_INDEX, data)
  const manifests = isRecord(index) ? index.manifests : undefined
  if (!Array.isArray(manifests) || manifests.length !== 1) {
    throw new UnfitArchiveError(
      `${OCI_INDEX} must list exactly one image, it lists ${Array.isArray(manifests) ? manifests.length : 'none'}`,
    )
  }
  const annotations = isRecord(manifests[0]) ? manifests[0].annotations : undefined
  if (annotations === undefined) return
  const allowed = {
    [CONTAINERD_NAME]: [tag, `docker.io/${tag}`],
    [OCI_REF_NAME]: [tag.slice(tag.lastIndexOf(':') + 1), tag, `docker.io/${tag}`],
  }
  for (const [annotation, names] of Object.entries(allowed)) {
    const value = isRecord(annotations) ? annotations[annotation] : '(not an object)'
    if (value !== undefined && !names.includes(value as string)) {
      throw new UnfitArchiveError(
        `${OCI_INDEX} names the image ${shown(value)} (${annotation}); the only tag allowed is "${tag}"`,
      )
    }
  }
}

function checkLayers(configName: string, data: Buffer, baseLayers: readonly string[]): void {
  const config = parsed(configName, data)
  const rootfs = isRecord(config) ? config.rootfs : undefined
  const diffIds = isRecord(rootfs) ? rootfs.diff_ids : undefined
  if (!Array.isArray(diffIds)) throw new UnfitArchiveError(`the image config has no layer list`)
  const differs = baseLayers.findIndex((layer, index) => diffIds[index] !== layer)
  if (differs !== -1) {
    throw new UnfitArchiveError(
      `its layers do not start with the base image's ${baseLayers.length} layers (layer ${differs + 1} differs)`,
    )
  }
}

/**
 * Throws UnfitArchiveError unless `file` is a dependencies archive that is safe to load. Gives
 * the action's own inventories file when the archive has one (untrusted: the caller checks it).
 */
export async function checkDependenciesArchive(
  file: string,
  expected: ArchiveExpectation,
): Promise<{ inventories?: Buffer }> {
  const metadata = await readEntries(
    file,
    new Set([MANIFEST, REPOSITORIES, OCI_INDEX, INVENTORIES_ENTRY]),
  )
  const manifestData = metadata.get(MANIFEST)
  if (manifestData === undefined) throw new UnfitArchiveError(`it has no ${MANIFEST}`)
  const manifest = parsed(MANIFEST, manifestData)
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isRecord(manifest[0])) {
    throw new UnfitArchiveError(
      `${MANIFEST} must list exactly one image, it lists ${Array.isArray(manifest) ? manifest.length : 'none'}`,
    )
  }
  checkRepoTags(manifest[0], expected.tag)
  checkRepositories(metadata.get(REPOSITORIES), expected.tag)
  checkIndex(metadata.get(OCI_INDEX), expected.tag)

  const configPath = manifest[0].Config
  if (typeof configPath !== 'string') throw new UnfitArchiveError(`${MANIFEST} names no config`)
  const configName = entryName(configPath)
  const config = (await readEntries(file, new Set([configName]))).get(configName)
  if (config === undefined) throw new UnfitArchiveError(`the image config is not in the archive`)
  checkLayers(configName, config, expected.baseLayers)
  const inventories = metadata.get(INVENTORIES_ENTRY)
  return inventories === undefined ? {} : { inventories }
}
