// Starts the built image the way a deployment would and proves it serves: liveness on GET /,
// then POST /score with the sample request, while watching for a container that exits.
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { CONTAINER_LABEL } from './constants.js'
import type { CleanupRegistry } from './cleanup-registry.js'
import type { DockerClient } from './docker.js'
import { responseMismatch } from './expected-response.js'
import { httpRequest } from './http-client.js'
import type { ExpectedResponse } from './inputs.js'
import { waitUntilLive, type Clock } from './liveness.js'
import { showFolded } from './log.js'
import { describeStartupFailure, lastPythonFailure } from './traceback.js'

export interface SmokeTestRequest {
  image: string
  containerPort: number
  startupTimeoutSeconds: number
  sampleRequest?: string
  expectedStatus: number
  expectedResponse?: ExpectedResponse
  /** How often liveness is probed; small, so a live server is noticed quickly. */
  pollIntervalMs?: number
  clock?: Clock
}

export interface SmokeTestResult {
  liveAfterMs: number
  scoreStatus?: number
  scoreResponse?: string
  scoreMs?: number
}

/** A failed smoke test; `result` keeps what was measured before it failed. */
export class SmokeTestFailure extends Error {
  constructor(
    message: string,
    readonly result: Partial<SmokeTestResult>,
  ) {
    super(message)
    this.name = 'SmokeTestFailure'
  }
}

const LOG_LINES_IN_MESSAGE = 15

function lastLines(log: string): string {
  return log.trimEnd().split(/\r?\n/).slice(-LOG_LINES_IN_MESSAGE).join('\n')
}

export function containerName(): string {
  return `extend-azureml-image-${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`
}

export async function smokeTest(
  docker: DockerClient,
  registry: CleanupRegistry,
  request: SmokeTestRequest,
): Promise<SmokeTestResult> {
  const name = containerName()
  registry.addContainer(name)
  let log: string | undefined
  core.startGroup('Smoke test')
  try {
    await docker.run({
      image: request.image,
      name,
      labels: [{ key: CONTAINER_LABEL, value: name }],
      containerPort: request.containerPort,
    })
    const exited = docker.wait(name)
    const port = await docker.hostPort(name, request.containerPort)
    const base = `http://127.0.0.1:${port}`
    core.info(
      `Container ${name} started; waiting for GET ${base}/ (up to ${request.startupTimeoutSeconds} s)`,
    )

    const outcome = await waitUntilLive({
      probe: async (timeoutMs) =>
        (await httpRequest({ url: `${base}/`, timeoutMs })).status === 200,
      exited,
      timeoutMs: request.startupTimeoutSeconds * 1000,
      intervalMs: request.pollIntervalMs ?? 50,
      clock: request.clock,
    })
    if (outcome.kind !== 'live') {
      log = await docker.logs(name)
      const reason =
        outcome.kind === 'exited'
          ? `the container exited with code ${outcome.exitCode} during start-up: ${describeStartupFailure(lastPythonFailure(log))}`
          : `the server was not live after ${request.startupTimeoutSeconds} s (GET / never answered 200${outcome.lastError ? `; last error: ${outcome.lastError}` : ''})`
      throw new SmokeTestFailure(
        `Smoke test failed: ${reason}\nLast lines of the container log:\n${lastLines(log)}`,
        {},
      )
    }
    core.info(`Live after ${outcome.afterMs} ms`)
    const result: SmokeTestResult = { liveAfterMs: outcome.afterMs }
    if (request.sampleRequest === undefined) return result

    const started = Date.now()
    const answer = await httpRequest({
      url: `${base}/score`,
      method: 'POST',
      body: request.sampleRequest,
      headers: { 'Content-Type': 'application/json' },
      timeoutMs: request.startupTimeoutSeconds * 1000,
    }).catch(async (error: Error) => {
      log = await docker.logs(name)
      throw new SmokeTestFailure(
        `Smoke test failed: POST /score got no answer (${error.message})\nLast lines of the container log:\n${lastLines(log)}`,
        result,
      )
    })
    Object.assign(result, {
      scoreStatus: answer.status,
      scoreResponse: answer.body,
      scoreMs: Date.now() - started,
    })
    core.info(`POST /score answered ${answer.status} in ${result.scoreMs} ms`)

    const problems: string[] = []
    if (answer.status !== request.expectedStatus) {
      problems.push(
        `POST /score answered ${answer.status} (expected ${request.expectedStatus}): ${answer.body.slice(0, 500)}`,
      )
      if (answer.headers['x-ms-run-function-failed'] === 'True') {
        log = await docker.logs(name)
        problems.push(
          describeStartupFailure(lastPythonFailure(log)).replace(
            /^start-up failed: /,
            'run() failed: ',
          ),
        )
      }
    } else if (request.expectedResponse !== undefined) {
      const mismatch = responseMismatch(request.expectedResponse, answer.body)
      if (mismatch)
        problems.push(
          `POST /score answered ${answer.status} but ${mismatch}; got: ${answer.body.slice(0, 500)}`,
        )
    }
    if (problems.length > 0)
      throw new SmokeTestFailure(`Smoke test failed: ${problems.join('\n')}`, result)
    return result
  } finally {
    core.endGroup()
    log ??= await docker.logs(name).catch(() => '')
    await showFolded(`Container log (${name})`, log)
    await registry
      .removeContainer(name)
      .catch((error: Error) => core.warning(`Could not remove container ${name}: ${error.message}`))
  }
}
