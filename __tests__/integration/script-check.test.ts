// The scoring script checked in the base image's own Python while the dependencies build runs,
// on the real engine and the stand-in: a syntax error (in the entry script, or in another .py of
// code-dir) and a missing run() fail the step within seconds although pip is busy for minutes
// (a requirement whose setup.py sleeps), the build is stopped and nothing is left; the annotation
// is on the user's file and line, as the runner reads it. Without dependencies the check runs
// before the application build; names bound by an import and request_headers pass.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import {
  actionContainers,
  docker,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE } from '../helpers/example.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

const RUN_ID = `script${process.pid}`
const SLEEP_SECONDS = 300
// The step, node start-up and staging included; the build alone would take SLEEP_SECONDS.
const FAST_ENOUGH_MS = 30_000
const TAG = `eai-test/script-check:${process.pid}`

let workspace: string

const GOOD = 'def init():\n    pass\n\n\ndef run(data):\n    return data\n'

function write(relative: string, text: string): void {
  const file = path.join(workspace, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

/** A fresh code dir and a requirement that keeps pip busy; a nonce names this build's files. */
function setUp(files: Record<string, string>): { nonce: string } {
  fs.rmSync(path.join(workspace, 'code'), { recursive: true, force: true })
  for (const [name, text] of Object.entries(files)) write(`code/${name}`, text)
  const nonce = randomBytes(6).toString('hex')
  write(
    `slow/slowpkg/setup.py`,
    `import time\nfrom setuptools import setup\ntime.sleep(${SLEEP_SECONDS})  # ${nonce}\nsetup(name="slowpkg", version="1.0", py_modules=[])\n`,
  )
  // Its name is in the RUN line: the build's container and any image it made can be told apart.
  write(`slow/requirements-${nonce}.txt`, './slowpkg\n')
  return { nonce }
}

function inputs(nonce: string | undefined, extra: Record<string, string> = {}) {
  return {
    'base-image': STANDIN_IMAGE,
    'code-dir': 'code',
    'entry-script': 'score.py',
    ...(nonce ? { requirements: `slow/requirements-${nonce}.txt` } : {}),
    'smoke-test': 'false',
    cache: 'false',
    tags: TAG,
    ...extra,
  }
}

async function runTimed(given: Record<string, string>): Promise<{ run: ActionRun; ms: number }> {
  const started = Date.now()
  // Main only: what it leaves behind is what the post step would have to clean up.
  const run = await runAction({
    inputs: given,
    workspace,
    env: { GITHUB_RUN_ID: RUN_ID },
    post: false,
  })
  return { run, ms: Date.now() - started }
}

/** The `::error` lines as the runner obeys them: properties and message. */
function errors(run: ActionRun) {
  return obeyedCommands(run.main.stdout)
    .filter((command) => command.name === 'error')
    .map(({ properties, data }) => ({ properties, message: data }))
}

/** Containers whose command names the nonce: the dependencies build's RUN step. */
async function buildContainers(nonce: string): Promise<string[]> {
  const out = await docker(['ps', '--all', '--no-trunc', '--format', '{{.ID}} {{.Command}}'])
  return out.split('\n').filter((line) => line.includes(nonce))
}

/** Dependencies images whose history holds the nonce: a build that finished. */
async function builtImages(nonce: string): Promise<string[]> {
  const ids = (
    await docker(['images', '--quiet', '--no-trunc', 'extend-azureml-image/dependencies'])
  )
    .split('\n')
    .filter(Boolean)
  const found: string[] = []
  for (const id of new Set(ids)) {
    const history = await dockerStatus(['history', '--no-trunc', '--format', '{{.CreatedBy}}', id])
    if (history.stdout.includes(nonce)) found.push(id)
  }
  return found
}

async function expectBuildStoppedAndNothingLeft(run: ActionRun, nonce: string): Promise<void> {
  // It was started: the step got as far as the dependencies build.
  expect(run.main.stdout).toContain('::group::Build the dependencies (apt, pip)')
  expect(await buildContainers(nonce)).toEqual([])
  expect(await builtImages(nonce)).toEqual([])
  expect(await actionContainers(RUN_ID)).toEqual([])
  expect(await imageExists(TAG)).toBe(false)
  expect(run.leftInTemp).toEqual([])
  expect(run.outputs.image).toBeUndefined()
}

beforeAll(async () => {
  await requireEngineAndStandin()
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-script-check-'))
  fs.cpSync(path.join(EXAMPLE, 'model'), path.join(workspace, 'model'), { recursive: true })
}, 120_000)

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

afterAll(async () => {
  await dockerStatus(['image', 'rm', TAG])
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true })
})

describe('while a slow dependencies build runs', () => {
  it('a syntax error in the entry script fails the step in seconds, on its file and line', async () => {
    const { nonce } = setUp({
      'score.py': 'def init():\n    pass\n\n\ndef run(data:\n    return data\n',
    })
    const { run, ms } = await runTimed(inputs(nonce))
    expect(run.main.exitCode).toBe(1)
    expect(ms).toBeLessThan(FAST_ENOUGH_MS)
    const [error, ...others] = errors(run)
    expect(others).toEqual([])
    expect(error.properties).toEqual(
      expect.objectContaining({
        file: 'code/score.py',
        line: '5',
        title: 'score.py does not compile',
      }),
    )
    expect(error.message).toMatch(
      /^The scoring script would not load in the server \(checked with the base image's Python 3\.\d+\.\d+, before the build finished\):\n {2}code\/score\.py line 5: SyntaxError: /,
    )
    await expectBuildStoppedAndNothingLeft(run, nonce)
  }, 120_000)

  it('a syntax error in another .py of code-dir is reported with its own file and line', async () => {
    const { nonce } = setUp({
      'score.py': `from lib.helpers import normalise\n${GOOD}`,
      'lib/__init__.py': '',
      'lib/helpers.py': 'def normalise(rows):\n    return [r for r in rows\n\nX = 1\n',
    })
    const { run, ms } = await runTimed(inputs(nonce))
    expect(run.main.exitCode).toBe(1)
    expect(ms).toBeLessThan(FAST_ENOUGH_MS)
    expect(errors(run)).toEqual([
      {
        properties: expect.objectContaining({ file: 'code/lib/helpers.py', line: '2' }),
        message: expect.stringContaining('code/lib/helpers.py line 2: SyntaxError: '),
      },
    ])
    await expectBuildStoppedAndNothingLeft(run, nonce)
  }, 120_000)

  it('a missing run() fails the step the same way, on the entry script', async () => {
    const { nonce } = setUp({
      'score.py': 'def init():\n    pass\n\n\ndef predict(data):\n    return data\n',
    })
    const { run, ms } = await runTimed(inputs(nonce))
    expect(run.main.exitCode).toBe(1)
    expect(ms).toBeLessThan(FAST_ENOUGH_MS)
    const [error] = errors(run)
    expect(error.properties).toEqual({
      file: 'code/score.py',
      title: 'The entry script lacks a function the server calls',
    })
    expect(error.message).toContain(
      'code/score.py: the entry script defines no run() at its top level',
    )
    await expectBuildStoppedAndNothingLeft(run, nonce)
  }, 120_000)
})

describe('without dependencies: checked before the application build', () => {
  it('def run(*args) fails before anything is built, on the line of the def', async () => {
    setUp({ 'score.py': 'def init():\n    pass\n\n\ndef run(*args):\n    return args\n' })
    const { run } = await runTimed(inputs(undefined))
    expect(run.main.exitCode).toBe(1)
    expect(errors(run)).toEqual([
      {
        properties: expect.objectContaining({ file: 'code/score.py', line: '5' }),
        message: expect.stringContaining(
          'code/score.py line 5: run() cannot take *args: the server calls it with named arguments',
        ),
      },
    ])
    expect(run.main.stdout).not.toContain(`::group::Build ${TAG}`)
    expect(await imageExists(TAG)).toBe(false)
    expect(run.leftInTemp).toEqual([])
  }, 120_000)

  it.each([
    ['run imported from a module', `def init():\n    pass\n\n\nfrom lib import run\n`],
    [
      'run(data, request_headers=None)',
      'def init():\n    pass\n\n\ndef run(data, request_headers=None):\n    return data\n',
    ],
  ])(
    '%s passes the check and the image is built',
    async (_what, source) => {
      setUp({ 'score.py': source, 'lib/__init__.py': 'def run(data):\n    return data\n' })
      const { run } = await runTimed(inputs(undefined))
      expect(errors(run)).toEqual([])
      expect(run.main.exitCode).toBe(0)
      expect(run.main.stdout).toMatch(
        /Scoring script checked with the base image's Python 3\.\d+\.\d+ in \d+ ms: every \.py file compiles, init and run are there/,
      )
      // The check came first: the application build follows it.
      expect(run.main.stdout.indexOf('Scoring script checked')).toBeLessThan(
        run.main.stdout.indexOf(`::group::Build ${TAG}`),
      )
      expect(await imageExists(TAG)).toBe(true)
      await dockerStatus(['image', 'rm', TAG])
    },
    120_000,
  )
})
