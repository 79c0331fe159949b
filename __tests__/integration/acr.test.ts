// builder: acr end to end, with a stand-in `az` (__tests__/helpers/standin-az): no Azure is
// reachable here. The stand-in's "agent" builds with a second Docker engine and pushes to a
// loopback registry; the action pulls the candidate into the shared engine, smoke-tests it
// there, and only then tags it in the registry. Each failure mode of a run, told to the stand-in,
// must fail the step clearly (or be recovered from), and leave nothing in the registry.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { startSecondDaemon } from '../../scripts/second-daemon.mjs'
import {
  actionContainers,
  docker,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { instructions, lintProblems, printedDockerfile } from '../helpers/dockerfile-check.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { startRegistry, type LoopbackRegistry } from '../helpers/registry.js'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'

const RUN_ID = `acr-${process.pid}`
const REGISTRY = 'standinacr'
const STANDIN_AZ = path.resolve('__tests__/helpers/standin-az')

let index: LocalIndex
let registry: LoopbackRegistry
let agent: Awaited<ReturnType<typeof startSecondDaemon>>
let state: string
const states: string[] = []
let repositoryCount = 0

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex()
  registry = await startRegistry()
  // The agent's engine: the shared engine sees only what the action pulls.
  agent = await startSecondDaemon({ bridge: 'eai-acr0', cidr: '192.168.237.1/24' })
  await agent.copyImage(STANDIN_IMAGE)
}, 180_000)

afterAll(async () => {
  for (const dir of states) fs.rmSync(dir, { recursive: true, force: true })
  index?.stop()
  await agent?.stop()
  await registry?.stop()
})

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

/** A repository of its own for each run, so that one test's tags never meet another's. */
function repository(): string {
  repositoryCount += 1
  return `eai-acr/example-${process.pid}-${repositoryCount}`
}

function azEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  state = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-az-'))
  states.push(state)
  return {
    PATH: `${STANDIN_AZ}:${process.env.PATH}`,
    GITHUB_RUN_ID: RUN_ID,
    DOCKER_BUILDKIT: '0',
    STANDIN_AZ_STATE: state,
    STANDIN_AZ_REGISTRY: REGISTRY,
    STANDIN_AZ_LOGIN_SERVER: registry.host,
    STANDIN_AZ_STORAGE: registry.storage,
    STANDIN_AZ_DOCKER_HOST: agent.host,
    ...extra,
  }
}

function acrInputs(repo: string, extra: Record<string, string> = {}): Record<string, string> {
  return exampleInputs(index.url, `${repo}:1\n${repo}:latest`, {
    builder: 'acr',
    'acr-name': REGISTRY,
    network: '', // a local engine's network: not with ACR
    ...extra,
  })
}

function run(
  inputs: Record<string, string>,
  env: Record<string, string>,
  options: Parameters<typeof runAction>[0] = {},
): Promise<ActionRun> {
  return runAction({ inputs, workspace: EXAMPLE, env, ...options })
}

/** Each az command the action ran, as argv lists. */
function azCalls(): string[][] {
  const file = path.join(state, 'calls.log')
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string[])
}

/** The command words of each az call (up to its first option). */
function commandsRun(): string[] {
  return azCalls().map((argv) => {
    const firstOption = argv.findIndex((word) => word.startsWith('-'))
    return argv.slice(0, firstOption < 0 ? argv.length : firstOption).join(' ')
  })
}

function errorsOf(result: ActionRun): string[] {
  return result.main.stdout.split('\n').filter((line) => line.startsWith('::error'))
}

const STREAM_FALLBACK = 'ended without its result'

describe('a passing build', () => {
  let result: ActionRun
  let repo: string

  beforeAll(async () => {
    repo = repository()
    result = await run(acrInputs(repo), azEnvironment())
  }, 600_000)

  it('succeeds: the requested tags in the registry, the candidate gone', async () => {
    expect(errorsOf(result)).toEqual([])
    expect(result.main.exitCode).toBe(0)
    expect(result.outputs.image).toBe(`${registry.host}/${repo}:1`)
    expect(result.outputs.tags.split('\n')).toEqual([
      `${registry.host}/${repo}:1`,
      `${registry.host}/${repo}:latest`,
    ])
    expect(result.outputs['smoke-test']).toBe('passed')
    expect((await registry.tags(repo)).sort()).toEqual(['1', 'latest'])
    const one = await registry.manifestDigest(repo, '1')
    expect(one).toMatch(/^sha256:/)
    expect(await registry.manifestDigest(repo, 'latest')).toBe(one)
    expect(JSON.parse(result.outputs.metadata)).toMatchObject({
      builder: 'acr',
      acr: { registry: REGISTRY },
    })
  })

  it('tags only after the smoke test, from the candidate it tested', () => {
    const commands = commandsRun()
    expect(commands).toEqual([
      'acr show',
      'acr build',
      'acr import',
      'acr import',
      'acr repository untag',
    ])
    const built = azCalls()[1]
    const candidate = built[built.indexOf('--image') + 1]
    expect(candidate).toMatch(new RegExp(`^${repo}:candidate-${RUN_ID}-[0-9a-f]{8}$`))
    const stdout = result.main.stdout
    expect(stdout.indexOf('Smoke test')).toBeGreaterThan(
      stdout.indexOf(`Run ID: ca1 was successful`),
    )
    expect(stdout.indexOf(`::group::Tag ${repo}:1`)).toBeGreaterThan(stdout.indexOf('Smoke test'))
    for (const imported of azCalls().filter((argv) => argv[1] === 'import')) {
      expect(imported[imported.indexOf('--source') + 1]).toBe(`${registry.host}/${candidate}`)
    }
  })

  it('builds from one Dockerfile of two stages, with its log folded and streamed whole', () => {
    const built = azCalls()[1]
    const dockerfile = printedDockerfile(result.main.stdout)
    expect(lintProblems(dockerfile)).toEqual([])
    expect(instructions(dockerfile).filter(([keyword]) => keyword === 'FROM')).toEqual([
      ['FROM', STANDIN_IMAGE, 'AS', 'dependencies'],
      ['FROM', 'dependencies'],
    ])
    expect(built[built.indexOf('--file') + 1]).toBe(result.outputs.dockerfile)
    expect(built[built.length - 1]).toBe(result.outputs.context)
    const stdout = result.main.stdout
    expect(stdout).toMatch(/::group::Build \S+:candidate-\S+ in standinacr \(ACR Tasks\)/)
    // UTF-8 for az's Python: the non-ASCII line came through, and the stream did not break.
    expect(stdout).toContain('Scanning for dependencies… ✓')
    expect(stdout).not.toContain(STREAM_FALLBACK)
  })

  it('leaves nothing behind: no candidate pulled here, no temp files, post step clean', async () => {
    expect(await imageExists(`${registry.host}/${repo}:1`)).toBe(false)
    const local = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])
    expect(local).not.toContain(`${registry.host}/${repo}`)
    expect(result.state.acrCandidates).toBe('[]')
    expect(result.post?.exitCode).toBe(0)
    expectNothingLeftInTemp(result)
  })
})

describe('a failing image', () => {
  it('never gets the requested tags, and its candidate is deleted', async () => {
    const repo = repository()
    const result = await run(
      acrInputs(repo, { 'expected-response': '{"predictions": [1, 2]}' }),
      azEnvironment(),
    )
    expect(result.main.exitCode).toBe(1)
    expect(result.outputs['smoke-test']).toBe('failed')
    expect(result.outputs.image).toBeUndefined()
    expect(errorsOf(result).join('\n')).toMatch(/POST \/score/)
    expect(commandsRun()).toEqual([
      'acr show',
      'acr build',
      'acr repository show-tags',
      'acr repository delete',
    ])
    expect(await registry.tags(repo)).toEqual([])
    expect(result.post?.exitCode).toBe(0)
    expectNothingLeftInTemp(result)
  }, 600_000)
})

describe('credentials', () => {
  it('an index URL with credentials is refused before az is run at all', async () => {
    const repo = repository()
    const secret = 'acr-s3cret-token'
    const result = await run(
      acrInputs(repo, { 'pip-index-url': index.url.replace('://', `://ci:${secret}@`) }),
      azEnvironment(),
    )
    expect(result.main.exitCode).toBe(1)
    expect(errorsOf(result).join('\n')).toContain(
      "Inputs 'pip-index-url'/'pip-extra-index-url' carry credentials",
    )
    // Only in the runner's masking commands (which the runner consumes), nowhere else.
    const shown = result.main.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain(secret)
    // Nothing was sent anywhere: no az command, nothing in the registry.
    expect(azCalls()).toEqual([])
    expect(await registry.tags(repo)).toEqual([])
  }, 120_000)
})

describe('how a run fails', () => {
  it.each([
    ['run-failed', 'in ACR failed (run ca1'],
    ['timeout', 'in ACR timed out (the run reached its timeout in ACR) (run ca1'],
    ['canceled', 'in ACR was canceled (run ca1'],
  ])(
    '%s: the step fails, saying so, and nothing is tagged',
    async (fault, message) => {
      const repo = repository()
      const result = await run(acrInputs(repo), azEnvironment({ STANDIN_AZ_FAULT: fault }))
      expect(result.main.exitCode).toBe(1)
      expect(errorsOf(result).join('\n')).toContain(message)
      expect(await registry.tags(repo)).toEqual([])
      expect(commandsRun()).not.toContain('acr import')
      expect(result.post?.exitCode).toBe(0)
      expectNothingLeftInTemp(result)
    },
    120_000,
  )

  it('a log stream that crashes while the run goes on: followed by its status, and passes', async () => {
    const repo = repository()
    const result = await run(acrInputs(repo), azEnvironment({ STANDIN_AZ_FAULT: 'stream-crash' }))
    expect(errorsOf(result)).toEqual([])
    expect(result.main.exitCode).toBe(0)
    expect(result.main.stdout).toContain('UnicodeEncodeError')
    expect(result.main.stdout).toContain(STREAM_FALLBACK)
    expect(result.main.stdout).toContain('::group::Log of run ca1 (az acr task logs)')
    expect(commandsRun()).toContain('acr task show-run')
    expect((await registry.tags(repo)).sort()).toEqual(['1', 'latest'])
  }, 600_000)

  it('a stalled stream, canceled (the step timeout): the run canceled, nothing left', async () => {
    const repo = repository()
    const result = await run(acrInputs(repo), azEnvironment({ STANDIN_AZ_FAULT: 'stall' }), {
      onSpawn: (child) => {
        let seen = ''
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString()
          // The runner sends SIGINT when the step's timeout-minutes is reached.
          if (seen.includes('Obtaining source code')) {
            seen = ''
            child.kill('SIGINT')
          }
        })
      },
    })
    expect(result.main.exitCode).not.toBe(0)
    const cancel = azCalls().find((argv) => argv[2] === 'cancel-run')
    expect(cancel).toEqual(['acr', 'task', 'cancel-run', '--registry', REGISTRY, '--run-id', 'ca1'])
    const status = JSON.parse(fs.readFileSync(path.join(state, 'runs/ca1.json'), 'utf8')) as {
      status: string
    }
    expect(status.status).toBe('Canceled')
    expect(await registry.tags(repo)).toEqual([])
    expect(result.post?.exitCode).toBe(0)
    expectNothingLeftInTemp(result)
  }, 120_000)
})

describe('no Docker engine here', () => {
  const noEngine = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }

  it('smoke-test left to its default: built, said untested, not promoted, skipped', async () => {
    const repo = repository()
    const result = await run(acrInputs(repo), azEnvironment(noEngine))
    expect(errorsOf(result)).toEqual([])
    expect(result.main.exitCode).toBe(0)
    expect(result.outputs['smoke-test']).toBe('skipped')
    expect(result.outputs.image).toBeUndefined()
    expect(result.main.stdout).toMatch(/::warning::\S+ was built in ACR \(run ca1\) but not tested/)
    // Deleted by the main step itself, not left to the post step.
    expect(result.state.acrCandidates).toBe('[]')
    expect(commandsRun()).toEqual([
      'acr show',
      'acr build',
      'acr repository show-tags',
      'acr repository delete',
    ])
    expect(await registry.tags(repo)).toEqual([])
    expectNothingLeftInTemp(result)
  }, 600_000)

  it('smoke-test: true given: fails before anything is built', async () => {
    const repo = repository()
    const result = await run(acrInputs(repo, { 'smoke-test': 'true' }), azEnvironment(noEngine))
    expect(result.main.exitCode).toBe(1)
    expect(errorsOf(result).join('\n')).toContain(
      "Input 'smoke-test': true, and no Docker engine answers here",
    )
    expect(azCalls()).toEqual([])
  }, 120_000)
})
