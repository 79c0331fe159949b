// What the `requirements` file brings into the dependencies build: the file itself and every
// file its lines name (`-r`/`-c` includes, nested too, local packages, wheels, `-f` folders).
// Each is placed in the staged tree at its workspace-relative path, and pip runs from the top
// file's folder, so both of pip's rules hold unchanged in the build:
// - `-r`/`-c` are joined to the including file's folder;
// - a local package, a wheel or `-e <dir>` is relative to pip's working directory (the top
//   file's folder), whichever file names it;
// - `-f <path>` is relative to the naming file's folder when that exists, else to pip's.
// Lines are read as pip reads them (pip 23 req_file.py): continuation lines joined, comments
// dropped, the options split like a shell (shlex) and matched like optparse (unique prefixes).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { split as shellSplit } from 'shlex'
import { Input } from '../step/constants.js'
import { checkDirectory, isInside, resolveInWorkspace } from './workspace-paths.js'

/** A file or folder to stage, at `position` (relative, '/'-separated) in the staged tree. */
interface RequirementsEntry {
  position: string
  /** The real path in the workspace. */
  source: string
  kind: 'file' | 'dir'
  /** For a requirements file whose lines were rewritten (see `editable`): the staged text. */
  text?: string
}

export interface RequirementFiles {
  /** The top file's position; pip runs `-r <it>` from its folder. */
  top: string
  /** Sorted by position; folders may hold files listed on their own too. */
  entries: RequirementsEntry[]
}

// The options pip accepts in a requirements file, and whether each takes a value.
const LONG_OPTIONS: Record<string, boolean> = {
  '--index-url': true,
  '--pypi-url': true,
  '--extra-index-url': true,
  '--no-index': false,
  '--constraint': true,
  '--requirement': true,
  '--editable': true,
  '--find-links': true,
  '--no-binary': true,
  '--only-binary': true,
  '--prefer-binary': false,
  '--require-hashes': false,
  '--pre': false,
  '--trusted-host': true,
  '--use-feature': true,
  '--global-option': true,
  '--hash': true,
  '--config-settings': true,
}
const SHORT_OPTIONS: Record<string, string> = {
  '-i': '--index-url',
  '-c': '--constraint',
  '-r': '--requirement',
  '-e': '--editable',
  '-f': '--find-links',
  '-C': '--config-settings',
}

// pip expands `${NAME}` from its environment; the build has none of the runner's variables.
const ENV_VARIABLE = /\$\{([A-Z0-9_]+)\}/
const COMMENT = /(^|\s+)#.*$/
// A line and its break, at Python's str.splitlines() boundaries (which include the file, group
// and record separators U+001C..U+001E).
const BREAKS = '\\n\\r\\v\\f\\u001c-\\u001e\\u0085\\u2028\\u2029'
const LINE = new RegExp(`([^${BREAKS}]*)(\\r\\n|[${BREAKS}]|$)`, 'gu')
const ARCHIVE = /\.(whl|zip|tar\.bz2|tbz|tar\.xz|txz|tlz|tar\.lz|tar\.lzma|tar\.gz|tgz|tar)$/i

interface PhysicalLine {
  text: string
  /** The line break that ends it ('' for the last line without one). */
  ending: string
}

interface LogicalLine {
  /** The first physical line, 1-based, as pip numbers it. */
  number: number
  /** The physical lines it spans (0-based indexes). */
  lines: number[]
  text: string
}

/** Python's str.splitlines(), keeping each line's break so that a file can be put back. */
function physicalLines(content: string): PhysicalLine[] {
  const lines: PhysicalLine[] = []
  for (const match of content.matchAll(LINE)) {
    if (match[0] === '') break
    lines.push({ text: match[1], ending: match[2] })
  }
  return lines
}

/** pip's preprocess: join lines ending in '\\' (not comments), drop comments and blank lines. */
function logicalLines(physical: PhysicalLine[]): LogicalLine[] {
  const joined: LogicalLine[] = []
  let pending: LogicalLine | undefined
  physical.forEach(({ text: raw }, index) => {
    const comment = /^\s*#/.test(raw)
    const line = comment ? ` ${raw}` : raw
    if (!raw.endsWith('\\') || comment) {
      if (pending) {
        pending.text += line
        pending.lines.push(index)
        joined.push(pending)
        pending = undefined
      } else joined.push({ number: index + 1, lines: [index], text: line })
    } else {
      pending ??= { number: index + 1, lines: [], text: '' }
      pending.text += raw.replace(/^\\+|\\+$/g, '')
      pending.lines.push(index)
    }
  })
  if (pending) joined.push(pending)
  return joined
    .map((line) => ({ ...line, text: line.text.replace(COMMENT, '').trim() }))
    .filter((line) => line.text !== '')
}

interface ParsedLine {
  /** What precedes the first token starting with '-': a requirement (pip does not shlex it). */
  args: string
  /** Each option's first value, by long name; flags map to ''. */
  options: Map<string, string>
}

function longName(token: string): string | undefined {
  if (token in LONG_OPTIONS) return token
  // optparse takes any unique prefix of a long option.
  const matches = Object.keys(LONG_OPTIONS).filter((name) => name.startsWith(token))
  return matches.length === 1 ? matches[0] : undefined
}

/** pip's break_args_options, then the options as optparse reads them (first value kept). */
function parseLine(text: string): ParsedLine {
  const tokens = text.split(' ')
  const first = tokens.findIndex((token) => token.startsWith('-'))
  const args = (first < 0 ? tokens : tokens.slice(0, first)).join(' ')
  const words = first < 0 ? [] : shellSplit(tokens.slice(first).join(' '))
  const options = new Map<string, string>()
  for (let index = 0; index < words.length; index++) {
    const word = words[index]
    if (word === '--') break
    let name: string | undefined
    let value: string | undefined
    if (word.startsWith('--')) {
      const equals = word.indexOf('=')
      name = longName(equals < 0 ? word : word.slice(0, equals))
      if (equals >= 0) value = word.slice(equals + 1)
    } else if (word.startsWith('-') && word.length > 1) {
      name = SHORT_OPTIONS[word.slice(0, 2)]
      if (word.length > 2) value = word.slice(2)
    }
    // Unknown options are pip's to refuse, with its own message.
    if (name === undefined) continue
    if (LONG_OPTIONS[name] && value === undefined) value = words[++index]
    if (!options.has(name)) options.set(name, value ?? '')
  }
  return { args, options }
}

/** pip's is_url: a scheme pip fetches from (or a VCS scheme). */
function isUrl(text: string): boolean {
  const colon = text.indexOf(':')
  if (colon < 0) return false
  const scheme = text.slice(0, colon).toLowerCase()
  return ['http', 'https', 'file', 'ftp'].includes(scheme) || /^(git|hg|bzr|svn)\+/.test(scheme)
}

function looksLikePath(text: string): boolean {
  return text.includes('/') || text.startsWith('.')
}

function withoutExtras(text: string): string {
  return text.replace(/^(.+)(\[[^\]]+\])$/, '$1')
}

// pip joins paths as strings, so the staged tree holds each file where that join lands: a join
// that climbs above the workspace has no place in it, wherever a symlink would lead. What the
// path then resolves to (symlinks followed) is resolveInWorkspace's check.
// Any root serves: a position is inside when, joined to it, it stays below it.
const STAGED_ROOT = path.resolve('/staged')

function isInsidePosition(position: string): boolean {
  return !path.posix.isAbsolute(position) && isInside(STAGED_ROOT, path.join(STAGED_ROOT, position))
}

/** Reads the requirements file tree of one top file. */
class Collector {
  private readonly realRoot: string
  private readonly entries = new Map<string, RequirementsEntry>()
  private readonly read = new Set<string>()
  /** pip's working directory, as a position. */
  private readonly cwd: string

  constructor(
    private readonly workspace: string,
    readonly top: string,
  ) {
    this.realRoot = fs.realpathSync(workspace)
    this.cwd = path.posix.dirname(top)
  }

  result(): RequirementFiles {
    const entries = [...this.entries.values()].sort((a, b) =>
      a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
    )
    return { top: this.top, entries }
  }

  /** Reads the requirements file at `position`; `stack` holds the files that include it. */
  readFile(position: string, source: string, stack: string[]): void {
    if (stack.includes(position)) {
      throw new Error(
        `Input '${Input.Requirements}': ${position} includes itself (${[...stack, position].join(' -> ')})`,
      )
    }
    if (this.read.has(position)) return
    this.read.add(position)
    const physical = physicalLines(fs.readFileSync(source, 'utf8'))
    let rewritten = false
    for (const line of logicalLines(physical)) {
      const where = { file: position, line: line.number }
      const replacement = this.readLine(line.text, where, [...stack, position])
      if (replacement === undefined) continue
      // Line numbers stay: the first physical line gets the new text, the others are emptied.
      line.lines.forEach((index, nth) => (physical[index].text = nth === 0 ? replacement : ''))
      rewritten = true
    }
    const text = physical.map((line) => line.text + line.ending).join('')
    this.entries.set(position, { position, source, kind: 'file', ...(rewritten ? { text } : {}) })
  }

  /** Follows one logical line; returns its staged text when it must differ from the original. */
  private readLine(text: string, where: Where, stack: string[]): string | undefined {
    const variable = ENV_VARIABLE.exec(text)
    if (variable) {
      throw lineError(
        where,
        `uses \${${variable[1]}}: pip would fill it from the environment, and the build has no such variable (write the value, or pass an index with 'pip-index-url')`,
      )
    }
    let parsed: ParsedLine
    try {
      parsed = parseLine(text)
    } catch (error) {
      throw lineError(where, 'its options cannot be split (an unclosed quote?)', error)
    }
    const { args, options } = parsed
    // The order pip gives them: a requirement, else an editable, else an include, else -f.
    if (args !== '') {
      this.requirement(args, where)
      return undefined
    }
    const editable = options.get('--editable')
    if (editable !== undefined) return this.editable(editable, where)
    const include = options.get('--requirement') ?? options.get('--constraint')
    if (include !== undefined) {
      this.include(include, where, stack)
      return undefined
    }
    const findLinks = options.get('--find-links')
    if (findLinks !== undefined) this.findLinks(findLinks, where)
    return undefined
  }

  /** A requirement: a local folder or archive is staged; a name or a URL is pip's. */
  private requirement(args: string, where: Where): void {
    const url = isUrl(args)
    const name = args.split(url ? '; ' : ';')[0].trim()
    if (url) return refuseFileUrl(name, where)
    const at = name.indexOf('@')
    // `name @ url`: a direct reference, fetched by pip.
    if (at > 0 && !looksLikePath(name.slice(0, at))) {
      return refuseFileUrl(name.slice(at + 1).trim(), where)
    }
    const local = withoutExtras(name)
    if (looksLikePath(local) || ARCHIVE.test(local)) {
      this.stage(this.position(this.cwd, local, where), 'any', where)
    }
  }

  /**
   * `-e <dir>`: installed non-editable, since the staged folder is deleted after the install
   * (an editable install would point at nothing). A VCS URL drops `-e` too: pip would clone
   * it under the working directory, deleted as well.
   */
  private editable(value: string, where: Where): string {
    if (/\s/.test(value)) {
      throw lineError(where, 'an editable path with spaces is not supported: rename the folder')
    }
    // pip takes anything with a scheme (`git+https:`, `git:`) as a VCS URL.
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
      refuseFileUrl(value, where)
      return value
    }
    this.stage(this.position(this.cwd, withoutExtras(value), where), 'dir', where)
    // A bare name is a folder only to -e; without it pip needs the path to look like one.
    return looksLikePath(value) ? value : `./${value}`
  }

  private include(value: string, where: Where, stack: string[]): void {
    if (/^(http|https|file):/i.test(value)) return refuseFileUrl(value, where)
    const position = this.position(path.posix.dirname(where.file), value, where)
    this.readFile(position, this.stage(position, 'file', where), stack)
  }

  private findLinks(value: string, where: Where): void {
    if (isUrl(value)) return refuseFileUrl(value, where)
    const besideFile = this.position(path.posix.dirname(where.file), value, where)
    const position = fs.existsSync(path.join(this.realRoot, besideFile))
      ? besideFile
      : this.position(this.cwd, value, where)
    this.stage(position, 'any', where)
  }

  /** Where `value` lands in the staged tree, joined to `base` as pip joins it. */
  private position(base: string, value: string, where: Where): string {
    if (path.isAbsolute(value)) {
      throw lineError(
        where,
        `"${value}" is an absolute path: the build has only the staged files; write it relative`,
      )
    }
    const position = path.posix.normalize(path.posix.join(base, value)).replace(/\/$/, '')
    if (!isInsidePosition(position)) {
      throw lineError(where, `"${value}" is outside the workspace`)
    }
    return position
  }

  /** Checks a named path through resolveInWorkspace (symlinks followed) and records it. */
  private stage(position: string, kind: 'file' | 'dir' | 'any', where: Where): string {
    let source: string
    try {
      source = resolveInWorkspace(this.realRoot, Input.Requirements, position, kind)
      if (fs.statSync(source).isDirectory()) {
        checkDirectory(this.workspace, Input.Requirements, source)
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}, named in ${where.file} line ${where.line}`, {
        cause: error,
      })
    }
    const dir = fs.statSync(source).isDirectory()
    if (!this.entries.has(position)) {
      this.entries.set(position, { position, source, kind: dir ? 'dir' : 'file' })
    }
    return source
  }
}

interface Where {
  file: string
  line: number
}

function lineError(where: Where, rule: string, cause?: unknown): Error {
  return new Error(`Input '${Input.Requirements}': ${where.file} line ${where.line} ${rule}`, {
    cause,
  })
}

function refuseFileUrl(value: string, where: Where): void {
  if (/^file:/i.test(value)) {
    throw lineError(
      where,
      'names a file: URL, a path on the runner that the build does not have: write a relative path',
    )
  }
}

/**
 * The files the build needs for the requirements file `top` (a real path inside `workspace`,
 * as resolveInWorkspace returns it). Refuses, naming the file and line, what points outside
 * the workspace, what is missing, absolute paths, file: URLs and `${VARIABLE}`s.
 */
export function collectRequirements(workspace: string, top: string): RequirementFiles {
  const position = path.relative(fs.realpathSync(workspace), top).split(path.sep).join('/')
  if (/[\r\n]/.test(position)) {
    throw new Error(`Input '${Input.Requirements}': the path cannot hold a line break`)
  }
  const collector = new Collector(workspace, position)
  collector.readFile(position, top, [])
  return collector.result()
}
