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

/** Digest of a directory tree: sorted relative paths, executable bit and content of each file. */
export async function treeDigest(dir: string): Promise<string> {
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
  const hash = createHash('sha256')
  for (const file of files) {
    const executable = (fs.statSync(file).mode & 0o111) !== 0
    const relative = path.relative(dir, file).split(path.sep).join('/')
    hash.update(`${relative}\0${executable ? 'x' : '-'}\0${await fileDigest(file)}\n`)
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
    .update(JSON.stringify({ scheme: 1, description, digests }))
    .digest('hex')
}
