// A second, empty Docker daemon: the "fresh runner" of scenario 5. Its own data-root, exec-root,
// pid file and socket, and its own bridge: the main daemon owns docker0, and a second daemon
// left to its defaults once deleted docker0 and broke every container. No iptables rules, no
// masquerading: the benchmark's builds use the host network, and published ports on loopback go
// through docker-proxy.
import { execFile, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { docker, onCleanup, stop as stopProcess } from './proc.mjs'

const execFileAsync = promisify(execFile)

export const BRIDGE = 'eai-bench0'
export const BRIDGE_CIDR = '192.168.231.1/24'

const ip = (args) => execFileAsync('ip', args)

async function bridgeExists() {
  return ip(['link', 'show', BRIDGE]).then(
    () => true,
    () => false,
  )
}

/** Refuses to run where the bridge's subnet is already someone else's. */
async function checkSubnetFree() {
  const { stdout } = await ip(['-o', '-4', 'addr', 'show'])
  const prefix = BRIDGE_CIDR.split('.').slice(0, 3).join('.') + '.'
  const other = stdout
    .split('\n')
    .find((line) => line.includes(` ${prefix}`) && !line.includes(` ${BRIDGE} `))
  if (other) throw new Error(`${BRIDGE_CIDR} is in use here already: ${other.trim()}`)
}

async function removeBridge() {
  if (await bridgeExists()) await ip(['link', 'del', BRIDGE])
}

/** Unmounts whatever the daemon left mounted under `dir` (deepest first), so rm never walks into a mount. */
async function unmountUnder(dir) {
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point) => point && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length)
  for (const point of mounts) await execFileAsync('umount', ['-l', point]).catch(() => undefined)
}

/** dockerd stops the containerd it started; after a SIGKILL that one may still be running. */
async function stopLeftoverContainerd(pidFile) {
  let pid
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim())
  } catch {
    return
  }
  if (!Number.isInteger(pid) || pid <= 1) return
  const alive = () => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  if (!alive()) return
  process.kill(pid, 'SIGTERM')
  for (let waited = 0; alive() && waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (alive()) process.kill(pid, 'SIGKILL')
}

/**
 * Starts dockerd in `dir` (which it owns and which stop() removes). Short paths on purpose:
 * containerd's socket lives under the exec-root and unix socket paths are limited.
 */
export async function startFreshDaemon(dir) {
  fs.mkdirSync(dir, { recursive: true })
  const host = `unix://${path.join(dir, 'd.sock')}`
  await checkSubnetFree()
  await removeBridge() // a leftover of an interrupted run: ours by name
  await ip(['link', 'add', BRIDGE, 'type', 'bridge'])
  await ip(['addr', 'add', BRIDGE_CIDR, 'dev', BRIDGE])
  await ip(['link', 'set', BRIDGE, 'up'])

  // An empty config file: nothing in /etc/docker/daemon.json may apply to this daemon.
  fs.writeFileSync(path.join(dir, 'daemon.json'), '{}\n')
  const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a')
  // Detached: a Ctrl-C in the terminal reaches the benchmark only, which stops this in order.
  const child = spawn(
    'dockerd',
    [
      '--config-file',
      path.join(dir, 'daemon.json'),
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'x'),
      '--pidfile',
      path.join(dir, 'dockerd.pid'),
      '--host',
      host,
      `--bridge=${BRIDGE}`,
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', log, log], detached: true },
  )
  fs.closeSync(log)

  let stopped
  const stop = () => {
    stopped ??= (async () => {
      await stopProcess(child)
      await stopLeftoverContainerd(path.join(dir, 'x', 'containerd', 'containerd.pid'))
      await unmountUnder(dir)
      await removeBridge()
      fs.rmSync(dir, { recursive: true, force: true })
    })()
    return stopped
  }
  const unregister = onCleanup(`second dockerd in ${dir}`, stop)

  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      await docker(['version', '--format', '{{.Server.Version}}'], { host })
      break
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) {
        const text = fs.readFileSync(path.join(dir, 'dockerd.log'), 'utf8').slice(-2000)
        await stop()
        unregister()
        throw new Error(`the second dockerd did not start: ${error.message}\n${text}`, {
          cause: error,
        })
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  return {
    host,
    /** Copies an image from the main daemon: what a pull of the base image is on a runner. */
    async copyImage(reference) {
      await execFileAsync('bash', [
        '-o',
        'pipefail',
        '-c',
        'docker save "$1" | DOCKER_HOST="$2" docker load --quiet >/dev/null',
        'copy',
        reference,
        host,
      ])
    },
    async stop() {
      await stop()
      unregister()
    },
  }
}
