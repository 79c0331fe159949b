// The smoke test against real containers of real images built FROM the stand-in: what a user
// sees when their model serves, when it cannot start, when scoring fails, and on cancellation.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { ROOT } from '../helpers/local-pypi.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

// The action names its containers after the run id: checks see this file's runs only.
const RUN_ID = `smoke-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID

const FIXTURES = path.join(ROOT, '__tests__/fixtures')
const createdTags: string[] = []

beforeAll(requireEngineAndStandin, 60_000)
afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})
afterAll(async () => {
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

function appInputs(app: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'base-image': STANDIN_IMAGE,
    'code-dir': `apps/${app}`,
    'entry-script': 'score.py',
    tags: `eai-test/app:${app}`,
    'startup-timeout': '60',
    ...extra,
  }
}

function runApp(app: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: appInputs(app, extra),
    workspace: FIXTURES,
    env: { DOCKER_BUILDKIT: '0' },
  })
}

/** The step failed with exactly one error, no output names an image, and the tag is gone. */
async function expectSmokeFailure(
  run: ActionRun,
  app: string,
  message: string | RegExp,
): Promise<string> {
  expect(run.main.exitCode).toBe(1)
  const errors = obeyedCommands(run.main.stdout).filter((command) => command.name === 'error')
  expect(errors).toHaveLength(1)
  expect(errors[0].line).toMatch(message)
  expect(run.outputs.image).toBeUndefined()
  expect(run.outputs.tags).toBeUndefined()
  expect(run.outputs['image-id']).toBeUndefined()
  expect(run.outputs['smoke-test']).toBe('failed')
  expect(await imageExists(`eai-test/app:${app}`)).toBe(false)
  expectNothingLeftInTemp(run)
  expect(run.post?.exitCode).toBe(0)
  return errors[0].line
}

describe('a model that serves', () => {
  it('passes, with the answer in the outputs and the container removed', async () => {
    createdTags.push('eai-test/app:echo')
    const run = await runApp('echo', {
      env: 'GREETING=hi',
      'sample-request': '{"data": [1, 2]}',
      'expected-response': '{"echo": {"data": [1, 2]}, "greeting": "hi"}',
    })
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      image: 'eai-test/app:echo',
      'smoke-test': 'passed',
      'score-status': '200',
      'score-response': '{"echo": {"data": [1, 2]}, "greeting": "hi"}',
    })
    const timings = JSON.parse(run.outputs.metadata).timings
    expect(timings.liveAfterMs).toBeGreaterThanOrEqual(0)
    expect(timings.liveAfterMs).toBeLessThan(60_000)
  })

  it('with only liveness checked when there is no sample request', async () => {
    createdTags.push('eai-test/app:echo')
    const run = await runApp('echo')
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs['smoke-test']).toBe('passed')
    expect(run.outputs['score-status']).toBeUndefined()
  })

  it('a /regex/ expected response is matched against the body', async () => {
    createdTags.push('eai-test/app:echo')
    const run = await runApp('echo', {
      'sample-request': '{"data": 7}',
      'expected-response': '/"data": 7/',
    })
    expect(run.main.exitCode).toBe(0)
  })
})

describe('a server that cannot start', () => {
  it.each([
    [
      'init-raises',
      /container exited with code \d+ during start-up: init\(\) raised ValueError: model file is corrupt \(score\.py line 2\)/,
    ],
    [
      'init-missing-module',
      /init\(\) raised ModuleNotFoundError: No module named 'sklearn' \(score\.py line 6\)/,
    ],
    [
      'missing-module',
      /importing the entry script raised ModuleNotFoundError: No module named 'sklearn' \(score\.py line 1\)/,
    ],
  ])("%s: fails at once with the reason in the user's terms", async (app, message) => {
    const started = Date.now()
    const run = await runApp(app, { 'sample-request': '{"data": 1}' })
    const line = await expectSmokeFailure(run, app, message)
    expect(line).toContain('Last lines of the container log')
    // Noticed from the container's exit, not from the 60 s start-up timeout.
    expect(Date.now() - started).toBeLessThan(45_000)
  })

  // A syntax error no longer reaches the container: the base image's Python finds it first, and
  // the smoke test never runs (no smoke-test output, as for a failed build).
  it('syntax-error: found by the script check, before any container starts', async () => {
    const run = await runApp('syntax-error', { 'sample-request': '{"data": 1}' })
    expect(run.main.exitCode).toBe(1)
    const errors = obeyedCommands(run.main.stdout).filter((command) => command.name === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].line).toMatch(
      /The scoring script would not load in the server \(checked with the base image's Python [\d.]+, before the build finished\):%0A {2}apps\/syntax-error\/score\.py line 5: SyntaxError/,
    )
    expect(run.main.stdout).not.toContain('::group::Smoke test')
    expect(run.outputs.image).toBeUndefined()
    expect(run.outputs['smoke-test']).toBeUndefined()
    expect(await imageExists('eai-test/app:syntax-error')).toBe(false)
    expectNothingLeftInTemp(run)
    expect(run.post?.exitCode).toBe(0)
  })

  it('slow init beyond startup-timeout: not live after N s', async () => {
    const run = await runApp('slow-init', { 'startup-timeout': '3' })
    await expectSmokeFailure(run, 'slow-init', /the server was not live after 3 s/)
  })
})

describe('scoring that fails', () => {
  it('run() raising: the 500 and the exception from the log', async () => {
    const run = await runApp('run-raises', { 'sample-request': '{"data": [1]}' })
    const line = await expectSmokeFailure(
      run,
      'run-raises',
      /POST \/score answered 500 \(expected 200\)/,
    )
    expect(line).toContain('An unexpected error occurred in scoring script')
    expect(line).toMatch(/IndexError: list index out of range \(score\.py line 10\)/)
    expect(run.outputs['score-status']).toBe('500')
  })

  it('run() raising is a pass when 500 is what the user expects', async () => {
    createdTags.push('eai-test/app:run-raises')
    const run = await runApp('run-raises', {
      'sample-request': '{"data": [1]}',
      'expected-status': '500',
    })
    expect(run.main.exitCode).toBe(0)
  })

  it('a wrong expected-response names what was expected and what came', async () => {
    const run = await runApp('echo', {
      'sample-request': '{"data": 1}',
      'expected-response': '{"echo": {"data": 2}}',
    })
    const line = await expectSmokeFailure(
      run,
      'echo',
      /does not contain the expected JSON \{"echo":\{"data":2\}\}; got: \{"echo": \{"data": 1\}/,
    )
    expect(line).toBeDefined()
  })
})

describe('a script that prints workflow commands', () => {
  it('has them shown in the log, never obeyed', async () => {
    createdTags.push('eai-test/app:workflow-commands')
    const run = await runApp('workflow-commands', { 'sample-request': '{"x": 1}' })
    expect(run.main.exitCode).toBe(0)
    expect(run.main.stdout).toContain('::set-output name=image::evil/forged:latest')
    const obeyed = obeyedCommands(run.main.stdout).map((command) => command.name)
    expect(obeyed).not.toContain('set-output')
    expect(obeyed).not.toContain('add-mask')
    expect(obeyed).not.toContain('error')
    expect(obeyed).not.toContain('warning')
    expect(run.outputs.image).toBe('eai-test/app:workflow-commands')
  })
})

describe('cancellation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s during the wait removes the container and the tag',
    async (signal) => {
      let sent = false
      const run = await runAction({
        inputs: appInputs('slow-init', { 'startup-timeout': '120' }),
        workspace: FIXTURES,
        env: { DOCKER_BUILDKIT: '0' },
        onSpawn: (child) => {
          child.stdout?.on('data', (chunk: Buffer) => {
            if (!sent && chunk.toString().includes('waiting for GET')) {
              sent = true
              child.kill(signal)
            }
          })
        },
      })
      expect(sent).toBe(true)
      expect(run.main.exitCode).toBe(signal === 'SIGINT' ? 130 : 143)
      expect(run.outputs.image).toBeUndefined()
      expect(await imageExists('eai-test/app:slow-init')).toBe(false)
      expectNothingLeftInTemp(run)
    },
  )
})
