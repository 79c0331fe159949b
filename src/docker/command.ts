// Runs a program from an argv array (never through a shell), collects its output and hands each
// line to a listener. Commands still running can be stopped together: on cancellation a
// `docker build` must not outlive the step, or it would finish and tag an image afterwards.
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process'
import { constants } from 'node:os'
import type { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'

export interface CommandResult {
  exitCode: number
  /** Set when the process was ended by a signal (its exit code is then 128 + the number). */
  signal?: NodeJS.Signals
  stdout: string
  stderr: string
}

export type LineListener = (line: string) => void

/** A program left running to be talked to: lines to its stdin, answers on its stdout. */
export interface InteractiveCommand {
  /** Writes to its stdin (nothing happens once it has ended). */
  write(text: string): void
  /** Hands each piece of its stdout, as it comes, to `listener`. */
  onOutput(listener: (text: string) => void): void
  /** Settles when it has ended, whatever the reason (never started included); never rejects. */
  readonly ended: Promise<void>
  /**
   * Closes its stdin (a program reading it ends by itself), then SIGTERM and SIGKILL a grace
   * period apart for one that does not: resolves once it has ended or was sent SIGKILL.
   */
  stop(graceMs?: number): Promise<void>
}

/** The program could not be started at all (not installed, not on PATH, not executable). */
export class CommandNotStarted extends Error {
  constructor(
    readonly command: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`${command} could not be started (${code ?? String(cause)})`, { cause })
    this.name = 'CommandNotStarted'
  }
}

function lineSplitter(onLine: LineListener | undefined): { push(text: string): void; end(): void } {
  let pending = ''
  return {
    push(text) {
      if (!onLine) return
      pending += text
      const lines = pending.split(/\r?\n/)
      pending = lines.pop() ?? ''
      for (const line of lines) onLine(line)
    },
    end() {
      if (onLine && pending !== '') onLine(pending)
      pending = ''
    },
  }
}

// After the process exits, how long its output may stay open (a helper it started may hold it).
const STREAMS_GRACE_MS = 2000

/**
 * Process groups are POSIX (Linux, macOS). On Windows (the CLI with Docker Desktop) a program is
 * started and signalled alone: there is no group to give it, and `kill -pid` means nothing.
 */
function processGroups(): boolean {
  return process.platform !== 'win32'
}

/** Signals the process and its own children (a CLI plugin such as buildx), as one group. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!processGroups() || child.pid === undefined) {
    child.kill(signal)
    return
  }
  try {
    process.kill(-child.pid, signal)
  } catch {
    child.kill(signal) // the group is already gone, or was never formed
  }
}

export class CommandRunner {
  private readonly running = new Set<ChildProcess>()

  /**
   * `signal` stops it (SIGTERM): for a command that runs until it is no longer wanted.
   * `env`: the program's whole environment (default: this process's).
   */
  run(
    command: string,
    args: string[],
    onLine?: LineListener,
    options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
  ): Promise<CommandResult> {
    return this.start(command, args, { onLine, ...options })
  }

  /**
   * Runs a program with `input` as its standard input (`docker run -i`: what the container reads
   * travels through the engine, so a remote engine works too). `signal` stops it early.
   */
  runWithInput(
    command: string,
    args: string[],
    input: string,
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    return this.start(command, args, { input, signal })
  }

  /**
   * Starts a program that keeps running and is talked to through its stdin (`docker exec -i`).
   * It holds no reference on the event loop: a caller that forgets to stop it does not keep
   * this process alive (and stopAll still ends it).
   */
  interactive(command: string, args: string[], graceMs = 500): InteractiveCommand {
    const listeners: ((text: string) => void)[] = []
    let child: ChildProcess | undefined
    const result = this.start(command, args, {
      keepInput: true,
      consume: (stdout, spawned) => {
        child = spawned
        spawned.unref()
        for (const stream of [spawned.stdin, stdout, spawned.stderr])
          (stream as Partial<Socket> | null)?.unref?.()
        stdout.setEncoding('utf8').on('data', (text: string) => {
          for (const listener of listeners) listener(text)
        })
        return new Promise((resolve) => stdout.once('close', resolve))
      },
    })
    const ended = result.then(
      () => undefined,
      () => undefined,
    )
    const exited = (ms: number): Promise<boolean> =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms)
        void ended.then(() => {
          clearTimeout(timer)
          resolve(true)
        })
      })
    return {
      write: (text) => {
        if (child?.stdin?.writable) child.stdin.write(text)
      },
      onOutput: (listener) => void listeners.push(listener),
      ended,
      stop: async (grace = graceMs) => {
        if (!child) return
        child.stdin?.end()
        if (await exited(grace)) return
        signalGroup(child, 'SIGTERM')
        if (await exited(grace)) return
        signalGroup(child, 'SIGKILL')
      },
    }
  }

  /**
   * Runs a program whose standard output is data (`docker save`): `consume` reads it as a
   * stream, nothing of it is kept in memory here. If `consume` fails, the program is stopped;
   * its failure is returned with the program's result, for the caller to tell which came first
   * (a program that fails cuts its output short; a reader that fails breaks the program's pipe).
   * `signal` stops the program when its output is no longer wanted.
   */
  async pipeOut<T>(
    command: string,
    args: string[],
    consume: (stdout: Readable) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<{ result: CommandResult; value?: T; failure?: unknown }> {
    let value: T | undefined
    let failure: { error: unknown } | undefined
    // Stopped from outside (its output is no longer wanted): the program ends, its output
    // with it, and the result says by which signal.
    const result = await this.start(command, args, {
      signal,
      consume: async (stdout, child) => {
        try {
          value = await consume(stdout)
        } catch (error) {
          failure = { error }
          signalGroup(child, 'SIGTERM')
          stdout.resume() // let it end even if the program ignores the signal for a while
        }
      },
    })
    return failure ? { result, failure: failure.error } : { result, value }
  }

  private start(
    command: string,
    args: string[],
    how: {
      onLine?: LineListener
      consume?: (stdout: Readable, child: ChildProcess) => Promise<void>
      input?: string
      /** Leave its stdin open for the caller (see interactive). */
      keepInput?: boolean
      signal?: AbortSignal
      env?: NodeJS.ProcessEnv
    },
  ): Promise<CommandResult> {
    const { onLine, consume, input, keepInput, signal, env } = how
    return new Promise((resolve, reject) => {
      // A group of its own, so that stopping it reaches whatever it started (on Windows,
      // detached would mean a console of its own instead).
      const child = spawn(command, args, {
        stdio: [input === undefined && !keepInput ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        shell: false,
        detached: processGroups(),
        env: env ?? process.env,
      }) as ChildProcessByStdio<Writable | null, Readable, Readable>
      this.running.add(child)
      // A program that exits without reading all of it breaks the pipe: its exit code tells.
      child.stdin?.on('error', () => undefined)
      if (input !== undefined) child.stdin?.end(input)
      if (signal) {
        const stop = (): void => signalGroup(child, 'SIGTERM')
        if (signal.aborted) stop()
        signal.addEventListener('abort', stop, { once: true })
        child.once('exit', () => signal.removeEventListener('abort', stop))
      }
      let stdout = ''
      let stderr = ''
      const out = lineSplitter(onLine)
      const err = lineSplitter(onLine)
      const consumed = consume ? consume(child.stdout, child) : Promise.resolve()
      if (!consume) {
        child.stdout.setEncoding('utf8').on('data', (text: string) => {
          stdout += text
          out.push(text)
        })
      }
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr += text
        err.push(text)
      })
      child.once('error', (error: NodeJS.ErrnoException) => {
        this.running.delete(child)
        // Only a spawn failure reaches here before 'close'; a running child reports on 'close'.
        if (child.pid === undefined) reject(new CommandNotStarted(command, error.code, error))
      })
      child.once('exit', () => {
        const timer = setTimeout(() => {
          child.stdout.destroy()
          child.stderr.destroy()
        }, STREAMS_GRACE_MS)
        child.once('close', () => clearTimeout(timer))
      })
      child.once('close', (code, signal) => {
        this.running.delete(child)
        out.end()
        err.end()
        if (child.pid === undefined) return
        const result = {
          exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
          signal: signal ?? undefined,
          stdout,
          stderr,
        }
        consumed.then(() => resolve(result), reject)
      })
    })
  }

  /** Commands started and not yet ended. */
  get count(): number {
    return this.running.size
  }

  /**
   * Stops every running command: SIGTERM (the docker CLI then cancels its request, and the
   * daemon stops the build), SIGKILL after `graceMs`. Resolves once all of them have ended.
   */
  async stopAll(graceMs = 5000): Promise<void> {
    const children = [...this.running]
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs)
            child.once('exit', () => {
              clearTimeout(timer)
              resolve()
            })
            signalGroup(child, 'SIGTERM')
          }),
      ),
    )
  }
}
