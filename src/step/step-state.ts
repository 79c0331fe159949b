// Reads what the main step saved with core.saveState. The runner hands it to the post step as
// STATE_<name> variables; this is what core.getState reads, without loading the toolkit.
import { State } from './constants.js'

export function readState(name: State): string {
  return process.env[`STATE_${name}`] ?? ''
}

/** A saved JSON list of strings; anything else reads as empty (the post step never fails). */
export function readStateList(name: State): string[] {
  const raw = readState(name)
  if (raw === '') return []
  try {
    const value: unknown = JSON.parse(raw)
    return Array.isArray(value)
      ? value.filter((item): item is string => typeof item === 'string')
      : []
  } catch {
    return []
  }
}

/** The engine the main step saved: its URL and the context it came from; undefined if none. */
export function readStateEngine(): { host: string; context?: string } | undefined {
  try {
    const value = JSON.parse(readState(State.Engine)) as { host?: unknown; context?: unknown }
    if (typeof value.host !== 'string' || value.host === '') return undefined
    return typeof value.context === 'string'
      ? { host: value.host, context: value.context }
      : { host: value.host }
  } catch {
    return undefined
  }
}
