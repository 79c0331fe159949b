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

export interface Annotation {
  /** `file`, `line`, `title`, ... as the runner reads them. */
  properties: Record<string, string>
  message: string
}

/** A command's data as the runner shows it (escaping of @actions/core undone). */
export function commandData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function commandProperty(text: string): string {
  return commandData(text).replace(/%3A/g, ':').replace(/%2C/g, ',')
}

/** The `::error` commands a runner would obey in a step's stdout, with their properties. */
export function errorAnnotations(stdout: string): Annotation[] {
  return obeyedCommands(stdout)
    .filter((command) => command.name === 'error')
    .map(({ line }) => {
      const match = /^::error(?: ([^:]*))?::(.*)$/.exec(line)
      if (!match) throw new Error(`not an error command: ${line}`)
      const properties = Object.fromEntries(
        (match[1] ?? '')
          .split(',')
          .filter((pair) => pair !== '')
          .map((pair) => [
            pair.slice(0, pair.indexOf('=')),
            commandProperty(pair.slice(pair.indexOf('=') + 1)),
          ]),
      )
      return { properties, message: commandData(match[2]) }
    })
}
