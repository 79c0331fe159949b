// What a person would see: terminal output (cursor moves, erasures, colours) played into a
// headless xterm, and its lines read back as text, the scrollback included.
import xterm from '@xterm/headless'

export interface Screen {
  /** Every line, scrollback first, trailing blanks cut; colours are gone. */
  lines: string[]
  /** The lines of the visible screen, top to bottom, as `lines` shows them. */
  visible: string[]
}

export async function playOnTerminal(raw: string, cols = 100, rows = 40): Promise<Screen> {
  // convertEol: a pty turns "\n" into "\r\n"; text written to a plain sink has "\n" alone.
  const terminal = new xterm.Terminal({
    cols,
    rows,
    scrollback: 100_000,
    convertEol: true,
    allowProposedApi: true, // reading the buffer
  })
  try {
    await new Promise<void>((resolve) => terminal.write(raw, resolve))
    const buffer = terminal.buffer.active
    const all: string[] = []
    for (let at = 0; at < buffer.length; at++)
      all.push(buffer.getLine(at)?.translateToString(true) ?? '')
    const visible = all.slice(buffer.baseY, buffer.baseY + rows)
    const trim = (lines: string[]): string[] => {
      let end = lines.length
      while (end > 0 && lines[end - 1] === '') end--
      return lines.slice(0, end)
    }
    return { lines: trim(all), visible: trim(visible) }
  } finally {
    terminal.dispose()
  }
}
