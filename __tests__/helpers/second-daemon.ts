// A second, empty Docker daemon: a "fresh runner" for cache tests. It gets its own data-root,
// exec-root, socket and bridge; it never touches the main daemon's docker0 (a second daemon on
// the default bridge takes docker0 down with it when it stops).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface SecondDaemon {
  /** Environment that points the docker CLI at this daemon. */
  env: Record<string, string>
  docker(args: string[]): Promise<string>
  /** Copies an image from the main daemon, as a pull would. */
  copyImage(reference: string): Promise<void>
  stop(): Promise<void>
}

/** Mount points below `root`, deepest first. */
function mountsUnder(root: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint): mountPoint is string => Boolean(mountPoint?.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length)
}

async function ip(args: string[]): Promise<void> {
  await execFileAsync('ip', args)
}

export async function startSecondDaemon(bridge: string, cidr: string): Promise<SecondDaemon> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-dockerd-'))
  const socket = path.join(root, 'docker.sock')
  const env = { DOCKER_HOST: `unix://${socket}` }
  await ip(['link', 'del', bridge]).catch(() => undefined)
  await ip(['link', 'add', bridge, 'type', 'bridge'])
  await ip(['addr', 'add', cidr, 'dev', bridge])
  await ip(['link', 'set', bridge, 'up'])
  const log = fs.openSync(path.join(root, 'dockerd.log'), 'w')
  const daemon: ChildProcess = spawn(
    'dockerd',
    [
      '--data-root',
      path.join(root, 'data'),
      '--exec-root',
      path.join(root, 'exec'),
      '--pidfile',
      path.join(root, 'dockerd.pid'),
      '--host',
      env.DOCKER_HOST,
      '--bridge',
      bridge,
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', log, log] },
  )
  const docker = async (args: string[]): Promise<string> =>
    (
      await execFileAsync('docker', args, {
        env: { ...process.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
      })
    ).stdout.trim()

  const stop = async (): Promise<void> => {
    if (daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve))
      daemon.kill('SIGTERM')
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    }
    fs.closeSync(log)
    await ip(['link', 'del', bridge]).catch(() => undefined)
    // dockerd can leave mounts (its network namespace file) under its roots.
    for (const mountPoint of mountsUnder(root)) {
      await execFileAsync('umount', ['--lazy', mountPoint]).catch(() => undefined)
    }
    fs.rmSync(root, { recursive: true, force: true })
  }

  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      await docker(['version', '--format', '{{.Server.Version}}'])
      break
    } catch (error) {
      if (Date.now() > deadline || daemon.exitCode !== null) {
        const text = fs.readFileSync(path.join(root, 'dockerd.log'), 'utf8').slice(-2000)
        await stop()
        throw new Error(`second dockerd did not start: ${String(error)}\n${text}`, {
          cause: error,
        })
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  const copyImage = (reference: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const save = spawn('docker', ['save', reference], { stdio: ['ignore', 'pipe', 'inherit'] })
      const load = spawn('docker', ['load', '--quiet'], {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'ignore', 'inherit'],
      })
      save.stdout.pipe(load.stdin)
      save.once('error', reject)
      load.once('error', reject)
      load.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`docker load exited ${code}`)),
      )
    })

  return { env, docker, copyImage, stop }
}
