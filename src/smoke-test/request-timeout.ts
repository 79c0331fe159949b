// A deployment's `request_settings.request_timeout_ms`: the endpoint answers a scoring call that
// takes longer with an error, whatever run() returns later. Every case's POST /score, and the
// latency probe's p95, are held to it; the call itself may run longer, so the message can say
// how long run() really took.
import type { LatencySummary } from './latency.js'

export interface RequestTimeout {
  ms: number
  /** The deployment file, as messages name it. */
  file: string
}

const SETTING = 'request_settings.request_timeout_ms'

function setting(limit: RequestTimeout): string {
  return `${SETTING} is ${limit.ms} (${limit.file})`
}

/** How long the client waits for an answer: well past the limit, to tell how late it is. */
export function scoreCallTimeoutMs(fallbackMs: number, limit?: RequestTimeout): number {
  if (!limit) return fallbackMs
  return Math.max(2 * limit.ms, limit.ms + 10_000)
}

/** Why a call that answered after `ms` fails the deployment; undefined when in time. */
export function lateAnswer(
  caseName: string,
  ms: number,
  limit?: RequestTimeout,
): string | undefined {
  if (!limit || ms <= limit.ms) return undefined
  return `case ${caseName}: POST /score answered after ${(ms / 1000).toFixed(1)} s; ${setting(limit)}`
}

/** What to add to "got no answer" when a deployment limits the call. */
export function noAnswerNote(limit?: RequestTimeout): string {
  return limit ? `; ${setting(limit)}` : ''
}

export function slowP95(latency: LatencySummary, limit?: RequestTimeout): string | undefined {
  if (!limit || latency.p95Ms <= limit.ms) return undefined
  return `the latency probe's p95 is ${latency.p95Ms} ms over ${latency.requests} calls; ${setting(limit)}`
}
