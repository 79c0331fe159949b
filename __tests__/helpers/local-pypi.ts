// Starts the project's local package index (scripts/local-pypi.py) on loopback for a test file.
import { spawn, type ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import { createInterface } from 'node:readline'

export interface LocalIndex {
  url: string
  stop(): void
}

export const ROOT = path.resolve(
  import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
  '../..',
)

/** `host`: the address it listens on (loopback by default; another engine's builds need theirs). */
export function startLocalIndex(
  packages = path.join(ROOT, 'examples/packages'),
  host = '127.0.0.1',
): Promise<LocalIndex> {
  const child: ChildProcess = spawn(
    'python3',
    [
      path.join(ROOT, 'scripts/local-pypi.py'),
      ...['--packages', packages, '--host', host, '--max-seconds', '1800'],
    ],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('local index did not start within 10 s')),
      10_000,
    )
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`local index exited with ${code}`)))
    createInterface({ input: child.stdout! }).once('line', (url) => {
      clearTimeout(timer)
      resolve({ url, stop: () => child.kill('SIGTERM') })
    })
  })
}
