// Where a failure points in the user's repository, for the one `::error` annotation a failed
// step raises: the file and line of their code a Python traceback names (mapped back from
// /var/azureml-app to code-dir or model-dir), the requirements line pip could not resolve,
// the workflow line that lists an apt package apt does not have.
import type { AnnotationProperties } from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Input } from '../step/constants.js'
import type { Inputs } from '../inputs/inputs.js'
import type { PythonFailure } from '../smoke-test/traceback.js'
import { isInside } from '../inputs/workspace-paths.js'
import { BuildFailure } from '../docker/docker-errors.js'
import { ScriptCheckFailure, type ScriptProblem } from '../script-check/script-check.js'
import { ServerConflictFailure } from '../dependencies/conflict-failure.js'

export type SourcePaths = Pick<Inputs, 'workspace' | 'codeDir' | 'modelDir' | 'requirements'>

const MODELS_PREFIX = 'azureml-models/'

/** Annotations take paths relative to the repository root, with forward slashes. */
function workspaceRelative(workspace: string, file: string): string | undefined {
  if (!fs.existsSync(file)) return undefined
  const root = fs.realpathSync(workspace)
  const real = fs.realpathSync(file)
  if (!isInside(root, real)) return undefined
  return path.relative(root, real).split(path.sep).join('/')
}

function pythonTitle(failure: PythonFailure): string {
  const exception = failure.exception.split(':')[0]
  if (/^(SyntaxError|IndentationError|TabError)$/.test(exception)) {
    return 'The entry script does not compile'
  }
  if (failure.functionName && failure.functionName !== '<module>') {
    return `${failure.functionName}() raised ${exception}`
  }
  return `Importing the entry script raised ${exception}`
}

/** The user's file and line for a traceback, when that file is in code-dir or model-dir. @internal (exported for its unit tests) */
export function pythonAnnotation(
  failure: PythonFailure | undefined,
  sources: SourcePaths,
): AnnotationProperties | undefined {
  if (!failure?.file) return undefined
  let local: string | undefined
  if (failure.file.startsWith(MODELS_PREFIX) && sources.modelDir) {
    local = path.join(sources.modelDir, failure.file.slice(MODELS_PREFIX.length))
  } else if (sources.codeDir) {
    local = path.join(sources.codeDir, failure.file)
  }
  const file = local && workspaceRelative(sources.workspace, local)
  if (!file) return undefined
  return { title: pythonTitle(failure), file, startLine: failure.line }
}

const SCRIPT_TITLES: Record<ScriptProblem['kind'], (problem: ScriptProblem) => string> = {
  syntax: (problem) => `${path.posix.basename(problem.file)} does not compile`,
  missing: () => 'The entry script lacks a function the server calls',
  signature: () => "The server refuses run()'s parameters",
  decorators: () => "The server refuses run()'s decorators",
}

/** The first problem the scoring script check found, on its file in code-dir. @internal (exported for its unit tests) */
export function scriptAnnotation(
  failure: ScriptCheckFailure,
  sources: SourcePaths,
): AnnotationProperties | undefined {
  const problem = failure.problems[0]
  if (!problem || !sources.codeDir) return undefined
  const file = workspaceRelative(sources.workspace, path.join(sources.codeDir, problem.file))
  if (!file) return undefined
  return {
    title: SCRIPT_TITLES[problem.kind](problem),
    file,
    startLine: problem.line,
    // Python counts columns from 1, as annotations do.
    startColumn: problem.line === undefined ? undefined : problem.column,
  }
}

/** PEP 503 normalisation: pip treats `Tiny_Linear` and `tiny-linear` as one project. @internal (exported for its unit tests) */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

function projectName(requirement: string): string {
  return normalizeProjectName(requirement.trim().split(/[\s<>=!~;[@(,]/)[0])
}

/** The line of the requirements file that asks for the project pip could not resolve. @internal (exported for its unit tests) */
export function requirementsAnnotation(
  sources: SourcePaths,
  requirement: string,
): AnnotationProperties | undefined {
  if (!sources.requirements) return undefined
  const wanted = projectName(requirement)
  const lines = fs.readFileSync(sources.requirements, 'utf8').split(/\r?\n/)
  const index = lines.findIndex((line) => {
    const text = line.replace(/(^|\s)#.*$/, '').trim()
    return text !== '' && !text.startsWith('-') && projectName(text) === wanted
  })
  const file = workspaceRelative(sources.workspace, sources.requirements)
  if (!file) return undefined
  return {
    title: `pip could not resolve ${requirement}`,
    file,
    startLine: index >= 0 ? index + 1 : undefined,
  }
}

/** A line of the top requirements file (the file alone when `line` is undefined). */
export function requirementsLineAnnotation(
  sources: SourcePaths,
  title: string,
  line: number | undefined,
): AnnotationProperties | undefined {
  const file = sources.requirements && workspaceRelative(sources.workspace, sources.requirements)
  if (!file) return undefined
  return { title, file, startLine: line }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The line of the running workflow file that names an apt package. GITHUB_WORKFLOW_REF is
 * `owner/repo/.github/workflows/file.yml@ref`; the file is read from the checkout, and only when
 * the workflow belongs to the checked-out repository.
 * @internal (exported for its unit tests)
 */
export function workflowAnnotation(
  value: string,
  title: string,
  workspace: string,
  env: NodeJS.ProcessEnv = process.env,
): AnnotationProperties {
  const ref = env.GITHUB_WORKFLOW_REF
  const repository = env.GITHUB_REPOSITORY
  if (!ref || !repository || !ref.startsWith(`${repository}/`)) return { title }
  const relative = ref.slice(repository.length + 1).replace(/@[^@]*$/, '')
  const file = path.join(workspace, relative)
  if (!workspaceRelative(workspace, file)) return { title }
  // Package names hold '+', '-' and '.': a match must not be part of a longer name.
  const word = new RegExp(`(^|[^a-z0-9+.-])${escapeRegExp(value)}($|[^a-z0-9+.-])`)
  const index = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .findIndex((line) => word.test(line))
  return index < 0 ? { title, file: relative } : { title, file: relative, startLine: index + 1 }
}

/**
 * The annotation for a failure of the main step, as precise as the failure allows. Never
 * throws: it runs while the step is failing, and a file it cannot read only costs precision.
 */
export function annotationFor(
  error: unknown,
  sources: SourcePaths | undefined,
  python?: PythonFailure,
): AnnotationProperties | undefined {
  if (!sources) return undefined
  try {
    if (python) return pythonAnnotation(python, sources)
    if (error instanceof ScriptCheckFailure) return scriptAnnotation(error, sources)
    if (error instanceof ServerConflictFailure)
      return requirementsLineAnnotation(sources, error.title, error.line)
    if (!(error instanceof BuildFailure) || !error.culprit) return undefined
    const { input, value } = error.culprit
    if (input === Input.Requirements) return requirementsAnnotation(sources, value)
    return workflowAnnotation(value, `apt has no package ${value}`, sources.workspace)
  } catch {
    return undefined
  }
}
