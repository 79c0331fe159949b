// The smoke test against a worker killed for memory: the container stays up (gunicorn boots
// another worker), so the kill itself must end the wait and name the reason. Docker is a fake
// whose oom events and cgroup files the tests script; the server is a real listener.
import { describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import { Leftovers } from '../../src/step/leftovers.js'
import type { RunRequest } from '../../src/docker/docker-args.js'
import { smokeTest, type SmokeTestRequest } from '../../src/smoke-test/smoke-test.js'
import { SmokeTestFailure } from '../../src/smoke-test/results.js'
import { MEMORY_FILES } from '../../src/smoke-test/memory-usage.js'
import { END } from '../../src/smoke-test/memory-reader.js'
import type { InteractiveCommand } from '../../src/docker/docker.js'
import { fakeDocker, publishedPort } from '../helpers/fake-docker.js'

const MiB = 1024 * 1024
const V1_MISSING = MEMORY_FILES.slice(0, 3).map((file) => `cat: ${file}: No such file or directory`)

function cgroupV1(peakBytes: number, oomKills: number) {
  return {
    exitCode: 1,
    stdout: `${peakBytes}\n${peakBytes}\noom_kill_disable 0\nunder_oom 0\noom_kill ${oomKills}\n`,
    stderr: V1_MISSING.join('\n'),
  }
}

function request(extra: Partial<SmokeTestRequest> = {}): SmokeTestRequest {
  return {
    image: 'sha256:img',
    containerPort: 5001,
    startupTimeoutSeconds: 60,
    cases: [],
    scoreRequests: 0,
    pollIntervalMs: 10,
    limits: { memoryBytes: 150 * MiB },
    ...extra,
  }
}

async function listen(port: number, handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}

describe('a worker killed for memory', () => {
  it('during start-up ends the wait at the first kill, named as such', async () => {
    const runs: RunRequest[] = []
    let server: http.Server | undefined
    let kill: () => void = () => undefined
    const docker = fakeDocker({
      watchOomEvents: (_container, onOom, signal) =>
        new Promise<void>((resolve) => {
          kill = onOom
          signal.addEventListener('abort', () => resolve())
        }),
      run: async (run) => {
        runs.push(run)
        // Never live: the worker dies in init(), again and again.
        server = await listen(publishedPort(run), (_req, res) => {
          res.statusCode = 502
          res.end()
        })
        setTimeout(() => kill(), 200)
        return 'id'
      },
      wait: () => new Promise(() => undefined), // the container stays up
      exec: async () => cgroupV1(150 * MiB, 3),
    })
    const started = Date.now()
    try {
      const failure = await smokeTest(docker, new Leftovers(docker), request()).catch((e) => e)
      expect(failure).toBeInstanceOf(SmokeTestFailure)
      expect((failure as Error).message).toMatch(
        /^Smoke test failed: init\(\) was killed for memory: the limit is 150 MiB \(memory input\)\. The kernel killed a process of the container for memory \(3 times in \d+\.\d s since it started\)/,
      )
    } finally {
      server?.close()
    }
    expect(Date.now() - started).toBeLessThan(5_000) // not the 60 s startup-timeout
    expect(runs[0].resources).toEqual({ memoryBytes: 150 * MiB, cpus: undefined, gpus: undefined })
  })

  it('while scoring: the cgroup counter names the reason before the 502 the case got', async () => {
    let server: http.Server | undefined
    let kills = 0
    const docker = fakeDocker({
      run: async (run) => {
        server = await listen(publishedPort(run), (req, res) => {
          if (req.url === '/score') kills = 1 // no event: only the counter tells
          res.statusCode = req.url === '/score' ? 502 : 200
          res.end()
        })
        return 'id'
      },
      wait: () => new Promise(() => undefined),
      exec: async () => cgroupV1(150 * MiB, kills),
    })
    try {
      const failure = await smokeTest(
        docker,
        new Leftovers(docker),
        request({ cases: [{ name: 'sample-request', body: '{}', expectedStatus: 200 }] }),
      ).catch((e) => e)
      expect((failure as Error).message).toMatch(
        /^Smoke test failed: run\(\) was killed for memory: the limit is 150 MiB \(memory input\)\.[^\n]*\nWhat the smoke test saw: POST \/score answered 502/,
      )
      expect((failure as SmokeTestFailure).result.cases?.[0].status).toBe(502)
    } finally {
      server?.close()
    }
  })

  it('a passing run reports its peak memory when live and over the smoke test', async () => {
    let server: http.Server | undefined
    let peak = 300 * MiB
    const docker = fakeDocker({
      run: async (run) => {
        server = await listen(publishedPort(run), (req, res) => {
          if (req.url === '/score') peak = 320 * MiB // run() takes more than init() did
          res.end('{}')
        })
        return 'id'
      },
      wait: () => new Promise(() => undefined),
      exec: async () => cgroupV1(peak, 0),
    })
    try {
      const result = await smokeTest(
        docker,
        new Leftovers(docker),
        request({
          limits: undefined,
          cases: [{ name: 'sample-request', body: '{}', expectedStatus: 200 }],
        }),
      )
      expect(result.memory).toEqual({
        atLive: { cgroup: 'v1', peakBytes: 300 * MiB, currentBytes: 300 * MiB, oomKills: 0 },
        overall: { cgroup: 'v1', peakBytes: 320 * MiB, currentBytes: 320 * MiB, oomKills: 0 },
      })
      expect(result.resources).toBeUndefined()
    } finally {
      server?.close()
    }
  })
})

describe("the memory reader's exec", () => {
  it.each([
    ['passes', 200],
    ['fails', 502],
  ])(
    'is read, then ended before the container is removed, when the smoke test %s',
    async (_, status) => {
      let server: http.Server | undefined
      const events: string[] = []
      const docker = fakeDocker({
        run: async (run) => {
          server = await listen(publishedPort(run), (req, res) => {
            res.statusCode = req.url === '/score' ? status : 200
            res.end('{}')
          })
          return 'id'
        },
        wait: () => new Promise(() => undefined),
        exec: async () => {
          events.push('one-shot exec')
          return cgroupV1(100 * MiB, 0)
        },
        execInteractive: (): InteractiveCommand => {
          const listeners: ((text: string) => void)[] = []
          let end: () => void = () => undefined
          const { stdout, stderr } = cgroupV1(200 * MiB, 0)
          return {
            write: () => {
              events.push('read')
              setImmediate(() => listeners.forEach((l) => l(`${stderr}\n${stdout}\n${END}\n`)))
            },
            onOutput: (listener) => void listeners.push(listener),
            ended: new Promise((resolve) => (end = resolve)),
            stop: async () => {
              events.push('stop')
              end()
            },
          }
        },
        remove: async () => void events.push('remove'),
      })
      try {
        const outcome = await smokeTest(
          docker,
          new Leftovers(docker),
          request({
            limits: undefined,
            cases: [{ name: 'sample-request', body: '{}', expectedStatus: 200 }],
          }),
        ).catch((error: Error) => error)
        if (status === 200) {
          expect(outcome).not.toBeInstanceOf(Error)
          expect((outcome as { memory?: unknown }).memory).toEqual({
            atLive: { cgroup: 'v1', peakBytes: 200 * MiB, currentBytes: 200 * MiB, oomKills: 0 },
            overall: { cgroup: 'v1', peakBytes: 200 * MiB, currentBytes: 200 * MiB, oomKills: 0 },
          })
        } else {
          expect(outcome).toBeInstanceOf(SmokeTestFailure)
        }
      } finally {
        server?.close()
      }
      // Read when live, then at the end (a pass) or for the kill count (a failed case); never
      // one-shot; and ended before the removal.
      expect(events).toEqual(['read', 'read', 'stop', 'remove'])
    },
  )
})
