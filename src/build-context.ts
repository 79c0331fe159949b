// Stages the build context: only what the Dockerfile copies, never the whole workspace. Files are
// hard-linked where the file system allows it (no data copied, so a large model costs nothing),
// and copied otherwise. Symlinks to files are staged as the file they point to.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ContextPath } from './dockerfile.js'

export interface ContextSources {
  requirements?: string
  codeDir?: string
  modelDir?: string
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

function stageTree(sourceDir: string, targetDir: string): void {
  fs.mkdirSync(targetDir, { recursive: true })
  for (const entry of fs.readdirSync(sourceDir, { recursive: true, withFileTypes: true })) {
    const source = path.join(entry.parentPath, entry.name)
    const target = path.join(targetDir, path.relative(sourceDir, source))
    if (entry.isDirectory()) fs.mkdirSync(target, { recursive: true })
    else if (entry.isFile() || entry.isSymbolicLink()) stageFile(source, target)
  }
}

/** Fills `contextDir` (which must exist and be empty) from the sources. */
export function stageContext(contextDir: string, sources: ContextSources): void {
  if (sources.requirements) {
    stageFile(sources.requirements, path.join(contextDir, ContextPath.requirements))
  }
  if (sources.modelDir) stageTree(sources.modelDir, path.join(contextDir, ContextPath.model))
  if (sources.codeDir) stageTree(sources.codeDir, path.join(contextDir, ContextPath.code))
}
