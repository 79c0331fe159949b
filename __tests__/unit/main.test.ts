// The main step's own refusals, with a fake DockerClient: nothing reaches docker.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { run } from '../../src/main.js'
import { fakeDocker } from '../helpers/fake-docker.js'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'

const realPlatform = process.platform

afterEach(() => {
  Object.defineProperty(process, 'platform', { value: realPlatform })
  clearInputs()
  process.exitCode = undefined
  jest.restoreAllMocks()
})

/** Runs the main step and returns what it printed on stdout. */
async function runCapturing(docker: ReturnType<typeof fakeDocker>): Promise<string> {
  let printed = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk)
    return true
  })
  await run(docker)
  return printed
}

describe('run on a runner that is not Linux', () => {
  it.each(['darwin', 'win32'])('on %s: fails at once, saying Linux is needed', async (platform) => {
    Object.defineProperty(process, 'platform', { value: platform })
    setInputs({ 'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest' })
    const docker = fakeDocker()
    const printed = await runCapturing(docker)
    const errors = printed.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toEqual([
      `::error::extend-azureml-image needs a Linux runner (this is ${platform}): Azure ML inference images are Linux images`,
    ])
    expect(process.exitCode).toBe(1)
    expect(docker.calls).toEqual([])
    expect(printed).not.toMatch(/::set-output|^::save-state/m)
  })
})
