import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { claimStagingDir, MAX_KEPT, stableDigestsFile } from '../../src/plan/staging-dir.js'

let dir: string
const PARENT = 'extend-azureml-image-staging'
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staging-'))
  fs.mkdirSync(path.join(dir, 'tmp'))
  fs.mkdirSync(path.join(dir, 'ws', 'code'), { recursive: true })
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The system temp dir of these tests: on the workspace's file system, so the stable one is used. */
const claim = (sources: Parameters<typeof claimStagingDir>[0], work: string) =>
  claimStagingDir(sources, work, path.join(dir, 'tmp'))

const sources = (workspace = path.join(dir, 'ws')) => ({
  workspace,
  codeSnapshot: { root: path.join(workspace, 'code'), entries: [], leftOut: [] },
})
const workDir = (name: string) => {
  const made = path.join(dir, name)
  fs.mkdirSync(made, { recursive: true })
  return made
}

describe('claimStagingDir', () => {
  it('gives the same sources the same stable folder, run after run, and other sources another', () => {
    const first = claim(sources(), workDir('run-1'))
    expect(first.stable).toBe(true)
    expect(path.dirname(first.root)).toBe(path.join(dir, 'tmp', PARENT))
    first.release()
    const second = claim(sources(), workDir('run-2'))
    expect(second.root).toBe(first.root)
    expect(second.digests).toBe(`${first.root}.digests.json`)
    expect(second.inventories).toBe(`${first.root}.inventories.json`)
    expect(second.modelImage).toBe(`${first.root}.model-image.json`)
    second.release()
    fs.mkdirSync(path.join(dir, 'ws2', 'code'), { recursive: true })
    const other = claim(sources(path.join(dir, 'ws2')), workDir('run-3'))
    expect(other.stable).toBe(true)
    expect(other.root).not.toBe(first.root)
    other.release()
    // Another workspace with the same folders (a model-less build of another checkout).
    const otherWorkspace = claim(
      { ...sources(), workspace: path.join(dir, 'ws2') },
      workDir('run-4'),
    )
    expect([first.root, other.root]).not.toContain(otherWorkspace.root)
    otherWorkspace.release()
  })

  it('gives a second run at the same time its own work dir, and the stable folder once released', () => {
    const holder = claim(sources(), workDir('run-1'))
    const concurrent = claim(sources(), workDir('run-2'))
    expect(concurrent).toMatchObject({ root: path.join(dir, 'run-2'), stable: false })
    concurrent.release() // gives nothing back: the holder's lock stays
    const third = claim(sources(), workDir('run-3'))
    expect(third.stable).toBe(false)
    holder.release()
    const after = claim(sources(), workDir('run-4'))
    expect(after).toMatchObject({ root: holder.root, stable: true })
    after.release()
  })

  it('stages in the work dir when the parent folder is not only its own', () => {
    const parent = path.join(dir, 'tmp', PARENT)
    fs.mkdirSync(parent, { mode: 0o777 })
    fs.chmodSync(parent, 0o777) // as another user could leave it in a shared temp dir
    expect(claim(sources(), workDir('run-1'))).toMatchObject({ stable: false })
    fs.rmSync(parent, { recursive: true })
    fs.mkdirSync(path.join(dir, 'elsewhere'))
    fs.symlinkSync(path.join(dir, 'elsewhere'), parent)
    expect(claim(sources(), workDir('run-2'))).toMatchObject({ stable: false })
    expect(fs.readdirSync(path.join(dir, 'elsewhere'))).toEqual([])
  })

  it("gives build: false the stable folder's digests file, without claiming the folder", () => {
    const holder = claim(sources(), workDir('run-1'))
    // Even while another run holds the folder: the file is written whole, by a rename.
    expect(stableDigestsFile(sources(), path.join(dir, 'tmp'))).toBe(holder.digests)
    holder.release()
    expect(fs.existsSync(`${holder.root}.lock`)).toBe(false)
    // A parent that is not only its own: none.
    const parent = path.join(dir, 'tmp', PARENT)
    fs.chmodSync(parent, 0o777)
    expect(stableDigestsFile(sources(), path.join(dir, 'tmp'))).toBeUndefined()
  })

  it('takes over the lock of a run that was killed', () => {
    const first = claim(sources(), workDir('run-1'))
    first.release()
    const ended = spawnSync(process.execPath, ['-e', '0']).pid
    fs.writeFileSync(`${first.root}.lock`, `${ended} deadbeef`)
    const next = claim(sources(), workDir('run-2'))
    expect(next).toMatchObject({ root: first.root, stable: true })
    next.release()
    expect(fs.existsSync(`${first.root}.lock`)).toBe(false)
  })

  it('empties the folder: what an earlier run staged does not stay', () => {
    const first = claim(sources(), workDir('run-1'))
    fs.writeFileSync(path.join(first.root, 'old-model.bin'), 'x')
    first.release()
    const second = claim(sources(), workDir('run-2'))
    expect(fs.readdirSync(second.root)).toEqual([])
    second.release()
  })

  it('keeps at most MAX_KEPT folders, the least recently used going first, never one in use', () => {
    const parent = path.join(dir, 'tmp', PARENT)
    fs.mkdirSync(parent, { recursive: true, mode: 0o700 })
    const old = (name: string, ageS: number) => {
      fs.mkdirSync(path.join(parent, name))
      fs.writeFileSync(path.join(parent, `${name}.digests.json`), '{}')
      fs.writeFileSync(path.join(parent, `${name}.inventories.json`), '{}')
      fs.writeFileSync(path.join(parent, `${name}.model-image.json`), '{}')
      const at = Date.now() / 1000 - ageS
      fs.utimesSync(path.join(parent, name), at, at)
    }
    for (let index = 0; index < MAX_KEPT + 2; index++) old(`old-${index}`, 100 + index)
    // The oldest of all, but a live run holds it.
    old('in-use', 1000)
    fs.writeFileSync(path.join(parent, 'in-use.lock'), `${process.pid} token`)
    const claimed = claim(sources(), workDir('run-1'))
    claimed.release()
    const left = fs.readdirSync(parent).filter((name) => !name.includes('.'))
    expect(left.sort()).toEqual(
      ['in-use', 'old-0', 'old-1', 'old-2', path.basename(claimed.root)].sort(),
    )
    expect(fs.existsSync(path.join(parent, 'old-5.digests.json'))).toBe(false)
    expect(fs.existsSync(path.join(parent, 'old-5.inventories.json'))).toBe(false)
    expect(fs.existsSync(path.join(parent, 'old-2.inventories.json'))).toBe(true)
    expect(fs.existsSync(path.join(parent, 'old-5.model-image.json'))).toBe(false)
    expect(fs.existsSync(path.join(parent, 'old-2.model-image.json'))).toBe(true)
  })

  it('removes the files of a key whose folder is gone, by their own age, like a folder', () => {
    const parent = path.join(dir, 'tmp', PARENT)
    fs.mkdirSync(parent, { recursive: true, mode: 0o700 })
    const file = (name: string, ageS: number) => {
      fs.writeFileSync(path.join(parent, name), '{}')
      const at = Date.now() / 1000 - ageS
      fs.utimesSync(path.join(parent, name), at, at)
    }
    // build: false remembers digests with no folder; a killed save leaves its temp file.
    file('0123456789abcdef.digests.json', 10)
    file('fedcba9876543210.digests.json', 8 * 24 * 3600)
    file('fedcba9876543210.digests.json.4242.tmp', 8 * 24 * 3600)
    for (let index = 0; index < MAX_KEPT + 1; index++)
      file(`old-${index}.digests.json`, 100 + index)
    claim(sources(), workDir('run-1')).release()
    const left = fs.readdirSync(parent).filter((name) => name.endsWith('.json'))
    expect(left.sort()).toEqual(
      ['0123456789abcdef.digests.json', 'old-0.digests.json', 'old-1.digests.json'].sort(),
    )
    expect(fs.readdirSync(parent).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})
