// The command line, run as a user runs it (`node dist/cli.js ...` with stdout a pipe, so the
// plain rendering) against the real engine and the local stand-in image: the example passes and
// names its image; a failing init() fails with the error on the user's file; bad options and
// values give exit codes 2 and 1; SIGINT still removes the container; nothing is left behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  inspectImage,
  requireEngineAndStandin,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { ROOT, startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'

const CLI = path.join(ROOT, 'dist/cli.js')
// Containers of these runs are named after it: checks see this file's runs, not another job's.
const RUN_ID = `cli-${process.pid}`
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'))
// The CLI's own temp dir goes under this TMPDIR, so "removed at the end" can be checked.
const tmpdir = path.join(scratch, 'tmp')
const createdTags: string[] = []
let index: LocalIndex

interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_RUN_ID: RUN_ID, TMPDIR: tmpdir }
  // Jest's own flags and colour settings are not the user's.
  for (const key of ['NODE_OPTIONS', 'FORCE_COLOR', 'NO_COLOR']) delete env[key]
  for (const key of Object.keys(env)) if (key.startsWith('INPUT_')) delete env[key]
  return env
}

function runCli(
  args: string[],
  cwd: string,
  onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void,
): Promise<CliRun> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      onStdout?.(stdout, child)
    })
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    child.once('error', reject)
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started }),
    )
  })
}

function asOptions(inputs: Record<string, string>): string[] {
  return Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value])
}

/** The value of an output in the CLI's closing block (`name  value`). */
function shownOutput(stdout: string, name: string): string | undefined {
  const block = stdout.slice(stdout.lastIndexOf('==> Outputs\n'))
  return new RegExp(`^${name} +(.*)$`, 'm').exec(block)?.[1]
}

function expectPlainText(run: CliRun): void {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain('\u001b')
    expect(text).not.toContain('\r')
    expect(text.split('\n').filter((line) => line.startsWith('::'))).toEqual([])
  }
}

async function expectNothingLeft(): Promise<void> {
  expect(await actionContainers(RUN_ID)).toEqual([])
  expect(fs.readdirSync(tmpdir)).toEqual([])
}

/** A copy of the example whose init() raises, or sleeps (to be interrupted). */
function brokenExample(name: string, statement: string): string {
  const dir = path.join(scratch, name)
  fs.cpSync(EXAMPLE, dir, { recursive: true })
  const script = path.join(dir, 'code/score.py')
  const text = fs.readFileSync(script, 'utf8')
  const patched = text.replace('def init():\n', `def init():\n    ${statement}\n`)
  expect(patched).not.toBe(text)
  fs.writeFileSync(script, patched)
  return dir
}

beforeAll(async () => {
  await requireEngineAndStandin()
  fs.mkdirSync(tmpdir)
  index = await startLocalIndex()
}, 120_000)

afterAll(async () => {
  index?.stop()
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
  fs.rmSync(scratch, { recursive: true, force: true })
})

describe('node dist/cli.js', () => {
  it('builds and smoke-tests the example, and prints its outputs in plain text', async () => {
    const tag = `eai-test/cli:${RUN_ID}`
    createdTags.push(tag)
    // Paths relative to the current directory, as a user types them in the example's folder.
    const run = await runCli(asOptions(exampleInputs(index.url, tag)), EXAMPLE)
    console.log(`CLI run of the example: ${run.ms} ms`)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('==> Prepare\n')
    expect(run.stdout).toMatch(/^--- Smoke test: \d+\.\d s$/m)
    expect(run.stdout).toMatch(/extend-azureml-image: done in .*\n$/)

    const image = await inspectImage(tag)
    expect(shownOutput(run.stdout, 'image')).toBe(tag)
    expect(shownOutput(run.stdout, 'image-id')).toBe(image.Id)
    expect(shownOutput(run.stdout, 'smoke-test')).toBe('passed')
    expect(shownOutput(run.stdout, 'score-status')).toBe('200')
    expect(shownOutput(run.stdout, 'score-response')).toBe(
      '{"predictions": [4.75, 0.25], "openmp": true}',
    )
    // The pip index URL is an input the action masks: the CLI hides it as the runner does.
    expect(run.stdout).not.toContain(index.url)
    expectPlainText(run)
    await expectNothingLeft()
  })

  it('fails (exit 1) when init() raises, with the error on the user file and no image', async () => {
    const tag = `eai-test/cli-broken:${RUN_ID}`
    createdTags.push(tag)
    brokenExample('broken', 'raise RuntimeError("the model is corrupt")')
    // From the folder above, with --workspace: the error's path is given from where the user is.
    const run = await runCli(
      ['--workspace', 'broken', ...asOptions(exampleInputs(index.url, tag))],
      scratch,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^error: broken\/code\/score\.py:\d+: init\(\) raised RuntimeError$/m,
    )
    expect(run.stderr).toContain('RuntimeError: the model is corrupt')
    expect(run.stderr).toMatch(/extend-azureml-image: failed after .*\n$/)
    expect(shownOutput(run.stdout, 'smoke-test')).toBe('failed')
    expect(shownOutput(run.stdout, 'image')).toBeUndefined()
    expect(await imageExists(tag)).toBe(false)
    expectPlainText(run)
    await expectNothingLeft()
  })

  it('stops on SIGINT during the smoke test and removes the container (exit 130)', async () => {
    const tag = `eai-test/cli-slow:${RUN_ID}`
    createdTags.push(tag)
    const workspace = brokenExample('slow', 'import time; time.sleep(600)')
    let sent = false
    const run = await runCli(
      asOptions(exampleInputs(index.url, tag)),
      workspace,
      (soFar, child) => {
        if (!sent && soFar.includes('Still waiting for GET /')) {
          sent = true
          child.kill('SIGINT')
        }
      },
    )
    expect(sent).toBe(true)
    expect(run.code).toBe(130)
    expect(run.stderr).toContain('Received SIGINT')
    expect(await imageExists(tag)).toBe(false)
    await expectNothingLeft()
  })

  it("fails (exit 1) on a value the action refuses, naming the option's input", async () => {
    const run = await runCli(
      ['--base-image', 'azureml-standin/minimal-inference:latest', '--apt-packages', 'curl;id'],
      EXAMPLE,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^error: Input 'apt-packages': "curl;id" is not a Debian package/m)
    expectPlainText(run)
    await expectNothingLeft()
  })

  it('refuses an unknown option with exit 2 and runs nothing', async () => {
    const run = await runCli(['--base-image', 'x', '--no-such-option', 'y'], EXAMPLE)
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      "extend-azureml-image: unknown option --no-such-option\nRun 'extend-azureml-image --help' for the options.\n",
    )
    expect(run.stdout).toBe('')
    await expectNothingLeft()
  })

  it('prints the help (exit 0)', async () => {
    const run = await runCli(['--help'], EXAMPLE)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('--sample-request')
    expect(run.stdout).toContain('Inputs table in the README')
  })
})
