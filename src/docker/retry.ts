// Bounded retries with exponential backoff; the sleep is injectable so tests need no real time.
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

/** Retries `action`; an error carrying `final: true` is not retried. */
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
