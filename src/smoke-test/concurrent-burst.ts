// A deployment with `request_settings.max_concurrent_requests_per_instance` above 1 sends that
// many scoring calls to one container at once. The images' server takes one request per
// gunicorn worker (WORKER_COUNT, 1 by default): the others wait, and the endpoint answers them
// 429 or times them out. So after the sequential latency probe, the same request is sent that
// many times at once; each answer must be the expected status within the request timeout.
import type { RequestTimeout } from './request-timeout.js'

export interface BurstAnswer {
  status?: number
  ms: number
  /** Why there was no answer. */
  error?: string
  body?: string
}

/** A burst is capped here: it checks concurrency, it is not a load test. */
const MAX_BURST = 64

export async function sendAtOnce(
  count: number,
  call: () => Promise<Omit<BurstAnswer, 'ms'>>,
  now: () => number = () => performance.now(),
): Promise<BurstAnswer[]> {
  return Promise.all(
    Array.from({ length: Math.min(count, MAX_BURST) }, async () => {
      const started = now()
      const answer = await call().catch((error: Error) => ({ error: error.message }))
      return { ...answer, ms: Math.round(now() - started) }
    }),
  )
}

/** Why the burst fails the deployment; undefined when every call answered in time. */
export function burstProblem(
  answers: BurstAnswer[],
  expectedStatus: number,
  concurrency: number,
  limit: RequestTimeout,
): string | undefined {
  const setting = `request_settings.max_concurrent_requests_per_instance is ${concurrency} (${limit.file})`
  const failed = answers
    .map((answer, index) => ({ ...answer, call: index + 1 }))
    .map((answer) => ({ answer, problem: answerProblem(answer, expectedStatus, limit) }))
    .filter((item) => item.problem !== undefined)
  if (failed.length === 0) return undefined
  const first = failed[0]
  return `${setting}, and of ${answers.length} POST /score sent at once, ${failed.length} failed (first: call ${first.answer.call} ${first.problem}): the server must serve that many at once; set WORKER_COUNT in environment_variables (the server runs WORKER_COUNT workers, 1 by default)`
}

function answerProblem(
  answer: BurstAnswer & { call: number },
  expectedStatus: number,
  limit: RequestTimeout,
): string | undefined {
  if (answer.status === undefined) return `got no answer (${answer.error ?? 'unknown error'})`
  if (answer.status !== expectedStatus) {
    return `answered ${answer.status}, expected ${expectedStatus}: ${(answer.body ?? '').slice(0, 200)}`
  }
  if (answer.ms > limit.ms) {
    return `answered after ${(answer.ms / 1000).toFixed(1)} s; request_settings.request_timeout_ms is ${limit.ms}`
  }
  return undefined
}
