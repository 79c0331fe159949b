// The small JSON files a run remembers next to the stable staging folder (staging-dir.ts): the
// input digests, the images' inventories, the legacy builder's model image. Each is a cache: a
// file that is missing, unreadable or of another version is nothing remembered, and one that
// cannot be written costs the next run a read or a build, never a failure. Written whole, to a
// temp file and then a rename: `build: false` shares the digests file without the folder's lock,
// and a reader must never see half a file.
import * as fs from 'node:fs'

/** The file's fields (its `version` among them) when it is of this version; else undefined. */
export function readMemoFile(file: string, version: number): Record<string, unknown> | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
    if (typeof saved !== 'object' || saved === null) return undefined
    const fields = saved as Record<string, unknown>
    return fields.version === version ? fields : undefined
  } catch {
    return undefined
  }
}

/** Replaces the file with these fields and the version; a file that cannot be written is left. */
export function writeMemoFile(file: string, version: number, fields: object): void {
  // The temp file's name starts as the memo's does: the staging folder's prune takes it too.
  const written = `${file}.${process.pid}.tmp`
  try {
    fs.writeFileSync(written, JSON.stringify({ ...fields, version }), { mode: 0o600 })
    fs.renameSync(written, file)
  } catch {
    fs.rmSync(written, { force: true })
  }
}
