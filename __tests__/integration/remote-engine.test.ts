// The action against an engine on another machine, as issue 17 asks: a second dockerd in a
// network namespace of its own (its own addresses on a veth pair), reached only over
// DOCKER_HOST=tcp://... and over ssh://... (Debian's sshd in that namespace). The action builds
// the example there (its package index and a proxy to Debian's mirror on this machine's end of
// the veth, the only way that engine's builds reach out), smoke-tests it at the engine
// machine's address, and leaves nothing behind on either engine.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { ACTION_ENTRY, ACTION_NODE, runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { CONTAINER_LABEL } from '../../src/step/constants.js'
import {
  actionContainers,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE, EXAMPLE_RESPONSE, exampleInputs } from '../helpers/example.js'
import { startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { startRemoteEngine, type RemoteEngine, type SshAccess } from '../helpers/remote-engine.js'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'

const execFileAsync = promisify(execFile)
const RUN_ID = `remote-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID
const NAME = `r17x${process.pid % 100000}`
const TAGS = {
  tcp: `eai-test/remote:tcp-${process.pid}`,
  ssh: `eai-test/remote:ssh-${process.pid}`,
}

let engine: RemoteEngine
let index: LocalIndex
let proxy: ForwardProxy
let ssh: SshAccess
let dockerConfig: string
let tcpRun: ActionRun
let sshRun: ActionRun

/** The CLI's own proxy settings: it hands them to every build on that engine as build args. */
function writeDockerConfig(proxyUrl: string, noProxy: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-remote-config-'))
  const proxies = { default: { httpProxy: proxyUrl, noProxy } }
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ proxies }))
  return dir
}

async function remoteContainers(): Promise<string[]> {
  const out = await engine.docker([
    'ps',
    '--all',
    '--quiet',
    '--filter',
    `label=${CONTAINER_LABEL}`,
  ])
  return out.split('\n').filter(Boolean)
}

beforeAll(async () => {
  await requireEngineAndStandin()
  engine = await startRemoteEngine(NAME, '10.217.17')
  await engine.daemon.copyImage(STANDIN_IMAGE)
  index = await startLocalIndex(undefined, engine.hostAddress)
  proxy = await startForwardProxy(engine.hostAddress)
  dockerConfig = writeDockerConfig(proxy.url, engine.hostAddress)
  ssh = await engine.startSsh()
  const base = { DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0' }
  tcpRun = await runAction({
    inputs: exampleInputs(index.url, TAGS.tcp),
    workspace: EXAMPLE,
    env: { ...base, DOCKER_HOST: engine.tcp },
  })
  sshRun = await runAction({
    inputs: exampleInputs(index.url, TAGS.ssh),
    workspace: EXAMPLE,
    env: { ...base, DOCKER_HOST: ssh.url, PATH: ssh.path },
  })
}, 900_000)

afterAll(async () => {
  const stops = [engine?.stop(), proxy?.stop(), Promise.resolve(index?.stop())]
  const failures = (await Promise.allSettled(stops)).filter((item) => item.status === 'rejected')
  if (dockerConfig) fs.rmSync(dockerConfig, { recursive: true, force: true })
  expect(failures).toEqual([])
  // Nothing of the other machine is left on this one: namespace, veth, daemon, sshd.
  const { stdout: namespaces } = await execFileAsync('ip', ['netns', 'list'])
  expect(namespaces).not.toContain(`eai-${NAME}`)
  const { stdout: links } = await execFileAsync('ip', ['-o', 'link', 'show'])
  expect(links).not.toContain(engine.veth)
  const { stdout: processes } = await execFileAsync('ps', ['-eo', 'args'])
  expect(processes).not.toContain(engine.daemon.dir)
  expect(processes).not.toContain(`/usr/sbin/sshd -D -e -f`)
}, 120_000)

describe.each([
  ['tcp', () => tcpRun, () => engine.tcp],
  ['ssh', () => sshRun, () => ssh.url],
])('the example built and smoke-tested on an engine reached over %s', (transport, run, host) => {
  it('passes, and was tested at the address of the engine machine', () => {
    expect(run().main.exitCode).toBe(0)
    expect(run().outputs['smoke-test']).toBe('passed')
    expect(run().outputs['score-response']).toBe(EXAMPLE_RESPONSE)
    expect(run().main.stdout).toContain(`Docker engine 20.10.24+dfsg1 at ${host()}`)
    expect(run().main.stdout).toContain(
      `The Docker engine runs on another machine (${host()}): the container is published on ${engine.address}`,
    )
    expect(run().main.stdout).toMatch(
      new RegExp(
        `Container extend-azureml-image-${RUN_ID}-\\w+ started; waiting for GET http://${engine.address.replace(/\./g, '\\.')}:\\d+/`,
      ),
    )
  })

  it('built there, not here, and says what crossed the network', async () => {
    const tag = TAGS[transport as 'tcp' | 'ssh']
    expect(await engine.docker(['image', 'inspect', '--format', '{{.Id}}', tag])).toBe(
      run().outputs['image-id'],
    )
    expect(await imageExists(tag)).toBe(false)
    expect(run().main.stdout).toMatch(
      new RegExp(
        `Over the network to the engine at ${host().replace(/[.:/]/g, '\\$&')}: sent \\d+(\\.\\d)? k?B of build context \\(\\d builds?\\)`,
      ),
    )
    expect(run().summary).toContain('Remote engine')
  })

  it('saved that engine for the post step, and left nothing on either engine', async () => {
    expect(JSON.parse(run().state.engine)).toEqual({ host: host() })
    expect(run().post?.exitCode ?? 0).toBe(0)
    expect(await remoteContainers()).toEqual([])
    expect(await actionContainers(RUN_ID)).toEqual([])
    expectNothingLeftInTemp(run())
  })
})

it("the engine's builds reached Debian's mirror only through this machine (apt ran there)", () => {
  expect(proxy.hosts).toContain('deb.debian.org')
})

it('the post step removes what a killed main step left on the saved engine, whatever DOCKER_HOST says then', async () => {
  const name = `extend-azureml-image-${RUN_ID}-left`
  await engine.docker([
    'create',
    '--name',
    name,
    '--label',
    `${CONTAINER_LABEL}=${name}`,
    STANDIN_IMAGE,
  ])
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STATE_isPost: 'true',
    STATE_containers: JSON.stringify([name]),
    STATE_engine: JSON.stringify({ host: engine.tcp }),
  }
  delete env.DOCKER_HOST // the shared engine, if the post step asked the environment
  const post = await execFileAsync(ACTION_NODE, [ACTION_ENTRY], { env })
  expect(post.stdout).not.toContain('::warning::')
  expect(await remoteContainers()).toEqual([])
})
