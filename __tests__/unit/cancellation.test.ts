// Cancellation: what runs is stopped before anything is removed, and a second signal cannot cut
// the cleanup short. (The real thing, signals to the action during a build, is in
// __tests__/integration/faults.test.ts.)
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { Leftovers, cleanupOnSignals } from '../../src/step/leftovers.js'
import { fakeDocker } from '../helpers/fake-docker.js'

afterEach(() => {
  jest.restoreAllMocks()
})

describe('cancellation', () => {
  it('stops running docker commands first, then removes containers and tags', async () => {
    const order: string[] = []
    const docker = fakeDocker({
      cancel: async () => void order.push('cancel'),
      remove: async (name) => void order.push(`remove ${name}`),
      untag: async (tags) => void order.push(`untag ${tags.join(',')}`),
    })
    const registry = new Leftovers(docker)
    registry.addContainer('c1')
    registry.addPendingTags(['a:1'])
    await registry.cleanup()
    expect(order).toEqual(['cancel', 'remove c1', 'untag a:1'])
  })

  it('a cleanup asked for while one runs shares it, and does not stop its commands', async () => {
    let release: () => void = () => {}
    const calls: string[] = []
    const docker = fakeDocker({
      cancel: async () => void calls.push('cancel'),
      untag: (tags) => {
        calls.push(`untag ${tags.join(',')}`)
        return new Promise<void>((resolve) => (release = resolve))
      },
    })
    const registry = new Leftovers(docker)
    registry.addPendingTags(['a:1'])
    const first = registry.cleanup()
    await new Promise((resolve) => setTimeout(resolve, 10))
    const second = registry.cleanup()
    expect(second).toBe(first)
    release()
    await Promise.all([first, second])
    expect(calls).toEqual(['cancel', 'untag a:1'])
  })

  it('cleans up once for SIGINT then SIGTERM, and exits with the first signal', async () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const exits: (string | number | null | undefined)[] = []
    jest.spyOn(process, 'exit').mockImplementation((code) => {
      exits.push(code)
      return undefined as never
    })
    let release: () => void = () => {}
    let cancels = 0
    const docker = fakeDocker({
      cancel: () => {
        cancels++
        return new Promise<void>((resolve) => (release = resolve))
      },
    })
    const stop = cleanupOnSignals(new Leftovers(docker))
    try {
      process.emit('SIGINT', 'SIGINT')
      process.emit('SIGTERM', 'SIGTERM')
      process.emit('SIGINT', 'SIGINT')
      expect(cancels).toBe(1)
      expect(exits).toEqual([])
      release()
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(exits).toEqual([130])
    } finally {
      stop()
    }
    expect(process.listenerCount('SIGTERM')).toBe(0)
  })
})
