import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { isInside, resolveInWorkspace } from '../../src/workspace-paths.js'

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
