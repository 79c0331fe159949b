// Turns the step's stdout (text with GitHub workflow commands in it) into what a person reads in a
// terminal: groups become section headers with their duration, annotations become
// `error: file:line: ...` lines on stderr, masks hide their values, debug lines show only when
// asked. Between `::stop-commands::<token>` and `::<token>::` (the relayed build and container
// logs) nothing is a command: lines are printed as they are, whatever they look like. On a
// terminal a relayed log is followed in a few lines above the status line instead (the build's
// hundreds of lines would bury the rest); groups the caller names (the container log) are held
// back until a failure wants them.
import { plainLine, StatusLine } from './status-line.js'
import { styleFor, type Style } from './style.js'

export interface RendererOptions {
  /** Writes to stdout and stderr, not intercepted. */
  out(text: string): void
  err(text: string): void
  color: { out: boolean; err: boolean }
  verbose: boolean
  /** Draw a status line with the elapsed time while a group is open (stdout is a terminal). */
  progress: boolean
  /**
   * With progress: a relayed log inside a group is shown as its last `tailLines` lines, redrawn
   * in place, instead of printed (0 or unset: printed).
   */
  tailLines?: number
  /**
   * Groups whose output (header, lines, footer) is held back: printed just before an error
   * annotation or by finish(), dropped by discardHeld().
   */
  holdGroup?: (title: string) => boolean
  columns?: () => number
  now?: () => number
  /** Maps an annotation's file (relative to the workspace) to what the user should see. */
  resolveFile?: (file: string) => string
}

interface OpenGroup {
  title: string
  started: number
}

interface Command {
  name: string
  properties: Record<string, string>
  data: string
}

/** The runner's reading of a command line; core escapes '%', CR and LF (and ':' ',' in properties). @internal (exported for its unit tests) */
export function parseCommand(line: string): Command | undefined {
  const match = /^::([A-Za-z][A-Za-z0-9_-]*)(?: ([^:]*))?::(.*)$/.exec(line)
  if (!match) return undefined
  const properties: Record<string, string> = {}
  for (const pair of (match[2] ?? '').split(',')) {
    const at = pair.indexOf('=')
    if (at > 0) properties[pair.slice(0, at).trim()] = unescapeProperty(pair.slice(at + 1))
  }
  return { name: match[1], properties, data: unescapeData(match[3]) }
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function unescapeProperty(text: string): string {
  return unescapeData(text.replace(/%3A/g, ':').replace(/%2C/g, ','))
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`
}

const ANNOTATION_LABEL = { error: 'error', warning: 'warning', notice: 'notice' } as const

export class Renderer {
  private pending = ''
  private stopToken: string | undefined
  private group: OpenGroup | undefined
  /** The last lines of the relayed log being followed. */
  private tail: string[] = []
  /** Inside a group that is held back. */
  private holding = false
  private held: string[] = []
  private readonly secrets = new Set<string>()
  private readonly status: StatusLine
  private readonly outStyle: Style
  private readonly errStyle: Style
  private readonly now: () => number
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly options: RendererOptions) {
    this.now = options.now ?? Date.now
    this.outStyle = styleFor(options.color.out)
    this.status = new StatusLine(options.out, options.columns, this.now, this.outStyle.dim)
    this.errStyle = styleFor(options.color.err)
  }

  /** Feeds stdout text; only whole lines are rendered, the rest waits for its line break. */
  write(text: string): void {
    this.pending += text
    const lines = this.pending.split('\n')
    this.pending = lines.pop() ?? ''
    if (lines.length === 0) return
    this.status.clear()
    for (const line of lines) this.line(line.endsWith('\r') ? line.slice(0, -1) : line)
    this.drawStatus()
  }

  /** A line of the CLI's own (not a workflow command), on stdout or stderr. */
  print(text: string, stream: 'out' | 'err' = 'out'): void {
    this.status.clear()
    this.emit(stream, text)
    this.drawStatus()
  }

  get styles(): { out: Style; err: Style } {
    return { out: this.outStyle, err: this.errStyle }
  }

  /** Redraws the status line every `everyMs` while a group is open (terminal only). */
  startTicking(everyMs = 250): void {
    if (!this.options.progress || this.timer) return
    this.timer = setInterval(() => this.drawStatus(), everyMs)
    this.timer.unref()
  }

  /** Drops what was held back: the run passed, and nobody asked for it. */
  discardHeld(): void {
    this.held = []
  }

  /**
   * Prints what is left of a line, closes an open group, removes the status line, and prints
   * what is still held back (a run that did not pass, however it ended).
   */
  finish(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.status.clear()
    if (this.pending !== '') {
      const rest = this.pending
      this.pending = ''
      this.line(rest)
    }
    this.endGroup()
    this.printHeld()
  }

  private drawStatus(): void {
    if (!this.options.progress || !this.group || this.holding) return
    const seconds = Math.floor((this.now() - this.group.started) / 1000)
    this.status.show(`${this.group.title} (${seconds} s)`, this.tail)
  }

  /** Whether relayed lines go to the tail above the status line rather than to the output. */
  private following(): boolean {
    return (
      this.options.progress &&
      (this.options.tailLines ?? 0) > 0 &&
      this.group !== undefined &&
      !this.holding
    )
  }

  private relayed(line: string): void {
    if (!this.following()) {
      // Without colour (a pipe, a file, a CI log) what a terminal would show of the line: apt's
      // colour codes and progress carriage returns would otherwise reach the file as they are.
      this.emit('out', this.options.color.out ? line : plainLine(line))
      return
    }
    // Masked as shown: what the terminal would display of the line.
    this.tail.push(this.mask(plainLine(line)))
    if (this.tail.length > (this.options.tailLines ?? 0)) this.tail.shift()
  }

  private printHeld(): void {
    for (const text of this.held) this.options.out(text)
    this.held = []
  }

  private mask(text: string): string {
    let masked = text
    for (const secret of this.secrets) masked = masked.split(secret).join('***')
    return masked
  }

  private emit(stream: 'out' | 'err', text: string): void {
    const masked = `${this.mask(text)}\n`
    if (stream === 'out' && this.holding) this.held.push(masked)
    else (stream === 'out' ? this.options.out : this.options.err)(masked)
  }

  private line(line: string): void {
    if (this.stopToken !== undefined) {
      if (line === `::${this.stopToken}::`) this.stopToken = undefined
      else this.relayed(line)
      return
    }
    const command = parseCommand(line)
    if (!command) {
      this.emit('out', line)
      return
    }
    this.command(command, line)
  }

  private command(command: Command, line: string): void {
    const out = this.outStyle
    switch (command.name) {
      case 'group':
        this.endGroup()
        this.group = { title: command.data, started: this.now() }
        this.holding = this.options.holdGroup?.(command.data) ?? false
        this.emit('out', `${out.cyan(out.bold('==>'))} ${out.bold(this.mask(command.data))}`)
        return
      case 'endgroup':
        this.endGroup()
        return
      case 'error':
      case 'warning':
      case 'notice':
        this.annotation(command.name, command)
        return
      case 'debug':
        if (this.options.verbose) this.emit('out', out.dim(`debug: ${command.data}`))
        return
      case 'add-mask':
        if (command.data !== '') this.secrets.add(command.data)
        return
      case 'stop-commands':
        this.stopToken = command.data
        return
      case 'echo':
        return
      default:
        // Nothing the action writes; shown in verbose mode so that it is not lost silently.
        if (this.options.verbose) this.emit('out', out.dim(`debug: ignored ${line}`))
    }
  }

  private endGroup(): void {
    if (!this.group) return
    const { title, started } = this.group
    this.group = undefined
    this.tail = []
    this.status.clear()
    this.emit('out', this.outStyle.dim(`--- ${title}: ${formatDuration(this.now() - started)}`))
    this.holding = false
  }

  private annotation(kind: keyof typeof ANNOTATION_LABEL, command: Command): void {
    // A failure: what was held back (the container log) is what explains it, so it comes first.
    if (kind === 'error') this.printHeld()
    const style = this.errStyle
    const { file, line, col, title } = command.properties
    const location = file
      ? [this.options.resolveFile?.(file) ?? file, line, line && col].filter(Boolean).join(':')
      : undefined
    const colour = kind === 'error' ? style.red : kind === 'warning' ? style.yellow : style.cyan
    const label = style.bold(colour(`${ANNOTATION_LABEL[kind]}:`))
    const [first, ...rest] = command.data.split(/\r?\n/)
    // With a title, it is the headline and the message follows; otherwise the message leads.
    const headline = title ?? first
    const details = title ? [first, ...rest] : rest
    this.emit(
      'err',
      [label, location && style.bold(`${location}:`), headline].filter(Boolean).join(' '),
    )
    for (const detail of details) this.emit('err', `  ${detail}`)
  }
}
