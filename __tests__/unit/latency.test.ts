import { describe, expect, it } from '@jest/globals'
import { measureLatency, percentile } from '../../src/smoke-test/latency.js'

describe('percentile (nearest rank)', () => {
  it.each([
    [[5], 50, 5],
    [[5], 95, 5],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50, 50],
  ])('%j p%d = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected)
  })

  it('refuses no values', () => {
    expect(() => percentile([], 50)).toThrow('no values')
  })
})

describe('measureLatency', () => {
  it('times each call in order and summarises them', async () => {
    // A clock that advances by the planned duration of each call.
    const durations = [3, 1, 2, 10, 4]
    let time = 0
    let call = 0
    const summary = await measureLatency(
      durations.length,
      async () => {
        time += durations[call++]
      },
      () => time,
    )
    expect(call).toBe(5)
    expect(summary).toEqual({ requests: 5, p50Ms: 3, p95Ms: 10, maxMs: 10 })
  })

  it('stops at the first failing call', async () => {
    let calls = 0
    await expect(
      measureLatency(5, async () => {
        if (++calls === 2) throw new Error('bad status')
      }),
    ).rejects.toThrow('bad status')
    expect(calls).toBe(2)
  })
})
