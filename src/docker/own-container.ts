// Whether this process runs in a container, and which one: the ids it may have, read from what
// the kernel and docker leave in it. A job GitHub runs in a container (`jobs.<id>.container`)
// talks to the host's engine through the mounted socket; that engine knows the container by
// these ids. Every id is only a candidate: the engine's `docker container inspect` confirms it
// (a machine may look like a container, and a container's id may be unknown to the engine).
import * as fs from 'node:fs'
import * as os from 'node:os'

export interface OwnContainerHints {
  /** /proc/self/cgroup */
  cgroup: string
  /** /proc/self/mountinfo */
  mountinfo: string
  hostname: string
}

const FULL_ID = /[0-9a-f]{64}/
// docker's default hostname is the first 12 characters of the container's id.
const SHORT_ID = /^[0-9a-f]{12}$/

/**
 * cgroup v1 (and v2 without a cgroup namespace) puts the id in the path: /docker/<id>,
 * /actions_job/<id> (GitHub's runner), /system.slice/docker-<id>.scope (systemd driver),
 * /kubepods/.../<id>. The last 64-hex segment of any line counts.
 */
function idFromCgroup(cgroup: string): string | undefined {
  for (const line of cgroup.split('\n')) {
    const path = line.split(':').slice(2).join(':')
    const segment = path
      .split('/')
      .reverse()
      .find((part) => FULL_ID.test(part))
    const id = segment?.match(FULL_ID)?.[0]
    if (id) return id
  }
  return undefined
}

/**
 * cgroup v2 with a private namespace shows only `0::/`; the files docker bind-mounts into every
 * container still name it: /var/lib/docker/containers/<id>/hostname on /etc/hostname. Only
 * those mount points count: the host's own mountinfo lists other containers' shm mounts.
 */
function idFromMountinfo(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ')
    const [root, mountPoint] = [fields[3], fields[4]]
    if (!['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'].includes(mountPoint)) continue
    const id = root?.match(/\/containers\/([0-9a-f]{64})\//)?.[1]
    if (id) return id
  }
  return undefined
}

/** The ids (full, or the 12-character hostname) this process's container may have, best first. */
export function ownContainerCandidates(hints: OwnContainerHints): string[] {
  const ids = [idFromCgroup(hints.cgroup), idFromMountinfo(hints.mountinfo)]
  if (SHORT_ID.test(hints.hostname)) ids.push(hints.hostname)
  return [...new Set(ids.filter((id): id is string => id !== undefined))]
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

export function readOwnContainerHints(): OwnContainerHints {
  return {
    cgroup: readOr('/proc/self/cgroup'),
    mountinfo: readOr('/proc/self/mountinfo'),
    hostname: os.hostname(),
  }
}
