// Starts the built image the way a deployment would and proves it serves: liveness on GET /,
// then POST /score with the sample request, while watching for a container that exits.
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { CONTAINER_LABEL } from '../step/constants.js'
import type { Leftovers } from '../step/leftovers.js'
import type { DockerClient } from '../docker/docker.js'
import { responseMismatch } from './expected-response.js'
import { httpRequest } from './http-client.js'
import { burstProblem, sendAtOnce } from './concurrent-burst.js'
import type { DeploymentRun } from './deployment-run.js'
import { measureLatency, type LatencySummary } from './latency.js'
import { waitUntilLive, type Clock } from './liveness.js'
import { isPortTaken } from './loopback-port.js'
import { baseUrl, LOOPBACK, reachForRun, widenedReach, type Reach } from './reach.js'
import { printInert, showFolded } from '../step/inert-log.js'
import type { ScoringCase } from '../inputs/scoring-cases.js'
import { SmokeTestFailure, type CaseResult, type SmokeTestResult } from './results.js'
import { budgetUse, notLive, overBudget } from './probe-budget.js'
import { lateAnswer, noAnswerNote, scoreCallTimeoutMs, slowP95 } from './request-timeout.js'
import { checkSwagger, describeSwagger } from './swagger-check.js'
import {
  resolveContainerResources,
  runResources,
  type ContainerResources,
  type ResourceLimits,
} from './container-resources.js'
import { describeMemory } from './memory-usage.js'
import { OomWatch } from './oom-watch.js'
import { describeStartupFailure, lastPythonFailure } from './traceback.js'
import { lastLines } from '../step/text.js'

export interface SmokeTestRequest {
  image: string
  containerPort: number
  startupTimeoutSeconds: number
  /** Sent in order once the server is live; each checked against its own expectations. */
  cases: ScoringCase[]
  /** Timed POST /score calls with the first case's body, after every case passed. */
  scoreRequests: number
  /** Run as the deployment file says: its env, code, probe budget and request limits. */
  deployment?: DeploymentRun
  /** Memory, CPUs and GPUs for the container (the inputs', else the deployment's). */
  limits?: ResourceLimits
  /** Where the container can be reached (see reach.ts); loopback by default. */
  reach?: Reach
  /** How often liveness is probed; small, so a live server is noticed quickly. */
  pollIntervalMs?: number
  clock?: Clock
}

const LOG_LINES_IN_MESSAGE = 15
/** The title of the container log's group, then the container's name in parentheses. */
export const CONTAINER_LOG_GROUP = 'Container log'
const WAIT_PROGRESS_EVERY_MS = 5000

function containerName(): string {
  return `extend-azureml-image-${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`
}

export async function smokeTest(
  docker: DockerClient,
  leftovers: Leftovers,
  request: SmokeTestRequest,
): Promise<SmokeTestResult> {
  const name = containerName()
  leftovers.addContainer(name)
  let log: string | undefined
  core.startGroup('Smoke test')
  const oom = new OomWatch(docker, name)
  let resources: ContainerResources | undefined
  let live = false
  let killedFailure: SmokeTestFailure | undefined
  try {
    resources = await resolveContainerResources(docker, request.limits)
    const base = await startContainer(docker, name, request, resources)
    oom.started()
    // A worker killed for memory ends the wait like an exit: gunicorn would only boot another.
    const exited = oom.exitOrKill(docker.wait(name))
    core.info(
      `Container ${name} started; waiting for GET ${base}/ (up to ${request.startupTimeoutSeconds} s)`,
    )

    // A line every few seconds, so a slow init() shows progress rather than silence.
    const waitStarted = Date.now()
    let nextProgressAt = waitStarted + WAIT_PROGRESS_EVERY_MS
    const outcome = await waitUntilLive({
      probe: async (timeoutMs) => {
        if (Date.now() >= nextProgressAt) {
          nextProgressAt += WAIT_PROGRESS_EVERY_MS
          core.info(`Still waiting for GET / (${Math.round((Date.now() - waitStarted) / 1000)} s)`)
        }
        return (await httpRequest({ url: `${base}/`, timeoutMs })).status === 200
      },
      exited,
      timeoutMs: request.startupTimeoutSeconds * 1000,
      probeTimeoutMs: request.deployment && request.deployment.budget.requestTimeoutSeconds * 1000,
      intervalMs: request.pollIntervalMs ?? 50,
      clock: request.clock,
    })
    if (outcome.kind !== 'live') {
      log = await docker.logs(name)
      await oom.recount()
      const killed = oom.failure('init()', resources)
      if (killed) throw new SmokeTestFailure(withLog(killed, log), {})
      const python = outcome.kind === 'exited' ? lastPythonFailure(log) : undefined
      const reason =
        outcome.kind === 'exited'
          ? `the container exited with code ${outcome.exitCode} during start-up: ${describeStartupFailure(python)}`
          : notLive(request.startupTimeoutSeconds, outcome.lastError, request.deployment?.budget)
      throw new SmokeTestFailure(withLog(`Smoke test failed: ${reason}`, log), {}, python)
    }
    core.info(`Live after ${outcome.afterMs} ms`)
    live = true
    const result: SmokeTestResult = { liveAfterMs: outcome.afterMs, cases: [] }
    if (resources) result.resources = resources
    if (request.limits?.gpus !== undefined) result.gpus = request.limits.gpus
    result.memory = { atLive: await oom.recount() }
    const budget = request.deployment?.budget
    if (budget) {
      result.startup = budgetUse(outcome.afterMs, budget)
      const late = overBudget(outcome.afterMs, budget)
      if (late) throw new SmokeTestFailure(`Smoke test failed: ${late}`, result)
    }
    const containerLog = async (): Promise<string> => (log = await docker.logs(name))

    for (const scoringCase of request.cases) {
      result.cases.push(await scoreCase(`${base}/score`, scoringCase, request, containerLog))
    }
    // A request that got no answer most likely means the server is gone: nothing to ask then.
    const answered = result.cases.every((item) => item.status !== undefined)
    const swaggerProblem = answered
      ? await swaggerCheck(base, result, request.startupTimeoutSeconds * 1000)
      : undefined
    const failed = result.cases.filter((item) => item.problem !== undefined)
    if (failed.length > 0 || swaggerProblem !== undefined) {
      const python = failed.find((item) => item.python !== undefined)?.python
      const message = [
        ...(failed.length > 0 ? [failureMessage(result.cases, failed)] : []),
        ...(swaggerProblem === undefined
          ? []
          : [`${failed.length > 0 ? 'Also' : 'Smoke test failed'}: ${swaggerProblem}`]),
      ].join('\n')
      throw new SmokeTestFailure(message, result, python)
    }
    if (request.scoreRequests > 0) {
      result.latency = await latencyProbe(`${base}/score`, request, result)
      core.info(
        `${request.scoreRequests} scoring calls: p50 ${result.latency.p50Ms} ms, p95 ${result.latency.p95Ms} ms`,
      )
      await deploymentLoad(`${base}/score`, request, result)
    }
    result.memory.overall = await oom.recount()
    const killed = oom.failure('run()', resources)
    if (killed) throw (killedFailure = new SmokeTestFailure(killed, result))
    const memory = describeMemory(result.memory)
    if (memory) core.info(`Memory: ${memory}`)
    return result
  } catch (error) {
    // Killed for memory: that is the reason, whatever the request that failed with it saw.
    if (!live || !(error instanceof SmokeTestFailure) || error === killedFailure) throw error
    await oom.recount()
    const killed = oom.failure('run()', resources)
    if (!killed) throw error
    const saw = error.message.replace(/^Smoke test failed: /, 'What the smoke test saw: ')
    throw new SmokeTestFailure(`${killed}\n${saw}`, error.result, error.python)
  } finally {
    await oom.stop()
    core.endGroup()
    log ??= await docker.logs(name).catch(() => '')
    await showFolded(`${CONTAINER_LOG_GROUP} (${name})`, log)
    await leftovers
      .removeContainer(name)
      .catch((error: Error) => core.warning(`Could not remove container ${name}: ${error.message}`))
  }
}

const PORT_ATTEMPTS = 3

/**
 * Starts the container where the smoke test can reach it (see reach.ts) and returns the URL to
 * probe. A published port is picked here, so that probing can begin at once; should another
 * process bind it first, docker refuses, after creating the container: it is removed and
 * another port tried.
 */
async function startContainer(
  docker: DockerClient,
  name: string,
  request: SmokeTestRequest,
  resources: ContainerResources | undefined,
): Promise<string> {
  let reach = request.reach ?? LOOPBACK
  for (let attempt = 1; ; attempt++) {
    const run = await reachForRun(reach)
    try {
      await docker.run({
        image: request.image,
        name,
        labels: [{ key: CONTAINER_LABEL, value: name }],
        containerPort: request.containerPort,
        reach: run,
        env: request.deployment?.env,
        files: request.deployment?.files,
        resources: runResources(resources, request.limits?.gpus),
      })
      return await baseUrl(docker, name, reach, run, request.containerPort)
    } catch (error) {
      const widened = widenedReach(reach, error)
      if (!widened && (attempt >= PORT_ATTEMPTS || !isPortTaken(error))) throw error
      reach = widened ?? reach
      await docker.remove(name)
    }
  }
}

/**
 * Adds schema mismatches to the cases; returns why the documents themselves fail (a declared
 * schema needs them), for the failure message with the cases' own problems.
 */
async function swaggerCheck(
  base: string,
  result: SmokeTestResult,
  timeoutMs: number,
): Promise<string | undefined> {
  const report = (result.swagger = await checkSwagger({ base, cases: result.cases, timeoutMs }))
  if (report.warning) core.warning(report.warning)
  if (report.declared !== undefined && !report.problem) core.info(describeSwagger(report))
  return report.problem
}

function postScore(url: string, body: string, request: SmokeTestRequest) {
  return httpRequest({
    url,
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json' },
    timeoutMs: scoreCallTimeoutMs(
      request.startupTimeoutSeconds * 1000,
      request.deployment?.requestTimeout,
    ),
  })
}

/**
 * With a deployment: the latency probe's p95 within its request timeout, and as many calls at
 * once as it lets one instance take, each answered in time.
 */
async function deploymentLoad(
  url: string,
  request: SmokeTestRequest,
  result: SmokeTestResult,
): Promise<void> {
  const deployment = request.deployment
  if (!deployment || !result.latency) return
  const slow = slowP95(result.latency, deployment.requestTimeout)
  if (slow) throw new SmokeTestFailure(`Smoke test failed: ${slow}`, result)
  if (deployment.maxConcurrentRequests <= 1) return
  const first = request.cases[0]
  const answers = await sendAtOnce(deployment.maxConcurrentRequests, async () => {
    const answer = await postScore(url, first.body, request)
    return { status: answer.status, body: answer.body }
  })
  result.concurrent = { requests: answers.length, maxMs: Math.max(...answers.map((a) => a.ms)) }
  core.info(`${answers.length} scoring calls at once: slowest ${result.concurrent.maxMs} ms`)
  const problem = burstProblem(
    answers,
    first.expectedStatus,
    deployment.maxConcurrentRequests,
    deployment.requestTimeout,
  )
  if (problem) throw new SmokeTestFailure(`Smoke test failed: ${problem}`, result)
}

/**
 * The timed calls with the first case's body. A call that is refused or gets no answer (a
 * server dropping connections under load) fails the smoke test like a case does, keeping the
 * cases for the outputs and the summary.
 */
function latencyProbe(
  url: string,
  request: SmokeTestRequest,
  result: SmokeTestResult,
): Promise<LatencySummary> {
  const first = request.cases[0]
  let call = 0
  return measureLatency(request.scoreRequests, async () => {
    call++
    const during = `during the latency probe (score-requests: call ${call} of ${request.scoreRequests}, with the request of ${first.name})`
    let answer
    try {
      answer = await postScore(url, first.body, request)
    } catch (error) {
      throw new SmokeTestFailure(
        `Smoke test failed: ${during} POST /score got no answer (${(error as Error).message})`,
        result,
      )
    }
    if (answer.status !== first.expectedStatus) {
      throw new SmokeTestFailure(
        `Smoke test failed: ${during} POST /score answered ${answer.status} (expected ${first.expectedStatus}): ${answer.body.slice(0, 500)}`,
        result,
      )
    }
  })
}

/** One case: POST /score, then the status and the body against what the case expects. */
async function scoreCase(
  url: string,
  scoringCase: ScoringCase,
  request: SmokeTestRequest,
  containerLog: () => Promise<string>,
): Promise<CaseResult> {
  const result: CaseResult = {
    name: scoringCase.name,
    request: scoringCase.body,
    expectedStatus: scoringCase.expectedStatus,
  }
  const started = Date.now()
  let answer
  try {
    answer = await postScore(url, scoringCase.body, request)
  } catch (error) {
    result.problem = `POST /score got no answer (${(error as Error).message})${noAnswerNote(request.deployment?.requestTimeout)}`
    return result
  }
  Object.assign(result, {
    status: answer.status,
    response: answer.body,
    ms: Date.now() - started,
    ...(answer.truncated ? { responseCut: true } : {}),
  })
  // The case is named after its file: a pull request chooses it.
  printInert(`${scoringCase.name}: POST /score answered ${answer.status} in ${result.ms} ms`)
  const late = lateAnswer(scoringCase.name, result.ms ?? 0, request.deployment?.requestTimeout)
  if (late) {
    result.problem = late
  } else if (answer.status !== scoringCase.expectedStatus) {
    const problems = [
      `POST /score answered ${answer.status} (expected ${scoringCase.expectedStatus}): ${answer.body.slice(0, 500)}`,
    ]
    if (answer.headers['x-ms-run-function-failed'] === 'True') {
      result.python = lastPythonFailure(await containerLog())
      problems.push(
        describeStartupFailure(result.python).replace(/^start-up failed: /, 'run() failed: '),
      )
    }
    result.problem = problems.join('\n')
  } else if (scoringCase.expectedResponse !== undefined) {
    const mismatch = responseMismatch(scoringCase.expectedResponse, answer.body)
    if (mismatch)
      result.problem = `POST /score answered ${answer.status} but ${mismatch}; got: ${answer.body.slice(0, 500)}`
  }
  return result
}

function withLog(message: string, log: string): string {
  return `${message}\nLast lines of the container log:\n${lastLines(log, LOG_LINES_IN_MESSAGE)}`
}

/** One case keeps the plain message; several name each failed case. */
function failureMessage(cases: CaseResult[], failed: CaseResult[]): string {
  if (cases.length === 1) return `Smoke test failed: ${failed[0].problem}`
  const lines = failed.map((item) => `- ${item.name}: ${item.problem?.replace(/\n/g, '\n  ')}`)
  return `Smoke test failed: ${failed.length} of ${cases.length} scoring requests failed:\n${lines.join('\n')}`
}
