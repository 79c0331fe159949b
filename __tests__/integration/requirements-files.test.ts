// A requirements file that includes others, on a real build: `-r` and `-c` of files in another
// folder, a nested file naming a wheel beside pip's working directory, a wheel beside the top
// file, and `-e` of a local source package. The image must have every package, the local one
// installed for good (not as a link to the staged folder the build deletes).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  runInImage,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { ROOT, startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import { errorAnnotations } from '../helpers/workflow-commands.js'

const FIXTURES = path.join(ROOT, '__tests__/fixtures/requirements-files')
const TAG = 'eai-test/requirements-files:nested'
// Names this file's containers: other runs may share the daemon.
const RUN_ID = `reqs${process.pid}`
const ENV = { GITHUB_RUN_ID: RUN_ID }

let index: LocalIndex
let workspace: string

function write(relative: string, text: string): void {
  const file = path.join(workspace, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex()
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-reqs-'))
  for (const name of ['code', 'model', 'sample-request.json']) {
    fs.cpSync(path.join(EXAMPLE, name), path.join(workspace, name), { recursive: true })
  }
  const wheels = path.join(workspace, 'envs/app/wheels')
  fs.mkdirSync(wheels, { recursive: true })
  execFileSync('python3', [
    path.join(ROOT, 'scripts/local-pypi.py'),
    ...['--packages', path.join(FIXTURES, 'wheels'), '--write-wheels', wheels],
  ])
  fs.cpSync(path.join(FIXTURES, 'localpkg'), path.join(workspace, 'envs/app/localpkg'), {
    recursive: true,
  })
  write(
    'envs/app/requirements.txt',
    [
      '-r ../common/base.txt',
      '--constraint ../common/constraints.txt',
      './wheels/reqwheel-1.0-py3-none-any.whl',
      '-e ./localpkg',
      '',
    ].join('\n'),
  )
  // Named in a file of another folder, yet beside pip's working directory, as pip reads it.
  write('envs/common/base.txt', 'tinylinear\n./wheels/reqnested-1.0-py3-none-any.whl\n')
  write('envs/common/constraints.txt', 'tinylinear==1.0.0\n')
}, 120_000)

afterAll(async () => {
  index?.stop()
  await dockerStatus(['image', 'rm', TAG])
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true })
})

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

describe('a requirements file with includes, wheels and a local package', () => {
  let run: ActionRun

  beforeAll(async () => {
    await dockerStatus(['image', 'rm', TAG])
    run = await runAction({
      inputs: exampleInputs(index.url, TAG, { requirements: 'envs/app/requirements.txt' }),
      workspace,
      env: ENV,
    })
  }, 600_000)

  it('builds and passes the smoke test', () => {
    expect(errorAnnotations(run.main.stdout)).toEqual([])
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs['smoke-test']).toBe('passed')
  })

  it('installs every package, the local one into site-packages, and leaves no staged files', async () => {
    const check = [
      'import sys, reqwheel, reqnested, reqlocal, tinylinear',
      'print(all(m.__file__.startswith(sys.prefix) for m in (reqwheel, reqnested, reqlocal)))',
    ].join('\n')
    expect(await runInImage(TAG, ['python', '-c', check])).toBe('True')
    expect(await runInImage(TAG, ['sh', '-c', 'test -e /tmp/extend-azureml-image; echo $?'])).toBe(
      '1',
    )
  })
})

describe('a requirements line that points outside the workspace', () => {
  it('fails the step naming the input, the file and the line, before anything is built', async () => {
    const tag = 'eai-test/requirements-files:outside'
    write('envs/bad/requirements.txt', 'tinylinear\n-r ../../../outside.txt\n')
    const run = await runAction({
      inputs: exampleInputs(index.url, tag, { requirements: 'envs/bad/requirements.txt' }),
      workspace,
      env: ENV,
    })
    expect(run.main.exitCode).toBe(1)
    const errors = errorAnnotations(run.main.stdout)
    expect(errors.map(({ message }) => message)).toEqual([
      `Input 'requirements': envs/bad/requirements.txt line 2 "../../../outside.txt" is outside the workspace`,
    ])
    expect(run.main.stdout).not.toContain('Build the dependencies')
    expect(await imageExists(tag)).toBe(false)
    expect(run.outputs.image).toBeUndefined()
    expectNothingLeftInTemp(run)
  })
})
