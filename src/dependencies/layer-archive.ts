// Writes the archive the cache holds: `docker save` of the dependencies image, read as it streams
// out, without the base image's layers. The cache then holds only what apt and pip added
// (megabytes), not the base image (gigabytes for the real ones), which the runner pulls anyway;
// `docker load` skips layers the daemon already has, so it accepts the archive once the base
// image is present. No full copy of the saved image is ever written; at most one layer at a time
// is spooled to a file next to the archive while it is recognised.
//
// A layer is recognised by its diff id, the SHA-256 of its uncompressed tar:
// - OCI layout (docker 25 and later): `blobs/sha256/<hex>` is named by it, so a base layer is
//   skipped unread; with the containerd image store a pulled layer may be kept gzip-compressed
//   (named by the digest of the gzip stream), so other blobs are spooled and a gzip one is
//   recognised by the digest of what it unpacks to;
// - the older layout (`<id>/VERSION`, `<id>/json`, `<id>/layer.tar`): the name says nothing, so
//   `layer.tar` is hashed while it is spooled, and the folder's entries are written out (or
//   dropped) once the hash is known.
// tar-stream is used because GNU `tar --delete` was seen to corrupt the archives docker writes.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { createGunzip } from 'node:zlib'
import { Transform, type Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { pipeline } from 'node:stream/promises'
import tarStream, { type Header, type Pack } from 'tar-stream'

const OCI_BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/
/** `<64 hex>/...`: a folder of the older layout (its config `<hex>.json` does not match). */
const LEGACY_FOLDER = /^([0-9a-f]{64})(?:\/(.*))?$/
const BLOB_LINK = /blobs\/sha256\/([0-9a-f]{64})$/

type Chunks = AsyncIterable<Buffer>

/** Entries of one legacy layer folder, held until its layer.tar says whether it is a base layer. */
interface Folder {
  held: { header: Header; data: Buffer }[]
  keep?: boolean
}

/** Copies the chunks to `file` and resolves with their diff id (`sha256:<hex>`). */
async function spoolAndHash(chunks: Chunks, file: string): Promise<string> {
  const hash = createHash('sha256')
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      callback(null, chunk)
    },
  })
  await pipeline(chunks, hashing, fs.createWriteStream(file))
  return `sha256:${hash.digest('hex')}`
}

function isGzip(file: string): boolean {
  const magic = Buffer.alloc(2)
  const fd = fs.openSync(file, 'r')
  try {
    return fs.readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b
  } finally {
    fs.closeSync(fd)
  }
}

/** The diff id of a gzip-compressed layer: the digest of what it unpacks to. */
async function gunzippedDigest(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file).pipe(createGunzip()))
    hash.update(chunk as Buffer)
  return `sha256:${hash.digest('hex')}`
}

/** Adds one entry to the archive, its data streamed (a layer may be gigabytes). */
async function addEntry(
  pack: Pack,
  header: Partial<Header> & Pick<Header, 'name'>,
  chunks: Chunks | Buffer,
): Promise<void> {
  let failure: Error | undefined
  const done = new Promise<void>((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()))
    // Its failure comes back through the callback above; unheard, the event would be thrown.
    sink.on('error', () => undefined)
    const feed = async (): Promise<void> => {
      if (Buffer.isBuffer(chunks)) sink.write(chunks)
      else
        for await (const chunk of chunks) {
          if (!sink.write(chunk))
            await new Promise<void>((drained) => sink.once('drain', () => drained()))
        }
      sink.end(undefined)
    }
    feed().catch((error: Error) => {
      failure = error
      sink.destroy(error)
    })
  })
  await done.catch((error: Error) => {
    throw failure ?? error
  })
}

/** A file of the action's own, added at the end of the archive (docker load ignores it). */
export interface ExtraEntry {
  name: string
  data: Buffer
}

/**
 * Reads a `docker save` stream and writes `destination`: the same archive without the layers
 * whose diff id is in `baseLayers`, and `extra` at its end. Returns how many layers it dropped.
 */
export async function writeArchiveWithoutBase(
  saved: Readable,
  baseLayers: readonly string[],
  destination: string,
  extra?: ExtraEntry,
): Promise<number> {
  const isBase = (diffId: string): boolean => baseLayers.includes(diffId)
  const spool = `${destination}.layer`
  const folders = new Map<string, Folder>()
  const pack = tarStream.pack()
  // The write's own failure (no space, no folder) is the one to report, not what it causes.
  let writeFailure: unknown
  const writing = pipeline(pack, fs.createWriteStream(destination)).catch((error: unknown) => {
    writeFailure = error
  })
  let dropped = 0

  const decide = async (folder: Folder, keep: boolean): Promise<void> => {
    folder.keep = keep
    if (keep) for (const { header, data } of folder.held) await addEntry(pack, header, data)
    else dropped++
    folder.held = []
  }

  async function onEntry(header: Header, chunks: Chunks): Promise<void> {
    const blob = OCI_BLOB.exec(header.name)
    if (blob && isBase(`sha256:${blob[1]}`)) {
      dropped++
      for await (const chunk of chunks) void chunk // skipped: read past, kept nowhere
      return
    }
    if (blob && header.type === 'file') {
      await pipeline(chunks, fs.createWriteStream(spool))
      if (isGzip(spool) && isBase(await gunzippedDigest(spool))) dropped++
      else await addEntry(pack, header, fs.createReadStream(spool))
      fs.rmSync(spool, { force: true })
      return
    }
    const legacy = LEGACY_FOLDER.exec(header.name)
    if (!legacy) return addEntry(pack, header, chunks)
    const folder = folders.get(legacy[1]) ?? { held: [] }
    folders.set(legacy[1], folder)
    if (legacy[2] === 'layer.tar' && header.type === 'file') {
      const diffId = await spoolAndHash(chunks, spool)
      await decide(folder, !isBase(diffId))
      if (folder.keep) await addEntry(pack, header, fs.createReadStream(spool))
      fs.rmSync(spool, { force: true })
      return
    }
    const data = await buffer(chunks)
    // Docker 25+ may keep the old folders with layer.tar as a link to the blob.
    const link = legacy[2] === 'layer.tar' ? BLOB_LINK.exec(header.linkname ?? '') : null
    if (folder.keep === undefined) folder.held.push({ header, data })
    else if (folder.keep) await addEntry(pack, header, data)
    if (link && folder.keep === undefined) await decide(folder, !isBase(`sha256:${link[1]}`))
  }

  const extract = tarStream.extract()
  const reading = pipeline(saved, extract)
  reading.catch(() => undefined) // awaited below; the loop sees the same failure first
  try {
    for await (const entry of extract) await onEntry(entry.header, entry as AsyncIterable<Buffer>)
    await reading
    // A folder without a layer.tar is not a layer: it is written as it came.
    for (const folder of folders.values()) if (folder.keep === undefined) await decide(folder, true)
    if (extra) {
      const header = {
        name: extra.name,
        size: extra.data.length,
        mode: 0o644,
        type: 'file' as const,
      }
      await addEntry(pack, header, extra.data)
    }
    pack.finalize()
    await writing
    if (writeFailure !== undefined) throw writeFailure
  } catch (error) {
    pack.destroy()
    await writing
    throw writeFailure ?? error
  } finally {
    fs.rmSync(spool, { force: true })
  }
  return dropped
}
