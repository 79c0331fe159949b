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

export function startRelay(): Relay {
  const token = `extend-azureml-image-${randomUUID()}`
  process.stdout.write(`::stop-commands::${token}${EOL}`)
  let open = true
  return {
    line(text: string) {
      process.stdout.write(`${text}${EOL}`)
    },
    end() {
      if (!open) return
      open = false
      process.stdout.write(`::${token}::${EOL}`)
    },
  }
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
