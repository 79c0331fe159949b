// Where the smoke test reaches the container: the job container's network when this process is
// in a container the engine knows, loopback for an engine here, the engine machine's address
// for one elsewhere; all its interfaces only when docker cannot bind that address, with a
// warning. docker is a fake; the served container is a real listener.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import * as http from 'node:http'
import type { RunRequest } from '../../src/docker/docker-args.js'
import type { ContainerInfo } from '../../src/docker/docker.js'
import { parseEngineHost } from '../../src/docker/engine-endpoint.js'
import { freeLoopbackPort } from '../../src/smoke-test/loopback-port.js'
import { decideReach } from '../../src/smoke-test/reach.js'
import { smokeTest } from '../../src/smoke-test/smoke-test.js'
import { Leftovers } from '../../src/step/leftovers.js'
import { fakeDocker, publishedPort } from '../helpers/fake-docker.js'

const ID = '00d0d941bc4a7d68ad9ca6dee72f6c9bcbd715dc7377a4e9968670360c31329e'
const IN_CONTAINER = {
  cgroup: `4:memory:/actions_job/${ID}\n`,
  mountinfo: '',
  hostname: ID.slice(0, 12),
}
const ON_A_MACHINE = { cgroup: '0::/\n', mountinfo: '', hostname: 'runner-1' }
const LOCAL = parseEngineHost('unix:///var/run/docker.sock')
const noLookup = async (): Promise<string> => {
  throw new Error('no lookup expected')
}

function container(info: Partial<ContainerInfo>): ContainerInfo {
  return {
    id: ID,
    hostname: ID.slice(0, 12),
    networkMode: 'github_network_1',
    networks: {},
    ...info,
  }
}

function printed(): () => string {
  let out = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk)
    return true
  })
  return () => out
}

afterEach(() => {
  jest.restoreAllMocks()
})

describe('decideReach', () => {
  it("joins the job container's network when the engine knows this process's container", async () => {
    const docker = fakeDocker({
      inspectContainer: async (name) =>
        name === ID ? container({ networks: { github_network_1: '172.18.0.2' } }) : undefined,
    })
    printed()
    expect(await decideReach(docker, LOCAL, IN_CONTAINER, noLookup)).toEqual({
      kind: 'network',
      network: 'github_network_1',
      jobContainer: ID,
    })
  })

  it("the default bridge of a container started without --network is 'bridge'", async () => {
    const docker = fakeDocker({
      // Started on the default bridge, connected to another network later: the first one counts.
      inspectContainer: async () =>
        container({
          networkMode: 'default',
          networks: { 'a-later': '10.0.9.2', bridge: '172.17.0.5' },
        }),
    })
    printed()
    expect(await decideReach(docker, LOCAL, IN_CONTAINER, noLookup)).toMatchObject({
      network: 'bridge',
    })
  })

  it.each([
    [
      'a container with host networking shares the machine: loopback',
      container({ networkMode: 'host', networks: { host: '' } }),
    ],
    // inspect also finds containers by name: one named like this hostname is not this one.
    [
      'a container merely named like the hostname is not ours',
      container({ id: 'f'.repeat(64), networks: { github_network_1: '172.18.0.9' } }),
    ],
    ['the engine does not know the container (another engine)', undefined],
  ])('%s', async (_case, found) => {
    const docker = fakeDocker({ inspectContainer: async () => found })
    expect(await decideReach(docker, LOCAL, IN_CONTAINER, noLookup)).toEqual({ kind: 'loopback' })
  })

  it('a machine that is not a container asks the engine nothing and publishes on loopback', async () => {
    const docker = fakeDocker()
    expect(await decideReach(docker, LOCAL, ON_A_MACHINE, noLookup)).toEqual({ kind: 'loopback' })
    expect(docker.calls).toEqual([])
  })

  it("a remote engine: its machine's address, a name resolved here", async () => {
    printed()
    const engine = parseEngineHost('ssh://ci@build-host')
    const resolve = async (host: string) => (host === 'build-host' ? '10.4.5.6' : '0.0.0.0')
    expect(await decideReach(fakeDocker(), engine, ON_A_MACHINE, resolve)).toEqual({
      kind: 'engine-host',
      address: '10.4.5.6',
    })
  })

  it('a remote engine whose name does not resolve is an error that says why it matters', async () => {
    const engine = parseEngineHost('tcp://nowhere.invalid:2375')
    const resolve = async (): Promise<string> => {
      throw new Error('getaddrinfo ENOTFOUND nowhere.invalid')
    }
    await expect(decideReach(fakeDocker(), engine, ON_A_MACHINE, resolve)).rejects.toThrow(
      'The Docker engine tcp://nowhere.invalid:2375 runs on nowhere.invalid, whose address could not be found (getaddrinfo ENOTFOUND nowhere.invalid): the smoke test must reach the container there',
    )
  })
})

describe('starting the container on an engine elsewhere', () => {
  const request = {
    image: 'sha256:img',
    containerPort: 5001,
    startupTimeoutSeconds: 5,
    cases: [],
    scoreRequests: 0,
    pollIntervalMs: 10,
  }

  it("publishes on that machine's address, on all its interfaces only when docker cannot bind it, and says so", async () => {
    const out = printed()
    const runs: RunRequest[] = []
    let server: http.Server | undefined
    const docker = fakeDocker({
      run: async (run) => {
        runs.push(run)
        if (runs.length === 1)
          throw new Error(
            'Starting the container failed (docker run, exit 125):\ndocker: Error response from daemon: driver failed programming external connectivity on endpoint x: Error starting userland proxy: listen tcp4 127.0.0.1:23456: bind: cannot assign requested address.',
          )
        server = http.createServer((_request, response) => response.end('Healthy'))
        await new Promise<void>((resolve) =>
          server?.listen(publishedPort(run), '127.0.0.1', resolve),
        )
        return 'id'
      },
      wait: () => new Promise(() => undefined),
    })
    try {
      // 127.0.0.1 plays the engine machine's address, so that a real listener can answer.
      await smokeTest(docker, new Leftovers(docker), {
        ...request,
        reach: { kind: 'engine-host', address: '127.0.0.1' },
      })
    } finally {
      server?.close()
    }
    expect(runs.map((run) => run.reach.kind === 'publish' && run.reach.hostIp)).toEqual([
      '127.0.0.1',
      '0.0.0.0',
    ])
    expect(out()).toContain(
      "::warning::The engine's machine does not have the address 127.0.0.1 this machine reaches it at: the smoke-test container is published on all of its interfaces (0.0.0.0) for the length of the test",
    )
  })

  it("on the job container's network: nothing published, probed at the container's address", async () => {
    const port = await freeLoopbackPort() // the container port, served here
    const runs: RunRequest[] = []
    let server: http.Server | undefined
    const docker = fakeDocker({
      run: async (run) => {
        runs.push(run)
        server = http.createServer((_request, response) => response.end('Healthy'))
        await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve))
        return 'id'
      },
      // Its address on that network, as inspect gives it (loopback here, to be served).
      inspectContainer: async () => container({ networks: { job_net: '127.0.0.1' } }),
      wait: () => new Promise(() => undefined),
    })
    const out = printed()
    try {
      await smokeTest(docker, new Leftovers(docker), {
        ...request,
        containerPort: port,
        reach: { kind: 'network', network: 'job_net', jobContainer: ID },
      })
    } finally {
      server?.close()
    }
    expect(runs[0].reach).toEqual({ kind: 'network', network: 'job_net' })
    expect(out()).toContain(`waiting for GET http://127.0.0.1:${port}/`)
  })
})
