import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readMemoFile, writeMemoFile } from '../../src/plan/memo-file.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memo-file-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('memo files', () => {
  it('give back what was written, of the same version, owner-only', () => {
    const file = path.join(dir, 'key.digests.json')
    writeMemoFile(file, 3, { digests: { a: 'b' } })
    expect(readMemoFile(file, 3)).toEqual({ digests: { a: 'b' }, version: 3 })
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(dir)).toEqual(['key.digests.json'])
  })

  it('count as nothing remembered when missing, of another version or not an object', () => {
    const file = path.join(dir, 'key.digests.json')
    expect(readMemoFile(file, 1)).toBeUndefined()
    writeMemoFile(file, 2, { digests: {} })
    expect(readMemoFile(file, 1)).toBeUndefined()
    for (const text of ['{"version": 1', 'null', '[1]', '"x"']) {
      fs.writeFileSync(file, text)
      expect(readMemoFile(file, 1)).toBeUndefined()
    }
  })

  it('replace the file whole, never in part, and leave nothing when they cannot', () => {
    const file = path.join(dir, 'key.inventories.json')
    writeMemoFile(file, 1, { inventories: { old: 1 } })
    const before = fs.statSync(file).ino
    writeMemoFile(file, 1, { inventories: { new: 2 } })
    // A rename: a reader holding the old file keeps reading it whole.
    expect(fs.statSync(file).ino).not.toBe(before)
    expect(readMemoFile(file, 1)).toEqual({ inventories: { new: 2 }, version: 1 })
    // Written but not renamed (a folder in its place): no throw, and its temp file is gone.
    const blocked = path.join(dir, 'key.model-image.json')
    fs.mkdirSync(path.join(blocked, 'inside'), { recursive: true })
    writeMemoFile(blocked, 1, {})
    expect(fs.readdirSync(dir).sort()).toEqual(['key.inventories.json', 'key.model-image.json'])
  })
})
