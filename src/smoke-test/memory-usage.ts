// The container's memory as its cgroup counts it, read through the engine (`docker exec cat`,
// or memory-reader.ts's loop that cats the same files), so that it holds for a remote engine
// too. One cat reads the files of both cgroup versions: it prints the ones that exist, in
// order, and names each missing one on stderr.
//   v2 (GitHub's runners): memory.peak (Linux 5.19 and later), memory.current, memory.events
//   v1 (older hosts):      memory.max_usage_in_bytes, memory.usage_in_bytes, memory.oom_control
// Both count the page cache with the processes' memory, as the kernel does for the limit.
import type { DockerClient } from '../docker/docker.js'
import { formatBytes } from './container-resources.js'

interface CgroupFile {
  path: string
  version: 'v1' | 'v2'
  /** One number (a byte count), or key-value lines with an oom_kill count. */
  holds: 'peakBytes' | 'currentBytes' | 'counters'
}

/** Single-number files first in each version: the parser relies on that order. */
const FILES: CgroupFile[] = [
  { path: '/sys/fs/cgroup/memory.peak', version: 'v2', holds: 'peakBytes' },
  { path: '/sys/fs/cgroup/memory.current', version: 'v2', holds: 'currentBytes' },
  { path: '/sys/fs/cgroup/memory.events', version: 'v2', holds: 'counters' },
  { path: '/sys/fs/cgroup/memory/memory.max_usage_in_bytes', version: 'v1', holds: 'peakBytes' },
  { path: '/sys/fs/cgroup/memory/memory.usage_in_bytes', version: 'v1', holds: 'currentBytes' },
  { path: '/sys/fs/cgroup/memory/memory.oom_control', version: 'v1', holds: 'counters' },
]

export interface MemoryUsage {
  cgroup: 'v1' | 'v2'
  /** Highest use since the container started; undefined on cgroup v2 before Linux 5.19. */
  peakBytes?: number
  currentBytes?: number
  /** Processes the kernel killed for memory in the container (any of them: a worker too). */
  oomKills?: number
}

/** Every candidate file, in the order the parser expects them. */
export const MEMORY_FILES = FILES.map((file) => file.path)

/**
 * What `cat MEMORY_FILES` printed; undefined when neither version's files were there. A file
 * is missing when stderr names it (GNU and busybox cat both do); stderr may be merged into
 * stdout, as value lines name no path.
 */
export function parseMemoryUsage(stdout: string, stderr: string): MemoryUsage | undefined {
  const present = FILES.filter((file) => !stderr.includes(file.path))
  const version = present.find((file) => file.version === 'v2') ? 'v2' : 'v1'
  const files = present.filter((file) => file.version === version)
  if (files.length === 0) return undefined
  const lines = stdout.split('\n').map((line) => line.trim())
  const numbers = lines.filter((line) => /^\d+$/.test(line)).map(Number)
  const counters = new Map(
    lines
      .map((line) => /^(\w+) (\d+)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], Number(match[2])]),
  )
  const usage: MemoryUsage = { cgroup: version }
  for (const file of files) {
    if (file.holds === 'counters') {
      const kills = counters.get('oom_kill')
      if (kills !== undefined) usage.oomKills = kills
    } else {
      const value = numbers.shift()
      if (value !== undefined) usage[file.holds] = value
    }
  }
  // Nothing read (the exec itself failed, e.g. the container is gone): no usage, not zeros.
  return Object.keys(usage).length > 1 ? usage : undefined
}

/** The container's memory now; undefined when it cannot be read (the container is gone). */
export async function readMemoryUsage(
  docker: DockerClient,
  container: string,
): Promise<MemoryUsage | undefined> {
  try {
    const result = await docker.exec(container, ['cat', ...MEMORY_FILES])
    return parseMemoryUsage(result.stdout, result.stderr)
  } catch {
    return undefined
  }
}

/** The container's memory when it became live and over the whole smoke test. */
export interface MemoryReport {
  atLive?: MemoryUsage
  overall?: MemoryUsage
}

const NO_PEAK =
  "no peak: the engine's kernel has no memory.peak (cgroup v2 before Linux 5.19), so this is the use at that moment"

/** For the summary and the log: "peak 312 MiB when live, 318 MiB over the smoke test (cgroup v1)". */
export function describeMemory(report: MemoryReport): string | undefined {
  const { atLive, overall } = report
  const usage = overall ?? atLive
  if (!usage) return undefined
  const show = (item: MemoryUsage | undefined): string =>
    formatBytes((item?.peakBytes ?? item?.currentBytes) as number)
  const parts: string[] = []
  if (atLive && (atLive.peakBytes ?? atLive.currentBytes) !== undefined)
    parts.push(`${show(atLive)} when live`)
  if (overall && (overall.peakBytes ?? overall.currentBytes) !== undefined)
    parts.push(`${show(overall)} over the smoke test`)
  if (parts.length === 0) return undefined
  const peak = usage.peakBytes !== undefined
  return `${peak ? 'peak ' : 'in use '}${parts.join(', ')} (cgroup ${usage.cgroup}, page cache included${peak ? '' : `; ${NO_PEAK}`})`
}
