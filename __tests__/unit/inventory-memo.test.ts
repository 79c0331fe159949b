// The inventories a cache entry carries (InventoryMemo.exported / seed): what goes in, and what a
// restored entry may put in the memo (only the images asked for, only valid inventories).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { InventoryMemo } from '../../src/dependencies/inventory-memo.js'
import { Leftovers } from '../../src/step/leftovers.js'
import { fakeDocker } from '../helpers/fake-docker.js'

const INVENTORY = {
  python: '3.11.2',
  distributions: [{ name: 'tinylinear', version: '1.0.0', requires: [] }],
  apt: [{ name: 'libgomp1', version: '12.2.0-14' }],
}

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-memo-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A memo whose images hold INVENTORY when read; counts the reads (each a container). */
function memoWithReads(file?: string) {
  let reads = 0
  const docker = fakeDocker({
    runWithInput: async () => {
      reads++
      return { exitCode: 0, stdout: JSON.stringify(INVENTORY), stderr: '' }
    },
  })
  const memo = new InventoryMemo(file)
  const read = (id: string) => memo.read(docker, new Leftovers(docker), id)
  return { memo, read, reads: () => reads }
}

describe('the inventories of a cache entry', () => {
  it('carries what was read, and a new runner reads neither image again', async () => {
    const runner = memoWithReads()
    await runner.read('sha256:base')
    await runner.read('sha256:deps')
    const document = runner.memo.exported(['sha256:base', 'sha256:deps'])
    expect(document).toBeDefined()

    const next = memoWithReads(path.join(dir, 'memo.json'))
    expect(next.memo.seed(document ?? Buffer.alloc(0), ['sha256:base', 'sha256:deps'])).toBe(2)
    const inventory = await next.read('sha256:deps')
    expect(inventory.distributions.get('tinylinear')?.version).toBe('1.0.0')
    await next.read('sha256:base')
    expect(next.reads()).toBe(0)
    // Remembered next to the staging folder too, for the runs after it.
    expect(
      Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'memo.json'), 'utf8')).inventories),
    ).toEqual(expect.arrayContaining(['sha256:base', 'sha256:deps']))
  })

  it('exports nothing when nothing was read', () => {
    expect(memoWithReads().memo.exported(['sha256:base'])).toBeUndefined()
  })

  it('takes only the images asked for, and only valid inventories', async () => {
    const document = Buffer.from(
      JSON.stringify({
        version: 1,
        inventories: {
          'sha256:base': INVENTORY,
          'sha256:deps': { python: 3, distributions: 'none' },
          'sha256:other': INVENTORY,
        },
      }),
    )
    const next = memoWithReads()
    expect(next.memo.seed(document, ['sha256:base', 'sha256:deps'])).toBe(1)
    await next.read('sha256:base')
    expect(next.reads()).toBe(0)
    await next.read('sha256:deps') // refused from the entry: read in the image
    await next.read('sha256:other') // not asked for: read in the image
    expect(next.reads()).toBe(2)
  })

  it('ignores a document that is not one', () => {
    const memo = memoWithReads().memo
    expect(memo.seed(Buffer.from('not json'), ['sha256:base'])).toBe(0)
    expect(memo.seed(Buffer.from('{"version": 2, "inventories": {}}'), ['sha256:base'])).toBe(0)
    expect(memo.seed(Buffer.from('null'), ['sha256:base'])).toBe(0)
  })
})
