// Which files of `code-dir` and `model-dir` go into the image, and which are left out and why.
// Staging (build-context.ts) copies exactly what a snapshot takes and the input digest
// (content-hash.ts) hashes exactly that, so a file left out can neither reach the image nor
// change the default tag.
//
// The code copy follows Azure ML's rule for a code snapshot, as Microsoft documents it
// (docs "Where to save and write files for Azure Machine Learning experiments", include
// machine-learning-amlignore-gitignore.md): an ignore file in the snapshot directory, `.amlignore`
// or `.gitignore`, in `.gitignore` syntax; when both exist, `.amlignore` takes precedence and
// `.gitignore` is not used. The SDK (azure-ai-ml `get_ignore_file`) reads that one file from the
// root of the code directory only, so ignore files in subfolders have no effect here either.
// `model-dir` is copied whole. A `.git` entry (the directory, or the file of a worktree or
// submodule) is never copied from either: it is repository history, not code or model.
import ignore, { type Ignore } from 'ignore'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Contract, Input } from '../step/constants.js'
import { resolveInWorkspace } from './workspace-paths.js'
import { humanBytes } from '../step/text.js'

/** Looked for in this order at the root of `code-dir`: the first that exists applies. */
const IGNORE_FILES = ['.amlignore', '.gitignore'] as const
type IgnoreFileName = (typeof IGNORE_FILES)[number]

const GIT = '.git'

type LeftOutReason = 'git' | 'model-dir' | 'ignore-file'

/** One entry the snapshot does not take, with everything below it. */
interface LeftOutEntry {
  /** Relative to the snapshot's root, with forward slashes. */
  path: string
  reason: LeftOutReason
  /** The ignore rule that left it out, as written in the ignore file. */
  rule?: string
  files: number
  bytes: number
}

interface SnapshotEntry {
  /** Relative to the snapshot's root, with forward slashes. */
  path: string
  kind: 'dir' | 'file'
  /** A file's size, symlinks followed (they are staged as the file they point to). */
  bytes: number
}

export interface TreeSnapshot {
  /** The directory, symlinks resolved. */
  root: string
  /** Every directory (empty ones are copied too) and file taken, parents before children. */
  entries: SnapshotEntry[]
  leftOut: LeftOutEntry[]
  /** The ignore file whose rules applied (code-dir only). */
  ignoreFile?: IgnoreFileName
  /** model-dir's path inside code-dir, when it is there and so left out. */
  modelDirInside?: string
}

interface Count {
  files: number
  bytes: number
}

interface Rules {
  matcher?: Ignore
  modelDir?: string
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/')
}

/** Files and bytes under an entry that is left out; symlinks are not followed (may be broken). */
function countBelow(full: string, entry: fs.Dirent): Count {
  if (!entry.isDirectory()) return { files: 1, bytes: fs.lstatSync(full).size }
  const count = { files: 0, bytes: 0 }
  for (const inner of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
    if (inner.isDirectory()) continue
    count.files++
    count.bytes += fs.lstatSync(path.join(inner.parentPath, inner.name)).size
  }
  return count
}

function whyLeftOut(
  full: string,
  relative: string,
  entry: fs.Dirent,
  rules: Rules,
): Pick<LeftOutEntry, 'reason' | 'rule'> | undefined {
  if (entry.name === GIT) return { reason: 'git' }
  if (entry.isDirectory() && full === rules.modelDir) return { reason: 'model-dir' }
  // A trailing slash lets a directory-only pattern (`build/`) match the directory.
  const test = rules.matcher?.test(entry.isDirectory() ? `${relative}/` : relative)
  if (test?.ignored) return { reason: 'ignore-file', rule: test.rule?.pattern }
  return undefined
}

function walk(root: string, dir: string, rules: Rules, snapshot: TreeSnapshot): void {
  const entries = fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    const relative = toPosix(path.relative(root, full))
    const why = whyLeftOut(full, relative, entry, rules)
    if (why) {
      snapshot.leftOut.push({ path: relative, ...why, ...countBelow(full, entry) })
    } else if (entry.isDirectory()) {
      snapshot.entries.push({ path: relative, kind: 'dir', bytes: 0 })
      walk(root, full, rules, snapshot)
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      // A broken link counts 0 bytes here; checkDirectory refuses it, naming the input.
      const bytes = fs.statSync(full, { throwIfNoEntry: false })?.size ?? 0
      snapshot.entries.push({ path: relative, kind: 'file', bytes })
    }
  }
}

function readIgnoreFile(
  workspace: string,
  codeDir: string,
): { name: IgnoreFileName; matcher: Ignore } | undefined {
  for (const name of IGNORE_FILES) {
    const file = path.join(codeDir, name)
    if (!fs.existsSync(file)) continue
    // Read before the directory's links are checked: a link out of the workspace is refused
    // here, or a line of the runner's files could come back in an error as "the rule".
    const real = resolveInWorkspace(workspace, Input.CodeDir, file, 'any')
    if (!fs.statSync(real).isFile()) continue
    // Case-sensitive, as git on Linux and the SDK's pattern matching are.
    return { name, matcher: ignore({ ignorecase: false }).add(fs.readFileSync(real, 'utf8')) }
  }
  return undefined
}

/**
 * What of `codeDir` is copied to the app root: all but `.git`, `modelDir` when it is inside, and
 * what the ignore file leaves out. Both paths are real (symlinks resolved), inside `workspace`.
 */
export function codeSnapshot(workspace: string, codeDir: string, modelDir?: string): TreeSnapshot {
  const ignoreFile = readIgnoreFile(workspace, codeDir)
  const snapshot: TreeSnapshot = { root: codeDir, entries: [], leftOut: [] }
  if (ignoreFile) snapshot.ignoreFile = ignoreFile.name
  walk(codeDir, codeDir, { matcher: ignoreFile?.matcher, modelDir }, snapshot)
  const model = snapshot.leftOut.find((entry) => entry.reason === 'model-dir')
  if (model) snapshot.modelDirInside = model.path
  return snapshot
}

/**
 * A directory copied whole, all of it but `.git`: `model-dir`, and the staged requirements folder
 * (for the digests).
 */
export function wholeTreeSnapshot(dir: string): TreeSnapshot {
  const snapshot: TreeSnapshot = { root: dir, entries: [], leftOut: [] }
  walk(dir, dir, {}, snapshot)
  return snapshot
}

/** The left-out entry that holds `relative` (a path inside the root), if any. */
function leftOutEntryOf(snapshot: TreeSnapshot, relative: string): LeftOutEntry | undefined {
  return snapshot.leftOut.find(
    (entry) => relative === entry.path || relative.startsWith(`${entry.path}/`),
  )
}

/** Full paths of the files the snapshot takes. */
export function copiedFiles(snapshot: TreeSnapshot): string[] {
  return snapshot.entries
    .filter((entry) => entry.kind === 'file')
    .map((entry) => path.join(snapshot.root, entry.path))
}

/**
 * The entry script must be in the code copy: one the ignore file leaves out would not be in
 * Azure ML's snapshot either, and the server could not load it.
 */
export function checkEntryScriptCopied(snapshot: TreeSnapshot, entryScript: string): void {
  const leftOut = leftOutEntryOf(snapshot, entryScript)
  if (!leftOut) return
  const where = {
    git: `is inside ${GIT}, which is never copied`,
    'model-dir': `is inside '${Input.ModelDir}', which is left out of the code copy`,
    'ignore-file': `is left out of the code copy by ${snapshot.ignoreFile} in '${Input.CodeDir}' (rule ${JSON.stringify(leftOut.rule)}${leftOut.path === entryScript ? '' : `, on its directory ${leftOut.path}`}): Azure ML would leave it out of its snapshot too`,
  }[leftOut.reason]
  throw new Error(`Input '${Input.EntryScript}': "${entryScript}" ${where}`)
}

function takenCount(snapshot: TreeSnapshot): Count {
  const files = snapshot.entries.filter((entry) => entry.kind === 'file')
  return { files: files.length, bytes: files.reduce((sum, entry) => sum + entry.bytes, 0) }
}

function leftOutCount(snapshot: TreeSnapshot, reason?: LeftOutReason): Count {
  const entries = snapshot.leftOut.filter(
    (entry) => reason === undefined || entry.reason === reason,
  )
  return {
    files: entries.reduce((sum, entry) => sum + entry.files, 0),
    bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0),
  }
}

/** What the summary and the metadata output say about one snapshot: numbers and fixed names. */
export interface SnapshotReport {
  copied: Count
  leftOut: Count & {
    git: Count
    modelDir?: Count
    ignoreFile?: Count & { name: IgnoreFileName }
  }
}

export function snapshotReport(snapshot: TreeSnapshot): SnapshotReport {
  const report: SnapshotReport = {
    copied: takenCount(snapshot),
    leftOut: { ...leftOutCount(snapshot), git: leftOutCount(snapshot, 'git') },
  }
  if (snapshot.modelDirInside !== undefined) {
    report.leftOut.modelDir = leftOutCount(snapshot, 'model-dir')
  }
  if (snapshot.ignoreFile) {
    report.leftOut.ignoreFile = {
      name: snapshot.ignoreFile,
      ...leftOutCount(snapshot, 'ignore-file'),
    }
  }
  return report
}

function files(count: number): string {
  return count === 1 ? '1 file' : `${count} files`
}

/** "3 files, 1.2 kB". */
function describeCount(count: Count): string {
  return `${files(count.files)}, ${humanBytes(count.bytes)}`
}

/**
 * One line on what was copied and left out, e.g. "12 files, 40.1 kB copied; left out
 * 310 files, 2.0 MB: .git 300 files, 1.9 MB; .amlignore 10 files, 0.1 MB". No user text in it.
 */
export function describeReport(report: SnapshotReport): string {
  const copied = `${describeCount(report.copied)} copied`
  if (report.leftOut.files === 0 && report.leftOut.bytes === 0) return `${copied}; nothing left out`
  const parts: string[] = []
  const { git, modelDir, ignoreFile } = report.leftOut
  if (git.files > 0) parts.push(`${GIT} ${describeCount(git)}`)
  if (modelDir) parts.push(`model-dir ${describeCount(modelDir)}`)
  if (ignoreFile && ignoreFile.files > 0) {
    parts.push(`${ignoreFile.name} ${describeCount(ignoreFile)}`)
  }
  return `${copied}; left out ${describeCount(report.leftOut)}: ${parts.join('; ')}`
}

/** What the log says about the copies in Prepare: numbers, fixed names, no user text. */
export function snapshotLog(code?: TreeSnapshot, model?: TreeSnapshot): string[] {
  const lines: string[] = []
  if (code) lines.push(`Code copy (${Input.CodeDir}): ${describeReport(snapshotReport(code))}`)
  if (code?.modelDirInside !== undefined) {
    lines.push(
      `${Input.ModelDir} is inside ${Input.CodeDir}: left out of the code copy; the script finds it through ${Contract.modelDirEnv} (${Contract.modelDir})`,
    )
  }
  if (model) lines.push(`Model copy (${Input.ModelDir}): ${describeReport(snapshotReport(model))}`)
  if (code && model && code.root.startsWith(`${model.root}${path.sep}`)) {
    lines.push(
      `${Input.CodeDir} is inside ${Input.ModelDir}: its files are in the image twice, as code and in the model copy`,
    )
  }
  return lines
}
