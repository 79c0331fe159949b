// Colour for terminal output: on for a terminal, off for a pipe or a file. NO_COLOR
// (https://no-color.org) turns it off, FORCE_COLOR forces it on (or off with 0/false), as in
// Node's own tty.WriteStream.hasColors().

export interface Stream {
  isTTY?: boolean
}

export function colorEnabled(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase())
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return stream.isTTY === true && env.TERM !== 'dumb'
}

export interface Style {
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  yellow(text: string): string
  cyan(text: string): string
  green(text: string): string
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`

const PLAIN: Style = {
  bold: String,
  dim: String,
  red: String,
  yellow: String,
  cyan: String,
  green: String,
}

const COLOURED: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  green: sgr(32, 39),
}

export function styleFor(enabled: boolean): Style {
  return enabled ? COLOURED : PLAIN
}
