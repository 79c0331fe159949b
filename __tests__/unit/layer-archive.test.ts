import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { dropBaseLayers } from '../../src/layer-archive.js'

let dir: string
let archive: string

function members(): string[] {
  return execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n').sort()
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'))
  const tree = path.join(dir, 'tree')
  for (const layer of ['aaa', 'bbb', 'ccc']) {
    fs.mkdirSync(path.join(tree, layer), { recursive: true })
    fs.writeFileSync(path.join(tree, layer, 'layer.tar'), layer.repeat(100))
    fs.writeFileSync(path.join(tree, layer, 'json'), '{}')
  }
  const manifest = [
    { Config: 'cfg.json', Layers: ['aaa/layer.tar', 'bbb/layer.tar', 'ccc/layer.tar'] },
  ]
  fs.writeFileSync(path.join(tree, 'manifest.json'), JSON.stringify(manifest))
  fs.writeFileSync(path.join(tree, 'cfg.json'), '{}')
  archive = path.join(dir, 'saved.tar')
  execFileSync('tar', [
    '-cf',
    archive,
    '-C',
    tree,
    'aaa',
    'bbb',
    'ccc',
    'manifest.json',
    'cfg.json',
  ])
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('dropBaseLayers', () => {
  it('removes the base layers and keeps the rest of the saved image', async () => {
    await dropBaseLayers(archive, 2)
    expect(members()).toEqual(['ccc/', 'ccc/json', 'ccc/layer.tar', 'cfg.json', 'manifest.json'])
  })

  it('leaves the archive alone for a base without layers', async () => {
    const before = members()
    await dropBaseLayers(archive, 0)
    expect(members()).toEqual(before)
  })

  it('refuses an archive with fewer layers than the base', async () => {
    await expect(dropBaseLayers(archive, 4)).rejects.toThrow('fewer layers than the base image')
  })
})
