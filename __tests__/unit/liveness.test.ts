import { describe, expect, it } from '@jest/globals'
import { waitUntilLive, type Clock } from '../../src/smoke-test/liveness.js'

function fakeClock(): Clock & { slept: number[] } {
  let now = 0
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
  }
}

const never = new Promise<number>(() => undefined)

describe('waitUntilLive', () => {
  it('returns as soon as a probe says live', async () => {
    const clock = fakeClock()
    let calls = 0
    const outcome = await waitUntilLive({
      probe: async () => ++calls === 3,
      exited: never,
      timeoutMs: 10_000,
      intervalMs: 50,
      clock,
    })
    expect(outcome).toEqual({ kind: 'live', afterMs: 100 })
    expect(clock.slept).toEqual([50, 50])
  })

  it('stops at once when the container exits, with its code', async () => {
    const clock = fakeClock()
    const outcome = await waitUntilLive({
      probe: async () => false,
      exited: Promise.resolve(3),
      timeoutMs: 300_000,
      intervalMs: 50,
      clock,
    })
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 3 })
    expect(clock.now()).toBeLessThanOrEqual(50)
  })

  it('times out with the last probe error, never probing past the deadline', async () => {
    const clock = fakeClock()
    const timeouts: number[] = []
    const outcome = await waitUntilLive({
      probe: async (timeoutMs) => {
        timeouts.push(timeoutMs)
        throw new Error('ECONNRESET')
      },
      exited: never,
      timeoutMs: 1000,
      intervalMs: 300,
      clock,
    })
    expect(outcome).toEqual({ kind: 'timeout', afterMs: 1200, lastError: 'ECONNRESET' })
    expect(timeouts).toEqual([500, 500, 400, 100])
  })
})
