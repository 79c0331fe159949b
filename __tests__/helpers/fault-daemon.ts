// A second Docker engine for the fault tests, to stop and to fill, so that the shared one is
// never stopped or filled: its own socket, data root (on a small tmpfs), exec root, pid file and
// bridge, and no iptables rules. Not --bridge=none: a dockerd started that way deletes docker0,
// the shared engine's bridge. It stops by itself after `maxSeconds` (timeout(1)), and stop()
// undoes everything: daemon, bridge, mount, directory. (second-daemon.ts is the cache tests'
// "fresh runner".)
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface FaultDaemon {
  /** DOCKER_HOST for this engine. */
  host: string
  dataRoot: string
  /** Runs the docker CLI against this engine. */
  docker(args: string[]): Promise<string>
  /** Stops the engine (it can be asked again: then it is a no-op). */
  stopEngine(): Promise<void>
  /** Stops the engine, unmounts its disk and removes its directory. */
  stop(): Promise<void>
}

async function answers(host: string): Promise<boolean> {
  try {
    await execFileAsync('docker', ['--host', host, 'version', '--format', '{{.Server.Version}}'])
    return true
  } catch {
    return false
  }
}

const BRIDGE = 'eai-fault0'
const BRIDGE_ADDRESS = '192.168.234.1/24' // on this machine's own bridge only: never a target

async function ip(args: string[]): Promise<void> {
  await execFileAsync('ip', args)
}

export async function startFaultDaemon(diskMb: number, maxSeconds = 900): Promise<FaultDaemon> {
  // Short paths: containerd's socket lives under the exec root, and unix sockets are limited.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-fd-'))
  const dataRoot = path.join(dir, 'data')
  const execRoot = path.join(dir, 'x')
  fs.mkdirSync(dataRoot)
  fs.mkdirSync(execRoot)
  const host = `unix://${path.join(dir, 'd.sock')}`
  let child: ChildProcess | undefined
  let mounted = false
  let bridged = false

  const stopEngine = async (): Promise<void> => {
    const running = child
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), 20_000)
    await exited
    clearTimeout(timer)
  }
  const stop = async (): Promise<void> => {
    await stopEngine()
    if (bridged) {
      await ip(['link', 'del', BRIDGE]).catch(() => undefined)
      bridged = false
    }
    if (mounted) {
      await execFileAsync('umount', [dataRoot]).catch(() =>
        execFileAsync('umount', ['-l', dataRoot]),
      )
      mounted = false
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }

  try {
    await execFileAsync('mount', [
      '-t',
      'tmpfs',
      '-o',
      `size=${diskMb}m`,
      'eai-test-disk',
      dataRoot,
    ])
    mounted = true
    await ip(['link', 'del', BRIDGE]).catch(() => undefined) // left by a run that was killed
    await ip(['link', 'add', BRIDGE, 'type', 'bridge'])
    bridged = true
    await ip(['addr', 'add', BRIDGE_ADDRESS, 'dev', BRIDGE])
    await ip(['link', 'set', BRIDGE, 'up'])
    const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a')
    child = spawn(
      'timeout',
      [
        String(maxSeconds),
        'dockerd',
        '--host',
        host,
        '--data-root',
        dataRoot,
        '--exec-root',
        execRoot,
        '--pidfile',
        path.join(dir, 'dockerd.pid'),
        '--bridge',
        BRIDGE,
        '--iptables=false',
        '--ip-masq=false',
      ],
      { stdio: ['ignore', log, log] },
    )
    fs.closeSync(log)
    const deadline = Date.now() + 60_000
    while (!(await answers(host))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        const tail = fs.readFileSync(path.join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15)
        throw new Error(`The fault tests' dockerd did not start:\n${tail.join('\n')}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  } catch (error) {
    await stop()
    throw error
  }

  return {
    host,
    dataRoot,
    docker: async (args) =>
      (
        await execFileAsync('docker', ['--host', host, ...args], { maxBuffer: 16 * 1024 * 1024 })
      ).stdout.trim(),
    stopEngine,
    stop,
  }
}

/** Copies an image from the shared engine into another one (docker save | docker load). */
export async function copyImage(reference: string, to: FaultDaemon): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const save = spawn('docker', ['save', reference], { stdio: ['ignore', 'pipe', 'inherit'] })
    const load = spawn('docker', ['--host', to.host, 'load', '--quiet'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    })
    save.stdout.pipe(load.stdin)
    let failed = false
    const fail = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true
        reject(new Error(`${what} exited with ${code}`))
      }
    }
    save.once('exit', fail('docker save'))
    load.once('exit', (code) => {
      fail('docker load')(code)
      if (code === 0) resolve()
    })
  })
}
