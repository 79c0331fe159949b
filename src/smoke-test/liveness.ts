// Waiting for the server to become live while watching the container: a container that exits
// ends the wait at once, not after the timeout. Clock and sleep are injectable for tests.
import { errorMessage } from '../step/text.js'
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export type LivenessOutcome =
  | { kind: 'live'; afterMs: number }
  | { kind: 'exited'; exitCode: number; afterMs: number }
  | { kind: 'timeout'; afterMs: number; lastError?: string }

export interface LivenessWait {
  /** One probe; resolves true when live. Must bound itself to `timeoutMs`. */
  probe(timeoutMs: number): Promise<boolean>
  /** Settles when the container stops, with its exit code. */
  exited: Promise<number>
  timeoutMs: number
  /** How long one probe may take (default 500 ms); a deployment's probe timeout. */
  probeTimeoutMs?: number
  intervalMs: number
  clock?: Clock
}

const PROBE_TIMEOUT_MS = 500

export async function waitUntilLive(wait: LivenessWait): Promise<LivenessOutcome> {
  const clock = wait.clock ?? systemClock
  const start = clock.now()
  let exitCode: number | undefined
  void wait.exited.then((code) => (exitCode = code))
  let lastError: string | undefined
  for (;;) {
    const elapsed = clock.now() - start
    if (exitCode !== undefined) return { kind: 'exited', exitCode, afterMs: elapsed }
    if (elapsed >= wait.timeoutMs) return { kind: 'timeout', afterMs: elapsed, lastError }
    try {
      // Short probes: one that hangs (nginx waiting on a booting worker) must not hide a server
      // that is live by the next one.
      const limit = wait.probeTimeoutMs ?? PROBE_TIMEOUT_MS
      const probeTimeout = Math.max(1, Math.min(limit, wait.timeoutMs - elapsed))
      if (await wait.probe(probeTimeout)) return { kind: 'live', afterMs: clock.now() - start }
      lastError = undefined
    } catch (error) {
      lastError = errorMessage(error)
    }
    // Let a just-settled exit promise be seen before deciding to sleep.
    await Promise.resolve()
    if (exitCode === undefined) await clock.sleep(wait.intervalMs)
  }
}
