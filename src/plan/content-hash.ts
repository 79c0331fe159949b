// A digest of every build input, for the default tag: the same inputs give the same tag, and
// legs of a matrix with different base images never collide.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { TreeSnapshot } from '../inputs/code-snapshot.js'
import { sha256OfFile, type FileDigest } from './digest-cache.js'

/**
 * Digest of a directory tree as COPY puts it in the image: sorted relative paths of directories
 * (empty ones are copied too) and files, each file's permission bits and content. Only what the
 * snapshot takes counts (code-snapshot.ts): a file left out changes neither the image nor this.
 * The default tag names an image the action may reuse without building (same-build.ts), so
 * whatever changes the copied tree must change this digest. The legacy builder's model image
 * is known by it too (build/model-image.ts).
 */
export async function treeDigest(
  snapshot: TreeSnapshot,
  fileDigest: FileDigest = sha256OfFile,
): Promise<string> {
  const entries = [...snapshot.entries].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  )
  const hash = createHash('sha256')
  for (const entry of entries) {
    // A staged directory gets the runner's default mode, whatever the source's: only its path
    // counts. A file is staged as (a link to) the file itself, symlinks followed: its mode counts.
    if (entry.kind === 'dir') hash.update(`${entry.path}/\0d\n`)
    else {
      const full = path.join(snapshot.root, entry.path)
      const mode = (fs.statSync(full).mode & 0o7777).toString(8)
      hash.update(`${entry.path}\0${mode}\0${await fileDigest(full)}\n`)
    }
  }
  return hash.digest('hex')
}

export interface HashedInputs {
  [name: string]: unknown
}

/**
 * Hashes a JSON-able description, files given as paths and trees as snapshots to digest;
 * `fileDigest` may remember the digests of files that did not change (digest-cache.ts).
 */
export async function contentHash(
  description: HashedInputs,
  files: Record<string, string | undefined>,
  trees: Record<string, TreeSnapshot | undefined>,
  fileDigest: FileDigest = sha256OfFile,
): Promise<string> {
  const digests: Record<string, string | null> = {}
  for (const [name, file] of Object.entries(files)) {
    digests[name] = file ? await fileDigest(file) : null
  }
  for (const [name, snapshot] of Object.entries(trees)) {
    digests[name] = snapshot ? await treeDigest(snapshot, fileDigest) : null
  }
  return createHash('sha256')
    .update(JSON.stringify({ scheme: 2, description, digests }))
    .digest('hex')
}
