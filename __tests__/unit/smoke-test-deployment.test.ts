// The smoke test run with a deployment file's request settings, against a real local server
// that serves one request at a time (a single gunicorn worker): the latency probe's p95 held to
// request_timeout_ms, and max_concurrent_requests_per_instance calls at once. docker is a fake
// whose `run` starts the server on the port the smoke test publishes.
import { describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import { Leftovers } from '../../src/step/leftovers.js'
import { smokeTest } from '../../src/smoke-test/smoke-test.js'
import { SmokeTestFailure } from '../../src/smoke-test/results.js'
import type { DeploymentRun } from '../../src/smoke-test/deployment-run.js'
import { fakeDocker, publishedPort } from '../helpers/fake-docker.js'

interface Worker {
  /** How long one POST /score takes (the first is call 1). */
  scoreMs: number | ((call: number) => number)
  /** Answer 429 to a request that arrives while another is served. */
  refuseWhenBusy?: boolean
}

/** POST /score served one at a time, as one sync worker does; the others wait their turn. */
function startWorker(port: number, worker: Worker): Promise<http.Server> {
  let queue = Promise.resolve()
  let busy = false
  let calls = 0
  const server = http.createServer((request, response) => {
    request.resume()
    if (request.url !== '/score') return void response.end('Healthy')
    if (busy && worker.refuseWhenBusy) {
      response.statusCode = 429
      return void response.end('{"message": "busy"}')
    }
    const ms = typeof worker.scoreMs === 'number' ? worker.scoreMs : worker.scoreMs(++calls)
    queue = queue.then(async () => {
      busy = true
      await new Promise((resolve) => setTimeout(resolve, ms))
      busy = false
      response.end('{"ok": true}')
    })
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

function deployment(change: Partial<DeploymentRun> = {}): DeploymentRun {
  return {
    file: 'deployment.yml',
    env: [],
    files: [],
    budget: {
      probe: 'liveness',
      seconds: 5,
      arithmetic: '1 s + 2 x 2 s = 5 s (deployment.yml)',
      requestTimeoutSeconds: 1,
    },
    requestTimeout: { ms: 1000, file: 'deployment.yml' },
    maxConcurrentRequests: 1,
    ...change,
  }
}

async function run(worker: Worker, run: DeploymentRun, scoreRequests = 3) {
  let server: http.Server | undefined
  const docker = fakeDocker({
    run: async (request) => {
      server = await startWorker(publishedPort(request), worker)
      return 'id'
    },
    wait: () => new Promise(() => undefined),
  })
  try {
    return await smokeTest(docker, new Leftovers(docker), {
      image: 'sha256:img',
      containerPort: 5001,
      startupTimeoutSeconds: 5,
      cases: [{ name: 'small', body: '{"data": [1]}', expectedStatus: 200 }],
      scoreRequests,
      pollIntervalMs: 10,
      deployment: run,
    }).catch((error: unknown) => error)
  } finally {
    await new Promise((resolve) => server?.close(resolve))
  }
}

describe('a deployment with max_concurrent_requests_per_instance', () => {
  it('passes when the calls at once are all answered in time', async () => {
    const outcome = await run({ scoreMs: 20 }, deployment({ maxConcurrentRequests: 3 }))
    expect(outcome).toMatchObject({ concurrent: { requests: 3 }, startup: { probe: 'liveness' } })
  })

  it('fails when one worker makes the last of them wait past request_timeout_ms', async () => {
    const outcome = await run(
      { scoreMs: 200 },
      deployment({ maxConcurrentRequests: 3, requestTimeout: { ms: 300, file: 'deployment.yml' } }),
    )
    expect(outcome).toBeInstanceOf(SmokeTestFailure)
    expect((outcome as Error).message).toMatch(
      /^Smoke test failed: request_settings.max_concurrent_requests_per_instance is 3 \(deployment.yml\), and of 3 POST \/score sent at once, [12] failed \(first: call [23] answered after \d+\.\d s; request_settings.request_timeout_ms is 300\): the server must serve that many at once; set WORKER_COUNT in environment_variables/,
    )
  })

  it('fails on a 429, naming WORKER_COUNT', async () => {
    const outcome = await run(
      { scoreMs: 50, refuseWhenBusy: true },
      deployment({ maxConcurrentRequests: 2 }),
    )
    expect((outcome as Error).message).toMatch(/call 2 answered 429, expected 200: .*WORKER_COUNT/)
  })

  it('sends nothing at once when the deployment takes one request at a time', async () => {
    const outcome = await run({ scoreMs: 10, refuseWhenBusy: true }, deployment())
    expect(outcome).not.toBeInstanceOf(Error)
    expect(outcome).not.toHaveProperty('concurrent')
  })
})

describe('request_timeout_ms', () => {
  const limit = { requestTimeout: { ms: 100, file: 'deployment.yml' } }

  it('fails a case past it, naming the case, the time and the setting', async () => {
    const outcome = await run({ scoreMs: 150 }, deployment(limit))
    expect((outcome as Error).message).toMatch(
      /^Smoke test failed: case small: POST \/score answered after 0\.\d s; request_settings.request_timeout_ms is 100 \(deployment.yml\)$/,
    )
  })

  it("holds the latency probe's p95 to it", async () => {
    // The case is quick; the timed calls are not.
    const outcome = await run({ scoreMs: (call) => (call === 1 ? 5 : 150) }, deployment(limit), 4)
    expect((outcome as Error).message).toMatch(
      /^Smoke test failed: the latency probe's p95 is 1\d\d(\.\d)? ms over 4 calls; request_settings.request_timeout_ms is 100 \(deployment.yml\)$/,
    )
  })

  it('passes calls within it', async () => {
    const outcome = await run({ scoreMs: 5 }, deployment(limit), 4)
    expect(outcome).toMatchObject({ latency: { requests: 4 } })
  })
})
