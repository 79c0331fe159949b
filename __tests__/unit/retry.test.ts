import { describe, expect, it } from '@jest/globals'
import { retry } from '../../src/docker/retry.js'

describe('retry', () => {
  it('backs off exponentially and gives up after the attempts', async () => {
    const delays: number[] = []
    let calls = 0
    await expect(
      retry(
        async () => {
          calls++
          throw new Error('timeout')
        },
        { attempts: 3, firstDelayMs: 100, sleep: async (ms) => void delays.push(ms) },
      ),
    ).rejects.toThrow('timeout')
    expect(calls).toBe(3)
    expect(delays).toEqual([100, 200])
  })

  it('does not retry a final error', async () => {
    let calls = 0
    await expect(
      retry(
        async () => {
          calls++
          throw Object.assign(new Error('denied'), { final: true })
        },
        { attempts: 5, firstDelayMs: 1, sleep: async () => undefined },
      ),
    ).rejects.toThrow('denied')
    expect(calls).toBe(1)
  })

  it('returns the first success', async () => {
    let calls = 0
    const value = await retry(async () => (++calls < 2 ? Promise.reject(new Error('x')) : 'ok'), {
      attempts: 3,
      firstDelayMs: 1,
      sleep: async () => undefined,
    })
    expect(value).toBe('ok')
  })

  it('tells before each wait, and not after the last attempt', async () => {
    const told: [number, string][] = []
    await expect(
      retry(async () => Promise.reject(new Error('busy')), {
        attempts: 3,
        firstDelayMs: 2000,
        sleep: async () => undefined,
        onRetry: (delayMs, error) => void told.push([delayMs, (error as Error).message]),
      }),
    ).rejects.toThrow('busy')
    expect(told).toEqual([
      [2000, 'busy'],
      [4000, 'busy'],
    ])
  })
})
