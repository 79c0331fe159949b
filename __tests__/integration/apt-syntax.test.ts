// apt's own syntax in 'apt-packages', built for real on the stand-in (Debian bookworm, whose
// sources are bookworm, bookworm-updates and bookworm-security): an architecture (a foreign one
// added to dpkg in the same RUN), a /release the sources have, and one they lack, which fails
// with apt's own words.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/run-action.mjs'
import { builderEnvironments } from '../helpers/builders.js'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  runInImage,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE } from '../helpers/example.js'
import { errorAnnotations } from '../helpers/workflow-commands.js'

const RUN_ID = `apt-syntax-${process.pid}`
const { dispose: disposeBuilders, ...builders } = builderEnvironments(RUN_ID)
const createdTags: string[] = []

beforeAll(requireEngineAndStandin, 60_000)
afterAll(async () => {
  disposeBuilders()
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})
afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

describe("apt-packages in apt's own syntax", () => {
  it('installs a foreign architecture, a native one and a package from a named release', async () => {
    const tag = `eai-test/apt-syntax:${process.pid}`
    createdTags.push(tag)
    const run = await runAction({
      inputs: {
        'base-image': STANDIN_IMAGE,
        'apt-packages': 'libc6:i386, libgomp1:amd64, file/bookworm',
        tags: tag,
        'smoke-test': 'false',
        cache: 'false',
      },
      workspace: EXAMPLE,
      env: builders.legacy,
    })
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs.image).toBe(tag)
    const installed = await runInImage(tag, [
      'dpkg-query',
      '--show',
      '--showformat',
      '${Package}:${Architecture} ${db:Status-Status}\n',
      'libc6:i386',
      'libgomp1:amd64',
      'file',
    ])
    expect(installed.split('\n').sort()).toEqual([
      'file:amd64 installed',
      'libc6:i386 installed',
      'libgomp1:amd64 installed',
    ])
    expect(await runInImage(tag, ['dpkg', '--print-foreign-architectures'])).toBe('i386')
  }, 300_000)

  it("a release the image's sources lack fails with apt's own message, nothing tagged", async () => {
    const tag = `eai-test/apt-syntax-missing:${process.pid}`
    await dockerStatus(['image', 'rm', tag])
    const run = await runAction({
      inputs: {
        'base-image': STANDIN_IMAGE,
        'apt-packages': 'file/jammy-backports',
        tags: tag,
        'smoke-test': 'false',
        cache: 'false',
      },
      workspace: EXAMPLE,
      env: builders.legacy,
    })
    expect(run.main.exitCode).toBe(1)
    const errors = errorAnnotations(run.main.stdout)
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toMatch(
      /docker build failed.*the base image's apt sources have no release "jammy-backports" for "file".*E: Release 'jammy-backports' for 'file' was not found/s,
    )
    expect(run.outputs.image).toBeUndefined()
    expect(await imageExists(tag)).toBe(false)
  }, 300_000)
})
