// The few lines at the bottom of a terminal that say what is running: the last lines of the log
// being followed (the build's), then one line with a spinner and the elapsed time, rewritten in
// place. They are taken away before anything else is printed and drawn again afterwards, so log
// lines never mix with them. Only ever used on a terminal.

const ESC = '\u001b'
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
// Colour and cursor sequences, and what is left of other control characters, in a log line.
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]|[\u0000-\u0008\u000b-\u001f\u007f]/g

/**
 * A log line as one line of the terminal: what a progress bar's carriage return would leave,
 * without escape sequences (they could move the cursor out of the region) and tabs.
 */
export function plainLine(line: string): string {
  const shown = line.slice(line.lastIndexOf('\r') + 1)
  return shown.replace(/\t/g, '  ').replace(CONTROL, '')
}

export class StatusLine {
  /** Terminal lines drawn (0: nothing shown). */
  private drawn = 0

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number = () => 80,
    private readonly now: () => number = Date.now,
    private readonly dim: (text: string) => string = String,
  ) {}

  /**
   * Draws `tail` (plain lines, dimmed when colour is on) and `text` under it, each cut to the terminal's width so
   * that none wraps: the region is exactly as many lines as it has entries.
   */
  show(text: string, tail: string[] = []): void {
    // The spinner turns with time, not with redraws: a chatty build does not make it race.
    const frame = FRAMES[Math.floor(this.now() / 100) % FRAMES.length]
    const room = Math.max(10, this.columns() - 1)
    const cut = (line: string): string =>
      line.length > room ? `${line.slice(0, room - 1)}…` : line
    const lines = [...tail.map((line) => this.dim(cut(`  ${line}`))), cut(`${frame} ${text}`)]
    this.write(`${this.erase()}${lines.join('\n')}`)
    this.drawn = lines.length
  }

  clear(): void {
    if (this.drawn === 0) return
    this.write(this.erase())
    this.drawn = 0
  }

  /** Back to the start of the region's first line, and everything below it erased. */
  private erase(): string {
    return `\r${this.drawn > 1 ? `${ESC}[${this.drawn - 1}A` : ''}${ESC}[J`
  }
}
