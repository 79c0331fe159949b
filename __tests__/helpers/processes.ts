// Finding processes on this machine through /proc (Linux), to kill a child of the action or to
// prove that nothing it started is still running.
import * as fs from 'node:fs'

export interface ProcessInfo {
  pid: number
  ppid: number
  argv: string[]
}

export function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      // The command name in parentheses may itself hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean)
      found.push({ pid: Number(entry), ppid, argv })
    } catch {
      // ended while we looked
    }
  }
  return found
}

/** Every process below `pid`. */
export function descendants(pid: number): ProcessInfo[] {
  const all = processes()
  const below: ProcessInfo[] = []
  let parents = new Set([pid])
  while (parents.size > 0) {
    const children = all.filter((process) => parents.has(process.ppid))
    below.push(...children)
    parents = new Set(children.map((child) => child.pid))
  }
  return below
}

/** Processes whose command line mentions `text` (e.g. a run's own temp dir). */
export function processesMentioning(text: string): ProcessInfo[] {
  return processes().filter(
    (process) =>
      process.pid !== globalThis.process.pid && process.argv.some((arg) => arg.includes(text)),
  )
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes; returns the last answer. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
