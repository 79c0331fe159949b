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
 * Every entry below `dir`, depth first, without following directory links. Names are read as
 * bytes: Node would decode a name that is not UTF-8 with U+FFFD, and every later open of that
 * name would fail with a bare ENOENT, so such a name is refused here, naming the input.
 */
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

/**
 * A directory to bake into the image must hold at least one file, every name in it must be
 * UTF-8, and any symlink in it must point inside the workspace (file links are copied as the
 * file they point to).
 */
export function checkDirectory(workspace: string, inputName: string, dir: string): void {
  const realWorkspace = fs.realpathSync(workspace)
  let files = 0
  for (const { full, entry } of entriesBelow(inputName, dir)) {
    if (entry.isSymbolicLink()) {
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
    if (entry.isFile() || entry.isSymbolicLink()) files++
  }
  if (files === 0) throw new Error(`Input '${inputName}': directory ${dir} has no files`)
}
