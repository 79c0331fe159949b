// A Docker engine on "another machine": a second dockerd in a network namespace of its own,
// joined to this one by a veth pair on addresses of its own, listening on tcp:// there; and, on
// demand, Debian's sshd in the same namespace for ssh://. Everything it makes (namespace, veth,
// daemon, sshd, keys, files) is undone by stop(), in reverse order, even after a failed start.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { startSecondDaemon, type SecondDaemon } from '../../scripts/second-daemon.mjs'

const execFileAsync = promisify(execFile)

export interface SshAccess {
  /** DOCKER_HOST for the engine over ssh. */
  url: string
  /** PATH with an `ssh` first that uses this test's key and known host (the CLI runs `ssh`). */
  path: string
}

export interface RemoteEngine {
  netns: string
  veth: string
  /** This machine's end of the veth: where the namespace's builds reach back. */
  hostAddress: string
  /** The engine's machine's address. */
  address: string
  /** DOCKER_HOST over tcp. */
  tcp: string
  daemon: SecondDaemon
  docker(args: string[]): Promise<string>
  startSsh(): Promise<SshAccess>
  stop(): Promise<void>
}

/** `subnet`: the first three octets of a /24 for the veth; the engine's bridge takes the next. */
export async function startRemoteEngine(name: string, subnet: string): Promise<RemoteEngine> {
  const undo: (() => Promise<unknown>)[] = []
  const stop = async (): Promise<void> => {
    const failures: unknown[] = []
    for (const step of undo.splice(0).reverse()) await step().catch((error) => failures.push(error))
    if (failures.length > 0) throw new AggregateError(failures, `stopping ${name}`)
  }
  const netns = `eai-${name}`
  const veth = `${name.slice(0, 10)}h`
  const [hostAddress, address] = [`${subnet}.1`, `${subnet}.2`]
  const [a, b, c] = subnet.split('.').map(Number)
  const bridgeCidr = `${a}.${b}.${c + 1}.1/24`
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `eai-${name}-`))
  undo.push(async () => fs.rmSync(dir, { recursive: true, force: true }))
  const ip = (args: string[]) => execFileAsync('ip', args)
  try {
    const { stdout } = await ip(['-o', '-4', 'addr', 'show'])
    if (stdout.includes(` ${subnet}.`)) throw new Error(`${subnet}.0/24 is in use here already`)
    await ip(['netns', 'add', netns])
    undo.push(() => ip(['netns', 'del', netns]))
    // Removing the namespace removes its end, and with it this one; said again in case not.
    await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns])
    undo.push(() => ip(['link', 'del', veth]).catch(() => undefined))
    await ip(['addr', 'add', `${hostAddress}/24`, 'dev', veth])
    await ip(['link', 'set', veth, 'up'])
    for (const args of [
      ['addr', 'add', `${address}/24`, 'dev', 'eth0'],
      ['link', 'set', 'eth0', 'up'],
      ['link', 'set', 'lo', 'up'],
    ])
      await ip(['-n', netns, ...args])
    const tcp = `tcp://${address}:2375`
    const daemon = await startSecondDaemon({
      bridge: `${name.slice(0, 10)}b`,
      cidr: bridgeCidr,
      dir: path.join(dir, 'd'),
      netns,
      tcpHost: tcp,
      maxSeconds: 1800,
    })
    undo.push(() => daemon.stop())
    const docker = async (args: string[]): Promise<string> => {
      const { stdout: out } = await execFileAsync('docker', args, {
        env: { ...process.env, DOCKER_HOST: tcp },
        maxBuffer: 64 * 1024 * 1024,
      })
      return out.trim()
    }
    const startSsh = () => startSshd({ dir, netns, address, socket: daemon.host, undo })
    return { netns, veth, hostAddress, address, tcp, daemon, docker, startSsh, stop }
  } catch (error) {
    await stop().catch(() => undefined)
    throw error
  }
}

async function startSshd(where: {
  dir: string
  netns: string
  address: string
  socket: string
  undo: (() => Promise<unknown>)[]
}): Promise<SshAccess> {
  const { dir, netns, address, socket, undo } = where
  const ssh = path.join(dir, 'ssh')
  fs.mkdirSync(path.join(ssh, 'bin'), { recursive: true })
  for (const key of ['host_key', 'client_key']) {
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(ssh, key)])
  }
  fs.copyFileSync(path.join(ssh, 'client_key.pub'), path.join(ssh, 'authorized_keys'))
  const hostKey = fs.readFileSync(path.join(ssh, 'host_key.pub'), 'utf8').trim()
  fs.writeFileSync(path.join(ssh, 'known_hosts'), `${address} ${hostKey}\n`)
  fs.writeFileSync(
    path.join(ssh, 'sshd_config'),
    [
      `ListenAddress ${address}:22`,
      `HostKey ${path.join(ssh, 'host_key')}`,
      `PidFile ${path.join(ssh, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(ssh, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      // The `docker system dial-stdio` the CLI runs there must reach this engine, not the shared one.
      `SetEnv DOCKER_HOST=${socket}`,
      '',
    ].join('\n'),
  )
  fs.writeFileSync(
    path.join(ssh, 'ssh_config'),
    [
      `Host ${address}`,
      `  IdentityFile ${path.join(ssh, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${path.join(ssh, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n'),
  )
  const wrapper = path.join(ssh, 'bin', 'ssh')
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\nexec /usr/bin/ssh -F ${path.join(ssh, 'ssh_config')} "$@"\n`,
  )
  fs.chmodSync(wrapper, 0o755)
  // sshd's privilege separation directory; made by the service, which is not running here.
  if (!fs.existsSync('/run/sshd')) {
    fs.mkdirSync('/run/sshd', { mode: 0o755 })
    undo.push(async () => fs.rmSync('/run/sshd', { recursive: true, force: true }))
  }
  const sshd: ChildProcess = spawn(
    'nsenter',
    [
      `--net=/run/netns/${netns}`,
      '/usr/sbin/sshd',
      '-D',
      '-e',
      '-f',
      path.join(ssh, 'sshd_config'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  sshd.stderr?.setEncoding('utf8').on('data', (text: string) => (log += text))
  const exited = new Promise<void>((resolve) => sshd.once('close', () => resolve()))
  undo.push(async () => {
    if (sshd.exitCode === null && sshd.signalCode === null) sshd.kill('SIGTERM')
    await exited
  })
  const env = { ...process.env, PATH: `${path.dirname(wrapper)}:${process.env.PATH}` }
  const url = `ssh://root@${address}`
  for (let waited = 0; ; waited += 200) {
    try {
      await execFileAsync('docker', ['--host', url, 'version', '--format', '{{.Server.Version}}'], {
        env,
      })
      break
    } catch (error) {
      if (sshd.exitCode !== null || waited > 20_000)
        throw new Error(`sshd in ${netns} did not answer: ${String(error)}\n${log}`, {
          cause: error,
        })
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  return { url, path: env.PATH }
}
