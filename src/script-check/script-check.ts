// The scoring script, checked in the base image's own Python as soon as the base image is in the
// engine: every .py file the code copy takes must compile there, and the entry script must give
// the server an init and a run it accepts (see checker-source.ts). The checker and the files go
// through the engine (stdin of a throwaway container), never a mount of the runner's files, so a
// remote engine works too. A check that cannot run (no Python on the image's PATH, an engine
// error) only warns: it fails the step only on what is certain.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { DockerClient } from '../docker/docker.js'
import { runImagePython } from '../docker/image-python.js'
import type { TreeSnapshot } from '../inputs/code-snapshot.js'
import type { Leftovers } from '../step/leftovers.js'
import { errorMessage } from '../step/text.js'
import { CHECKER_SOURCE } from './checker-source.js'

export interface ScriptProblem {
  /** Relative to code-dir, with forward slashes. */
  file: string
  line?: number
  column?: number
  kind: 'syntax' | 'missing' | 'signature' | 'decorators'
  message: string
  /** The source line a SyntaxError points at. */
  text?: string
}

export interface ScriptVerdict {
  python: string
  problems: ScriptProblem[]
}

export interface ScriptCheckRequest {
  /** The base image, by id: exactly what the build starts from. */
  image: string
  code: TreeSnapshot
  entryScript: string
  /** code-dir as the workspace names it (for messages), with forward slashes. */
  codeDirLabel: string
}

/** The scoring script would not load in the server: every problem, the first one annotated. */
export class ScriptCheckFailure extends Error {
  constructor(
    message: string,
    readonly problems: ScriptProblem[],
  ) {
    super(message)
    this.name = 'ScriptCheckFailure'
  }
}

/** The checker's input: every .py file the code copy takes, by its path in code-dir. @internal (exported for its unit tests) */
export function checkerInput(code: TreeSnapshot, entryScript: string): string {
  const files: Record<string, string> = {}
  for (const entry of code.entries) {
    if (entry.kind !== 'file' || !entry.path.endsWith('.py')) continue
    files[entry.path] = fs.readFileSync(path.join(code.root, entry.path)).toString('base64')
  }
  return JSON.stringify({ entry: entryScript, files })
}

/** Runs the checker in the image; undefined (and a warning) when it could not run. */
export async function runChecker(
  docker: DockerClient,
  leftovers: Leftovers,
  request: ScriptCheckRequest,
  /** True once the verdict is not needed: a failure to run is then not warned of. */
  forgotten: () => boolean = () => false,
): Promise<ScriptVerdict | undefined> {
  try {
    const stdout = await runImagePython(docker, leftovers, {
      image: request.image,
      source: CHECKER_SOURCE,
      flags: ['-I', '-S'],
      input: checkerInput(request.code, request.entryScript),
      role: 'check',
    })
    return parseVerdict(stdout)
  } catch (error) {
    if (forgotten()) return undefined
    core.warning(`The scoring script was not checked before the build: ${errorMessage(error)}`)
    return undefined
  }
}

const KINDS: ScriptProblem['kind'][] = ['syntax', 'missing', 'signature', 'decorators']

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
}

/** The checker's JSON, its nulls as absent fields; anything else is refused. @internal (exported for its unit tests) */
export function parseVerdict(stdout: string): ScriptVerdict {
  const raw = JSON.parse(stdout) as { python?: unknown; problems?: unknown }
  if (typeof raw.python !== 'string' || !Array.isArray(raw.problems)) {
    throw new Error(`the checker answered something else than a verdict: ${stdout.slice(0, 200)}`)
  }
  const problems = raw.problems.map((item: Record<string, unknown>) => {
    const kind = item.kind as ScriptProblem['kind']
    if (typeof item.file !== 'string' || typeof item.message !== 'string' || !KINDS.includes(kind))
      throw new Error(`the checker answered a problem it should not: ${JSON.stringify(item)}`)
    const problem: ScriptProblem = { file: item.file, kind, message: item.message }
    const line = optionalNumber(item.line)
    const column = optionalNumber(item.column)
    if (line !== undefined) problem.line = line
    if (column !== undefined) problem.column = column
    if (typeof item.text === 'string' && item.text !== '') problem.text = item.text
    return problem
  })
  return { python: raw.python, problems }
}

function describeProblem(problem: ScriptProblem, codeDirLabel: string): string {
  const file = path.posix.join(codeDirLabel, problem.file)
  const where = problem.line === undefined ? file : `${file} line ${problem.line}`
  const text = problem.text?.trim() ? `\n      ${problem.text.trim()}` : ''
  return `  ${where}: ${problem.message}${text}`
}

/** The failure for a verdict with problems; undefined when it passed. */
export function failureOf(
  verdict: ScriptVerdict,
  codeDirLabel: string,
): ScriptCheckFailure | undefined {
  if (verdict.problems.length === 0) return undefined
  const lines = verdict.problems.map((problem) => describeProblem(problem, codeDirLabel))
  return new ScriptCheckFailure(
    `The scoring script would not load in the server (checked with the base image's Python ${verdict.python}, before the build finished):\n${lines.join('\n')}`,
    verdict.problems,
  )
}
