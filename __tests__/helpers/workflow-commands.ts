// What a runner would obey in a step's output, read the way actions/runner reads it
// (src/Runner.Sdk/ProcessInvoker.cs, src/Runner.Worker/Handlers/OutputManager.cs,
// src/Runner.Worker/ActionCommandManager.cs, src/Runner.Common/ActionCommand.cs):
// - A line ends at LF, CR or CR LF (.NET StreamReader.ReadLine).
// - The v2 form is tried first: leading whitespace is trimmed (String.TrimStart), then the line
//   must start with `::` and hold a second `::`; the name runs to the first space, properties
//   (`,`-separated `k=v`) follow it, the data follows the second `::`.
// - Only when that fails (no such shape, or a name the runner does not know) the legacy form:
//   the FIRST `##[` anywhere in the line, up to the next `]`; properties `;`-separated. So a
//   valid `::warning::` line never obeys a `##[...]` in its data, but `x ##[error]y` is an error.
// - Names are known case-insensitively; a line that parses to no known name is plain text.
// - `stop-commands` with data T ignores every command until one named T, in either form and
//   anywhere the form allows (`  ::T::`, `x ##[T]`); a command of another name does not resume.

/** The commands the runner registers for an action (internal-set-repo-path only for plugins). */
const KNOWN = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
]

export interface Command {
  /** Lower-cased: the runner matches names case-insensitively. */
  name: string
  form: 'v2' | 'legacy'
  properties: Record<string, string>
  data: string
  line: string
}

// .NET's char.IsWhiteSpace, widened where unsure (U+001C-U+001F, U+FEFF): a wider set makes the
// model see more commands, never fewer.
function trimStart(line: string): string {
  const isSpace = (char: string) =>
    /\s/.test(char) || char === '\u0085' || (char >= '\u001c' && char <= '\u001f')
  let at = 0
  while (at < line.length && isSpace(line[at])) at++
  return line.slice(at)
}

/** Undoes the runner's escapes, in the runner's order. */
function unescape(text: string, mappings: [string, string][]): string {
  return mappings.reduce((value, [escaped, token]) => value.split(escaped).join(token), text)
}
const DATA: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%'],
]
const PROPERTY: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%'],
]
const LEGACY: [string, string][] = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%'],
]

function properties(text: string, separator: string, mappings: [string, string][]) {
  const found: Record<string, string> = {}
  for (const pair of text.split(separator).filter((part) => part !== '')) {
    const at = pair.indexOf('=')
    // Split(..., RemoveEmptyEntries): `=v` and `k=` carry no property.
    if (at > 0 && at < pair.length - 1) {
      found[pair.slice(0, at).toLowerCase()] = unescape(pair.slice(at + 1), mappings)
    }
  }
  return found
}

function parseV2(line: string, known: Set<string>): Command | undefined {
  const message = trimStart(line)
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!known.has(name)) return undefined
  return {
    name,
    form: 'v2',
    properties: space > 0 ? properties(info.slice(space + 1).trim(), ',', PROPERTY) : {},
    data: unescape(message.slice(end + 2), DATA),
    line,
  }
}

function parseLegacy(line: string, known: Set<string>): Command | undefined {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const bracket = line.indexOf(']', prefix)
  if (bracket < 0) return undefined
  const info = line.slice(prefix + 3, bracket)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!known.has(name)) return undefined
  return {
    name,
    form: 'legacy',
    properties: space > 0 ? properties(info.slice(space + 1), ';', LEGACY) : {},
    data: unescape(line.slice(bracket + 1), LEGACY),
    line,
  }
}

/** The workflow commands a runner would obey in `output`; stop-commands spans are not listed. */
export function obeyedCommands(output: string): Command[] {
  const obeyed: Command[] = []
  const known = new Set(KNOWN)
  let stopToken: string | undefined
  for (const line of output.split(/\r\n|\r|\n/)) {
    const command = parseV2(line, known) ?? parseLegacy(line, known)
    if (!command) continue
    if (stopToken !== undefined) {
      if (command.name === stopToken.toLowerCase()) {
        known.delete(stopToken.toLowerCase())
        stopToken = undefined
      }
      continue
    }
    if (command.name === 'stop-commands') {
      const token = command.data
      if (token === '' || known.has(token.toLowerCase()) || /^pause-logging$/i.test(token)) {
        // The runner fails the step for such a token (ValidateStopToken).
        throw new Error(`the runner refuses the stop-commands token "${token}"`)
      }
      stopToken = token
      known.add(token.toLowerCase())
      continue
    }
    obeyed.push(command)
  }
  return obeyed
}

export interface Annotation {
  /** `file`, `line`, `title`, ... as the runner reads them. */
  properties: Record<string, string>
  message: string
}

/** A command's data as the runner shows it (escaping of @actions/core undone). */
export function commandData(text: string): string {
  return unescape(text, DATA)
}

/** The `error` commands a runner would obey in a step's stdout, with their properties. */
export function errorAnnotations(stdout: string): Annotation[] {
  return obeyedCommands(stdout)
    .filter((command) => command.name === 'error')
    .map(({ properties, data }) => ({ properties, message: data }))
}
