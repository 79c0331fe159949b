// Stages the build context: only what the Dockerfile copies, never the whole workspace. Files are
// hard-linked where the file system allows it (no data copied, so a large model costs nothing),
// and copied otherwise. Symlinks to files are staged as the file they point to. Code and model
// are staged as their snapshots take them (code-snapshot.ts): no `.git`, nothing ignored.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { wholeTreeSnapshot, type TreeSnapshot } from '../inputs/code-snapshot.js'
import { ContextPath } from './dockerfile.js'
import type { StagedRequirements } from '../dependencies/dependencies.js'
import type { Inputs } from '../inputs/inputs.js'
import type { RequirementFiles } from '../inputs/requirements-files.js'

export interface StagingInputs {
  requirementFiles?: RequirementFiles
  codeSnapshot?: TreeSnapshot
  modelSnapshot?: TreeSnapshot
}

function stageFile(source: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const real = fs.realpathSync(source)
  try {
    fs.linkSync(real, target)
  } catch (error) {
    // Across file systems (EXDEV) or where links are not allowed: fall back to a copy.
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw error
    fs.copyFileSync(real, target)
  }
}

function stageTree(snapshot: TreeSnapshot, targetDir: string): void {
  fs.mkdirSync(targetDir, { recursive: true })
  for (const entry of snapshot.entries) {
    const source = path.join(snapshot.root, entry.path)
    const target = path.join(targetDir, entry.path)
    if (entry.kind === 'dir') fs.mkdirSync(target, { recursive: true })
    else stageFile(source, target)
  }
}

/**
 * The requirements file and what its lines name, each at its workspace path. Folders first: a
 * requirements file inside a staged folder is then replaced by its own staged text (unlinked
 * first, so the workspace's file is never written through the hard link).
 */
function stageRequirements(files: RequirementFiles, targetDir: string): void {
  fs.mkdirSync(targetDir, { recursive: true })
  for (const entry of files.entries.filter(({ kind }) => kind === 'dir')) {
    stageTree(wholeTreeSnapshot(entry.source), path.join(targetDir, entry.position))
  }
  for (const entry of files.entries.filter(({ kind }) => kind === 'file')) {
    const target = path.join(targetDir, entry.position)
    fs.rmSync(target, { force: true })
    if (entry.text === undefined) stageFile(entry.source, target)
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, entry.text)
    }
  }
}

/**
 * Stages the two build contexts under `root`: `dependencies/` (the requirements files) and
 * `application/` (model and code), each holding only what its Dockerfile copies.
 */
export function stageContexts(root: string, sources: StagingInputs): StagedContexts {
  const staged = {
    dependencies: path.join(root, StagedContext.dependencies),
    application: path.join(root, StagedContext.application),
  }
  fs.mkdirSync(staged.dependencies, { recursive: true })
  fs.mkdirSync(staged.application, { recursive: true })
  if (sources.requirementFiles) {
    stageRequirements(
      sources.requirementFiles,
      path.join(staged.dependencies, ContextPath.requirements),
    )
  }
  if (sources.modelSnapshot) {
    stageTree(sources.modelSnapshot, path.join(staged.application, ContextPath.model))
  }
  if (sources.codeSnapshot) {
    stageTree(sources.codeSnapshot, path.join(staged.application, ContextPath.code))
  }
  return staged
}

const StagedContext = { dependencies: 'dependencies', application: 'application' } as const

export interface StagedContexts {
  dependencies: string
  application: string
}

/** COPY sources for the standalone Dockerfile, whose context is the root of both. */
export const STANDALONE_SOURCES = {
  requirements: `${StagedContext.dependencies}/${ContextPath.requirements}`,
  model: `${StagedContext.application}/${ContextPath.model}`,
  code: `${StagedContext.application}/${ContextPath.code}`,
}

/** The staged requirements folder and the top file in it, for the digests. */
export function stagedRequirements(
  inputs: Inputs,
  contexts: StagedContexts,
): StagedRequirements | undefined {
  if (!inputs.requirementFiles) return undefined
  const folder = path.join(contexts.dependencies, ContextPath.requirements)
  return { folder, snapshot: wholeTreeSnapshot(folder), file: inputs.requirementFiles.top }
}
