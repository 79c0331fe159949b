// The check after the dependencies build, with a fake engine: a conflicting image is untagged
// before the failure is thrown, a reused image is judged again (from remembered inventories
// when there are, without a container), and a check that cannot run only warns.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { CommandResult } from '../../src/docker/command.js'
import { checkServerConflicts, inventoryReader } from '../../src/dependencies/conflict-check.js'
import { ServerConflictFailure } from '../../src/dependencies/conflict-failure.js'
import { InventoryMemo } from '../../src/dependencies/inventory-memo.js'
import type { Dependencies } from '../../src/dependencies/get-dependencies.js'
import { Leftovers } from '../../src/step/leftovers.js'
import { fakeDocker } from '../helpers/fake-docker.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

const SERVER = 'azureml-inference-server-http'
const REFERENCE = 'extend-azureml-image/dependencies:0123'

function answer(pipCheck: string[] | null, pydantic: string, server = '0.8.4'): CommandResult {
  const distributions = [
    { name: SERVER, version: server, requires: [{ name: 'pydantic', specifier: '<1.11,>=1.9' }] },
    { name: 'pydantic', version: pydantic, requires: [] },
  ]
  return {
    exitCode: 0,
    stdout: JSON.stringify({ python: '3.11.2', distributions, pipCheck, apt: null }),
    stderr: '',
  }
}

const BROKEN = `${SERVER} 0.8.4 has requirement pydantic<1.11,>=1.9, but you have pydantic 2.5.0.`

function dependencies(source: Dependencies['source']): Dependencies {
  return { from: { reference: REFERENCE, id: 'sha256:deps' }, source, ms: 1 }
}

// Every workspace setUp makes, removed after each test (a test cannot forget its own).
const workspaces: string[] = []

function setUp(answers: Record<string, CommandResult>) {
  const read: string[] = []
  const docker = fakeDocker({
    runWithInput: async (request) => {
      read.push(request.image)
      return answers[request.image] ?? { exitCode: 1, stdout: '', stderr: 'no such image' }
    },
  })
  const leftovers = new Leftovers(docker)
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-conflict-check-'))
  workspaces.push(workspace)
  const requirements = path.join(workspace, 'requirements.txt')
  fs.writeFileSync(requirements, 'pydantic==2.5.0\n')
  const check = (source: Dependencies['source'], memo?: InventoryMemo) =>
    checkServerConflicts(docker, leftovers, {
      inputs: { workspace, requirements },
      dependencies: dependencies(source),
      baseInventory: inventoryReader(docker, leftovers, 'sha256:base', memo),
      memo,
    })
  return {
    docker,
    read,
    check,
    workspace,
  }
}

let printed = ''
function captureStdout(): void {
  printed = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk)
    return true
  })
}

afterEach(() => {
  jest.restoreAllMocks()
  for (const workspace of workspaces.splice(0))
    fs.rmSync(workspace, { recursive: true, force: true })
})

describe('checkServerConflicts', () => {
  it('untags a dependencies image that breaks the server, then fails', async () => {
    const { docker, check } = setUp({
      'sha256:base': answer([], '1.10.4'),
      'sha256:deps': answer([BROKEN], '2.5.0'),
    })
    captureStdout()
    const failure = await check('built').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ServerConflictFailure)
    expect((failure as ServerConflictFailure).line).toBe(1)
    expect(docker.calls).toContain(`untag ${REFERENCE}`)
  })

  it('keeps and returns the inventory of one that passes', async () => {
    const { docker, check } = setUp({
      'sha256:base': answer([], '1.10.4'),
      'sha256:deps': answer([], '1.10.9'),
    })
    captureStdout()
    const inventory = await check('built')
    expect(inventory?.distributions.get('pydantic')?.version).toBe('1.10.9')
    expect(docker.calls.filter((call) => call.startsWith('untag'))).toEqual([])
  })

  it('prints what package metadata says inert: a version cannot be a workflow command', async () => {
    const { check } = setUp({
      'sha256:base': answer([], '1.10.4', '0.8.4##[error]obeyed'),
      'sha256:deps': answer([], '1.10.9', '0.8.4##[error]obeyed'),
    })
    captureStdout()
    await check('built')
    expect(printed).toContain('0.8.4##[error]obeyed')
    expect(obeyedCommands(printed).filter((command) => command.name === 'error')).toEqual([])
  })

  it.each(['daemon', 'cache'] as const)(
    'judges dependencies from the %s again: their warnings are not dropped',
    async (source) => {
      const unrelated = 'eai-other 1.0 requires eai-missing, which is not installed.'
      const { read, check } = setUp({
        'sha256:base': answer([], '1.10.4'),
        'sha256:deps': answer([unrelated], '1.10.9'),
      })
      captureStdout()
      expect(await check(source)).toBeDefined()
      expect(read.sort()).toEqual(['sha256:base', 'sha256:deps'])
      const warnings = printed.split('\n').filter((line) => line.startsWith('::warning'))
      expect(warnings).toEqual([expect.stringContaining('eai-other')])
      expect(printed).toContain('Reused dependencies checked against')
    },
  )

  it('judges reused dependencies from remembered inventories without a container', async () => {
    const answers = { 'sha256:base': answer([], '1.10.4'), 'sha256:deps': answer([], '1.10.9') }
    const { read, check, workspace } = setUp(answers)
    const file = path.join(workspace, 'inventories.json')
    await check('built', new InventoryMemo(file))
    expect(read.sort()).toEqual(['sha256:base', 'sha256:deps'])
    read.length = 0
    captureStdout()
    await check('daemon', new InventoryMemo(file))
    expect(read).toEqual([])
    expect(printed).toContain('Reused dependencies checked against')
  })

  it.each([
    [
      'the dependencies image cannot be read',
      { 'sha256:base': answer([], '1.10.4') },
      /reading the dependencies image failed: python exited 1/,
    ],
    [
      'pip check cannot run',
      { 'sha256:base': answer([], '1.10.4'), 'sha256:deps': answer(null, '2.5.0') },
      /pip check could not run/,
    ],
    [
      'the base cannot be read',
      { 'sha256:deps': answer([BROKEN], '2.5.0') },
      /reading the base image failed/,
    ],
  ])('warns and goes on when %s', async (_case, answers, warning) => {
    const { docker, check } = setUp(answers)
    captureStdout()
    await check('built')
    const warnings = printed.split('\n').filter((line) => line.startsWith('::warning::'))
    expect(warnings).toEqual([expect.stringMatching(warning)])
    expect(docker.calls.filter((call) => call.startsWith('untag'))).toEqual([])
  })
})

describe('inventoryReader', () => {
  it('reads the image once, however often asked', async () => {
    const { docker, read } = setUp({ 'sha256:base': answer([], '1.10.4') })
    const readBase = inventoryReader(docker, new Leftovers(docker), 'sha256:base')
    const [first, second] = await Promise.all([readBase(), readBase()])
    expect(first).toBe(second)
    expect(read).toEqual(['sha256:base'])
  })
})
