// Bounded retries with exponential backoff; the sleep is injectable so tests need no real time.
// Pulls and pushes share one loop: classify the failure, retry what is transient, say so.
import { printInert } from '../step/inert-log.js'
import { lastLines } from '../step/text.js'
import type { CommandResult } from './command.js'

export interface RetryOptions {
  attempts: number
  firstDelayMs: number
  sleep?: (ms: number) => Promise<void>
  /** Told before each wait, e.g. to log that a retry is coming. */
  onRetry?: (delayMs: number, error: unknown) => void
}

/** @internal (exported for its unit tests) */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

/** Retries `action`; an error carrying `final: true` is not retried. @internal (exported for its unit tests) */
export async function retry<T>(action: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep
  let delay = options.firstDelayMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await action()
    } catch (error) {
      const final = (error as { final?: boolean }).final === true
      if (final || attempt >= options.attempts) throw error
      options.onRetry?.(delay, error)
      await wait(delay)
      delay *= 2
    }
  }
}

/** One pull or push against a registry, retried by `retryRegistryCommand`. */
export interface RegistryCommand {
  /** "Pulling x" / "Pushing x": how the retry line starts. */
  doing: string
  attempts: number
  run: () => Promise<CommandResult>
  /** Network and registry trouble pass; a wrong name, a denial or a cancellation do not. */
  isTransient: (result: CommandResult, output: string) => boolean
  /** The error of a failed attempt (its number given), thrown when it is not retried. */
  failure: (result: CommandResult, output: string, attempt: number) => Error
  sleep?: RetryOptions['sleep']
}

/**
 * Runs a registry command until it succeeds, a failure is not transient, or the attempts are
 * used. Before each retry it says so with the registry's last line, printed inert: the
 * registry's words are not the action's.
 */
export async function retryRegistryCommand(command: RegistryCommand): Promise<void> {
  let attempt = 0
  let lastLine = ''
  await retry(
    async () => {
      attempt++
      const result = await command.run()
      if (result.exitCode === 0) return
      const output = lastLines(result.stderr || result.stdout, 5)
      lastLine = output.split('\n').pop() ?? ''
      const error = command.failure(result, output, attempt)
      throw command.isTransient(result, output) ? error : Object.assign(error, { final: true })
    },
    {
      attempts: command.attempts,
      firstDelayMs: 2000,
      sleep: command.sleep,
      onRetry: (delayMs) =>
        printInert(
          `${command.doing} failed (attempt ${attempt} of ${command.attempts}: ${lastLine}); retrying in ${delayMs / 1000} s`,
        ),
    },
  )
}
