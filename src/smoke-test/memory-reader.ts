// Reads the container's memory through one `docker exec` left running for the whole smoke test:
// a POSIX sh loop that cats the cgroup files each time it reads a line, then prints an end
// marker. A round trip costs a few ms where a `docker exec cat` of its own costs 70-100 ms (the
// CLI's start and the exec's setup), and the read when live lies between liveness and POST
// /score. The shell runs in the container's cgroup, so it adds a few hundred KiB to what is
// counted (its own memory, and each cat's while it runs), as the one-shot cat exec did for a
// moment. When the loop is not there (no sh in the image, the container exited, the kernel
// killed it for memory) or does not answer in time, that read falls back to a one-shot exec.
import type { DockerClient, InteractiveCommand } from '../docker/docker.js'
import {
  MEMORY_FILES,
  parseMemoryUsage,
  readMemoryUsage,
  type MemoryUsage,
} from './memory-usage.js'

/** @internal (exported for its tests) */
export const END = '--end-of-memory-files--'
/**
 * A constant: the files are its arguments ("$@"), never shell text. cat's errors, which name
 * the missing files, are merged into stdout so that they arrive before the marker; the parser
 * tells them apart, as value lines name no path. The `echo` ends a file that lacks a newline.
 */
const LOOP = `while read -r _; do cat "$@" 2>&1; echo; echo ${END}; done`
const READ_TIMEOUT_MS = 3000

export class MemoryReader {
  private exec: InteractiveCommand | undefined
  private output = ''
  private waiting: ((text: string | undefined) => void) | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly docker: DockerClient,
    private readonly container: string,
    private readonly timeoutMs = READ_TIMEOUT_MS,
  ) {}

  /** Starts the loop, in the background: the first read waits for it if it is not up yet. */
  start(): void {
    if (this.exec) return
    const exec = this.docker.execInteractive(this.container, [
      'sh',
      '-c',
      LOOP,
      'sh',
      ...MEMORY_FILES,
    ])
    this.exec = exec
    exec.onOutput((text) => {
      this.output += text
      this.answer()
    })
    void exec.ended.then(() => {
      if (this.exec !== exec) return
      this.exec = undefined
      this.waiting?.(undefined)
    })
  }

  /** The container's memory now; undefined when it cannot be read (the container is gone). */
  read(): Promise<MemoryUsage | undefined> {
    const next = this.queue.then(() => this.readOnce())
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Ends the loop's docker client; call it before the container is removed. */
  async close(): Promise<void> {
    const exec = this.exec
    this.exec = undefined
    this.waiting?.(undefined)
    await exec?.stop()
  }

  private async readOnce(): Promise<MemoryUsage | undefined> {
    const text = this.exec ? await this.ask(this.exec) : undefined
    if (text === undefined) return readMemoryUsage(this.docker, this.container)
    return parseMemoryUsage(text, text)
  }

  private ask(exec: InteractiveCommand): Promise<string | undefined> {
    return new Promise((resolve) => {
      const finish = (text: string | undefined): void => {
        clearTimeout(timer)
        this.waiting = undefined
        resolve(text)
      }
      const timer = setTimeout(() => {
        // Its answer, should it come late, would be taken for the next read's: it goes.
        if (this.exec === exec) this.exec = undefined
        void exec.stop()
        finish(undefined)
      }, this.timeoutMs)
      this.waiting = finish
      exec.write('\n')
      this.answer()
    })
  }

  private answer(): void {
    const marker = `\n${END}\n`
    const at = this.output.indexOf(marker)
    if (at < 0 || !this.waiting) return
    const text = this.output.slice(0, at)
    this.output = this.output.slice(at + marker.length)
    this.waiting(text)
  }
}
