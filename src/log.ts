// Relaying text we do not control (build output, the container's log) into the job log. While
// it is relayed, workflow commands are switched off with a one-time token, so a line such as
// "::set-output name=image::evil" or "::add-mask::" printed by user code is shown, not obeyed.
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

/** Prints `text` in a folded group with workflow commands switched off. */
export async function showFolded(title: string, text: string): Promise<void> {
  await core.group(title, async () => {
    const relay = startRelay()
    try {
      for (const line of text.replace(/\s+$/, '').split(/\r?\n/)) relay.line(line)
    } finally {
      relay.end()
    }
  })
}
