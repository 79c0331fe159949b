// The smoke-test container held to the memory and CPUs a deployment would give it: an init()
// or run() over the limit is killed by the kernel (the worker, not the container) and fails the
// smoke test, named as such and at once; a passing run reports its peak memory; CPUs above the
// engine's count are capped and said. Real containers of an image built FROM the stand-in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  docker,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { ROOT } from '../helpers/local-pypi.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

const RUN_ID = `memory-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID
const FIXTURES = path.join(ROOT, '__tests__/fixtures')
const MiB = 1024 * 1024
const createdTags = new Set<string>()
let engineCpus = 0

beforeAll(async () => {
  await requireEngineAndStandin()
  engineCpus = Number(await docker(['info', '--format', '{{.NCPU}}']))
}, 60_000)
afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})
afterAll(async () => {
  if (createdTags.size > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

function runHog(tag: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    inputs: {
      'base-image': STANDIN_IMAGE,
      'code-dir': 'apps/memory-hog',
      'entry-script': 'score.py',
      tags: `eai-test/memory:${tag}`,
      'startup-timeout': '300',
      ...inputs,
    },
    workspace: FIXTURES,
    env: { DOCKER_BUILDKIT: '0' },
  })
}

function errorsOf(run: ActionRun): string[] {
  return obeyedCommands(run.main.stdout)
    .filter((command) => command.name === 'error')
    .map((command) => command.line)
}

async function expectFailure(run: ActionRun, tag: string): Promise<string> {
  expect(run.main.exitCode).toBe(1)
  const errors = errorsOf(run)
  expect(errors).toHaveLength(1)
  expect(run.outputs.image).toBeUndefined()
  expect(await imageExists(`eai-test/memory:${tag}`)).toBe(false)
  expectNothingLeftInTemp(run)
  return errors[0]
}

interface Limits {
  memory: string | null
  swap: string | null
  cpu: string | null
  quota: string | null
  period: string | null
}

/** CPUs as the container's cgroup allows them (v1 quota/period, v2 cpu.max). */
function cgroupCpus(limits: Limits): number {
  const [quota, period] = limits.cpu ? limits.cpu.split(' ') : [limits.quota, limits.period]
  return Number(quota) / Number(period)
}

describe('memory', () => {
  it('an init() over the memory limit fails as killed for memory, at once', async () => {
    const started = Date.now()
    const run = await runHog('init-oom', { memory: '150m', env: 'INIT_MB=300' })
    const line = await expectFailure(run, 'init-oom')
    expect(line).toMatch(
      /::error::Smoke test failed: init\(\) was killed for memory: the limit is 150 MiB \(memory input\)\./,
    )
    expect(line).toContain('Last lines of the container log')
    // The first kill ends the wait: not the 300 s startup-timeout.
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(run.summary).toContain('init() was killed for memory')
  })

  it('without the limit the same init() passes, its peak memory reported above what it took', async () => {
    createdTags.add('eai-test/memory:no-limit')
    const run = await runHog('no-limit', { env: 'INIT_MB=300', 'sample-request': '"hello"' })
    expect(run.main.exitCode).toBe(0)
    const metadata = JSON.parse(run.outputs.metadata)
    expect(metadata.memory.cgroup).toMatch(/^v[12]$/)
    expect(metadata.memory.peakAtLiveBytes).toBeGreaterThan(300 * MiB)
    expect(metadata.memory.peakBytes).toBeGreaterThanOrEqual(metadata.memory.peakAtLiveBytes)
    expect(metadata.resources).toBeUndefined()
    const peakMiB = (metadata.memory.peakAtLiveBytes / MiB).toFixed(1).replace(/\.0$/, '')
    expect(run.summary).toContain(`<th>Memory</th><td>peak ${peakMiB} MiB when live, `)
  })

  it('a run() over the limit fails as killed for memory, before what the request saw', async () => {
    const run = await runHog('run-oom', {
      memory: '150m',
      env: 'INIT_MB=0',
      'sample-request': '"allocate:300"',
    })
    const line = await expectFailure(run, 'run-oom')
    expect(line).toMatch(
      /::error::Smoke test failed: run\(\) was killed for memory: the limit is 150 MiB \(memory input\)\./,
    )
    expect(line).toContain('What the smoke test saw: POST /score answered 502')
  })

  it('the limit holds swap too, and a valid cpus is applied', async () => {
    createdTags.add('eai-test/memory:limits')
    const run = await runHog('limits', { memory: '1g', cpus: '0.5', 'sample-request': '"x"' })
    expect(run.main.exitCode).toBe(0)
    const limits = JSON.parse(run.outputs['score-response']) as Limits
    expect(Number(limits.memory)).toBe(1024 * MiB)
    // v1: memory+swap equal to memory; v2: no swap on top of it.
    expect(limits.swap).toBe(limits.cpu ? '0' : String(1024 * MiB))
    expect(cgroupCpus(limits)).toBe(0.5)
    const metadata = JSON.parse(run.outputs.metadata)
    expect(metadata.resources).toEqual({
      memoryBytes: 1024 * MiB,
      memorySource: 'memory input',
      cpus: 0.5,
      cpusSource: 'cpus input',
    })
    expect(run.summary).toContain(
      'memory 1 GiB (memory input), swap included; CPUs 0.5 (cpus input)',
    )
  })

  it("cpus above the engine's count is capped to it, and the summary says so", async () => {
    createdTags.add('eai-test/memory:capped')
    const run = await runHog('capped', { cpus: '64', 'sample-request': '"x"' })
    expect(run.main.exitCode).toBe(0)
    const limits = JSON.parse(run.outputs['score-response']) as Limits
    expect(cgroupCpus(limits)).toBe(engineCpus)
    const metadata = JSON.parse(run.outputs.metadata)
    expect(metadata.resources).toMatchObject({ cpus: engineCpus, cpusRequested: 64 })
    expect(run.summary).toContain(
      `CPUs ${engineCpus}: capped, cpus input asks for 64 and the engine has ${engineCpus}`,
    )
  })
})

describe('bad values', () => {
  it.each([
    ['memory', 'lots', /::error::Input 'memory' must be a size in docker's syntax/],
    ['memory', '1m', /::error::Input 'memory' must be .*at least 6m; got "1m"/],
    ['cpus', '0', /::error::Input 'cpus' must be a number of CPUs .*at least 0.01.*got "0"/],
    ['cpus', 'two', /::error::Input 'cpus' must be a number of CPUs/],
  ])('%s: %s is refused before anything is built', async (input, value, message) => {
    const run = await runHog('refused', { [input]: value })
    const line = await expectFailure(run, 'refused')
    expect(line).toMatch(message)
    expect(run.main.stdout).not.toMatch(/Dockerfile|docker build|Step 1\//)
  })
})
