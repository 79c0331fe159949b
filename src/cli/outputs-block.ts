// The step's outputs at the end of a run, as a short aligned block. The Dockerfile and context
// paths are left out: like the post step in a job, the CLI removes them when it ends (the log
// shows the Dockerfile). The metadata JSON repeats the rest; it is shown with --verbose.
import { Output } from '../step/constants.js'
import type { Style } from './style.js'

const REMOVED_AT_EXIT: string[] = [Output.Dockerfile, Output.Context]

export function outputsBlock(
  outputs: Map<string, string>,
  verbose: boolean,
  style: Style,
): string[] {
  const order: string[] = Object.values(Output)
  const names = [...outputs.keys()]
    .filter((name) => !REMOVED_AT_EXIT.includes(name))
    .filter((name) => verbose || name !== Output.Metadata)
    .sort((a, b) => rank(order, a) - rank(order, b))
  if (names.length === 0) return []
  const width = Math.max(...names.map((name) => name.length)) + 2
  const lines = [`${style.cyan(style.bold('==>'))} ${style.bold('Outputs')}`]
  for (const name of names) {
    const [first, ...rest] = (outputs.get(name) ?? '').split('\n')
    lines.push(`${style.bold(name.padEnd(width))}${first}`)
    for (const more of rest) lines.push(`${' '.repeat(width)}${more}`)
  }
  return lines
}

function rank(order: string[], name: string): number {
  const at = order.indexOf(name)
  return at < 0 ? order.length : at
}
