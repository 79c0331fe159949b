// Where the build contexts are staged when the image is built. BuildKit keeps what it received of
// a local context under a key made from the context's path (the docker CLI's build shared key):
// staged at the same path as the last run, a rebuild sends only the files whose size or mtime
// changed, so a code change moves the code, not the model. A new folder per run would make it
// send and checksum everything again. So the contexts go to a stable folder per workspace and
// sources, claimed with a lock file: a second run at the same time stages in its own work dir.
//
// It is a deliberate cache: `<tmp>/extend-azureml-image-staging/<key>/`, where <tmp> is the
// system's temp dir, used only when it is on the workspace's file system (files are hard-linked,
// so it costs no data). Elsewhere a run stages in its own work dir, as before: a copy of the
// model per run would cost more than BuildKit's transfer saves, and RUNNER_TEMP is emptied with
// the job, so a stable folder there would never be found again. Each run
// empties it before staging, so it holds one snapshot; at most MAX_KEPT folders (with the files
// next to them) are kept, the least recently used removed first, and none unused for more than
// MAX_AGE_MS.
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Inputs } from '../inputs/inputs.js'

const FOLDER = 'extend-azureml-image-staging'
const LOCK = '.lock'
const DIGESTS = '.digests.json'
const INVENTORIES = '.inventories.json'
const MODEL_IMAGE = '.model-image.json'
/** @internal (exported for its unit tests) */
export const MAX_KEPT = 4
const MAX_AGE_MS = 7 * 24 * 3600 * 1000

export interface StagingDir {
  root: string
  /** Where the input digests are remembered (digest-cache.ts), next to the stable folder. */
  digests?: string
  /** Where the images' inventories are remembered (inventory-memo.ts), next to it too. */
  inventories?: string
  /** Where the legacy builder's model image is remembered (build/model-image.ts), next to it too. */
  modelImage?: string
  /** The stable folder (a cache across runs); false: the run's own work dir. */
  stable: boolean
  /** Gives the stable folder back (its lock); the folder itself stays, as the cache. */
  release(): void
}

type StagingSources = Pick<
  Inputs,
  'workspace' | 'codeSnapshot' | 'modelSnapshot' | 'requirementFiles'
>

/** Which folder: the same workspace and sources give the same key, whatever their content. */
function stagingKey(inputs: StagingSources): string {
  const sources = {
    workspace: inputs.workspace,
    code: inputs.codeSnapshot?.root ?? null,
    model: inputs.modelSnapshot?.root ?? null,
    requirements: inputs.requirementFiles?.top ?? null,
  }
  return createHash('sha256').update(JSON.stringify(sources)).digest('hex').slice(0, 16)
}

function deviceOf(dir: string): number | undefined {
  try {
    return fs.statSync(dir).dev
  } catch {
    return undefined
  }
}

/** The parent folder, where hard links of the workspace's files can be made; else none. */
function stagingParent(workspace: string, system: string): string | undefined {
  const onWorkspaceDevice =
    deviceOf(system) !== undefined && deviceOf(system) === deviceOf(workspace)
  return onWorkspaceDevice ? path.join(system, FOLDER) : undefined
}

/**
 * Makes the parent (only the owner may enter it) and checks that it is ours: in a shared temp
 * dir another user could have made it first, to read or change what is staged before it is built.
 */
function ownParent(parent: string): boolean {
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 })
  const stat = fs.lstatSync(parent)
  const uid = process.getuid?.()
  return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The lock's owner, if it is a process that still runs. */
function liveOwner(lock: string): number | undefined {
  let text: string
  try {
    text = fs.readFileSync(lock, 'utf8')
  } catch {
    return undefined
  }
  const pid = Number(text.split(' ')[0])
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined
}

/** Takes the lock; a lock whose process has ended (a killed run) is taken over. */
function tryLock(lock: string, token: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, token, { flag: 'wx' })
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (liveOwner(lock) !== undefined) return false
      fs.rmSync(lock, { force: true })
    }
  }
  return false
}

/**
 * What the parent holds, by key: every entry is `<key>` (the folder) or `<key>.<what>` (its lock,
 * the memos, a memo's temp file); a key is last used when its folder was staged, or without a
 * folder (`build: false` writes only the digests) when one of its files was written.
 */
function keysIn(parent: string): Map<string, { names: string[]; usedMs: number; staged: boolean }> {
  const keys = new Map<string, { names: string[]; usedMs: number; staged: boolean }>()
  for (const entry of fs.readdirSync(parent, { withFileTypes: true })) {
    const key = entry.name.split('.')[0] ?? entry.name
    const mtimeMs = fs.statSync(path.join(parent, entry.name), { throwIfNoEntry: false })?.mtimeMs
    if (mtimeMs === undefined) continue // removed meanwhile by another run's prune
    const found = keys.get(key) ?? { names: [], usedMs: 0, staged: false }
    found.names.push(entry.name)
    const folder = entry.name === key && entry.isDirectory()
    if (folder) found.usedMs = mtimeMs
    else if (!found.staged) found.usedMs = Math.max(found.usedMs, mtimeMs)
    found.staged ||= folder
    keys.set(key, found)
  }
  return keys
}

/**
 * Removes the keys beyond MAX_KEPT (least recently used first) or unused for too long: the
 * folder and the files next to it, a digests file whose folder is gone included.
 */
function prune(parent: string, keep: string): void {
  const keys = [...keysIn(parent)]
    .filter(([key]) => key !== keep)
    .sort(([, a], [, b]) => b.usedMs - a.usedMs)
  const now = Date.now()
  keys.forEach(([key, { names, usedMs }], index) => {
    if (index < MAX_KEPT - 1 && now - usedMs < MAX_AGE_MS) return
    const lock = path.join(parent, `${key}${LOCK}`)
    const token = `${process.pid} ${randomBytes(8).toString('hex')}`
    if (!tryLock(lock, token)) return // in use by a run that still goes on
    for (const name of names) {
      if (name !== `${key}${LOCK}`)
        fs.rmSync(path.join(parent, name), { recursive: true, force: true })
    }
    fs.rmSync(lock, { force: true })
  })
}

/**
 * Where the input digests of these sources are remembered, for a run that stages in its own work
 * dir (`build: false`: its contexts are for later steps): the stable folder's file, without
 * claiming the folder. Written whole by a rename (digest-cache.ts), it may be shared.
 */
export function stableDigestsFile(
  inputs: StagingSources,
  systemTmp = os.tmpdir(),
): string | undefined {
  const parent = stagingParent(inputs.workspace, systemTmp)
  try {
    if (parent === undefined || !ownParent(parent)) return undefined
  } catch {
    return undefined
  }
  return `${path.join(parent, stagingKey(inputs))}${DIGESTS}`
}

/**
 * The folder to stage the contexts in: the stable one for these sources, emptied, when no other
 * run holds it; the run's own `workDir` otherwise. `systemTmp`: the system's temp dir.
 */
export function claimStagingDir(
  inputs: StagingSources,
  workDir: string,
  systemTmp = os.tmpdir(),
): StagingDir {
  const own: StagingDir = { root: workDir, stable: false, release: () => undefined }
  const parent = stagingParent(inputs.workspace, systemTmp)
  if (parent === undefined) return own
  const key = stagingKey(inputs)
  const root = path.join(parent, key)
  const lock = `${root}${LOCK}`
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`
  try {
    if (!ownParent(parent) || !tryLock(lock, token)) return own
  } catch {
    return own // a temp dir that refuses it: stage per run, as before
  }
  const release = (): void => {
    try {
      if (fs.readFileSync(lock, 'utf8') === token) fs.rmSync(lock, { force: true })
    } catch {
      // already gone
    }
  }
  try {
    // Emptied, so that it holds this run's snapshot only (links of files since deleted go).
    fs.rmSync(root, { recursive: true, force: true })
    fs.mkdirSync(root)
    prune(parent, key)
  } catch {
    release()
    return own
  }
  const files = {
    digests: `${root}${DIGESTS}`,
    inventories: `${root}${INVENTORIES}`,
    modelImage: `${root}${MODEL_IMAGE}`,
  }
  return { root, stable: true, release, ...files }
}
