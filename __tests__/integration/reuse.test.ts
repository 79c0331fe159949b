// Unchanged inputs rebuild nothing: the default tag (a digest of every input) may already hold
// this very build, which the action then smoke-tests as it is. Against the real engine: what is
// reused, what is not (changed code, a tag pointing at another image, explicit tags), and that a
// reused image that fails its smoke test loses its tag like a new one.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { RECIPE_LABEL } from '../../src/step/constants.js'
import { builderEnvironments } from '../helpers/builders.js'
import {
  actionContainers,
  docker,
  dockerStatus,
  imageExists,
  inspectImage,
  removeImagesNamed,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'

// The action names its containers after the run id: checks see this file's runs only.
const RUN_ID = `reuse-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID

const REUSED = / already holds this build \(sha256:[0-9a-f]{64}\)/
const { dispose: disposeBuilders, ...builders } = builderEnvironments()
// The default tag is named after the repository: a name of this file's own (one per builder,
// so that one builder's image is not the other's to reuse).
const REPOSITORY = 'eai-reuse-test'
const envFor = (builder: keyof typeof builders): Record<string, string> => ({
  ...builders[builder],
  GITHUB_REPOSITORY: `org/${REPOSITORY}-${builder}`,
})
const env = envFor('legacy')
let index: LocalIndex
let workspace: string
const images = new Set<string>()

beforeAll(async () => {
  await requireEngineAndStandin()
  await removeImagesNamed(`${REPOSITORY}-`)
  index = await startLocalIndex()
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-reuse-'))
  fs.cpSync(EXAMPLE, workspace, { recursive: true })
}, 120_000)

afterAll(async () => {
  index?.stop()
  disposeBuilders()
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true })
  if (images.size > 0) await dockerStatus(['image', 'rm', ...images])
  await removeImagesNamed(`${REPOSITORY}-`)
})

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

/** The example with the default tag (no `tags` input), from this file's own copy of it. */
async function run(
  extra: Record<string, string> = {},
  runEnv: Record<string, string> = env,
): Promise<ActionRun> {
  const inputs = exampleInputs(index.url, '', extra)
  if (inputs.tags === '') delete inputs.tags
  const result = await runAction({ inputs, workspace, env: runEnv })
  if (result.outputs.image) images.add(result.outputs.image)
  return result
}

function metadataOf(result: ActionRun): { reused: boolean } {
  return JSON.parse(result.outputs.metadata) as { reused: boolean }
}

describe.each(Object.keys(builders) as (keyof typeof builders)[])(
  'unchanged inputs, %s builder',
  (builder) => {
    let first: ActionRun
    let second: ActionRun

    beforeAll(async () => {
      first = await run({}, envFor(builder))
      second = await run({}, envFor(builder))
    }, 600_000)

    it('the first run builds, and labels the image with its recipe', async () => {
      expect(first.main.exitCode).toBe(0)
      expect(first.main.stdout).toMatch(/^Built sha256:/m)
      expect(first.main.stdout).not.toMatch(REUSED)
      expect(metadataOf(first).reused).toBe(false)
      const image = await inspectImage(first.outputs.image)
      expect(image.Config.Labels?.[RECIPE_LABEL]).toMatch(/^[0-9a-f]{64}$/)
    })

    it('a third, reused, starts no container but the smoke test (no scoring script check)', async () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-calls-'))
      const calls = path.join(bin, 'calls')
      // Wraps whichever docker the builder's PATH finds first.
      const real = execFileSync('sh', ['-c', 'command -v docker'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: envFor(builder).PATH ?? process.env.PATH },
      }).trim()
      const wrapper = `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\nexec '${real}' "$@"\n`
      fs.writeFileSync(path.join(bin, 'docker'), wrapper, { mode: 0o755 })
      try {
        const base = envFor(builder)
        const third = await run({}, { ...base, PATH: `${bin}:${base.PATH ?? process.env.PATH}` })
        expect(third.main.stdout).toMatch(REUSED)
        const started = fs
          .readFileSync(calls, 'utf8')
          .split('\n')
          .filter((line) => /^(run|create) /.test(line))
        expect(started).toEqual([
          expect.stringMatching(/^run --detach --name extend-azureml-image-/),
        ])
      } finally {
        fs.rmSync(bin, { recursive: true, force: true })
      }
    }, 300_000)

    it('the second builds nothing, and smoke-tests the same image', () => {
      expect(second.main.exitCode).toBe(0)
      expect(second.main.stdout).toMatch(REUSED)
      expect(second.main.stdout).not.toMatch(/^::group::Build /m)
      expect(second.outputs.image).toBe(first.outputs.image)
      expect(second.outputs['image-id']).toBe(first.outputs['image-id'])
      expect(second.outputs['smoke-test']).toBe('passed')
      expect(metadataOf(second).reused).toBe(true)
      expect(second.summary).toContain('nothing to build: the tag already held this build')
      expectNothingLeftInTemp(second)
    })
  },
)

it('without dependencies, on the base image itself: reused too', async () => {
  const inputs = {
    'base-image': STANDIN_IMAGE,
    'code-dir': 'code',
    'entry-script': 'score.py',
    'model-dir': 'model',
    // The example's script needs its pip packages to serve; the reuse comes before the test.
    'smoke-test': 'false',
  }
  const first = await runAction({ inputs, workspace: EXAMPLE, env })
  images.add(first.outputs.image)
  const second = await runAction({ inputs, workspace: EXAMPLE, env })
  expect(first.main.exitCode).toBe(0)
  expect(first.main.stdout).toMatch(/^Built sha256:/m)
  expect(second.main.exitCode).toBe(0)
  expect(second.main.stdout).toMatch(REUSED)
  expect(second.outputs['image-id']).toBe(first.outputs['image-id'])
  // Its layers start with the base image's: the check the reuse made.
  const base = await inspectImage(STANDIN_IMAGE)
  const image = await inspectImage(second.outputs.image)
  expect(image.RootFS.Layers.slice(0, base.RootFS.Layers.length)).toEqual(base.RootFS.Layers)
}, 600_000)

describe('what is not reused', () => {
  it('a changed file mode: a new tag, built', async () => {
    const file = path.join(workspace, 'code', 'score.py')
    fs.chmodSync(file, 0o644)
    const before = await run()
    // Group-writable: a mode COPY carries into the image, and the script still loads.
    fs.chmodSync(file, 0o664)
    try {
      const after = await run()
      expect(after.main.exitCode).toBe(0)
      expect(after.outputs.image).not.toBe(before.outputs.image)
      expect(after.main.stdout).toMatch(/^Built sha256:/m)
      expect(after.main.stdout).not.toMatch(REUSED)
    } finally {
      fs.chmodSync(file, 0o644)
    }
  }, 600_000)

  it('changed code: a new tag, built', async () => {
    const before = await run()
    fs.appendFileSync(path.join(workspace, 'code', 'score.py'), '\n# changed\n')
    const after = await run()
    expect(after.main.exitCode).toBe(0)
    expect(after.outputs.image).not.toBe(before.outputs.image)
    expect(after.main.stdout).toMatch(/^Built sha256:/m)
    expect(after.main.stdout).not.toMatch(REUSED)
  }, 600_000)

  it('a tag that now names another image: built again, and the tag moves to the build', async () => {
    const before = await run()
    const tag = before.outputs.image
    await docker(['tag', STANDIN_IMAGE, tag])
    const after = await run()
    expect(after.main.exitCode).toBe(0)
    expect(after.outputs.image).toBe(tag)
    expect(after.main.stdout).toMatch(/^Built sha256:/m)
    const image = await inspectImage(tag)
    expect(image.Id).toBe(after.outputs['image-id'])
    expect(image.Id).not.toBe((await inspectImage(STANDIN_IMAGE)).Id)
    expect(image.Config.Labels?.[RECIPE_LABEL]).toMatch(/^[0-9a-f]{64}$/)
  }, 600_000)

  it('explicit tags: always built (the tag says nothing about the inputs)', async () => {
    const tag = 'eai-test/reuse:explicit'
    images.add(tag)
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await run({ tags: tag })
      expect(result.main.exitCode).toBe(0)
      expect(result.main.stdout).toMatch(/^Built sha256:/m)
      expect(result.main.stdout).not.toMatch(REUSED)
    }
  }, 600_000)
})

it('a reused image that fails its smoke test loses its tag, like a new one', async () => {
  const passing = await run()
  expect(passing.main.exitCode).toBe(0)
  // The expected status is not an input of the image: same tag, reused, and now failing.
  const failing = await run({ 'expected-status': '418', 'expected-response': '' })
  expect(failing.main.stdout).toMatch(REUSED)
  expect(failing.main.exitCode).toBe(1)
  expect(failing.outputs.image).toBeUndefined()
  expect(await imageExists(passing.outputs.image)).toBe(false)
  expectNothingLeftInTemp(failing)
}, 600_000)

// The contexts of a build are staged in a stable folder per workspace and sources (staging-dir.ts),
// so that BuildKit sends only what changed; the input digests are remembered next to it.
describe('the stable staging folder', () => {
  let systemTmp: string
  let stagingWorkspace: string
  const weights = () => path.join(stagingWorkspace, 'model', 'weights.bin')
  const stagingEnv = (builder: keyof typeof builders = 'legacy') => ({
    ...envFor(builder),
    // The action's os.tmpdir(): its stable folders go there, and with this test's files.
    TMPDIR: systemTmp,
  })
  const stagingRun = (builder: keyof typeof builders = 'legacy') =>
    runAction({
      inputs: (() => {
        const inputs = exampleInputs(index.url, '', {})
        delete inputs.tags
        return inputs
      })(),
      workspace: stagingWorkspace,
      env: stagingEnv(builder),
    }).then((result) => {
      if (result.outputs.image) images.add(result.outputs.image)
      return result
    })
  const parent = () => path.join(systemTmp, 'extend-azureml-image-staging')

  beforeAll(() => {
    systemTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-staging-tmp-'))
    stagingWorkspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-staging-ws-'))
    fs.cpSync(EXAMPLE, stagingWorkspace, { recursive: true })
    // 8 MiB that a code change must not send again.
    fs.writeFileSync(weights(), Buffer.alloc(8 * 1024 * 1024, 1))
    const old = Date.now() / 1000 - 60
    fs.utimesSync(weights(), old, old) // old enough for its digest to be remembered
  })
  afterAll(() => {
    for (const dir of [systemTmp, stagingWorkspace])
      if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('is the same folder run after run, given back (no lock) when the run ends', async () => {
    const first = await stagingRun()
    const second = await stagingRun()
    expect(first.main.exitCode).toBe(0)
    expect(second.main.exitCode).toBe(0)
    expect(path.dirname(first.outputs.context)).toBe(parent())
    expect(second.outputs.context).toBe(first.outputs.context)
    expect(fs.readdirSync(parent()).filter((name) => name.endsWith('.lock'))).toEqual([])
    // Hard links of the workspace's files: the deliberate cache costs no data.
    const staged = fs.statSync(path.join(first.outputs.context, 'application/model/weights.bin'))
    expect(staged.ino).toBe(fs.statSync(weights()).ino)
    expectNothingLeftInTemp(second)
  }, 600_000)

  it('with BuildKit, a code change sends the code, not the model again', async () => {
    const transferred = (result: ActionRun): number[] =>
      [...result.main.stdout.matchAll(/transferring context: ([\d.]+)([kMG]?B)/g)].map(
        ([, value, unit]) => Number(value) * ({ B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[unit] ?? 1),
      )
    const first = await stagingRun('buildkit')
    fs.appendFileSync(path.join(stagingWorkspace, 'code', 'score.py'), '\n# changed\n')
    const second = await stagingRun('buildkit')
    expect(first.main.exitCode).toBe(0)
    expect(second.main.exitCode).toBe(0)
    expect(second.main.stdout).toMatch(/^Built sha256:/m)
    // The first run sent the model (unless an earlier run of this file had); the second not.
    expect(Math.max(...transferred(first), ...transferred(second))).toBeGreaterThan(8e6)
    expect(Math.max(...transferred(second))).toBeLessThan(1e6)
  }, 600_000)

  it('a model-only change keeps its size: still a new tag, built', async () => {
    const before = await stagingRun()
    expect(before.main.exitCode).toBe(0)
    // Same size, same inode, new content (and a new mtime, as any write gives it).
    const fd = fs.openSync(weights(), 'r+')
    fs.writeSync(fd, Buffer.alloc(1024, 2), 0, 1024, 0)
    fs.closeSync(fd)
    const after = await stagingRun()
    expect(after.main.exitCode).toBe(0)
    expect(after.outputs.image).not.toBe(before.outputs.image)
    expect(after.main.stdout).toMatch(/^Built sha256:/m)
    expect(after.main.stdout).not.toMatch(REUSED)
  }, 600_000)

  it('two runs at the same time on the same workspace do not share it', async () => {
    const [one, two] = await Promise.all([stagingRun(), stagingRun()])
    expect(one.main.exitCode).toBe(0)
    expect(two.main.exitCode).toBe(0)
    expect(one.outputs.context).not.toBe(two.outputs.context)
    // One of them had the stable folder; the other staged in its own work dir.
    const stable = [one, two].filter((result) => path.dirname(result.outputs.context) === parent())
    expect(stable).toHaveLength(1)
    for (const result of [one, two]) expectNothingLeftInTemp(result)
  }, 600_000)
})
