import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DigestCache } from '../../src/plan/digest-cache.js'

let dir: string
let file: string
let store: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digests-'))
  file = path.join(dir, 'weights.bin')
  store = path.join(dir, 'digests.json')
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const sha = (text: string) => createHash('sha256').update(text).digest('hex')
/** Writes the file with an mtime of `ageS` seconds ago (old enough to be trusted by default). */
const write = (text: string, ageS = 60, at = Date.now() / 1000 - ageS) => {
  fs.writeFileSync(file, text)
  fs.utimesSync(file, at, at)
  return at
}

describe('DigestCache', () => {
  it('takes the digest of a file whose size and mtime did not change from the last run', async () => {
    const at = write('aaaa')
    const first = new DigestCache(store)
    expect(await first.digest(file)).toBe(sha('aaaa'))
    first.save()
    // Same size, same mtime, same inode: it is not read again (so the old digest comes back).
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, 'bbbb', 0)
    fs.closeSync(fd)
    fs.utimesSync(file, at, at)
    expect(await new DigestCache(store).digest(file)).toBe(sha('aaaa'))
  })

  it('reads a file too recent to remember once per run, and again in the next run', async () => {
    const at = write('aaaa', 0.5)
    const run = new DigestCache(store)
    expect(await run.digest(file)).toBe(sha('aaaa'))
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, 'bbbb', 0)
    fs.closeSync(fd)
    fs.utimesSync(file, at, at)
    // The same run (the model image's key after the default tag): not read again.
    expect(await run.digest(file)).toBe(sha('aaaa'))
    run.save()
    // The next run does not trust it: read again.
    expect(await new DigestCache(store).digest(file)).toBe(sha('bbbb'))
  })

  it('writes its file whole, by a rename, leaving no temp file', async () => {
    write('aaaa')
    const run = new DigestCache(store)
    await run.digest(file)
    run.save()
    expect(fs.readdirSync(dir).sort()).toEqual(['digests.json', 'weights.bin'])
    expect(Object.values(JSON.parse(fs.readFileSync(store, 'utf8')).digests)).toEqual([sha('aaaa')])
  })

  it('reads a file again when its mtime changed', async () => {
    write('aaaa')
    const first = new DigestCache(store)
    await first.digest(file)
    first.save()
    write('bbbb', 30)
    expect(await new DigestCache(store).digest(file)).toBe(sha('bbbb'))
  })

  it('does not remember a file written just now (it may change within the same mtime tick)', async () => {
    const at = write('aaaa', 0)
    const first = new DigestCache(store)
    expect(await first.digest(file)).toBe(sha('aaaa'))
    first.save()
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, 'bbbb', 0)
    fs.closeSync(fd)
    fs.utimesSync(file, at, at)
    expect(await new DigestCache(store).digest(file)).toBe(sha('bbbb'))
  })

  it("keeps only this run's files", async () => {
    write('aaaa')
    const first = new DigestCache(store)
    await first.digest(file)
    first.save()
    const other = path.join(dir, 'other.bin')
    fs.writeFileSync(other, 'cc')
    fs.utimesSync(other, Date.now() / 1000 - 60, Date.now() / 1000 - 60)
    const second = new DigestCache(store)
    await second.digest(other)
    second.save()
    const saved = JSON.parse(fs.readFileSync(store, 'utf8')) as { digests: Record<string, string> }
    expect(Object.keys(saved.digests)).toHaveLength(1)
    expect(Object.keys(saved.digests)[0]).toContain('other.bin')
  })

  it('hashes everything when the saved digests are unreadable', async () => {
    write('aaaa')
    fs.writeFileSync(store, 'not json')
    expect(await new DigestCache(store).digest(file)).toBe(sha('aaaa'))
  })
})
