import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  describeMemory,
  MEMORY_FILES,
  parseMemoryUsage,
  readMemoryUsage,
} from '../../src/smoke-test/memory-usage.js'
import { fakeDocker } from '../helpers/fake-docker.js'
import { ROOT } from '../helpers/local-pypi.js'

const FIXTURES = path.join(ROOT, '__tests__/fixtures/cgroup')
const fixture = (name: string): [string, string] => [
  fs.readFileSync(path.join(FIXTURES, name, 'stdout'), 'utf8'),
  fs.readFileSync(path.join(FIXTURES, name, 'stderr'), 'utf8'),
]

describe('parseMemoryUsage', () => {
  it.each([
    ['v1', { cgroup: 'v1', peakBytes: 4083712, currentBytes: 684032, oomKills: 0 }],
    ['v2', { cgroup: 'v2', peakBytes: 362151936, currentBytes: 358612992, oomKills: 3 }],
    // Before Linux 5.19: no peak, only the use at that moment.
    ['v2-no-peak', { cgroup: 'v2', currentBytes: 358612992, oomKills: 0 }],
  ])('%s', (name, usage) => {
    expect(parseMemoryUsage(...fixture(name))).toEqual(usage)
  })

  it('nothing read (the container is gone): undefined, not zeros', () => {
    expect(
      parseMemoryUsage('', 'Error response from daemon: Container abc is not running'),
    ).toBeUndefined()
    const allMissing = MEMORY_FILES.map((file) => `cat: ${file}: No such file or directory`)
    expect(parseMemoryUsage('', allMissing.join('\n'))).toBeUndefined()
  })
})

describe('readMemoryUsage', () => {
  it('reads every candidate file in one exec, through the engine', async () => {
    const [stdout, stderr] = fixture('v1')
    const calls: string[][] = []
    const docker = fakeDocker({
      exec: async (container, argv) => {
        calls.push([container, ...argv])
        return { exitCode: 1, stdout, stderr }
      },
    })
    expect(await readMemoryUsage(docker, 'c1')).toMatchObject({ cgroup: 'v1', peakBytes: 4083712 })
    expect(calls).toEqual([['c1', 'cat', ...MEMORY_FILES]])
  })
})

describe('describeMemory', () => {
  it('peaks when live and over the smoke test', () => {
    expect(
      describeMemory({
        atLive: { cgroup: 'v2', peakBytes: 340.5 * 1024 ** 2 },
        overall: { cgroup: 'v2', peakBytes: 1.5 * 1024 ** 3 },
      }),
    ).toBe('peak 340.5 MiB when live, 1.5 GiB over the smoke test (cgroup v2, page cache included)')
  })

  it('without memory.peak: the use at those moments, and why', () => {
    expect(
      describeMemory({
        atLive: { cgroup: 'v2', currentBytes: 100 * 1024 ** 2 },
        overall: { cgroup: 'v2', currentBytes: 120 * 1024 ** 2 },
      }),
    ).toMatch(
      /^in use 100 MiB when live, 120 MiB over the smoke test \(cgroup v2, page cache included; no peak: the engine's kernel has no memory.peak \(cgroup v2 before Linux 5.19\)/,
    )
  })

  it('nothing read: nothing said', () => {
    expect(describeMemory({})).toBeUndefined()
  })
})
