// `code-dir: .` on a workspace that holds the repository's .git, the model and an ignore file:
// the image gets the code snapshot Azure ML would take (no .git, no model twice, nothing the
// ignore file leaves out), the log and the summary say what was left out, and what is left out
// does not change the default tag.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { builderEnvironments } from '../helpers/builders.js'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  runInImage,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import { errorAnnotations } from '../helpers/workflow-commands.js'

// Containers are named after the run id: other jobs on the same daemon do not count.
const RUN_ID = `code-snapshot-${process.pid}`
const { dispose: disposeBuilders, ...builders } = builderEnvironments(RUN_ID)
let index: LocalIndex
let workspace: string
const createdTags: string[] = []

function write(relative: string, content: string | Buffer): void {
  const file = path.join(workspace, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}

/** The example as a repository checkout whose root is code-dir. */
function checkout(): void {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ws-snapshot-')))
  fs.cpSync(EXAMPLE, workspace, { recursive: true })
  fs.renameSync(path.join(workspace, 'code/score.py'), path.join(workspace, 'score.py'))
  fs.rmdirSync(path.join(workspace, 'code'))
  write('.git/HEAD', 'ref: refs/heads/main\n') // 21 bytes
  write('.git/objects/pack/pack-1.pack', Buffer.alloc(4000))
  write('vendor/lib/.git', 'gitdir: ../../.git/modules/lib\n') // a submodule's .git file, 31 bytes
  write('vendor/lib/helper.py', 'HELP = 1\n')
  // With .amlignore there, .gitignore is not used: gitignored.txt reaches the image.
  write('.amlignore', '*.tmp\nnotebooks/\n')
  write('.gitignore', 'gitignored.txt\n')
  write('gitignored.txt', 'kept\n')
  write('scratch.tmp', Buffer.alloc(100))
  write('notebooks/explore.ipynb', Buffer.alloc(900))
}

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex()
  checkout()
}, 120_000)

afterAll(async () => {
  index?.stop()
  disposeBuilders()
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true })
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

describe('code-dir: . with .git, the model and an .amlignore inside', () => {
  const tag = 'eai-test/snapshot:root'
  let run: ActionRun

  beforeAll(async () => {
    createdTags.push(tag)
    run = await runAction({
      inputs: exampleInputs(index.url, tag, { 'code-dir': '.', 'entry-script': 'score.py' }),
      workspace,
      env: builders.buildkit,
    })
  }, 600_000)

  it('passes its smoke test: the script finds the model through AZUREML_MODEL_DIR', () => {
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs['smoke-test']).toBe('passed')
    expectNothingLeftInTemp(run)
  })

  it('bakes in the code snapshot: no .git, no ignored file, the model only once', async () => {
    // Everything under the app root but the model dir, which find prunes (and does not print).
    const app = await runInImage(tag, [
      'find',
      '/var/azureml-app',
      '-path',
      '/var/azureml-app/azureml-models',
      '-prune',
      '-o',
      '-print',
    ])
    expect(app.split('\n').sort()).toEqual([
      '/var/azureml-app',
      '/var/azureml-app/.amlignore',
      '/var/azureml-app/.gitignore',
      // The example's deployment file is part of its folder: a code-dir of . takes it.
      '/var/azureml-app/deployment.yml',
      '/var/azureml-app/gitignored.txt',
      '/var/azureml-app/requirements.txt',
      '/var/azureml-app/sample-request.json',
      '/var/azureml-app/score.py',
      '/var/azureml-app/vendor',
      '/var/azureml-app/vendor/lib',
      '/var/azureml-app/vendor/lib/helper.py',
    ])
    expect(await runInImage(tag, ['ls', '-A', '/var/azureml-app/azureml-models'])).toBe(
      'model.json',
    )
  })

  it('says in the log, the summary and the metadata what was left out, and by what', () => {
    expect(run.main.stdout).toContain(
      'model-dir is inside code-dir: left out of the code copy; the script finds it through AZUREML_MODEL_DIR (/var/azureml-app/azureml-models)',
    )
    const modelBytes = fs.statSync(path.join(workspace, 'model/model.json')).size
    const leftOutBytes = 21 + 4000 + 31 + modelBytes + 100 + 900
    const line = `left out 6 files, ${(leftOutBytes / 1000).toFixed(1)} kB: .git 3 files, 4.1 kB; model-dir 1 file, ${modelBytes} B; .amlignore 2 files, 1.0 kB`
    expect(run.main.stdout).toContain(`Code copy (code-dir): 8 files,`)
    expect(run.main.stdout).toContain(line)
    expect(run.summary).toMatch(
      new RegExp(`Code \\(code-dir\\)</th><td>8 files, [^<]* copied; ${line}`),
    )
    const copies = JSON.parse(run.outputs.metadata).copies
    expect(copies.code.leftOut).toEqual({
      files: 6,
      bytes: leftOutBytes,
      git: { files: 3, bytes: 4052 },
      modelDir: { files: 1, bytes: modelBytes },
      ignoreFile: { name: '.amlignore', files: 2, bytes: 1000 },
    })
    expect(copies.model).toEqual({
      copied: { files: 1, bytes: modelBytes },
      leftOut: { files: 0, bytes: 0, git: { files: 0, bytes: 0 } },
    })
  })
})

describe('what is left out does not change the default tag', () => {
  it('an ignored file and a commit keep the tag and its build; a code change does not', async () => {
    const inputs = {
      'base-image': STANDIN_IMAGE,
      'code-dir': '.',
      'entry-script': 'score.py',
      'model-dir': 'model',
      'smoke-test': 'false',
    }
    const env = { ...builders.legacy, GITHUB_REPOSITORY: 'org/snapshot-digest' }
    const first = await runAction({ inputs, workspace, env })
    createdTags.push(first.outputs.image)
    expect(first.main.exitCode).toBe(0)

    write('another.tmp', 'ignored')
    write('notebooks/second.ipynb', '{}')
    write('.git/HEAD', 'ref: refs/heads/feature\n')
    const second = await runAction({ inputs, workspace, env })
    createdTags.push(second.outputs.image) // the same tag, unless the digest is broken
    expect(second.main.exitCode).toBe(0)
    expect(second.outputs.image).toBe(first.outputs.image)
    expect(JSON.parse(second.outputs.metadata).reused).toBe(true)

    write('vendor/lib/helper.py', 'HELP = 2\n')
    const third = await runAction({ inputs, workspace, env })
    createdTags.push(third.outputs.image)
    expect(third.main.exitCode).toBe(0)
    expect(third.outputs.image).not.toBe(first.outputs.image)
  })
})

describe('an entry script the ignore file leaves out', () => {
  it('is refused before anything is built, naming the input, the ignore file and the rule', async () => {
    write('debug_score.tmp.py', 'def init(): pass\n')
    write('.amlignore', '*.tmp\nnotebooks/\n*.tmp.py\n')
    const tag = 'eai-test/snapshot:ignored-entry'
    await dockerStatus(['image', 'rm', tag])
    try {
      const run = await runAction({
        inputs: {
          'base-image': STANDIN_IMAGE,
          'code-dir': '.',
          'entry-script': 'debug_score.tmp.py',
          tags: tag,
        },
        workspace,
        env: builders.legacy,
      })
      expect(run.main.exitCode).toBe(1)
      const errors = errorAnnotations(run.main.stdout)
      expect(errors.map((error) => error.message)).toEqual([
        `Input 'entry-script': "debug_score.tmp.py" is left out of the code copy by .amlignore in 'code-dir' (rule "*.tmp.py"): Azure ML would leave it out of its snapshot too`,
      ])
      expect(run.main.stdout).not.toContain('Docker engine')
      expect(run.outputs.image).toBeUndefined()
      expect(await imageExists(tag)).toBe(false)
      expectNothingLeftInTemp(run)
    } finally {
      write('.amlignore', '*.tmp\nnotebooks/\n')
      fs.rmSync(path.join(workspace, 'debug_score.tmp.py'))
    }
  })
})
