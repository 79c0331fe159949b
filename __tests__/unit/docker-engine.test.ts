// Which engine the action accepts: one that runs Linux containers, whatever the host is (the CLI
// on macOS or Windows talks to Docker Desktop's Linux engine). Against stand-in docker programs
// that log every call, so "before anything is built" is what they were asked.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'

let dir: string

// A build claims its stable staging folder under os.tmpdir(), a cache meant to outlive the run
// (staging-dir.ts): the step's os.tmpdir() is this file's dir, removed with it. (Setting TMPDIR
// here would not do: the os module reads the real process's env, not the test's copy.)
jest.unstable_mockModule('node:os', () => ({ ...os, default: os, tmpdir: () => dir }))
const { DockerCli } = await import('../../src/docker/docker.js')
const { run } = await import('../../src/main.js')
const realPlatform = process.platform

/** A docker program answering `docker version` with `answer` and exit `code`; logs its argv. */
function fakeDocker(
  name: string,
  answer: string,
  code = 0,
): { program: string; calls: () => string[] } {
  const program = path.join(dir, name)
  const log = `${program}.log`
  fs.writeFileSync(
    program,
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      'if [ "$1" = version ]; then',
      `  echo '${answer}'`,
      `  exit ${code}`,
      'fi',
      'exit 1',
      '',
    ].join('\n'),
    { mode: 0o755 },
  )
  return {
    program,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-engine-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
afterEach(() => {
  Object.defineProperty(process, 'platform', { value: realPlatform })
  clearInputs()
  process.exitCode = undefined
  jest.restoreAllMocks()
})

describe('DockerCli.serverVersion', () => {
  it('returns the version of an engine whose Server.Os is linux, asking for both in one call', async () => {
    const docker = fakeDocker('linux-engine', 'linux 28.1.1')
    expect(await new DockerCli(docker.program).serverVersion()).toBe('28.1.1')
    expect(docker.calls()).toEqual(['version --format {{.Server.Os}} {{.Server.Version}}'])
  })

  it('refuses an engine that runs Windows containers, naming its Server.Os and the way out', async () => {
    const docker = fakeDocker('windows-engine', 'windows 24.0.7')
    await expect(new DockerCli(docker.program).serverVersion()).rejects.toThrow(
      'The Docker engine runs windows containers (docker version: Server.Os is windows), and Azure ML inference images are Linux images: switch the engine to Linux containers (Docker Desktop: "Switch to Linux containers") and try again',
    )
  })

  it('says the daemon is not reachable when docker version fails', async () => {
    const docker = fakeDocker('no-engine', ' ', 1)
    await expect(new DockerCli(docker.program).serverVersion()).rejects.toThrow(
      /^The Docker daemon is not reachable/,
    )
  })
})

describe('the main step with an engine that runs Windows containers', () => {
  it('fails in Prepare, on macOS too when the runner check is off (the CLI), with nothing built', async () => {
    Object.defineProperty(process, 'platform', { value: 'darwin' })
    setInputs({ 'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest' })
    const docker = fakeDocker('windows-engine-main', 'windows 24.0.7')
    let printed = ''
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk)
      return true
    })
    await run(new DockerCli(docker.program), { requireLinuxRunner: false })
    const errors = printed.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('The Docker engine runs windows containers')
    expect(process.exitCode).toBe(1)
    // Only look-ups: no build, no container, no pull.
    const verbs = docker.calls().map((call) => call.split(' ')[0])
    expect(verbs).toContain('version')
    expect(
      verbs.filter((verb) => !['version', 'context', 'buildx', 'image'].includes(verb)),
    ).toEqual([])
  })

  it('the action on a macOS runner still fails at once, before asking docker anything', async () => {
    Object.defineProperty(process, 'platform', { value: 'darwin' })
    setInputs({ 'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest' })
    const docker = fakeDocker('linux-engine-main', 'linux 28.1.1')
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    await run(new DockerCli(docker.program))
    expect(process.exitCode).toBe(1)
    expect(docker.calls()).toEqual([])
  })
})
