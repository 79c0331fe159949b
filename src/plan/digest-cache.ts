// The SHA-256 of each input file, remembered between runs next to the stable staging folder
// (staging-dir.ts), so that the default tag of a 5 GB model does not cost a 5 GB read when the
// model did not change. A file is known by its path, device, inode, size and mtime (in
// nanoseconds): the test make, rsync and BuildKit's own context transfer apply. A file whose
// mtime is within RACY_MS of the moment it was hashed is not remembered: it may still be
// written to within the same mtime tick ("racily clean", as git calls it).
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { readMemoFile, writeMemoFile } from './memo-file.js'

const RACY_MS = 2000
const VERSION = 1

/** The digest of a file's content, hex. */
export type FileDigest = (file: string) => Promise<string>

// Read in 1 MiB chunks: a quarter faster than the default 64 KiB on a large model here.
const CHUNK_BYTES = 1024 * 1024

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES }))
    hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function identity(file: string): { key: string; mtimeMs: number } {
  const stat = fs.statSync(file, { bigint: true })
  return {
    key: `${file}\0${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`,
    mtimeMs: Number(stat.mtimeMs),
  }
}

export class DigestCache {
  private readonly known: Map<string, string>
  private readonly used = new Map<string, string>()
  /** Every digest read in this run, the racy ones too: a file is read once per run at most. */
  private readonly thisRun = new Map<string, string>()

  /** `file`: where the digests are kept; unreadable or from another version: none known. */
  constructor(private readonly file: string) {
    this.known = new Map()
    const digests = readMemoFile(file, VERSION)?.digests
    if (typeof digests !== 'object' || digests === null) return
    for (const [key, digest] of Object.entries(digests))
      if (typeof digest === 'string') this.known.set(key, digest)
  }

  readonly digest: FileDigest = async (file) => {
    const before = identity(file)
    const read = this.thisRun.get(before.key)
    if (read !== undefined) return read
    const known = this.known.get(before.key)
    if (known !== undefined) {
      this.used.set(before.key, known)
      return known
    }
    const startedMs = Date.now()
    const digest = await sha256OfFile(file)
    // Changed while it was read: not kept at all. Too recent to trust its mtime: kept for this
    // run only (the model image's key reads it again), not remembered for the next.
    if (identity(file).key !== before.key) return digest
    this.thisRun.set(before.key, digest)
    if (startedMs - before.mtimeMs > RACY_MS) this.used.set(before.key, digest)
    return digest
  }

  /** Keeps the digests of this run's files only: the file stays as small as the inputs. */
  save(): void {
    writeMemoFile(this.file, VERSION, { digests: Object.fromEntries(this.used) })
  }
}
