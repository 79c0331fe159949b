import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { writeArchiveWithoutBase } from '../../src/dependencies/layer-archive.js'

let dir: string
let tree: string
let output: string

const diffId = (content: string): string =>
  `sha256:${createHash('sha256').update(content).digest('hex')}`
const hex = (content: string): string => diffId(content).slice('sha256:'.length)
const folderName = (n: number): string => String(n).repeat(64)

function write(relative: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(tree, relative)), { recursive: true })
  fs.writeFileSync(path.join(tree, relative), content)
}

/** Tars `tree` (members in the given order) and returns it as a stream, as docker save would. */
function saved(members: string[]): Readable {
  const archive = path.join(dir, 'saved.tar')
  execFileSync('tar', ['-cf', archive, '-C', tree, ...members])
  return fs.createReadStream(archive)
}

function members(): string[] {
  return execFileSync('tar', ['-tf', output], { encoding: 'utf8' }).trim().split('\n').sort()
}

function member(name: string): string {
  return execFileSync('tar', ['-xOf', output, name], { encoding: 'utf8' })
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'))
  tree = path.join(dir, 'tree')
  output = path.join(dir, 'out', 'archive.tar')
  fs.mkdirSync(path.dirname(output), { recursive: true })
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('writeArchiveWithoutBase, the older layout (<id>/layer.tar)', () => {
  const layers = ['base one', 'base two', 'apt and pip'].map((text) => text.repeat(3000))

  beforeEach(() => {
    layers.forEach((content, index) => {
      write(`${folderName(index + 1)}/VERSION`, '1.0')
      write(`${folderName(index + 1)}/json`, `{"id":"${index}"}`)
      write(`${folderName(index + 1)}/layer.tar`, content)
    })
    write('manifest.json', '[]')
    write(`${'c'.repeat(64)}.json`, '{}')
  })

  it('drops the base layers, found by the hash of their content, and keeps the rest whole', async () => {
    const stream = saved(
      [1, 2, 3].map(folderName).concat('manifest.json', `${'c'.repeat(64)}.json`),
    )
    const dropped = await writeArchiveWithoutBase(stream, layers.slice(0, 2).map(diffId), output)
    expect(dropped).toBe(2)
    const kept = folderName(3)
    expect(members()).toEqual([
      `${kept}/`,
      `${kept}/VERSION`,
      `${kept}/json`,
      `${kept}/layer.tar`,
      `${'c'.repeat(64)}.json`,
      'manifest.json',
    ])
    expect(member(`${kept}/layer.tar`)).toBe(layers[2])
    expect(member(`${kept}/json`)).toBe('{"id":"2"}')
    expect(fs.readdirSync(path.dirname(output))).toEqual(['archive.tar']) // no spool file left
  })

  it('adds the extra entry at the end, as a regular file', async () => {
    const stream = saved([1, 2, 3].map(folderName).concat('manifest.json'))
    const extra = { name: 'extend-azureml-image-inventories.json', data: Buffer.from('{"a":1}') }
    await writeArchiveWithoutBase(stream, layers.slice(0, 2).map(diffId), output, extra)
    const order = execFileSync('tar', ['-tvf', output], { encoding: 'utf8' }).trim().split('\n')
    expect(order.at(-1)).toMatch(/^-rw-r--r-- .* extend-azureml-image-inventories\.json$/)
    expect(member(extra.name)).toBe('{"a":1}')
  })

  it('keeps everything when no layer belongs to the base', async () => {
    const stream = saved([1, 2, 3].map(folderName).concat('manifest.json'))
    expect(await writeArchiveWithoutBase(stream, [diffId('another base')], output)).toBe(0)
    expect(members()).toHaveLength(13)
  })

  it('fails, without crashing, when the archive is cut inside an entry it keeps', async () => {
    write('repositories', 'r'.repeat(300_000))
    const archive = path.join(dir, 'saved.tar')
    execFileSync('tar', ['-cf', archive, '-C', tree, folderName(1), 'repositories'])
    const bytes = fs.readFileSync(archive)
    const cut = Readable.from([bytes.subarray(0, bytes.length - 100_000)])
    await expect(writeArchiveWithoutBase(cut, [diffId(layers[0])], output)).rejects.toThrow()
    expect(fs.existsSync(`${output}.layer`)).toBe(false)
  })

  it('reports a destination it cannot write as such (no space, no folder)', async () => {
    const members = [1, 2, 3].map(folderName)
    await expect(writeArchiveWithoutBase(saved(members), [], '/dev/full')).rejects.toThrow(/ENOSPC/)
    await expect(
      writeArchiveWithoutBase(saved(members), [], path.join(dir, 'no-such-folder', 'a.tar')),
    ).rejects.toThrow(/ENOENT/)
  })

  it('fails on a cut-off archive and leaves no spool file', async () => {
    const archive = path.join(dir, 'saved.tar')
    execFileSync('tar', ['-cf', archive, '-C', tree, folderName(1), folderName(3)])
    const bytes = fs.readFileSync(archive)
    const cut = Readable.from([bytes.subarray(0, 6000)])
    await expect(writeArchiveWithoutBase(cut, [diffId(layers[0])], output)).rejects.toThrow()
    expect(fs.existsSync(`${output}.layer`)).toBe(false)
  })
})

describe('writeArchiveWithoutBase, the OCI layout (blobs/sha256/<diff id>)', () => {
  const layers = ['base one', 'base two', 'apt and pip'].map((text) => text.repeat(3000))

  beforeEach(() => {
    for (const content of layers) write(`blobs/sha256/${hex(content)}`, content)
    write(`blobs/sha256/${hex('config')}`, 'config')
    write('index.json', '{}')
    write('oci-layout', '{}')
  })

  it('skips the base blobs by name and keeps the others', async () => {
    const stream = saved(['blobs', 'index.json', 'oci-layout'])
    const dropped = await writeArchiveWithoutBase(stream, layers.slice(0, 2).map(diffId), output)
    expect(dropped).toBe(2)
    expect(members()).toEqual(
      [
        'blobs/',
        'blobs/sha256/',
        `blobs/sha256/${hex(layers[2])}`,
        `blobs/sha256/${hex('config')}`,
        'index.json',
        'oci-layout',
      ].sort(),
    )
    expect(member(`blobs/sha256/${hex(layers[2])}`)).toBe(layers[2])
  })

  it('recognises a gzip-compressed base layer (containerd store) by what it unpacks to', async () => {
    const packed = gzipSync(Buffer.from(layers[0]))
    const packedHex = createHash('sha256').update(packed).digest('hex')
    fs.rmSync(path.join(tree, 'blobs/sha256', hex(layers[0])))
    fs.writeFileSync(path.join(tree, 'blobs/sha256', packedHex), packed)
    const kept = gzipSync(Buffer.from('pip layer'))
    const keptHex = createHash('sha256').update(kept).digest('hex')
    fs.writeFileSync(path.join(tree, 'blobs/sha256', keptHex), kept)
    const dropped = await writeArchiveWithoutBase(
      saved(['blobs', 'index.json']),
      layers.slice(0, 2).map(diffId),
      output,
    )
    expect(dropped).toBe(2)
    const names = members()
    expect(names).not.toContain(`blobs/sha256/${packedHex}`)
    expect(names).toContain(`blobs/sha256/${keptHex}`)
    expect(execFileSync('tar', ['-xOf', output, `blobs/sha256/${keptHex}`])).toEqual(kept)
  })

  it('drops an old-layout folder whose layer.tar links to a dropped blob', async () => {
    write(`${folderName(1)}/VERSION`, '1.0')
    fs.symlinkSync(`../blobs/sha256/${hex(layers[0])}`, path.join(tree, folderName(1), 'layer.tar'))
    write(`${folderName(3)}/VERSION`, '1.0')
    fs.symlinkSync(`../blobs/sha256/${hex(layers[2])}`, path.join(tree, folderName(3), 'layer.tar'))
    const stream = saved(['blobs', folderName(1), folderName(3), 'index.json'])
    await writeArchiveWithoutBase(stream, [diffId(layers[0])], output)
    const names = members()
    expect(names.filter((name) => name.startsWith(folderName(1)))).toEqual([])
    expect(names.filter((name) => name.startsWith(folderName(3)))).toEqual([
      `${folderName(3)}/`,
      `${folderName(3)}/VERSION`,
      `${folderName(3)}/layer.tar`,
    ])
  })
})
