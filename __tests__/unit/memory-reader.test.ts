// The memory reader's loop, run by a real sh through the real CommandRunner (no docker): `cat`
// is a script first on PATH that prints a fixture's stdout and stderr, or misbehaves as asked.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CommandRunner } from '../../src/docker/command.js'
import { MemoryReader } from '../../src/smoke-test/memory-reader.js'
import { MEMORY_FILES, parseMemoryUsage } from '../../src/smoke-test/memory-usage.js'
import type { InteractiveCommand } from '../../src/docker/docker.js'
import { fakeDocker } from '../helpers/fake-docker.js'
import { ROOT } from '../helpers/local-pypi.js'

const FIXTURES = path.join(ROOT, '__tests__/fixtures/cgroup')
const fixture = (name: string): [string, string] => [
  fs.readFileSync(path.join(FIXTURES, name, 'stdout'), 'utf8'),
  fs.readFileSync(path.join(FIXTURES, name, 'stderr'), 'utf8'),
]
/** What the one-shot `docker exec cat` gives for a fixture: the figures to match. */
const ONE_SHOT = { exitCode: 1, stdout: '9\n9\noom_kill 7\n', stderr: fixture('v1')[1] }

let bin = ''
beforeAll(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-reader-'))
  // FAKE_CAT: a fixture's name; `die` kills the loop's shell; `hang` never answers.
  const script = [
    '#!/bin/sh',
    'echo "$*" >> "$CAT_LOG"',
    'calls=$(wc -l < "$CAT_LOG")',
    'if [ "$FAKE_CAT" = die ] && [ "$calls" -ge 2 ]; then kill -9 $PPID; exit 1; fi',
    'if [ "$FAKE_CAT" = hang ]; then exec sleep 30; fi',
    'fixture=$FAKE_CAT; [ "$fixture" = die ] && fixture=v1',
    `/bin/cat "${FIXTURES}/$fixture/stdout"`,
    `/bin/cat "${FIXTURES}/$fixture/stderr" >&2`,
    'exit 1',
  ].join('\n')
  fs.writeFileSync(path.join(bin, 'cat'), `${script}\n`, { mode: 0o755 })
})

const runner = new CommandRunner()
const started: InteractiveCommand[] = []
afterEach(async () => {
  await runner.stopAll(200)
})
afterAll(() => {
  fs.rmSync(bin, { recursive: true, force: true })
})

/** A DockerClient whose interactive exec runs the argv here, with the fake cat first on PATH. */
function localDocker(fakeCat: string, program?: string) {
  const log = path.join(bin, `calls-${fakeCat}-${Date.now()}-${Math.random()}`)
  fs.writeFileSync(log, '')
  const oneShots: string[][] = []
  const interactive: string[][] = []
  const docker = fakeDocker({
    exec: async (container, argv) => {
      oneShots.push([container, ...argv])
      return ONE_SHOT
    },
    execInteractive: (container, argv) => {
      interactive.push([container, ...argv])
      const env = [`PATH=${bin}:${process.env.PATH}`, `FAKE_CAT=${fakeCat}`, `CAT_LOG=${log}`]
      const exec = runner.interactive('env', [...env, program ?? argv[0], ...argv.slice(1)])
      started.push(exec)
      return exec
    },
  })
  const catCalls = (): string[] => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)
  return { docker, oneShots, interactive, catCalls }
}

describe('MemoryReader', () => {
  it.each(['v1', 'v2', 'v2-no-peak'])(
    '%s: each read through the one exec gives what a one-shot cat gives',
    async (name) => {
      const { docker, oneShots, interactive, catCalls } = localDocker(name)
      const reader = new MemoryReader(docker, 'c1')
      reader.start()
      const expected = parseMemoryUsage(...fixture(name))
      expect(expected).toBeDefined()
      for (let read = 0; read < 3; read++) expect(await reader.read()).toEqual(expected)
      expect(oneShots).toEqual([])
      expect(interactive).toEqual([['c1', 'sh', '-c', expect.any(String), 'sh', ...MEMORY_FILES]])
      // The files are the shell's arguments, passed as they are, never its script.
      expect(catCalls()).toEqual([1, 2, 3].map(() => MEMORY_FILES.join(' ')))
      await reader.close()
    },
  )

  it('reads asked at once are answered in turn, each its own', async () => {
    const { docker, oneShots, catCalls } = localDocker('v2')
    const reader = new MemoryReader(docker, 'c1')
    reader.start()
    const answers = await Promise.all([reader.read(), reader.read(), reader.read()])
    expect(answers).toEqual([1, 2, 3].map(() => parseMemoryUsage(...fixture('v2'))))
    expect(catCalls()).toHaveLength(3)
    expect(oneShots).toEqual([])
    await reader.close()
  })

  it('no sh in the image: every read falls back to a one-shot exec cat', async () => {
    const { docker, oneShots } = localDocker('v1', '/nonexistent/sh')
    const reader = new MemoryReader(docker, 'c1')
    reader.start()
    await started.at(-1)?.ended
    const began = Date.now()
    expect(await reader.read()).toEqual(parseMemoryUsage(ONE_SHOT.stdout, ONE_SHOT.stderr))
    expect(Date.now() - began).toBeLessThan(1500)
    expect(await reader.read()).toEqual({
      cgroup: 'v1',
      peakBytes: 9,
      currentBytes: 9,
      oomKills: 7,
    })
    expect(oneShots).toEqual([1, 2].map(() => ['c1', 'cat', ...MEMORY_FILES]))
    await reader.close()
  })

  it('the loop killed between reads (the oom killer): the read falls back, and the next', async () => {
    const { docker, oneShots } = localDocker('die')
    const reader = new MemoryReader(docker, 'c1')
    reader.start()
    expect(await reader.read()).toEqual(parseMemoryUsage(...fixture('v1')))
    const fallback = parseMemoryUsage(ONE_SHOT.stdout, ONE_SHOT.stderr)
    const began = Date.now()
    expect(await reader.read()).toEqual(fallback)
    expect(Date.now() - began).toBeLessThan(1500) // its end is noticed: no wait for the 3 s timeout
    expect(await reader.read()).toEqual(fallback)
    expect(oneShots).toHaveLength(2)
    await reader.close()
  })

  it('no answer in time: the read falls back, the exec is stopped, later reads go one-shot', async () => {
    const { docker, oneShots } = localDocker('hang')
    const reader = new MemoryReader(docker, 'c1', 300)
    reader.start()
    const began = Date.now()
    expect(await reader.read()).toEqual(parseMemoryUsage(ONE_SHOT.stdout, ONE_SHOT.stderr))
    expect(Date.now() - began).toBeLessThan(2000)
    expect(oneShots).toHaveLength(1)
    await started.at(-1)?.ended // stopped, not left to hang on
    await reader.read()
    expect(oneShots).toHaveLength(2)
  })

  it('close ends the docker client at once, reads after it go one-shot', async () => {
    const { docker, oneShots } = localDocker('v1')
    const reader = new MemoryReader(docker, 'c1')
    reader.start()
    await reader.read()
    let ended = false
    void started.at(-1)?.ended.then(() => (ended = true))
    const began = Date.now()
    await reader.close()
    await new Promise((resolve) => setImmediate(resolve))
    expect(ended).toBe(true)
    expect(Date.now() - began).toBeLessThan(400) // stdin closed: no wait for the SIGTERM
    expect(runner.count).toBe(0)
    await reader.read()
    expect(oneShots).toHaveLength(1)
  })
})
