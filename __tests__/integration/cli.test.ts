// The command line, run as a user runs it (`node dist/cli.js ...` with stdout a pipe, so the
// plain rendering; under a pseudo-terminal for the terminal one) against the real engine and the
// local stand-in image: the example passes in a few closing lines, without the container log;
// a failing init() fails with the error on the user's file and the log; bad options and values
// give exit codes 2 and 1; SIGINT still removes the container; it runs with process.platform
// darwin and refuses an engine of Windows containers; `npm run example` passes from a
// copy with no node_modules; nothing is left behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
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
import { obeyedCommands } from '../helpers/workflow-commands.js'
import { ACTION_NODE, expectedMajor, versionOf } from '../helpers/runtime.js'
import { playOnTerminal } from '../helpers/terminal.js'

const CLI = path.join(ROOT, 'dist/cli.js')
const STUB_PLATFORM = path.join(ROOT, '__tests__/fixtures/platform/stub-platform.mjs')
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
  /** The program started (the node, or `script` for a terminal). */
  program: string
}

function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_RUN_ID: RUN_ID, TMPDIR: tmpdir }
  // Jest's own flags and colour settings are not the user's.
  for (const key of ['NODE_OPTIONS', 'FORCE_COLOR', 'NO_COLOR']) delete env[key]
  for (const key of Object.keys(env)) if (key.startsWith('INPUT_')) delete env[key]
  return { ...env, ...extra }
}

interface RunHow {
  onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void
  env?: NodeJS.ProcessEnv
  /** Options for node before the script (`--import` of the platform stub). */
  nodeArgs?: string[]
  /** Under a pseudo-terminal of this size (util-linux `script`), as in a terminal window. */
  terminal?: { cols: number; rows: number }
}

/** Single quotes for sh, for the command `script` runs. */
function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

function runCli(args: string[], cwd: string, how: RunHow = {}): Promise<CliRun> {
  const started = Date.now()
  const argv = [...(how.nodeArgs ?? []), CLI, ...args]
  const [program, programArgs] = how.terminal
    ? [
        'script',
        [
          '-qfec',
          `stty cols ${how.terminal.cols} rows ${how.terminal.rows} && exec ${[ACTION_NODE, ...argv].map(shellQuote).join(' ')}`,
          '/dev/null',
        ],
      ]
    : [ACTION_NODE, argv]
  return new Promise((resolve, reject) => {
    const child = spawn(program, programArgs, {
      cwd,
      env: childEnv(how.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      how.onStdout?.(stdout, child)
    })
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    child.once('error', reject)
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, program: child.spawnfile }),
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

/** The stable staging folder, a deliberate cache (see staging-dir.ts), may stay: unlocked. */
const STAGING_CACHE = 'extend-azureml-image-staging'

async function expectNothingLeft(): Promise<void> {
  expect(await actionContainers(RUN_ID)).toEqual([])
  expect(fs.readdirSync(tmpdir).filter((name) => name !== STAGING_CACHE)).toEqual([])
  const cache = path.join(tmpdir, STAGING_CACHE)
  const locks = fs.existsSync(cache)
    ? fs.readdirSync(cache).filter((name) => name.endsWith('.lock'))
    : []
  expect(locks).toEqual([])
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
  it('builds and smoke-tests the example, and ends in a few lines, in plain text', async () => {
    const tag = `eai-test/cli:${RUN_ID}`
    createdTags.push(tag)
    // Paths relative to the current directory, as a user types them in the example's folder.
    const run = await runCli(asOptions(exampleInputs(index.url, tag)), EXAMPLE)
    console.log(`CLI run of the example: ${run.ms} ms`)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('==> Prepare\n')
    expect(run.stdout).toMatch(/^--- Smoke test: \d+\.\d s$/m)
    // A pass: no container log (nginx's connect() failures before the worker was up, gunicorn).
    expect(run.stdout).not.toContain('Container log')
    expect(run.stdout).not.toContain('connect() failed')
    expect(run.stdout).not.toContain('Booting worker')
    // The closing lines: the verdict, what was built, when it was live, each case.
    const closing = run.stdout.slice(run.stdout.lastIndexOf('extend-azureml-image: passed in '))
    expect(closing).toMatch(
      new RegExp(
        [
          '^extend-azureml-image: passed in \\d+\\.\\d s',
          `  (built|reused) ${tag.replace(/[/.:]/g, '\\$&')} \\(sha256:[0-9a-f]{12}\\).*`,
          '  live after \\d+ ms',
          '  sample-request: POST /score answered 200 in \\d+ ms',
          '$',
        ].join('\n'),
      ),
    )

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
    // A failure keeps the container log, with the whole traceback.
    expect(run.stdout).toMatch(/^==> Container log \(extend-azureml-image-cli-\d+-[0-9a-f]+\)$/m)
    expect(run.stdout).toMatch(/^Traceback \(most recent call last\):$/m)
    expect(run.stdout).not.toContain('passed in')
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
    const run = await runCli(asOptions(exampleInputs(index.url, tag)), workspace, {
      onStdout: (soFar, child) => {
        if (!sent && soFar.includes('Still waiting for GET /')) {
          sent = true
          child.kill('SIGINT')
        }
      },
    })
    expect(sent).toBe(true)
    expect(run.code).toBe(130)
    expect(run.stderr).toContain('Received SIGINT')
    expect(await imageExists(tag)).toBe(false)
    await expectNothingLeft()
  })

  it('run as a workflow step, obeys nothing a pull request wrote: its output is one stop-commands span', async () => {
    const tag = `eai-test/cli-forged:${RUN_ID}`
    createdTags.push(tag)
    // init() raises with text that would be obeyed on a line of its own: the CLI prints the
    // error's details (stderr) and the container log (stdout) as plain lines.
    brokenExample('forged', 'raise RuntimeError("x ##[error]forged\\n  ::error::forged")')
    const run = await runCli(
      ['--workspace', 'forged', ...asOptions(exampleInputs(index.url, tag))],
      scratch,
      { env: { GITHUB_ACTIONS: 'true' } },
    )
    expect(run.code).toBe(1)
    // The forged text is there and, on its own, would be obeyed.
    expect(obeyedCommands(run.stderr).map((c) => c.data)).toContain('forged')
    const lines = run.stdout.trimEnd().split('\n')
    const token = /^::stop-commands::(extend-azureml-image-cli-[0-9a-f-]+)$/.exec(lines[0])?.[1]
    expect(token).toBeDefined()
    expect(lines.at(-1)).toBe(`::${token}::`)
    // stderr is read by the runner too, with the same stop state: inside the span as well.
    const asRead = [lines[0], run.stderr, ...lines.slice(1)].join('\n')
    expect(obeyedCommands(asRead)).toEqual([])
    await expectNothingLeft()
  })

  it("fails (exit 1) on a value the action refuses, naming the option's input", async () => {
    const run = await runCli(
      ['--base-image', 'azureml-standin/minimal-inference:latest', '--apt-packages', 'curl;id'],
      EXAMPLE,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^error: Input 'apt-packages': "curl;id" is not an apt package: name\[:arch\]/m,
    )
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

  it('prints the help (exit 0), on the node these tests are meant for', async () => {
    const run = await runCli(['--help'], EXAMPLE)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('--sample-request')
    expect(run.stdout).toContain('Inputs table in the README')
    expect(run.program).toBe(ACTION_NODE)
    expect(versionOf(run.program)).toMatch(new RegExp(`^v${expectedMajor()}\\.`))
  })

  it('shows the container log of a pass with --verbose', async () => {
    const tag = `eai-test/cli-verbose:${RUN_ID}`
    createdTags.push(tag)
    const run = await runCli(['--verbose', ...asOptions(exampleInputs(index.url, tag))], EXAMPLE)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^==> Container log \(extend-azureml-image-cli-/m)
    expect(run.stdout).toContain('Booting worker')
    await expectNothingLeft()
  })

  it('on a terminal, follows the build in a few lines and leaves only its summary', async () => {
    const tag = `eai-test/cli-tty:${RUN_ID}`
    createdTags.push(tag)
    // An ENV of its own: this image is really built, not found already built.
    const inputs = exampleInputs(index.url, tag, { env: `CLI_TTY_RUN=${RUN_ID}` })
    const terminal = { cols: 100, rows: 40 }
    const run = await runCli(asOptions(inputs), EXAMPLE, {
      terminal,
      env: { TERM: 'xterm-256color' },
    })
    expect(run.code).toBe(0)
    const raw = run.stdout
    expect(raw).toContain('\u001b[') // colour and cursor moves: it was a terminal

    // What stays on the screen: the build's header, its own lines and its duration; no build
    // log, no container log, and the closing lines.
    const screen = await playOnTerminal(raw, terminal.cols, terminal.rows)
    const header = screen.lines.findIndex((line) => line === `==> Build ${tag}`)
    expect(header).toBeGreaterThan(0)
    expect(screen.lines.slice(header + 1).find((line) => line.startsWith('--- Build '))).toMatch(
      /^--- Build .*: \d+\.\d s$/,
    )
    expect(screen.lines.filter((line) => /Step \d+\/\d+ :|Successfully built/.test(line))).toEqual(
      [],
    )
    expect(screen.lines.join('\n')).not.toContain('Container log')
    expect(screen.lines.join('\n')).toContain('extend-azureml-image: passed in ')

    // While it built: the last lines of its log (dimmed, indented) above the status line. The
    // screen as it was when the last of them was drawn (each drawing starts with \r ESC [).
    const lastTail = raw.lastIndexOf('\u001b[2m  ')
    expect(lastTail).toBeGreaterThan(0)
    const then = await playOnTerminal(
      raw.slice(0, raw.indexOf('\r\u001b[', lastTail)),
      terminal.cols,
      terminal.rows,
    )
    const status = then.visible.at(-1) ?? ''
    expect(status).toMatch(
      new RegExp(`^[\u2800-\u28ff] Build ${tag.replace(/[/.:]/g, '\\$&')} \\(\\d+ s\\)$`),
    )
    let tail = 0
    while (then.visible.at(-2 - tail)?.startsWith('  ')) tail++
    expect(tail).toBeGreaterThanOrEqual(1)
    expect(tail).toBeLessThanOrEqual(5)
    expect(then.visible.slice(-1 - tail, -1).join('\n')).toMatch(/Step \d+\/\d+ :|Successfully/)
    await expectNothingLeft()
  })

  // darwin only: with process.platform win32, node's own os and path switch to Windows rules
  // (os.tmpdir() reads TEMP), which this Linux host cannot stand in for.
  it.each(['darwin'])(
    'runs with process.platform %s (Docker Desktop on macOS): the example passes',
    async (platform) => {
      const tag = `eai-test/cli-${platform}:${RUN_ID}`
      createdTags.push(tag)
      const run = await runCli(asOptions(exampleInputs(index.url, tag)), EXAMPLE, {
        nodeArgs: ['--import', STUB_PLATFORM],
        env: { STUB_PLATFORM: platform },
      })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(shownOutput(run.stdout, 'smoke-test')).toBe('passed')
      expect(await imageExists(tag)).toBe(true)
      await expectNothingLeft()
    },
  )

  it('refuses an engine that runs Windows containers, before anything is built (exit 1)', async () => {
    // A docker on PATH that is a Windows-containers engine, and notes what it was asked.
    const bin = path.join(scratch, 'windows-engine')
    const log = path.join(scratch, 'windows-engine.log')
    fs.mkdirSync(bin)
    fs.writeFileSync(
      path.join(bin, 'docker'),
      `#!/bin/sh\necho "$*" >> '${log}'\n[ "$1" = version ] && echo 'windows 24.0.7' && exit 0\nexit 1\n`,
      { mode: 0o755 },
    )
    const tag = `eai-test/cli-windows-engine:${RUN_ID}`
    const run = await runCli(asOptions(exampleInputs(index.url, tag)), EXAMPLE, {
      env: { PATH: `${bin}:${process.env.PATH}` },
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^error: The Docker engine runs windows containers \(docker version: Server\.Os is windows\), and Azure ML inference images are Linux images: switch the engine to Linux containers/m,
    )
    const verbs = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((call) => call.split(' ')[0])
    expect(verbs).toContain('version')
    // Only questions (the engine's version, builder, endpoint and the base image), nothing made.
    expect(
      verbs.filter((verb) => !['version', 'buildx', 'image', 'context'].includes(verb)),
    ).toEqual([])
    expect(shownOutput(run.stdout, 'image')).toBeUndefined()
    await expectNothingLeft()
  })
})

describe('npm run example (scripts/example.sh)', () => {
  it('passes from a copy of the repository with no node_modules, and prints the outputs', async () => {
    // The tracked files and the built dist/, where no node_modules is reachable (the temp dir).
    const copy = path.join(scratch, 'fresh-clone')
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    for (const file of tracked.split('\0').filter(Boolean)) {
      if (!fs.existsSync(path.join(ROOT, file))) continue // deleted, not yet committed
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true })
      fs.copyFileSync(path.join(ROOT, file), path.join(copy, file))
    }
    fs.cpSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true })
    const resolves = (name: string): boolean => {
      try {
        execFileSync(ACTION_NODE, ['--input-type=module', '-e', `await import('${name}')`], {
          cwd: copy,
          stdio: 'ignore',
        })
        return true
      } catch {
        return false
      }
    }
    // The copy really has no dev dependency at hand (the original did need yaml).
    expect(resolves('yaml')).toBe(false)
    expect(resolves('@actions/core')).toBe(false)

    const images = async (): Promise<string[]> =>
      (
        await dockerStatus([
          'image',
          'ls',
          '--format',
          '{{.Repository}}:{{.Tag}}',
          'extend-azureml-image',
        ])
      ).stdout
        .trim()
        .split('\n')
    const before = await images()
    const run = await new Promise<CliRun>((resolve, reject) => {
      const started = Date.now()
      const child = spawn('npm', ['run', '--silent', 'example'], {
        cwd: copy,
        // The node of this pass first on PATH: the script runs `node`. npm on Node 22+ keeps a
        // compile cache of its own in TMPDIR, which is not the example's to leave.
        env: childEnv({
          PATH: `${path.dirname(ACTION_NODE)}:${process.env.PATH}`,
          NODE_DISABLE_COMPILE_CACHE: '1',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
      child.once('error', reject)
      child.once('close', (code, signal) =>
        resolve({ code, signal, stdout, stderr, ms: Date.now() - started, program: 'npm' }),
      )
    })
    console.log(`npm run example from a fresh copy: ${run.ms} ms`)
    const image = shownOutput(run.stdout, 'image')
    if (image && !before.includes(image)) createdTags.push(image)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(image).toMatch(/^extend-azureml-image:[0-9a-f]{16}$/)
    expect(shownOutput(run.stdout, 'smoke-test')).toBe('passed')
    expect(shownOutput(run.stdout, 'score-response')).toBe(
      '{"predictions": [4.75, 0.25], "openmp": true}',
    )
    await expectNothingLeft()
  })
})
