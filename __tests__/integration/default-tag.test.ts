// The default tag for repository names GitHub allows and docker does not: the action builds and
// tags, and every derived name is one the real docker CLI tags with.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/run-action.mjs'
import { defaultTag } from '../../src/plan/default-tag.js'
import { builderEnvironments } from '../helpers/builders.js'
import {
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE } from '../helpers/example.js'

const { dispose: disposeBuilders, ...builders } = builderEnvironments(`default-tag-${process.pid}`)
const createdTags: string[] = []

beforeAll(requireEngineAndStandin, 60_000)
afterAll(async () => {
  disposeBuilders()
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

describe('the default tag', () => {
  it.each(['my..repo', 'foo_-bar', 'a___b', 'foo.-bar', '.github', 'Mixed.Case__x', '-_-'])(
    'for %s is a tag docker takes',
    async (repository) => {
      // The digest part is made up: this process's id keeps it apart from other runs.
      const tag = defaultTag(`${process.pid}`.padEnd(16, '0'), `org/${repository}`)
      const tagged = await dockerStatus(['tag', STANDIN_IMAGE, tag])
      if (tagged.code === 0) createdTags.push(tag)
      expect(tagged).toMatchObject({ code: 0, stderr: '' })
      expect(await imageExists(tag)).toBe(true)
    },
  )

  it('for my..repo: the action builds, tags and outputs it', async () => {
    const run = await runAction({
      inputs: {
        'base-image': STANDIN_IMAGE,
        'code-dir': 'code',
        'entry-script': 'score.py',
        'smoke-test': 'false',
      },
      workspace: EXAMPLE,
      env: { ...builders.legacy, GITHUB_REPOSITORY: 'org/my..repo' },
    })
    if (run.outputs.image) createdTags.push(run.outputs.image)
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs.image).toMatch(/^my-repo:[0-9a-f]{16}$/)
    expect(await imageExists(run.outputs.image)).toBe(true)
  }, 300_000)
})
