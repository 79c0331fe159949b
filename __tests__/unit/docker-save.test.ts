// DockerCli.save against stand-in docker programs: which failure the user is told about.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DockerCli } from '../../src/docker/docker.js'

let dir: string
function fakeDocker(name: string, script: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 })
  return file
}
const readAll = async (archive: NodeJS.ReadableStream): Promise<number> => {
  let bytes = 0
  for await (const chunk of archive) bytes += (chunk as Buffer).length
  return bytes
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-save-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('DockerCli.save', () => {
  it('hands the archive to the consumer and returns what it returns', async () => {
    const docker = new DockerCli(fakeDocker('ok', 'head -c 5000 /dev/zero'))
    expect(await docker.save('deps:key', readAll)).toBe(5000)
    // What came back from the engine, for the report when it is on another machine.
    expect(docker.traffic().savedBytes).toBe(5000)
  })

  it("reports docker's own error when docker fails", async () => {
    const docker = new DockerCli(
      fakeDocker(
        'missing',
        'echo "Error response from daemon: reference does not exist" >&2; exit 1',
      ),
    )
    await expect(docker.save('deps:key', readAll)).rejects.toThrow(
      /^Saving deps:key failed: docker image save exited 1:\nError response from daemon: reference does not exist$/,
    )
  })

  it("reports the consumer's error when it fails, and stops docker", async () => {
    const docker = new DockerCli(fakeDocker('endless', 'exec yes'))
    const failing = docker.save('deps:key', async (archive) => {
      for await (const chunk of archive)
        if (chunk) throw new Error('ENOSPC: no space left on device')
      return 0
    })
    await expect(failing).rejects.toThrow(
      /^Saving deps:key failed: ENOSPC: no space left on device/,
    )
    const running = execFileSync('ps', ['-eo', 'stat,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => /^\S+\s+yes$/.test(line.trim()) && !line.trim().startsWith('Z'))
    expect(running).toEqual([])
  })

  it('stops docker when asked to, and says so', async () => {
    const docker = new DockerCli(fakeDocker('slow', 'exec yes'))
    const stop = new AbortController()
    stop.abort()
    await expect(docker.save('deps:key', readAll, stop.signal)).rejects.toThrow(
      'Saving deps:key failed: ended by SIGTERM',
    )
  })
})
