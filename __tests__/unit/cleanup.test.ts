import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Leftovers } from '../../src/step/leftovers.js'
import { cleanup } from '../../src/post.js'
import { fakeDocker } from '../helpers/fake-docker.js'

afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('STATE_')) delete process.env[key]
})

describe('Leftovers', () => {
  it('removes containers, pending tags and directories, once', async () => {
    const docker = fakeDocker()
    const registry = new Leftovers(docker)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reg-'))
    registry.addContainer('c1')
    registry.addPendingTags(['a:1', 'b:2'])
    registry.addDirectory(dir)
    await registry.cleanup()
    await registry.cleanup()
    expect(docker.calls).toEqual(['remove c1', 'untag a:1,b:2'])
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('gives back a lock it holds on cleanup (a signal), once, and not after it was released', async () => {
    const registry = new Leftovers(fakeDocker())
    const released: string[] = []
    registry.holdLock(() => released.push('staging'))
    const done = registry.holdLock(() => released.push('other'))
    done()
    done()
    await registry.cleanup()
    await registry.cleanup()
    expect(released).toEqual(['other', 'staging'])
  })

  it('keeps what a successful step hands on', async () => {
    const docker = fakeDocker()
    const registry = new Leftovers(docker)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reg-'))
    registry.addPendingTags(['a:1'])
    registry.addDirectory(dir)
    registry.commitPendingTags()
    registry.keepDirectory(dir)
    await registry.cleanup()
    expect(docker.calls).toEqual([])
    expect(fs.existsSync(dir)).toBe(true)
    fs.rmSync(dir, { recursive: true })
  })

  it('goes on when a container cannot be removed', async () => {
    const docker = fakeDocker({
      remove: async (name) => {
        if (name === 'bad') throw new Error('daemon gone')
      },
    })
    const registry = new Leftovers(docker)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reg-'))
    registry.addContainer('bad')
    registry.addDirectory(dir)
    await registry.cleanup()
    expect(fs.existsSync(dir)).toBe(false)
  })
})

describe('post step', () => {
  it('removes what the saved state lists, and never throws', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'post-'))
    process.env.STATE_containers = JSON.stringify(['c1', 'c2'])
    process.env.STATE_pendingTags = JSON.stringify(['x:1'])
    process.env.STATE_workDirs = JSON.stringify([dir])
    const removed: string[] = []
    const docker = fakeDocker({
      remove: async (name) => {
        removed.push(name)
        if (name === 'c1') throw new Error('gone')
      },
    })
    await expect(cleanup(docker)).resolves.toBeUndefined()
    expect(removed).toEqual(['c1', 'c2'])
    expect(docker.calls).toEqual(['untag x:1'])
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('ignores state it cannot read', async () => {
    process.env.STATE_containers = 'not json'
    const docker = fakeDocker()
    await cleanup(docker)
    expect(docker.calls).toEqual([])
  })
})
