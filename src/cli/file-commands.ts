// Reads the files @actions/core writes outputs and state to (GITHUB_OUTPUT, GITHUB_STATE), as the
// runner reads them: `name<<DELIMITER` blocks (what core writes) or `name=value` lines.

export function parseFileCommands(text: string): Map<string, string> {
  const values = new Map<string, string>()
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[index])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body: string[] = []
      while (++index < lines.length && lines[index] !== delimiter) body.push(lines[index])
      values.set(name, body.join('\n'))
    } else if (lines[index].includes('=')) {
      const at = lines[index].indexOf('=')
      values.set(lines[index].slice(0, at), lines[index].slice(at + 1))
    }
  }
  return values
}
