// Watching the smoke-test container for processes the kernel kills for memory. In these images
// the kernel kills the gunicorn worker, not the container: gunicorn logs "Worker ... was sent
// SIGKILL! Perhaps out of memory?" and boots another, which dies again, and the container
// stays up. So the container's exit says nothing: docker's oom events (one per kill, started
// with the container) end the liveness wait at the first kill, and the cgroup's own oom_kill
// counter, read when something failed and at the end, catches a kill whose event is late.
import type { DockerClient } from '../docker/docker.js'
import { describeMemoryLimit, type ContainerResources } from './container-resources.js'
import type { MemoryUsage } from './memory-usage.js'
import { MemoryReader } from './memory-reader.js'

/** What the liveness wait gets instead of an exit code when a process was killed for memory. */
const KILLED_FOR_MEMORY = -137

export class OomWatch {
  private events = 0
  private counted = 0
  private readonly stopping = new AbortController()
  private readonly watching: Promise<void>
  private startedAt = Date.now()
  /** Settles at the first kill seen in docker's events. */
  private readonly firstEvent: Promise<void>
  private readonly memory: MemoryReader

  constructor(docker: DockerClient, container: string) {
    this.memory = new MemoryReader(docker, container)
    let seen: () => void = () => undefined
    this.firstEvent = new Promise((resolve) => (seen = resolve))
    const onOom = (): void => {
      this.events++
      seen()
    }
    // A watch that cannot run (an engine without events) leaves the cgroup counter to tell.
    this.watching = docker
      .watchOomEvents(container, onOom, this.stopping.signal)
      .catch(() => undefined)
  }

  /**
   * Marks the start of the container: the time a failure gives is counted from here, and the
   * memory reader's exec starts (in the background: liveness does not wait for it).
   */
  started(): void {
    this.startedAt = Date.now()
    this.memory.start()
  }

  get kills(): number {
    return Math.max(this.events, this.counted)
  }

  /** The container's exit code, or KILLED_FOR_MEMORY at the first kill, whichever comes first. */
  exitOrKill(exited: Promise<number>): Promise<number> {
    return Promise.race([exited, this.firstEvent.then(() => KILLED_FOR_MEMORY)])
  }

  /** Reads the container's memory now, counting the kills its cgroup has seen. */
  async recount(): Promise<MemoryUsage | undefined> {
    const usage = await this.memory.read()
    if (usage?.oomKills !== undefined) this.counted = Math.max(this.counted, usage.oomKills)
    return usage
  }

  /**
   * Why the smoke test failed when a process was killed for memory; undefined when none was.
   * The reason comes first: it is what the user must change.
   */
  failure(
    phase: 'init()' | 'run()',
    resources: ContainerResources | undefined,
  ): string | undefined {
    if (this.kills === 0) return undefined
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1)
    const times = this.kills === 1 ? 'once' : `${this.kills} times`
    const consequence =
      phase === 'init()'
        ? 'gunicorn boots another worker, whose init() is killed again, so the server never becomes live'
        : 'the request it served got no answer, and gunicorn boots another worker, which runs init() again'
    return [
      `Smoke test failed: ${phase} was killed for memory: ${describeMemoryLimit(resources)}.`,
      `The kernel killed a process of the container for memory (${times} in ${seconds} s since it started): ${consequence}.`,
      `Give the container more memory (the memory input, or a larger instance_type) or make ${phase} use less.`,
    ].join(' ')
  }

  /** Ends the event watch and the memory reader's exec: before the container is removed. */
  async stop(): Promise<void> {
    this.stopping.abort()
    await Promise.all([this.watching, this.memory.close()])
  }
}
