// The one line at the bottom of a terminal that says what is running and for how long, rewritten
// in place. It is taken away before anything else is printed and drawn again afterwards, so log
// lines never mix with it. Only ever used on a terminal.

const CLEAR = '\r\u001b[2K'
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export class StatusLine {
  private shown = false

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number = () => 80,
    private readonly now: () => number = Date.now,
  ) {}

  /** Draws `text` (cut to the terminal's width, so it never wraps and stays one line). */
  show(text: string): void {
    // The spinner turns with time, not with redraws: a chatty build does not make it race.
    const frame = FRAMES[Math.floor(this.now() / 100) % FRAMES.length]
    const room = Math.max(10, this.columns() - 1)
    const line = `${frame} ${text}`
    const cut = line.length > room ? `${line.slice(0, room - 1)}…` : line
    this.write(`${CLEAR}${cut}`)
    this.shown = true
  }

  clear(): void {
    if (!this.shown) return
    this.write(CLEAR)
    this.shown = false
  }
}
