// What pip says is broken, as data: the lines of `pip check` and the resolver's warnings at the
// end of `pip install`. Both name the distribution whose requirement is not met, the
// requirement, and what is installed instead (or that nothing is). Forms read (pip 20 to 24):
//   pip check:  `X 1.0 has requirement Y<2, but you have Y 3.0.`
//               `X 1.0 requires Y, which is not installed.`
//   resolver:   `X 1.0 requires Y<2, but you have Y 3.0 which is incompatible.`
//               `X 1.0 requires Y<2, which is not installed.`
//   legacy:     `ERROR: X 1.0 has requirement Y<2, but you'll have Y 3.0 which is incompatible.`
import { normaliseName } from './python-inventory.js'

export interface PipConflict {
  /** The distribution whose requirement is not met, normalised. */
  dependent: string
  dependentVersion: string
  /** The requirement as pip printed it, e.g. `pydantic<1.11,>=1.9` (or only the name). */
  requirement: string
  /** The required distribution, normalised. */
  required: string
  /** What is installed instead; undefined when nothing is. */
  installed?: string
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*/
const CONFLICTING =
  /^(\S+) (\S+) (?:has requirement|requires) (.+?), but you(?:'ll)? have (\S+) (\S+?)(?: which is incompatible)?\.$/
const MISSING = /^(\S+) (\S+) requires (.+?), which is not installed\.$/
// BuildKit's plain progress puts the step and its seconds before each line: `#12 34.56 `.
const BUILDKIT_PREFIX = /^#\d+ \d+(?:\.\d+)? /
const LEGACY_PREFIX = /^ERROR: /
const RESOLVER_HEADER = "pip's dependency resolver does not currently take into account"

function requiredName(requirement: string): string | undefined {
  const name = NAME.exec(requirement.trim())?.[0]
  return name === undefined ? undefined : normaliseName(name)
}

/** One line of `pip check` or of the resolver's warning; undefined for any other line. @internal (exported for its unit tests) */
export function parseConflictLine(raw: string): PipConflict | undefined {
  const line = raw.trim().replace(LEGACY_PREFIX, '')
  const conflicting = CONFLICTING.exec(line)
  if (conflicting) {
    const [, dependent, dependentVersion, requirement, , installed] = conflicting
    const required = requiredName(requirement)
    if (!required) return undefined
    return {
      dependent: normaliseName(dependent),
      dependentVersion,
      requirement,
      required,
      installed,
    }
  }
  const missing = MISSING.exec(line)
  if (!missing) return undefined
  const [, dependent, dependentVersion, requirement] = missing
  const required = requiredName(requirement)
  if (!required) return undefined
  return { dependent: normaliseName(dependent), dependentVersion, requirement, required }
}

/** The same broken requirement whichever tool printed it (pip check names less than the resolver). */
export function conflictKey(conflict: PipConflict): string {
  return [
    conflict.dependent,
    conflict.dependentVersion,
    conflict.required,
    conflict.installed ?? '',
  ]
    .map((part) => JSON.stringify(part))
    .join(' ')
}

/** Each broken requirement once, in the order first seen. */
export function uniqueConflicts(conflicts: PipConflict[]): PipConflict[] {
  const seen = new Map<string, PipConflict>()
  for (const conflict of conflicts) {
    const key = conflictKey(conflict)
    if (!seen.has(key)) seen.set(key, conflict)
  }
  return [...seen.values()]
}

/** `pip check`'s lines as conflicts; lines of other forms are returned apart, as printed. */
export function parsePipCheck(lines: string[]): { conflicts: PipConflict[]; other: string[] } {
  const conflicts: PipConflict[] = []
  const other: string[] = []
  for (const line of lines) {
    const conflict = parseConflictLine(line)
    if (conflict) conflicts.push(conflict)
    else if (line.trim() !== '') other.push(line.trim())
  }
  return { conflicts, other }
}

export interface ResolverWarnings {
  /** Fed every line of the build's log. */
  observe(line: string): void
  conflicts(): PipConflict[]
}

/**
 * Collects the resolver's warning from a build log: the lines after its header, until one of
 * another form (the legacy resolver's lines carry `ERROR: ` each, without a header).
 */
export function watchResolverWarnings(): ResolverWarnings {
  const found: PipConflict[] = []
  let inWarning = false
  return {
    observe(raw) {
      const line = raw.replace(BUILDKIT_PREFIX, '').trimEnd()
      if (line.includes(RESOLVER_HEADER)) {
        inWarning = true
        return
      }
      const conflict = parseConflictLine(line)
      if (conflict && (inWarning || LEGACY_PREFIX.test(line))) found.push(conflict)
      else inWarning = false
    },
    conflicts: () => [...found],
  }
}
