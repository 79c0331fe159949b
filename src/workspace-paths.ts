// Paths given as inputs must stay inside the workspace once symlinks are resolved, so a pull
// request cannot make the action read (and bake into an image) files from elsewhere on the runner.
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
 * A directory to bake into the image must hold at least one file, and any symlink in it must
 * point inside the workspace (file links are copied as the file they point to).
 */
export function checkDirectory(workspace: string, inputName: string, dir: string): void {
  const realWorkspace = fs.realpathSync(workspace)
  let files = 0
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name)
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
