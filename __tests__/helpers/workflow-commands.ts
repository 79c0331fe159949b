// What a runner would obey in a step's stdout: workflow commands outside stop-commands spans.
export interface Command {
  name: string
  line: string
}

export function obeyedCommands(stdout: string): Command[] {
  const obeyed: Command[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([A-Za-z-]+|[^:\s]+)(?:\s[^:]*)?::/.exec(line)
    if (!match) continue
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line)
    if (stop) {
      stopToken = stop[1]
      continue
    }
    obeyed.push({ name: match[1], line })
  }
  return obeyed
}
