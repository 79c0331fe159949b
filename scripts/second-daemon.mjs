// A second Docker engine beside the shared one: the cache tests' and the benchmark's "fresh
// runner" (an empty data root), and the fault tests' engine to fill and to stop. Plain
// JavaScript because the benchmark runs under node without a compiler; the tests import it
// too (types in second-daemon.d.mts).
//
// It owns one directory (data root, exec root, pid file, socket, log, an empty config file) and
// one bridge. Its own bridge, not docker0 and not --bridge=none: a second dockerd on the default
// bridge, or started with none, deletes docker0 and breaks the shared engine's containers. No
// iptables rules, no masquerading. stop() undoes all of it: daemon, leftover containerd, mounts,
// bridge, directory.
import { execFile, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const ipIn = (netns) => (args) => execFileAsync('ip', netns ? ['-n', netns, ...args] : args)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const START_TIMEOUT_MS = 60_000
const KILL_AFTER_MS = 20_000

/** An IPv4 network as [first address, size], for overlap checks. */
function network(cidr) {
  const [address, bits] = cidr.split('/')
  const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0)
  const size = 2 ** (32 - Number(bits))
  return [value - (value % size), size]
}

/** Refuses to run where the bridge's subnet is someone else's (a leftover bridge of ours isn't). */
async function checkSubnetFree(ip, bridge, cidr) {
  const [start, size] = network(cidr)
  const { stdout } = await ip(['-o', '-4', 'addr', 'show'])
  for (const line of stdout.split('\n')) {
    const match = /^\d+:\s+([^\s@]+)\S*\s+inet\s+(\S+)/.exec(line)
    if (!match || match[1] === bridge) continue
    const [otherStart, otherSize] = network(match[2])
    if (start < otherStart + otherSize && otherStart < start + size) {
      throw new Error(`${cidr} (for the bridge ${bridge}) is in use here already: ${line.trim()}`)
    }
  }
}

async function removeBridge(ip, bridge) {
  const exists = await ip(['link', 'show', bridge]).then(
    () => true,
    () => false,
  )
  if (exists) await ip(['link', 'del', bridge])
}

/** Unmounts what is mounted under `dir` (deepest first), so that rm never walks into a mount. */
async function unmountUnder(dir) {
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point) => point && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length)
  for (const point of mounts) {
    await execFileAsync('umount', [point]).catch(() => execFileAsync('umount', ['-l', point]))
  }
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
  for (let waited = 0; alive() && waited < 10_000; waited += 100) await sleep(100)
  if (alive()) process.kill(pid, 'SIGKILL')
}

function dockerOn(host) {
  return async (args) => {
    try {
      const { stdout } = await execFileAsync('docker', args, {
        env: { ...process.env, DOCKER_HOST: host },
        maxBuffer: 64 * 1024 * 1024,
      })
      return stdout.trim()
    } catch (error) {
      throw new Error(`docker ${args.join(' ')}: ${(error.stderr || error.message).trim()}`, {
        cause: error,
      })
    }
  }
}

/** Resolves with undefined when `child` exits 0, else with what went wrong (its stderr). */
function outcome(child, name) {
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text))
  return new Promise((resolve) => {
    child.once('error', (error) => resolve(`${name}: ${error.message}`))
    child.once('close', (code) =>
      resolve(code === 0 ? undefined : `${name} exited ${code}: ${stderr.trim()}`),
    )
  })
}

/** `docker save` on the shared engine piped into `docker load` on `host`: what a pull is. */
async function copyImageTo(host, reference) {
  const save = spawn('docker', ['save', reference], { stdio: ['ignore', 'pipe', 'pipe'] })
  const load = spawn('docker', ['load', '--quiet'], {
    env: { ...process.env, DOCKER_HOST: host },
    stdio: ['pipe', 'ignore', 'pipe'],
  })
  load.stdin.on('error', () => undefined) // a load that died early: its exit code tells
  save.stdout.pipe(load.stdin)
  const failures = await Promise.all([outcome(save, 'docker save'), outcome(load, 'docker load')])
  const failure = failures.filter(Boolean).join('; ')
  if (failure) throw new Error(`copying ${reference} to ${host}: ${failure}`)
}

/**
 * Starts a second dockerd and waits until it answers. `dir` is its own (made if missing,
 * removed by stop()); by default a new temp dir. The paths in it are short on purpose:
 * containerd's socket lives under the exec root, and unix socket paths are limited.
 */
export async function startSecondDaemon({
  bridge,
  cidr,
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-dd-')),
  diskMb,
  maxSeconds,
  detached = false,
  registerCleanup,
  netns,
  tcpHost,
}) {
  const ip = ipIn(netns)
  fs.mkdirSync(dir, { recursive: true })
  const dataRoot = path.join(dir, 'data')
  const execRoot = path.join(dir, 'x')
  const logFile = path.join(dir, 'dockerd.log')
  const host = `unix://${path.join(dir, 'd.sock')}`
  fs.mkdirSync(dataRoot, { recursive: true })

  let child
  let spawnError
  let exited = Promise.resolve()
  const running = () =>
    child !== undefined && !spawnError && child.exitCode === null && child.signalCode === null

  const stopEngine = async () => {
    if (!running()) return
    const engine = child
    engine.kill('SIGTERM')
    const timer = setTimeout(() => engine.kill('SIGKILL'), KILL_AFTER_MS)
    await exited
    clearTimeout(timer)
  }

  let unregister = () => undefined
  let stopped
  const stop = () => {
    stopped ??= (async () => {
      await stopEngine()
      await stopLeftoverContainerd(path.join(execRoot, 'containerd', 'containerd.pid'))
      await unmountUnder(dir)
      // In a netns the bridge may be gone with it already.
      await removeBridge(ip, bridge).catch((error) => {
        if (!netns) throw error
      })
      fs.rmSync(dir, { recursive: true, force: true })
      unregister()
    })()
    return stopped
  }

  try {
    await checkSubnetFree(ipIn(undefined), bridge, cidr)
    // The disk it may fill: a tmpfs of its own, never the shared engine's.
    if (diskMb) {
      await execFileAsync('mount', ['-t', 'tmpfs', '-o', `size=${diskMb}m`, 'eai-disk', dataRoot])
    }
    await removeBridge(ip, bridge) // a leftover of an interrupted run: ours by name
    await ip(['link', 'add', bridge, 'type', 'bridge'])
    await ip(['addr', 'add', cidr, 'dev', bridge])
    await ip(['link', 'set', bridge, 'up'])

    // An empty config file: nothing in /etc/docker/daemon.json may apply to this daemon.
    fs.writeFileSync(path.join(dir, 'daemon.json'), '{}\n')
    const dockerd = [
      'dockerd',
      ['--config-file', path.join(dir, 'daemon.json')],
      ['--data-root', dataRoot],
      ['--exec-root', execRoot],
      ['--pidfile', path.join(dir, 'dockerd.pid')],
      ['--host', host],
      `--bridge=${bridge}`,
      '--iptables=false',
      '--ip-masq=false',
      // Without TLS on tcp, dockerd 20.10 waits 15 s at start unless told --tls=false.
      ...(tcpHost ? ['--host', tcpHost, '--tls=false'] : []),
    ].flat()
    // In a network namespace by nsenter, not `ip netns exec`: that one remounts /sys without
    // the cgroup hierarchies, and dockerd then fails ("Devices cgroup isn't mounted").
    const inNetns = netns ? ['nsenter', `--net=/run/netns/${netns}`, ...dockerd] : dockerd
    // maxSeconds: it stops by itself even if the process that started it is killed.
    const [command, ...args] = maxSeconds ? ['timeout', String(maxSeconds), ...inNetns] : inNetns
    const log = fs.openSync(logFile, 'a')
    // Detached: a Ctrl-C in the terminal reaches only the caller, which then stops this in order.
    child = spawn(command, args, { stdio: ['ignore', log, log], detached })
    fs.closeSync(log)
    const started = child
    exited = new Promise((resolve) => {
      started.once('exit', resolve)
      started.once('error', (error) => resolve((spawnError = error)))
    })
    if (registerCleanup) unregister = registerCleanup(`second dockerd in ${dir}`, stop)

    const docker = dockerOn(host)
    const deadline = Date.now() + START_TIMEOUT_MS
    for (;;) {
      try {
        await docker(['version', '--format', '{{.Server.Version}}'])
        break
      } catch (error) {
        if (!running() || Date.now() > deadline) {
          const tail = fs.readFileSync(logFile, 'utf8').slice(-2000)
          const why = spawnError ? spawnError.message : error.message
          throw new Error(`the second dockerd in ${dir} did not start: ${why}\n${tail}`, {
            cause: error,
          })
        }
        await sleep(200)
      }
    }
  } catch (error) {
    await stop()
    throw error
  }

  return {
    host,
    env: { DOCKER_HOST: host },
    dir,
    dataRoot,
    docker: dockerOn(host),
    copyImage: (reference) => copyImageTo(host, reference),
    stopEngine,
    stop,
  }
}
