// Paths given as inputs must stay inside the workspace once symlinks are resolved, so a pull
// request cannot make the action read (and bake into an image) files from elsewhere on the runner.
import { isUtf8 } from 'node:buffer'
import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Whether `candidate` is `root` or below it. Only a first segment that is exactly `..` leaves
 * the root: `..data` or `..init.py` are names like any other.
 */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate)
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative)
}

/** Resolves `value` against `root`, follows symlinks, and checks it is inside and of the kind. */
export function resolveInWorkspace(
  root: string,
  inputName: string,
  value: string,
  kind: 'file' | 'dir' | 'any',
): string {
  const realRoot = fs.realpathSync(root)
  const candidate = path.resolve(root, value)
  let real: string
  try {
    real = fs.realpathSync(candidate)
  } catch {
    throw new Error(`Input '${inputName}': "${value}" does not exist (looked for ${candidate})`)
  }
  if (!isInside(realRoot, real)) {
    throw new Error(`Input '${inputName}': "${value}" resolves outside the workspace (${realRoot})`)
  }
  const stat = fs.statSync(real)
  if (kind === 'file' && !stat.isFile()) {
    throw new Error(`Input '${inputName}': "${value}" is not a file`)
  }
  if (kind === 'dir' && !stat.isDirectory()) {
    throw new Error(`Input '${inputName}': "${value}" is not a directory`)
  }
  return real
}

/**
 * Refuses a name below `dir` that is not UTF-8. Names are read as bytes: Node would decode such
 * a name with U+FFFD, and every later open of it would fail with a bare ENOENT. Run before
 * anything else walks the tree (the code snapshot, staging, the digest).
 */
export function checkNamesUtf8(inputName: string, dir: string): void {
  entriesBelow(inputName, dir)
}

/** Every entry below `dir`, depth first, without following directory links; names checked. */
function entriesBelow(
  inputName: string,
  dir: string,
): { full: string; entry: fs.Dirent<Buffer> }[] {
  const found: { full: string; entry: fs.Dirent<Buffer> }[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
    const full = path.join(dir, entry.name.toString('utf8'))
    if (!isUtf8(entry.name)) {
      throw new Error(
        `Input '${inputName}': the name ${JSON.stringify(full)} is not UTF-8 (shown with U+FFFD for the bytes that are not); file names must be UTF-8: rename it`,
      )
    }
    found.push({ full, entry })
    if (entry.isDirectory()) found.push(...entriesBelow(inputName, full))
  }
  return found
}

/** Files and symlinks anywhere under `dir` (a symlink to a directory is not followed). */
function filesIn(inputName: string, dir: string): string[] {
  return entriesBelow(inputName, dir)
    .filter(({ entry }) => entry.isFile() || entry.isSymbolicLink())
    .map(({ full }) => full)
}

/**
 * A directory to bake into the image must hold at least one file, and any symlink in it must
 * point inside the workspace (file links are copied as the file they point to). `files` (full
 * paths) narrows the check to what is copied, when that is not every file of `dir`; without it
 * every name is also checked to be UTF-8.
 */
export function checkDirectory(
  workspace: string,
  inputName: string,
  dir: string,
  files: string[] = filesIn(inputName, dir),
): void {
  const realWorkspace = fs.realpathSync(workspace)
  for (const full of files) {
    if (fs.lstatSync(full).isSymbolicLink()) {
      let target: string
      try {
        target = fs.realpathSync(full)
      } catch {
        throw new Error(`Input '${inputName}': symlink ${full} is broken`)
      }
      if (!isInside(realWorkspace, target)) {
        throw new Error(`Input '${inputName}': symlink ${full} points outside the workspace`)
      }
      if (!fs.statSync(target).isFile()) {
        throw new Error(`Input '${inputName}': symlink ${full} must point to a file`)
      }
    }
  }
  if (files.length === 0)
    throw new Error(`Input '${inputName}': directory ${dir} has no files to copy`)
}
