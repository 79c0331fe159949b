// A real image registry on loopback for push tests: Debian's docker-registry (the CNCF
// distribution registry), installed by scripts/registry.sh. Each instance listens on a free
// 127.0.0.1 port (the engine trusts 127.0.0.0/8 over plain http by default) and keeps its blobs
// in a temp dir. It runs under a small watcher shell that stops it and removes the dir when
// stop() is called or when the test process is gone, so a crashed test leaves nothing behind.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json'

export interface LoopbackRegistry {
  /** `127.0.0.1:<port>`, the host part of a tag. */
  host: string
  /** Its storage root (distribution's filesystem layout), for the stand-in az. */
  storage: string
  /** The Docker-Content-Digest the registry answers for the tag's manifest, if it has it. */
  manifestDigest(repository: string, tag: string): Promise<string | undefined>
  /** The repository's tags; empty when the registry does not know the repository. */
  tags(repository: string): Promise<string[]>
  /** Stops the registry and removes its storage; resolves once both are gone. */
  stop(): Promise<void>
}

/** A port on 127.0.0.1 that nothing listens on (just freed by the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function registryBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' })
  const binary = found.stdout.trim()
  if (found.status !== 0 || binary === '') {
    throw new Error(
      "docker-registry is not installed (Debian's docker-registry package): run 'bash scripts/registry.sh'",
    )
  }
  return binary
}

// $1 binary, $2 config, $3 dir, $4 the test process. The registry stops when the watcher is
// told to (TERM) or when the test process is gone; either way its dir goes with it.
const WATCHER = `
dir=$3 parent=$4
"$1" serve "$2" >"$dir/registry.log" 2>&1 &
registry=$!
finish() { kill "$registry" 2>/dev/null; wait "$registry" 2>/dev/null; rm -rf "$dir"; exit 0; }
trap finish TERM INT HUP
while kill -0 "$parent" 2>/dev/null && kill -0 "$registry" 2>/dev/null; do sleep 1; done
finish
`

export async function startRegistry(): Promise<LoopbackRegistry> {
  const binary = registryBinary()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopback-registry-'))
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  const config = path.join(dir, 'config.yml')
  fs.writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      'http:',
      `  addr: ${host}`,
      `  secret: ${path.basename(dir)}`,
      '',
    ].join('\n'),
  )
  const watcher = spawn(
    'sh',
    ['-c', WATCHER, 'loopback-registry', binary, config, dir, `${process.pid}`],
    {
      stdio: 'ignore',
      detached: true,
    },
  )
  watcher.unref()
  const exited = new Promise<void>((resolve) => {
    if (watcher.exitCode !== null || watcher.signalCode !== null) resolve()
    else watcher.once('exit', () => resolve())
  })

  const stop = async (): Promise<void> => {
    // Held until it has ended: unref'd, this process could exit before the watcher cleaned up.
    watcher.ref()
    if (watcher.exitCode === null && watcher.signalCode === null) watcher.kill('SIGTERM')
    await exited
    fs.rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 15_000
  for (;;) {
    const answer = await fetch(`http://${host}/v2/`).catch(() => undefined)
    if (answer?.status === 200) break
    if (watcher.exitCode !== null || Date.now() > deadline) {
      const log = fs.existsSync(path.join(dir, 'registry.log'))
        ? fs.readFileSync(path.join(dir, 'registry.log'), 'utf8')
        : ''
      await stop()
      throw new Error(`docker-registry did not answer GET http://${host}/v2/ within 15 s:\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  return {
    host,
    storage: path.join(dir, 'data'),
    async manifestDigest(repository, tag) {
      const answer = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { Accept: DOCKER_MANIFEST_V2 },
      })
      return answer.status === 200 ? (answer.headers.get('docker-content-digest') ?? '') : undefined
    },
    async tags(repository) {
      const answer = await fetch(`http://${host}/v2/${repository}/tags/list`)
      if (answer.status === 404) return []
      if (answer.status !== 200) throw new Error(`GET tags/list answered ${answer.status}`)
      const body = (await answer.json()) as { tags: string[] | null }
      return body.tags ?? []
    },
    stop,
  }
}
