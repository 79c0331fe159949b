// The action end to end, the way the runner runs it (node dist/index.js, then the post step),
// against the real engine and the local stand-in image: the built image's user, env, files and
// packages; outputs; failures with their messages; nothing left behind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  docker,
  dockerStatus,
  envOf,
  imageExists,
  inspectImage,
  requireEngineAndStandin,
  runInImage,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { builderEnvironments } from '../helpers/builders.js'
import { EXAMPLE, exampleInputs as inputsFor } from '../helpers/example.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { errorAnnotations } from '../helpers/workflow-commands.js'

const { dispose: disposeBuilders, ...builders } = builderEnvironments()
let index: LocalIndex
const createdTags: string[] = []

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex()
}, 120_000)

afterAll(async () => {
  index?.stop()
  disposeBuilders()
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

// The action names its containers after the run id: the check sees this file's runs only, not
// another job's on the same engine.
const RUN_ID = `action-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

function exampleInputs(tag: string, extra: Record<string, string> = {}): Record<string, string> {
  return inputsFor(index.url, tag, extra)
}

/** A failure test's tag must not exist beforehand, or its absence afterwards proves nothing. */
async function expectNoImage(tag: string): Promise<void> {
  await dockerStatus(['image', 'rm', tag])
  expect(await imageExists(tag)).toBe(false)
}

function expectFailedWithoutImage(run: ActionRun, message: string | RegExp): void {
  expect(run.main.exitCode).toBe(1)
  const errors = errorAnnotations(run.main.stdout)
  expect(errors).toHaveLength(1)
  expect(errors[0].message).toMatch(message)
  expect(run.outputs.image).toBeUndefined()
  expect(run.outputs['image-id']).toBeUndefined()
  expect(run.outputs.tags).toBeUndefined()
  expectNothingLeftInTemp(run)
}

describe.each(Object.entries(builders))(
  'the example, built with the %s builder',
  (builder, env) => {
    let run: ActionRun
    const tag = `eai-test/example:${builder}`

    beforeAll(async () => {
      createdTags.push(tag)
      run = await runAction({
        inputs: exampleInputs(tag, { env: 'GREETING=hello' }),
        workspace: EXAMPLE,
        env,
      })
    }, 600_000)

    it('succeeds, and both steps exit 0', () => {
      expect(run.main.stderr).toBe('')
      expect(run.main.exitCode).toBe(0)
      expect(run.post?.exitCode).toBe(0)
      expect(run.main.stdout).toContain(
        builder === 'buildkit' ? 'Builder: BuildKit' : 'Builder: legacy builder',
      )
    })

    it('outputs the image that exists, with its id and the smoke test result', async () => {
      const image = await inspectImage(tag)
      expect(run.outputs).toMatchObject({
        image: tag,
        tags: tag,
        'image-id': image.Id,
        'smoke-test': 'passed',
        'score-status': '200',
        'score-response': '{"predictions": [4.75, 0.25], "openmp": true}',
      })
      const metadata = JSON.parse(run.outputs.metadata)
      expect(metadata).toMatchObject({
        image: tag,
        imageId: image.Id,
        builder,
        baseUser: 'dockeruser',
        smokeTest: 'passed',
      })
      expect(metadata.timings.buildMs).toBeGreaterThan(0)
      expect(run.outputs.dockerfile).toMatch(/extend-azureml-image-[^/]+\/Dockerfile$/)
    })

    it("ends as the base image's user, with the contract's env and labels", async () => {
      const image = await inspectImage(tag)
      expect(image.Config.User).toBe('dockeruser')
      expect(image.Config.Cmd).toEqual(['runsvdir', '/var/runit'])
      expect(envOf(image)).toMatchObject({
        AZUREML_ENTRY_SCRIPT: 'score.py',
        AZUREML_MODEL_DIR: '/var/azureml-app/azureml-models',
        GREETING: 'hello',
      })
      expect(image.Config.Labels).toMatchObject({
        'org.opencontainers.image.base.name': STANDIN_IMAGE,
      })
    })

    it('has code and model where the contract says, apt and pip packages installed', async () => {
      expect(
        await runInImage(tag, ['cat', '/var/azureml-app/azureml-models/model.json']),
      ).toContain('"weights"')
      expect(await runInImage(tag, ['ls', '/var/azureml-app'])).toBe('azureml-models\nscore.py')
      expect(await runInImage(tag, ['dpkg-query', '-W', '-f', '${Status}', 'libgomp1'])).toBe(
        'install ok installed',
      )
      expect(
        await runInImage(tag, [
          'python',
          '-c',
          'import tinylinear, sys; print(tinylinear.__file__.startswith(sys.prefix))',
        ]),
      ).toBe('True')
      expect(await runInImage(tag, ['id', '-un'])).toBe('dockeruser')
    })

    it('leaves no container, no temp dir, and no pip index in the image', async () => {
      expectNothingLeftInTemp(run)
      const history = await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag])
      const config = await docker(['image', 'inspect', tag])
      if (builder === 'buildkit') {
        expect(history).not.toContain(index.url)
        expect(config).not.toContain(index.url)
      }
      expect(await runInImage(tag, ['ls', '-a', '/tmp'])).not.toContain('extend-azureml-image')
    })
  },
)

describe('credentials in pip-index-url', () => {
  const token = 's3cr3t-t0ken-value'

  it('with BuildKit: go in as a secret, never into the log, history or image config', async () => {
    const tag = 'eai-test/example:credentials'
    createdTags.push(tag)
    const secretUrl = index.url.replace('http://', `http://builder:${token}@`)
    const run = await runAction({
      inputs: exampleInputs(tag, { 'pip-index-url': secretUrl }),
      workspace: EXAMPLE,
      env: builders.buildkit,
    })
    expect(run.main.exitCode).toBe(0)
    expect(run.main.stdout).toContain(`::add-mask::${token}`)
    const withoutMaskCommands = run.main.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
    expect(withoutMaskCommands.join('\n')).not.toContain(token)
    expect(await docker(['history', '--no-trunc', tag])).not.toContain(token)
    expect(await docker(['image', 'inspect', tag])).not.toContain(token)
    expect(run.summary).not.toContain(token)
    expect(JSON.stringify(run.outputs)).not.toContain(token)
  })

  it('with the legacy builder: refused before anything is built', async () => {
    const tag = 'eai-test/example:legacy-credentials'
    await expectNoImage(tag)
    const secretUrl = index.url.replace('http://', `http://builder:${token}@`)
    const run = await runAction({
      inputs: exampleInputs(tag, { 'pip-index-url': secretUrl }),
      workspace: EXAMPLE,
      env: builders.legacy,
    })
    expectFailedWithoutImage(run, /legacy Docker builder has no build secrets/)
    expect(run.main.stdout).not.toContain('Step 1/')
    expect(await imageExists(tag)).toBe(false)
  })
})

describe('build failures', () => {
  it('an apt package that does not exist: apt says so in the failure', async () => {
    const tag = 'eai-test/example:bad-apt'
    await expectNoImage(tag)
    const run = await runAction({
      inputs: exampleInputs(tag, { 'apt-packages': 'no-such-package-eai' }),
      workspace: EXAMPLE,
      env: builders.legacy,
    })
    expectFailedWithoutImage(
      run,
      /docker build failed.*Unable to locate package no-such-package-eai/s,
    )
    expect(await imageExists(tag)).toBe(false)
  })

  it('a requirement pip cannot resolve: pip says so in the failure (BuildKit)', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-'))
    fs.cpSync(EXAMPLE, workspace, { recursive: true })
    fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'tinylinear==9.9.9\n')
    const tag = 'eai-test/example:bad-pip'
    await expectNoImage(tag)
    try {
      const run = await runAction({ inputs: exampleInputs(tag), workspace, env: builders.buildkit })
      expectFailedWithoutImage(run, /No matching distribution found for tinylinear==9\.9\.9/)
      expect(await imageExists(tag)).toBe(false)
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true })
    }
  })
})

describe('inputs that reach the image', () => {
  it('env values with $, quotes and backslashes arrive literally', async () => {
    const tag = 'eai-test/example:env'
    createdTags.push(tag)
    const tricky = 'a "quoted" $HOME ${PATH} \\n back\\slash \'single\' `tick` #hash'
    const run = await runAction({
      inputs: {
        'base-image': STANDIN_IMAGE,
        env: `TRICKY=${tricky}\nEMPTY=`,
        tags: tag,
        'smoke-test': 'false',
      },
      workspace: EXAMPLE,
      env: builders.legacy,
    })
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs['smoke-test']).toBe('skipped')
    expect(envOf(await inspectImage(tag))).toMatchObject({ TRICKY: tricky, EMPTY: '' })
  })

  it("switches back to the base image's own user, whatever it is", async () => {
    const base = 'eai-test/other-user-base:1'
    const tag = 'eai-test/example:other-user'
    createdTags.push(base, tag)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'base-'))
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      `FROM ${STANDIN_IMAGE}\nUSER root\nRUN useradd --uid 4321 scorer\nUSER scorer\n`,
    )
    await docker(['build', '--quiet', '--tag', base, dir])
    fs.rmSync(dir, { recursive: true })
    const run = await runAction({
      inputs: { 'base-image': base, 'apt-packages': 'libgomp1', tags: tag, 'smoke-test': 'false' },
      workspace: EXAMPLE,
      env: builders.legacy,
    })
    expect(run.main.exitCode).toBe(0)
    expect((await inspectImage(tag)).Config.User).toBe('scorer')
  })

  it('build: false writes the Dockerfile and the context only', async () => {
    const run = await runAction({
      // A dynamic install at start is warned about before anything is written.
      inputs: exampleInputs('eai-test/example:never', {
        build: 'false',
        env: 'AZUREML_EXTRA_REQUIREMENTS_TXT=requirements.txt',
      }),
      workspace: EXAMPLE,
      post: false,
    })
    try {
      expect(run.main.exitCode).toBe(0)
      expect(run.main.stdout).toMatch(
        /^::warning::Input 'env' sets AZUREML_EXTRA_REQUIREMENTS_TXT: .* List the packages in the 'requirements' input instead/m,
      )
      expect(run.outputs.image).toBeUndefined()
      expect(run.outputs['smoke-test']).toBe('skipped')
      expect(run.outputs.dockerfile.startsWith(run.runnerTemp)).toBe(true)
      expect(run.main.stdout).toContain(`FROM ${STANDIN_IMAGE}\n`)
      expect(await imageExists('eai-test/example:never')).toBe(false)
    } finally {
      fs.rmSync(run.runnerTemp, { recursive: true, force: true })
    }
  })

  it("build: false remembers the input digests in the stable folder's file, without claiming it", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-build-false-tmp-'))
    const workspace = path.join(tmp, 'workspace')
    fs.cpSync(EXAMPLE, workspace, { recursive: true })
    // Old enough to be remembered (a file hashed within 2 s of its mtime is not).
    const weights = path.join(workspace, 'model', 'weights.bin')
    fs.writeFileSync(weights, 'w'.repeat(1024 * 1024))
    fs.utimesSync(weights, Date.now() / 1000 - 60, Date.now() / 1000 - 60)
    const inputs = exampleInputs('', { build: 'false' })
    delete inputs.tags
    try {
      const run = await runAction({ inputs, workspace, env: { TMPDIR: tmp }, post: false })
      fs.rmSync(run.runnerTemp, { recursive: true, force: true })
      expect(run.main.exitCode).toBe(0)
      const parent = path.join(tmp, 'extend-azureml-image-staging')
      const files = fs.readdirSync(parent)
      // Only the digests: no staged folder, no lock.
      expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{16}\.digests\.json$/)])
      const saved = fs.readFileSync(path.join(parent, files[0]), 'utf8')
      expect(saved).toContain(JSON.stringify(weights).slice(1, -1))
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })

  it('a default tag is derived from the inputs: same inputs, same tag', async () => {
    const inputs = {
      'base-image': STANDIN_IMAGE,
      'code-dir': 'code',
      'entry-script': 'score.py',
      'smoke-test': 'false',
    }
    const first = await runAction({
      inputs,
      workspace: EXAMPLE,
      env: { ...builders.legacy, GITHUB_REPOSITORY: 'org/Demo-Repo' },
    })
    const second = await runAction({
      inputs,
      workspace: EXAMPLE,
      env: { ...builders.legacy, GITHUB_REPOSITORY: 'org/Demo-Repo' },
    })
    createdTags.push(first.outputs.image)
    expect(first.outputs.image).toMatch(/^demo-repo:[0-9a-f]{16}$/)
    expect(second.outputs.image).toBe(first.outputs.image)
    expect(second.outputs['image-id']).toBe(first.outputs['image-id'])
  })
})
