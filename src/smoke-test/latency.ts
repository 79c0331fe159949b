// A small latency probe: N sequential scoring calls, summarised as nearest-rank percentiles.
// Sequential on purpose: it measures one request's path through nginx, gunicorn and run(),
// not the container's throughput.

export interface LatencySummary {
  requests: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}

/** Nearest-rank percentile of already sorted values. @internal (exported for its unit tests) */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values')
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

const roundMs = (ms: number): number => Math.round(ms * 10) / 10

export async function measureLatency(
  requests: number,
  call: () => Promise<void>,
  now: () => number = () => performance.now(),
): Promise<LatencySummary> {
  const durations: number[] = []
  for (let index = 0; index < requests; index++) {
    const started = now()
    await call()
    durations.push(now() - started)
  }
  durations.sort((a, b) => a - b)
  return {
    requests,
    p50Ms: roundMs(percentile(durations, 50)),
    p95Ms: roundMs(percentile(durations, 95)),
    maxMs: roundMs(durations[durations.length - 1]),
  }
}
