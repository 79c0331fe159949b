// Printing text we do not control (build output, the container's log, a file name, an input's
// value, a registry's message) into the job log. While it is relayed, workflow commands are
// switched off with a one-time token, so a line such as "::set-output name=image::evil" printed
// by user code is shown, not obeyed.
//
// How actions/runner reads a line (ActionCommand.cs, ActionCommandManager.cs, OutputManager.cs):
// a line ends at LF, CR or CR LF; it is a command if, after leading whitespace, it starts
// `::name...::`, or else if it holds `##[name...]` anywhere (the legacy form). A line with
// neither `::` nor `##[` is never looked at. The v2 form is tried first, so a valid
// `::warning::...` line obeys nothing in its data, and @actions/core escapes CR and LF there:
// text passed to core.warning/error/notice/debug or as a group title needs nothing more (and a
// stop-commands span would switch the warning itself off). Text on a line of its own does.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'

export interface Relay {
  line(text: string): void
  end(): void
}

// Relays still open: a signal's warning must end them first, or the runner would show it as
// plain text instead of obeying it.
const openRelays = new Set<Relay>()

export function startRelay(): Relay {
  const token = `extend-azureml-image-${randomUUID()}`
  process.stdout.write(`::stop-commands::${token}${EOL}`)
  const relay: Relay = {
    line(text: string) {
      // Once ended (by a signal), text we do not control could be obeyed: it is dropped.
      if (openRelays.has(relay)) process.stdout.write(`${text}${EOL}`)
    },
    end() {
      if (!openRelays.delete(relay)) return
      process.stdout.write(`::${token}::${EOL}`)
    },
  }
  openRelays.add(relay)
  return relay
}

/** Ends every open relay, so that workflow commands written next are obeyed again. */
export function endOpenRelays(): void {
  for (const relay of [...openRelays]) relay.end()
}

const LINE_BREAK = /\r\n|\r|\n/

function relayLines(lines: string[]): void {
  const relay = startRelay()
  try {
    for (const line of lines) relay.line(line)
  } finally {
    relay.end()
  }
}

/**
 * The one way to print text that a user, a pull request or a tool controls on lines of its own
 * (core.info would let the runner obey it): shown as it is, never obeyed. Text that cannot
 * look like a command is printed plainly, so the log carries no stop-commands noise for it.
 */
export function printInert(text: string): void {
  if (text.includes('::') || text.includes('##[')) relayLines(text.split(LINE_BREAK))
  else core.info(text)
}

/** Prints `text` in a folded group with workflow commands switched off. */
export async function showFolded(title: string, text: string): Promise<void> {
  await core.group(title, async () => relayLines(text.replace(/\s+$/, '').split(LINE_BREAK)))
}
