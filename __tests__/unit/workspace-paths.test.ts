import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { checkDirectory, isInside, resolveInWorkspace } from '../../src/inputs/workspace-paths.js'

describe('isInside', () => {
  const root = path.join(path.sep, 'ws')

  it.each([
    ['the root itself', root],
    ['a child', path.join(root, 'model')],
    ['a name starting with ..', path.join(root, '..data')],
    ['a file starting with ..', path.join(root, 'src', '..init.py')],
    ['a name that is only dots', path.join(root, '...')],
  ])('%s is inside', (_case, candidate) => {
    expect(isInside(root, candidate)).toBe(true)
  })

  it.each([
    ['the parent', path.dirname(root)],
    ['a sibling', path.join(path.sep, 'other')],
    ['a sibling whose name extends the root', path.join(path.sep, 'ws-evil')],
    ['a sibling starting with ..', path.join(root, '..', '..data')],
  ])('%s is outside', (_case, candidate) => {
    expect(isInside(root, candidate)).toBe(false)
  })
})

describe('resolveInWorkspace', () => {
  let workspace: string

  beforeAll(() => {
    workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ws-paths-')))
    fs.mkdirSync(path.join(workspace, '..data'))
    fs.writeFileSync(path.join(workspace, '..data', 'w.bin'), 'w')
  })
  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }))

  it('takes a directory whose name starts with ..', () => {
    expect(resolveInWorkspace(workspace, 'model-dir', '..data', 'dir')).toBe(
      path.join(workspace, '..data'),
    )
    expect(resolveInWorkspace(workspace, 'model-dir', './..data/w.bin', 'file')).toBe(
      path.join(workspace, '..data', 'w.bin'),
    )
  })

  it('still refuses a path that leaves the workspace', () => {
    expect(() => resolveInWorkspace(workspace, 'model-dir', '..', 'dir')).toThrow(
      `Input 'model-dir': ".." resolves outside the workspace`,
    )
  })
})

describe('checkDirectory', () => {
  let workspace: string

  beforeEach(() => {
    workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ws-dir-')))
  })
  afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }))

  it('takes names in UTF-8, whatever their script', () => {
    fs.mkdirSync(path.join(workspace, 'model', 'données'), { recursive: true })
    fs.writeFileSync(path.join(workspace, 'model', 'données', '重み.bin'), 'w')
    expect(() =>
      checkDirectory(workspace, 'model-dir', path.join(workspace, 'model')),
    ).not.toThrow()
  })

  it('refuses a name that is not UTF-8, at any depth, naming the input and the rule', () => {
    const sub = path.join(workspace, 'model', 'sub')
    fs.mkdirSync(sub, { recursive: true })
    fs.writeFileSync(path.join(workspace, 'model', 'ok.bin'), 'w')
    // Latin-1 'é': one byte 0xE9, not UTF-8.
    fs.writeFileSync(Buffer.concat([Buffer.from(sub + path.sep), Buffer.from([0x77, 0xe9])]), 'w')
    expect(() => checkDirectory(workspace, 'model-dir', path.join(workspace, 'model'))).toThrow(
      /^Input 'model-dir': the name ".*sub\/w\uFFFD" is not UTF-8 .*file names must be UTF-8: rename it$/u,
    )
  })
})
