// The scoring script check beside the dependencies build, with a fake engine: a failure stops
// the build by its signal and is thrown as soon as the build has ended, not when it would have
// finished; a pass leaves the build alone; a check that cannot run only warns.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { CommandResult } from '../../src/docker/command.js'
import type { ThrowawayRunRequest } from '../../src/docker/docker-args.js'
import type { LocalImage } from '../../src/docker/docker.js'
import { wholeTreeSnapshot } from '../../src/inputs/code-snapshot.js'
import { startScriptCheck } from '../../src/script-check/alongside.js'
import { ScriptCheckFailure } from '../../src/script-check/script-check.js'
import { Leftovers } from '../../src/step/leftovers.js'
import { fakeDocker } from '../helpers/fake-docker.js'

const BASE: LocalImage = {
  id: 'sha256:base',
  layers: [],
  user: 'dockeruser',
  labels: {},
  sizeBytes: 0,
}
let workspace: string
let printed: string

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-alongside-'))
  fs.mkdirSync(path.join(workspace, 'src'))
  fs.writeFileSync(path.join(workspace, 'src/score.py'), 'def init(:\n')
})

afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }))

afterEach(() => {
  jest.restoreAllMocks()
})

function captureStdout(): void {
  printed = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk)
    return true
  })
}

function verdict(problems: unknown[]): CommandResult {
  return { exitCode: 0, stdout: JSON.stringify({ python: '3.9.18', problems }), stderr: '' }
}

const SYNTAX = { file: 'score.py', line: 1, column: 10, kind: 'syntax', message: 'SyntaxError: x' }

function setUp(
  answer: (request: ThrowawayRunRequest, signal?: AbortSignal) => Promise<CommandResult>,
  deferred = false,
) {
  const asked: ThrowawayRunRequest[] = []
  const docker = fakeDocker({
    runWithInput: async (request, _input, signal) => {
      asked.push(request)
      return answer(request, signal)
    },
  })
  const inputs = {
    workspace,
    codeDir: path.join(workspace, 'src'),
    codeSnapshot: wholeTreeSnapshot(path.join(workspace, 'src')),
    entryScript: 'score.py',
  }
  const check = startScriptCheck(docker, new Leftovers(docker), inputs, BASE, deferred)
  return { asked, docker, check }
}

/** A stand-in for the dependencies build: ends when its signal is aborted, or after `ms`. */
function slowBuild(ms: number, seen: { aborted?: boolean }) {
  return (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => resolve('built'), ms)
      signal.addEventListener('abort', () => {
        seen.aborted = true
        clearTimeout(timer)
        reject(new Error('build stopped'))
      })
    })
}

describe('the check beside a slow build', () => {
  it('stops the build and throws the check failure at once', async () => {
    captureStdout()
    const { check, asked } = setUp(async () => verdict([SYNTAX]))
    const seen: { aborted?: boolean } = {}
    const started = Date.now()
    const outcome = await check.alongside(slowBuild(30_000, seen)).catch((error: unknown) => error)
    expect(outcome).toBeInstanceOf(ScriptCheckFailure)
    expect((outcome as ScriptCheckFailure).message).toContain('src/score.py line 1: SyntaxError: x')
    expect(seen.aborted).toBe(true)
    expect(Date.now() - started).toBeLessThan(2000)
    await expect(check.passed()).rejects.toBe(outcome)
    // In the base image, by id, as its own user (no --user), the checker as an argument.
    expect(asked).toEqual([
      expect.objectContaining({ image: 'sha256:base', entrypoint: 'python', memory: '512m' }),
    ])
    expect(asked[0].args.slice(0, 3)).toEqual(['-I', '-S', '-c'])
  })

  it('leaves a build alone when the check passes', async () => {
    captureStdout()
    const { check } = setUp(async () => verdict([]))
    const seen: { aborted?: boolean } = {}
    await expect(check.alongside(slowBuild(300, seen))).resolves.toBe('built')
    await expect(check.passed()).resolves.toBeUndefined()
    expect(seen.aborted).toBeUndefined()
    expect(printed).toContain("Scoring script checked with the base image's Python 3.9.18")
  })

  it('a build that fails first fails with its own error; the check is still awaited after', async () => {
    captureStdout()
    const { check } = setUp(
      () => new Promise((resolve) => setTimeout(() => resolve(verdict([SYNTAX])), 200)),
    )
    await expect(
      check.alongside(async () => {
        throw new Error('apt has no package nope')
      }),
    ).rejects.toThrow('apt has no package nope')
    await expect(check.passed()).rejects.toBeInstanceOf(ScriptCheckFailure)
  })
})

describe('a check that cannot run', () => {
  it('falls back to python3 when python is not on the image PATH', async () => {
    captureStdout()
    const { check, asked } = setUp(async (request) =>
      request.entrypoint === 'python'
        ? {
            exitCode: 127,
            stdout: '',
            stderr:
              'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "python": executable file not found in $PATH: unknown.',
          }
        : verdict([SYNTAX]),
    )
    await expect(check.passed()).rejects.toBeInstanceOf(ScriptCheckFailure)
    expect(asked.map((request) => request.entrypoint)).toEqual(['python', 'python3'])
  })

  it('only warns when neither Python is there, or the checker breaks', async () => {
    captureStdout()
    const missing = setUp(async () => ({
      exitCode: 127,
      stdout: '',
      stderr: 'exec: "python3": executable file not found in $PATH',
    }))
    await expect(missing.check.passed()).resolves.toBeUndefined()
    expect(printed).toContain(
      "::warning::The scoring script was not checked before the build: neither python nor python3 is on the image's PATH",
    )
    const broken = setUp(async () => ({ exitCode: 1, stdout: '', stderr: 'MemoryError' }))
    await expect(broken.check.passed()).resolves.toBeUndefined()
    expect(printed).toContain('python exited 1:%0AMemoryError')
  })
})

describe('a check not needed any more (the image under the tag is reused)', () => {
  it('forget() lets its container run end, then prints neither a warning nor a verdict', async () => {
    captureStdout()
    let signalled = false
    let finish: (result: { exitCode: number; stdout: string; stderr: string }) => void = () => {}
    const { check, asked } = setUp(
      (_request, signal) =>
        new Promise((resolve) => {
          signal?.addEventListener('abort', () => (signalled = true))
          finish = resolve
        }),
    )
    await new Promise((resolve) => setTimeout(resolve, 10))
    let forgotten = false
    const forgetting = check.forget().then(() => (forgotten = true))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(forgotten).toBe(false) // waits for the container run, does not kill it
    finish({ exitCode: 1, stdout: '', stderr: 'MemoryError' })
    await forgetting
    expect(asked).toHaveLength(1)
    expect(signalled).toBe(false)
    await expect(check.passed()).resolves.toBeUndefined()
    expect(printed).not.toContain('::warning')
    expect(printed).not.toContain('Scoring script checked')
  })
})

describe('a deferred check (an image is under the default tag: likely reused)', () => {
  it('starts no container when the image is reused', async () => {
    captureStdout()
    const { check, asked } = setUp(async () => verdict([SYNTAX]), true)
    await expect(check.alongside(async () => 'found')).resolves.toBe('found')
    await check.forget()
    expect(asked).toHaveLength(0)
    expect(printed).not.toContain('Scoring script checked')
  })

  it('starts when the dependencies are built after all, and stops that build on a failure', async () => {
    captureStdout()
    const { check, asked } = setUp(async () => verdict([SYNTAX]), true)
    const seen: { aborted?: boolean } = {}
    const build = slowBuild(30_000, seen)
    const outcome = await check
      .alongside((signal) => {
        check.start() // what the dependencies stage's onBuild does
        return build(signal)
      })
      .catch((error: unknown) => error)
    expect(outcome).toBeInstanceOf(ScriptCheckFailure)
    expect(seen.aborted).toBe(true)
    expect(asked).toHaveLength(1)
  })

  it('starts when the application is about to be built (passed)', async () => {
    captureStdout()
    const { check, asked } = setUp(async () => verdict([SYNTAX]), true)
    await expect(check.alongside(async () => 'found')).resolves.toBe('found')
    expect(asked).toHaveLength(0)
    await expect(check.passed()).rejects.toBeInstanceOf(ScriptCheckFailure)
    expect(asked).toHaveLength(1)
  })
})
