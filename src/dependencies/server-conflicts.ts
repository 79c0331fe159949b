// What the requirements broke, told apart from what the base image had broken already, and
// whether it touches the inference server: a requirement of the server's distribution, or of
// anything in its closure, that is no longer met means the server would not start (the step
// fails); other new conflicts only warn. Each is blamed on the line of the requirements file
// that asked for the package, or that pulled it in: the dependencies image's own graph is walked
// from each top-level requirement (it is there on every run, built now or reused, where a pip
// `--report` would only exist for a build made now).
import {
  SERVER_DISTRIBUTION,
  normaliseName,
  serverClosure,
  type Inventory,
} from './python-inventory.js'
import { conflictKey, parsePipCheck, uniqueConflicts, type PipConflict } from './pip-conflicts.js'
import type { RequirementLine } from './requirement-lines.js'

export interface BlamedConflict extends PipConflict {
  /** The requirements line that asked for the package, or pulled it in; undefined if none did. */
  blame?: RequirementLine
  /** True when the requirement is not the one named on the line but pulled in by it. */
  transitive: boolean
  /** Required by the server's distribution or anything in its closure. */
  breaksServer: boolean
}

export interface ConflictVerdict {
  /** New, and required by the server's distribution or its closure: the server would not start. */
  server: BlamedConflict[]
  /** New, elsewhere. */
  other: BlamedConflict[]
  /** Already broken in the base image (and still so): not the requirements' doing. */
  inBase: PipConflict[]
  /** `pip check` lines of forms not understood, new in the dependencies image. */
  unparsed: string[]
}

/** Everything `top` installs, itself first, among what the image has (normalised names). */
function installedBy(inventory: Inventory, top: string): Set<string> {
  const seen = new Set<string>()
  const queue = [top]
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name) || !inventory.distributions.has(name)) continue
    seen.add(name)
    for (const requirement of inventory.distributions.get(name)?.requires ?? []) {
      queue.push(requirement.name)
    }
  }
  return seen
}

/**
 * The line to blame for `required`: the one naming it, else the first whose graph reaches a
 * distribution outside the server's closure that requires it (what the server itself requires
 * is not what pulled in a version it refuses: `flask` on a line is not blamed for werkzeug). @internal (exported for its unit tests)
 */
export function blameLine(
  required: string,
  lines: RequirementLine[],
  inventory: Inventory,
  closure: Set<string>,
): { line: RequirementLine; transitive: boolean } | undefined {
  const direct = lines.find((line) => line.name === required)
  if (direct) return { line: direct, transitive: false }
  for (const line of lines) {
    for (const name of installedBy(inventory, line.name)) {
      if (closure.has(name)) continue
      const requires = inventory.distributions.get(name)?.requires ?? []
      if (requires.some((requirement) => requirement.name === required)) {
        return { line, transitive: true }
      }
    }
  }
  return undefined
}

/** What pip reports broken in the dependencies image (pip check, the resolver), against the base. */
export function judgeConflicts(
  base: Inventory,
  dependencies: Inventory,
  resolver: PipConflict[],
  lines: RequirementLine[],
): ConflictVerdict {
  const before = parsePipCheck(base.pipCheck ?? [])
  const after = parsePipCheck(dependencies.pipCheck ?? [])
  const baseKeys = new Set(before.conflicts.map(conflictKey))
  const all = uniqueConflicts([...after.conflicts, ...resolver])
  const closure = new Set([...serverClosure(base), ...serverClosure(dependencies)])
  const verdict: ConflictVerdict = {
    server: [],
    other: [],
    inBase: all.filter((conflict) => baseKeys.has(conflictKey(conflict))),
    unparsed: after.other.filter((line) => !before.other.includes(line)),
  }
  for (const conflict of all) {
    if (baseKeys.has(conflictKey(conflict))) continue
    const found = blameLine(conflict.required, lines, dependencies, closure)
    const breaksServer = closure.has(conflict.dependent)
    const transitive = found?.transitive ?? false
    verdict[breaksServer ? 'server' : 'other'].push({
      ...conflict,
      blame: found?.line,
      transitive,
      breaksServer,
    })
  }
  // In the file's order (the first is annotated); what no line asked for comes last.
  const order = (conflict: BlamedConflict): number =>
    conflict.blame?.line ?? Number.MAX_SAFE_INTEGER
  verdict.server.sort((a, b) => order(a) - order(b))
  verdict.other.sort((a, b) => order(a) - order(b))
  return verdict
}

function spelled(inventory: Inventory, name: string): string {
  return inventory.distributions.get(name)?.name ?? name
}

/**
 * One conflict in words, e.g. `requirements.txt line 2: pydantic==2.5.0 installs pydantic 2.5.0,
 * but azureml-inference-server-http 0.8.4 requires pydantic>=1.9,<1.11`.
 */
export function describeConflict(
  conflict: BlamedConflict,
  dependencies: Inventory,
  requirementsLabel: string | undefined,
): string {
  const required = spelled(dependencies, conflict.required)
  const dependent = `${spelled(dependencies, conflict.dependent)} ${conflict.dependentVersion}`
  const server = dependencies.distributions.get(normaliseName(SERVER_DISTRIBUTION))
  const through =
    server && conflict.breaksServer && conflict.dependent !== normaliseName(SERVER_DISTRIBUTION)
      ? ` (which ${server.name} ${server.version} needs)`
      : ''
  const what =
    conflict.installed === undefined
      ? `leaves ${required} uninstalled`
      : `${conflict.transitive ? 'pulls in' : 'installs'} ${required} ${conflict.installed}`
  let where = `The dependencies (apt, pip) ${what}`
  if (conflict.blame && requirementsLabel) {
    where = `${requirementsLabel} line ${conflict.blame.line}: ${conflict.blame.text} ${what}`
  } else if (requirementsLabel) where = `The requirements (${requirementsLabel}) ${what}`
  return `${where}, but ${dependent}${through} requires ${conflict.requirement}`
}

/** A conflict as pip would say it, blaming no one (the base image's own). */
export function describeBroken(conflict: PipConflict, inventory: Inventory): string {
  const required = spelled(inventory, conflict.required)
  const installed =
    conflict.installed === undefined ? 'is not installed' : `${conflict.installed} is installed`
  return `${spelled(inventory, conflict.dependent)} ${conflict.dependentVersion} requires ${conflict.requirement}, but ${required} ${installed}`
}

/** The step's failure message: every server conflict, one a line. */
export function serverConflictMessage(
  conflicts: BlamedConflict[],
  dependencies: Inventory,
  requirementsLabel: string | undefined,
): string {
  const lines = conflicts.map(
    (conflict) =>
      `${describeConflict(conflict, dependencies, requirementsLabel)}: the server would not start`,
  )
  if (lines.length === 1) return lines[0]
  return `The requirements break the inference server's own dependencies (${lines.length} conflicts):\n${lines.join('\n')}`
}
