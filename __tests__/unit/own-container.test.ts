// The ids this process's container may have, from /proc/self/cgroup (v1 and v2 forms, GitHub's
// actions_job parent), /proc/self/mountinfo and the hostname; and what is not an id (this
// machine's own files, which look like a container's but name none).
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ownContainerCandidates } from '../../src/docker/own-container.js'

const FIXTURES = path.join(import.meta.dirname, '../fixtures/own-container')
const read = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8')
const DOCKER_ID = '00d0d941bc4a7d68ad9ca6dee72f6c9bcbd715dc7377a4e9968670360c31329e'
const JOB_ID = '4c8e1a6f0b5d2e7a9c3f1b8d6e0a2c4f7b9d1e3a5c7f9b2d4e6a8c0f1b3d5e7a'

describe('ownContainerCandidates', () => {
  it.each([
    ['cgroup v1, docker', 'cgroup-v1-docker.txt', 'mountinfo-host.txt', 'vm', [DOCKER_ID]],
    [
      "cgroup v1, GitHub's actions_job",
      'cgroup-v1-actions-job.txt',
      'mountinfo-host.txt',
      'vm',
      [JOB_ID],
    ],
    ['cgroup v2, systemd driver', 'cgroup-v2-systemd.txt', 'mountinfo-host.txt', 'vm', [DOCKER_ID]],
    // A private cgroup namespace hides the id; the files docker bind-mounts still name it (and
    // another container's log, mounted for a log shipper, does not count).
    [
      'cgroup v2, private namespace',
      'cgroup-v2-private.txt',
      'mountinfo-container.txt',
      'vm',
      [DOCKER_ID],
    ],
    [
      'cgroup v2, private, default hostname',
      'cgroup-v2-private.txt',
      'mountinfo-container.txt',
      DOCKER_ID.slice(0, 12),
      [DOCKER_ID, DOCKER_ID.slice(0, 12)],
    ],
    [
      'only the hostname',
      'cgroup-v2-private.txt',
      'mountinfo-host.txt',
      'a1b2c3d4e5f6',
      ['a1b2c3d4e5f6'],
    ],
    // This machine: a 32-hex cgroup, another container's shm mount: no candidate at all.
    ['a machine, not a container', 'cgroup-host.txt', 'mountinfo-host.txt', 'vm', []],
  ])('%s', (_case, cgroup, mountinfo, hostname, ids) => {
    expect(
      ownContainerCandidates({ cgroup: read(cgroup), mountinfo: read(mountinfo), hostname }),
    ).toEqual(ids)
  })
})
