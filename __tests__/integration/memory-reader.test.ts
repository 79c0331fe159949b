// The memory reader against a real container of the stand-in: one `docker exec` answers every
// read with what a one-shot `docker exec cat` gives; a loop killed inside the container (as the
// oom killer would) leaves the reads to the one-shot exec; closing it leaves nothing behind.
// Then the whole action, its docker CLI wrapped to log each call: one exec for the memory, none
// per read, and the memory line still in the summary.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { execFileSync } from 'node:child_process'
import { runAction } from '../../scripts/run-action.mjs'
import { DockerCli, type InteractiveCommand } from '../../src/docker/docker.js'
import { END, MemoryReader } from '../../src/smoke-test/memory-reader.js'
import { readMemoryUsage } from '../../src/smoke-test/memory-usage.js'
import {
  actionContainers,
  docker,
  dockerStatus,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { ROOT } from '../helpers/local-pypi.js'

const RUN_ID = `memory-reader-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID
const CONTAINER = `memory-reader-test-${process.pid}`
const createdTags: string[] = []

/** Counts the one-shot and the interactive execs it is asked for. */
class CountingCli extends DockerCli {
  oneShots = 0
  interactive: InteractiveCommand[] = []
  exec(container: string, argv: string[]) {
    this.oneShots++
    return super.exec(container, argv)
  }
  execInteractive(container: string, argv: string[]) {
    const exec = super.execInteractive(container, argv)
    this.interactive.push(exec)
    return exec
  }
}

/** The pids of the reader's loop in the container (its script names the end marker; this one's too). */
async function loopPids(): Promise<string[]> {
  const find =
    'for p in /proc/[0-9]*; do [ "${p#/proc/}" != $$ ] && grep -q -- "$1" "$p/cmdline" 2>/dev/null && echo "${p#/proc/}"; done; true'
  const out = await docker(['exec', CONTAINER, 'sh', '-c', find, 'sh', END])
  return out.split('\n').filter(Boolean)
}

beforeAll(async () => {
  await requireEngineAndStandin()
  await docker(['run', '-d', '--name', CONTAINER, '--entrypoint', 'sleep', STANDIN_IMAGE, '600'])
}, 60_000)
afterAll(async () => {
  await dockerStatus(['rm', '--force', CONTAINER])
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

describe('the memory reader on a real container', () => {
  it('reads through one exec what a one-shot exec cat reads', async () => {
    const cli = new CountingCli()
    const reader = new MemoryReader(cli, CONTAINER)
    reader.start()
    try {
      const reads = [await reader.read(), await reader.read(), await reader.read()]
      expect(cli.oneShots).toBe(0)
      expect(cli.interactive).toHaveLength(1)
      const oneShot = await readMemoryUsage(cli, CONTAINER)
      expect(oneShot).toBeDefined()
      for (const usage of reads) {
        expect(usage).toEqual({
          cgroup: oneShot?.cgroup,
          ...(oneShot?.peakBytes === undefined ? {} : { peakBytes: expect.any(Number) }),
          currentBytes: expect.any(Number),
          oomKills: oneShot?.oomKills,
        })
        expect(usage?.currentBytes).toBeGreaterThan(0)
      }
    } finally {
      await reader.close()
    }
  })

  it('the loop killed in the container: the reads fall back to a one-shot exec', async () => {
    const cli = new CountingCli()
    const reader = new MemoryReader(cli, CONTAINER)
    reader.start()
    try {
      expect(await reader.read()).toMatchObject({ currentBytes: expect.any(Number) })
      const pids = await loopPids()
      expect(pids).toHaveLength(1)
      await docker(['exec', CONTAINER, 'sh', '-c', 'kill -9 "$@"', 'sh', ...pids])
      await cli.interactive[0].ended
      expect(await reader.read()).toMatchObject({ currentBytes: expect.any(Number) })
      expect(cli.oneShots).toBe(1)
    } finally {
      await reader.close()
    }
  })

  it('close ends the docker client and the loop, before the container is removed', async () => {
    const cli = new CountingCli()
    const reader = new MemoryReader(cli, CONTAINER)
    reader.start()
    await reader.read()
    expect(await loopPids()).toHaveLength(1)
    await reader.close()
    let ended = false
    await Promise.race([
      cli.interactive[0].ended.then(() => (ended = true)),
      new Promise((resolve) => setTimeout(resolve, 100)),
    ])
    expect(ended).toBe(true)
    expect(await loopPids()).toEqual([])
  })
})

describe('the action', () => {
  it('reads the memory through one exec, and the summary still says it', async () => {
    const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim()
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-log-'))
    const log = path.join(bin, 'calls')
    const wrapper = `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`
    fs.writeFileSync(path.join(bin, 'docker'), wrapper, { mode: 0o755 })
    try {
      createdTags.push('eai-test/memory:reader')
      const run = await runAction({
        inputs: {
          'base-image': STANDIN_IMAGE,
          'code-dir': 'apps/memory-hog',
          'entry-script': 'score.py',
          tags: 'eai-test/memory:reader',
          'sample-request': '"x"',
        },
        workspace: path.join(ROOT, '__tests__/fixtures'),
        env: { DOCKER_BUILDKIT: '0', PATH: `${bin}:${process.env.PATH}` },
      })
      expect(run.main.exitCode).toBe(0)
      expect(run.summary).toMatch(
        /<th>Memory<\/th><td>(peak|in use) [\d.]+ [KMG]iB when live, [\d.]+ [KMG]iB over the smoke test \(cgroup v[12]/,
      )
      const execs = fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => /(^| )exec /.test(line))
      expect(execs).toEqual([expect.stringMatching(/(^| )exec --interactive \S+ sh -c /)])
      expect(await actionContainers(RUN_ID)).toEqual([])
    } finally {
      fs.rmSync(bin, { recursive: true, force: true })
    }
  }, 300_000)
})
