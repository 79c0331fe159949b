// DockerCli pulling the base image against a stand-in docker program that fails once the way a
// registry does: the retry notice shows the registry's last line, and obeys nothing in it.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DockerCli } from '../../src/docker/docker.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

let dir: string
let printed: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-pull-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
beforeEach(() => {
  printed = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk)
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
})

/** A docker whose first pull fails with a 503, then `lastLine`; the second pull works. */
function flakyRegistry(name: string, lastLine: string): string {
  const state = path.join(dir, name)
  const file = `${state}.sh`
  fs.writeFileSync(
    file,
    `#!/bin/sh
if [ "$1" = image ]; then
  [ -f '${state}.pulled' ] && { echo model-user; exit 0; }
  echo 'Error: No such image' >&2; exit 1
fi
[ -f '${state}.failed' ] && { touch '${state}.pulled'; exit 0; }
touch '${state}.failed'
echo 'Error response from daemon: received unexpected HTTP status: 503 Service Unavailable' >&2
cat '${state}.line' >&2
exit 1
`,
    { mode: 0o755 },
  )
  fs.writeFileSync(`${state}.line`, `${lastLine}\n`)
  return file
}
// Docker's progress output ends its lines with a bare CR, which ends a line for the runner too.
it.each([
  ['legacy', '##[error]forged by the registry', '##[error]forged by the registry'],
  ['indented, after a CR', 'layer 1/3\r  ::error::forged', 'layer 1/3\n  ::error::forged'],
])(
  'a retried pull shows the registry line (%s) without obeying it',
  async (name, line, shown) => {
    const docker = new DockerCli(flakyRegistry(name, line))
    await expect(docker.pullIfMissingAndReadUser('registry.example/model:1')).resolves.toBe(
      'model-user',
    )
    expect(obeyedCommands(printed)).toEqual([])
    expect(printed).toContain(
      `Pulling registry.example/model:1 failed (attempt 1 of 3: ${shown}); retrying in 2 s`,
    )
  },
  20_000,
)
