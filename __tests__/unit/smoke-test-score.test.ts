// What the smoke test reports when POST /score fails: a real listener plays the server (the
// contract's answers, from /work/shared/azureml-image-contract.md), docker is a fake whose log
// holds the traceback the server printed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { annotationFor } from '../../src/report/annotations.js'
import { Leftovers } from '../../src/step/leftovers.js'
import { smokeTest } from '../../src/smoke-test/smoke-test.js'
import { SmokeTestFailure } from '../../src/smoke-test/results.js'
import { fakeDocker, publishedPort } from '../helpers/fake-docker.js'

const RUN_RAISED = `[2026-11-24 10:00:01 +0000] [9] [INFO] Scoring request
Traceback (most recent call last):
  File "/azureml-envs/minimal/lib/python3.11/site-packages/server/routes.py", line 88, in score
    output = user_main.run(data)
  File "/var/azureml-app/score.py", line 12, in run
    return model.predict(data["data"])
KeyError: 'data'
`

const ANSWER =
  '{"message":"An unexpected error occurred in scoring script. Check the logs for more info."}'

/** The server as the image runs it: live on GET /, and run() raising on POST /score. */
function serverWhoseRunRaises(failedHeader: boolean): http.Server {
  return http.createServer((request, response) => {
    if (request.method === 'GET') {
      response.end('Healthy')
      return
    }
    request.resume()
    response.statusCode = 500
    if (failedHeader) response.setHeader('x-ms-run-function-failed', 'True')
    response.end(ANSWER)
  })
}

async function failureOf(failedHeader: boolean): Promise<SmokeTestFailure> {
  let server: http.Server | undefined
  const docker = fakeDocker({
    run: async (run) => {
      server = serverWhoseRunRaises(failedHeader)
      await new Promise<void>((resolve) => server?.listen(publishedPort(run), '127.0.0.1', resolve))
      return 'id'
    },
    wait: () => new Promise(() => undefined),
    logs: async () => RUN_RAISED,
  })
  try {
    await smokeTest(docker, new Leftovers(docker), {
      image: 'sha256:img',
      containerPort: 5001,
      startupTimeoutSeconds: 5,
      cases: [{ name: 'request', body: '{"rows": [1]}', expectedStatus: 200 }],
      scoreRequests: 0,
      pollIntervalMs: 10,
    })
  } catch (error) {
    if (error instanceof SmokeTestFailure) return error
    throw error
  } finally {
    server?.close()
  }
  throw new Error('the smoke test passed')
}

describe('POST /score answered that run() raised (x-ms-run-function-failed: True)', () => {
  let workspace: string

  beforeAll(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-score-'))
    fs.mkdirSync(path.join(workspace, 'app'))
    fs.writeFileSync(path.join(workspace, 'app', 'score.py'), '')
  })
  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }))

  it("the failure names run()'s exception with its file and line, and annotates that line", async () => {
    const failure = await failureOf(true)
    expect(failure.message).toBe(
      `Smoke test failed: POST /score answered 500 (expected 200): ${ANSWER}\n` +
        "run() raised KeyError: 'data' (score.py line 12)",
    )
    const sources = { workspace, codeDir: path.join(workspace, 'app') }
    expect(annotationFor(failure, sources, failure.python)).toEqual({
      title: 'run() raised KeyError',
      file: 'app/score.py',
      startLine: 12,
    })
  })

  it('without the header the log is not searched: the answer alone is the reason', async () => {
    const failure = await failureOf(false)
    expect(failure.message).toBe(
      `Smoke test failed: POST /score answered 500 (expected 200): ${ANSWER}`,
    )
    expect(failure.python).toBeUndefined()
  })
})
