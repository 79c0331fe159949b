// How the smoke test starts its container: published on a loopback port it picked, and on
// another one when docker says that port was taken in between. The server side is a real
// listener on that port; docker is a fake that records the run requests.
import { describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import { Leftovers } from '../../src/step/leftovers.js'
import type { RunRequest } from '../../src/docker/docker-args.js'
import { isPortTaken } from '../../src/smoke-test/loopback-port.js'
import { smokeTest } from '../../src/smoke-test/smoke-test.js'
import { SmokeTestFailure } from '../../src/smoke-test/results.js'
import { fakeDocker, publishedPort } from '../helpers/fake-docker.js'

const TAKEN = new Error(
  'Starting the container failed (docker run, exit 125):\ndocker: Error response from daemon: driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:40001 failed: port is already allocated.',
)

/** A live server on the port docker was asked to publish: what a started container gives. */
function serveOn(port: number): Promise<http.Server> {
  const server = http.createServer((_request, response) => response.end('ok'))
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

function request() {
  return {
    image: 'sha256:img',
    containerPort: 5001,
    startupTimeoutSeconds: 5,
    cases: [],
    scoreRequests: 0,
    pollIntervalMs: 10,
  }
}

describe('starting the container', () => {
  it('publishes on the loopback port it probes', async () => {
    const runs: RunRequest[] = []
    let server: http.Server | undefined
    const docker = fakeDocker({
      run: async (run) => {
        runs.push(run)
        server = await serveOn(publishedPort(run))
        return 'id'
      },
      // The container stays up until it is removed.
      wait: () => new Promise(() => undefined),
    })
    try {
      await smokeTest(docker, new Leftovers(docker), request())
    } finally {
      server?.close()
    }
    expect(runs).toHaveLength(1)
    expect(publishedPort(runs[0])).toBeGreaterThan(0)
  })

  it('reports how long the server took to become live, by the clock it was given', async () => {
    // A clock that moves only when the wait sleeps: the server answers 200 from 3 s on.
    let now = 0
    const clock = {
      now: () => now,
      sleep: async (ms: number) => void (now += ms),
    }
    let server: http.Server | undefined
    const docker = fakeDocker({
      run: async (run) => {
        server = http.createServer((_request, response) => {
          response.statusCode = now >= 3000 ? 200 : 502
          response.end()
        })
        await new Promise<void>((resolve) =>
          server?.listen(publishedPort(run), '127.0.0.1', resolve),
        )
        return 'id'
      },
      wait: () => new Promise(() => undefined),
    })
    try {
      const result = await smokeTest(docker, new Leftovers(docker), {
        ...request(),
        pollIntervalMs: 250,
        clock,
      })
      // Live at the first probe at or after 3 s: within one poll interval of it.
      expect(result.liveAfterMs).toBeGreaterThanOrEqual(3000)
      expect(result.liveAfterMs).toBeLessThan(3250)
    } finally {
      server?.close()
    }
  })

  it('tries another port when docker says the port was taken, removing the created container', async () => {
    const runs: RunRequest[] = []
    let server: http.Server | undefined
    const docker = fakeDocker({
      run: async (run) => {
        runs.push(run)
        if (runs.length === 1) throw TAKEN
        server = await serveOn(publishedPort(run))
        return 'id'
      },
      wait: () => new Promise(() => undefined),
    })
    try {
      await smokeTest(docker, new Leftovers(docker), request())
    } finally {
      server?.close()
    }
    expect(runs).toHaveLength(2)
    expect(docker.calls.filter((call) => call.startsWith('remove'))).toEqual([
      `remove ${runs[0].name}`, // the container docker created before refusing the port
      `remove ${runs[0].name}`, // the end of the smoke test
    ])
  })

  it("gives up after three taken ports, with docker's own reason", async () => {
    let attempts = 0
    const docker = fakeDocker({
      run: async () => {
        attempts++
        throw TAKEN
      },
    })
    const started = smokeTest(docker, new Leftovers(docker), request())
    await expect(started).rejects.toThrow('port is already allocated')
    await expect(started).rejects.not.toBeInstanceOf(SmokeTestFailure)
    expect(attempts).toBe(3)
  })

  it('does not retry other failures', async () => {
    let attempts = 0
    const docker = fakeDocker({
      run: async () => {
        attempts++
        throw new Error('Starting the container failed (docker run, exit 125): no space left')
      },
    })
    await expect(smokeTest(docker, new Leftovers(docker), request())).rejects.toThrow(
      'no space left',
    )
    expect(attempts).toBe(1)
  })
})

describe('isPortTaken', () => {
  it.each([
    ['port is already allocated', true],
    ['listen tcp4 127.0.0.1:40001: bind: address already in use', true],
    ['No such image', false],
  ])('%s', (message, taken) => {
    expect(isPortTaken(new Error(message))).toBe(taken)
  })
})
