// The legacy builder sends its whole context on every build: the action builds the model into an
// untagged image of its own, so that a code change sends the code alone (build/model-image.ts).
// Against the real engine: what each run sends, what the image holds, that a changed model is
// built again, that a failing run leaves no model image, and that BuildKit builds in one step.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { builderEnvironments } from '../helpers/builders.js'
import {
  actionContainers,
  docker,
  dockerStatus,
  envOf,
  imageExists,
  inspectImage,
  removeImagesNamed,
  requireEngineAndStandin,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'

const RUN_ID = `model-image-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID
const REPOSITORY = 'eai-model-image-test'
const { dispose: disposeBuilders, ...builders } = builderEnvironments()

const MODEL_BYTES = 3 * 1024 * 1024
const BUILT = /^Built the model image (sha256:[0-9a-f]{64}) /m
const KEPT = /^Model image (sha256:[0-9a-f]{64}): the model did not change, it is not sent again$/m
/** Each build's "Sending build context" figure, in the order of the builds. */
const SENT = /^Sending build context to Docker daemon\s+([\d.]+)([kMG]?B)$/gm

let index: LocalIndex
let workspace: string
const images = new Set<string>()

beforeAll(async () => {
  await requireEngineAndStandin()
  await removeImagesNamed(`${REPOSITORY}-`)
  index = await startLocalIndex()
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-model-image-'))
  fs.cpSync(EXAMPLE, workspace, { recursive: true })
  writeWeights()
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

/** New random weights beside the example's model (its script does not read them). */
function writeWeights(): string {
  const bytes = randomBytes(MODEL_BYTES)
  fs.writeFileSync(path.join(workspace, 'model', 'weights.bin'), bytes)
  return createHash('sha256').update(bytes).digest('hex')
}

function changeCode(revision: string): void {
  fs.appendFileSync(path.join(workspace, 'code', 'score.py'), `\n# revision ${revision}\n`)
}

async function run(
  builder: keyof typeof builders,
  extra: Record<string, string> = {},
): Promise<ActionRun> {
  const inputs = exampleInputs(index.url, '', extra)
  delete inputs.tags
  const env = { ...builders[builder], GITHUB_REPOSITORY: `org/${REPOSITORY}-${builder}` }
  const result = await runAction({ inputs, workspace, env })
  if (result.outputs.image) images.add(result.outputs.image)
  return result
}

function sentBytes(stdout: string): number[] {
  const scale: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }
  return [...stdout.matchAll(SENT)].map((match) => Number(match[1]) * scale[match[2]])
}

async function fileDigestIn(image: string, file: string): Promise<string> {
  const out = await docker(['run', '--rm', '--entrypoint', 'sha256sum', image, file])
  return out.split(' ')[0]
}

describe('legacy builder: the model in an image of its own', () => {
  let first: ActionRun
  let codeOnly: ActionRun
  let modelId: string

  beforeAll(async () => {
    first = await run('legacy')
    modelId = BUILT.exec(first.main.stdout)?.[1] ?? ''
    changeCode('2')
    codeOnly = await run('legacy')
  }, 600_000)

  it('the first run builds the model image, then the application on it', async () => {
    expect(first.main.exitCode).toBe(0)
    expect(modelId).toMatch(/^sha256:/)
    // Last, the model image (the model), then the application (the code alone).
    const [model, application] = sentBytes(first.main.stdout).slice(-2)
    expect(model).toBeGreaterThan(MODEL_BYTES)
    expect(application).toBeLessThan(100_000)
    const app = await inspectImage(first.outputs.image)
    const parent = await inspectImage(modelId)
    expect(app.RootFS.Layers.slice(0, parent.RootFS.Layers.length)).toEqual(parent.RootFS.Layers)
  })

  it('a code change sends the code only, and the image has the model, the new code and the contract', async () => {
    expect(codeOnly.main.exitCode).toBe(0)
    expect(codeOnly.outputs['smoke-test']).toBe('passed')
    expect(KEPT.exec(codeOnly.main.stdout)?.[1]).toBe(modelId)
    expect(codeOnly.main.stdout).not.toMatch(/^::group::Build the model image/m)
    const sent = sentBytes(codeOnly.main.stdout)
    expect(sent.at(-1)).toBeLessThan(100_000)
    expect(Math.max(...sent)).toBeLessThan(100_000) // the model was sent by no build
    const image = codeOnly.outputs.image
    const weights = fs.readFileSync(path.join(workspace, 'model', 'weights.bin'))
    expect(await fileDigestIn(image, '/var/azureml-app/azureml-models/weights.bin')).toBe(
      createHash('sha256').update(weights).digest('hex'),
    )
    expect(
      await docker([
        'run',
        '--rm',
        '--entrypoint',
        'tail',
        image,
        '-n',
        '1',
        '/var/azureml-app/score.py',
      ]),
    ).toContain('# revision 2')
    const config = await inspectImage(image)
    expect(envOf(config)).toMatchObject({
      AZUREML_MODEL_DIR: '/var/azureml-app/azureml-models',
      AZUREML_ENTRY_SCRIPT: 'score.py',
    })
    expect(config.Config.User).toBe((await inspectImage(first.outputs.image)).Config.User)
  })

  it('a changed model is built again, into a new model image', async () => {
    const digest = writeWeights()
    const changed = await run('legacy')
    expect(changed.main.exitCode).toBe(0)
    const rebuilt = BUILT.exec(changed.main.stdout)?.[1]
    expect(rebuilt).toMatch(/^sha256:/)
    expect(rebuilt).not.toBe(modelId)
    expect(
      await fileDigestIn(changed.outputs.image, '/var/azureml-app/azureml-models/weights.bin'),
    ).toBe(digest)
  }, 300_000)

  it('a run that fails after building a model image leaves none behind', async () => {
    writeWeights()
    const failed = await run('legacy', { 'expected-response': '{"predictions": [0]}' })
    expect(failed.main.exitCode).not.toBe(0)
    const built = BUILT.exec(failed.main.stdout)?.[1]
    expect(built).toMatch(/^sha256:/)
    expect(await imageExists(built ?? '')).toBe(false)
    expect(failed.outputs.image ?? '').toBe('')
  }, 300_000)
})

it('BuildKit builds the application in one step (it sends only what changed)', async () => {
  const result = await run('buildkit')
  expect(result.main.exitCode).toBe(0)
  expect(result.main.stdout).not.toMatch(/model image/i)
  const image = await inspectImage(result.outputs.image)
  expect(envOf(image).AZUREML_MODEL_DIR).toBe('/var/azureml-app/azureml-models')
}, 600_000)
