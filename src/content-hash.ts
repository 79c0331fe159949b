// A digest of every build input, for the default tag: the same inputs give the same tag, and
// legs of a matrix with different base images never collide.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Digest of a directory tree as COPY puts it in the image: sorted relative paths of directories
 * (empty ones are copied too) and files, each file's permission bits and content. The default
 * tag names an image the action may reuse without building (same-build.ts), so whatever changes
 * the copied tree must change this digest.
 */
export async function treeDigest(dir: string): Promise<string> {
  const entries = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isDirectory() || entry.isFile() || entry.isSymbolicLink())
    .map((entry) => ({ entry, full: path.join(entry.parentPath, entry.name) }))
    .sort((a, b) => (a.full < b.full ? -1 : a.full > b.full ? 1 : 0))
  const hash = createHash('sha256')
  for (const { entry, full } of entries) {
    const relative = path.relative(dir, full).split(path.sep).join('/')
    // A staged directory gets the runner's default mode, whatever the source's: only its path
    // counts. A file is staged as (a link to) the file itself, symlinks followed: its mode counts.
    if (entry.isDirectory()) hash.update(`${relative}/\0d\n`)
    else {
      const mode = (fs.statSync(full).mode & 0o7777).toString(8)
      hash.update(`${relative}\0${mode}\0${await fileDigest(full)}\n`)
    }
  }
  return hash.digest('hex')
}

export interface HashedInputs {
  [name: string]: unknown
}

/** Hashes a JSON-able description whose file and tree entries are given as paths to digest. */
export async function contentHash(
  description: HashedInputs,
  files: Record<string, string | undefined>,
  trees: Record<string, string | undefined>,
): Promise<string> {
  const digests: Record<string, string | null> = {}
  for (const [name, file] of Object.entries(files)) {
    digests[name] = file ? await fileDigest(file) : null
  }
  for (const [name, dir] of Object.entries(trees)) {
    digests[name] = dir ? await treeDigest(dir) : null
  }
  return createHash('sha256')
    .update(JSON.stringify({ scheme: 2, description, digests }))
    .digest('hex')
}
