// Running the smoke-test container as a deployment file says: the probe budget's one formula and
// its messages, the request timeout, the calls sent at once, and the code folder staged readable.
import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { DeploymentSettings, ProbeSettings } from '../../src/inputs/deployment-file.js'
import { burstProblem, sendAtOnce } from '../../src/smoke-test/concurrent-burst.js'
import { deploymentRun } from '../../src/smoke-test/deployment-run.js'
import {
  budgetSeconds,
  budgetUse,
  notLive,
  overBudget,
  startupBudget,
} from '../../src/smoke-test/probe-budget.js'
import {
  lateAnswer,
  noAnswerNote,
  scoreCallTimeoutMs,
  slowP95,
} from '../../src/smoke-test/request-timeout.js'

const probe = (change: Partial<ProbeSettings> = {}): ProbeSettings => ({
  initialDelay: 10,
  period: 10,
  timeout: 2,
  failureThreshold: 30,
  successThreshold: 1,
  ...change,
})

function deployment(change: Partial<DeploymentSettings> = {}): DeploymentSettings {
  return {
    file: 'deployment.yml',
    environmentVariables: [],
    livenessProbe: probe(),
    readinessProbe: probe(),
    requestTimeoutMs: 5000,
    maxConcurrentRequestsPerInstance: 1,
    notes: [],
    ...change,
  }
}

describe('the probe budget: initial_delay + failure_threshold x period', () => {
  it.each([
    [probe(), 310],
    [probe({ initialDelay: 10, failureThreshold: 3, period: 10 }), 40],
    [probe({ initialDelay: 1, failureThreshold: 2, period: 1 }), 3],
  ])('%o: %d s', (settings, seconds) => {
    expect(budgetSeconds(settings)).toBe(seconds)
  })

  it('is the smaller of liveness and readiness, liveness on a tie', () => {
    expect(startupBudget(deployment())).toEqual({
      probe: 'liveness',
      seconds: 310,
      arithmetic: '10 s + 30 x 10 s = 310 s (deployment.yml)',
      requestTimeoutSeconds: 2,
    })
    const readinessFirst = deployment({
      readinessProbe: probe({ failureThreshold: 3, timeout: 1 }),
    })
    expect(startupBudget(readinessFirst)).toMatchObject({
      probe: 'readiness',
      seconds: 40,
      requestTimeoutSeconds: 1,
    })
  })

  it('fails a start-up past it with the arithmetic, and passes one in time', () => {
    const budget = startupBudget(deployment({ livenessProbe: probe({ failureThreshold: 3 }) }))
    expect(overBudget(41_200, budget)).toBe(
      'live after 41.2 s; the liveness probe allows 10 s + 3 x 10 s = 40 s (deployment.yml): the platform restarts a container that is not live by then',
    )
    expect(overBudget(40_000, budget)).toBeUndefined()
    expect(budgetUse(30_000, budget)).toEqual({
      probe: 'liveness',
      budgetSeconds: 40,
      arithmetic: '10 s + 3 x 10 s = 40 s (deployment.yml)',
      usedPercent: 75,
    })
  })

  it('says a readiness budget in its own words', () => {
    const budget = startupBudget(deployment({ readinessProbe: probe({ failureThreshold: 1 }) }))
    expect(overBudget(21_000, budget)).toMatch(
      /^ready after 21.0 s; the readiness probe allows 10 s \+ 1 x 10 s = 20 s \(deployment.yml\): a container not ready by then never gets traffic$/,
    )
  })

  it('names the budget when the wait that ended was the budget', () => {
    const budget = startupBudget(
      deployment({ livenessProbe: probe({ initialDelay: 1, period: 1, failureThreshold: 2 }) }),
    )
    expect(notLive(3, 'ECONNRESET', budget)).toBe(
      'the server was not live after 3 s (GET / never answered 200; last error: ECONNRESET); the liveness probe allows 1 s + 2 x 1 s = 3 s (deployment.yml): the platform restarts a container that is not live by then',
    )
    // startup-timeout shorter than the budget: the wait, not the probe, ended it.
    expect(notLive(2, undefined, budget)).toBe(
      'the server was not live after 2 s (GET / never answered 200)',
    )
    expect(notLive(300)).toBe('the server was not live after 300 s (GET / never answered 200)')
  })
})

describe('request_timeout_ms', () => {
  const limit = { ms: 5000, file: 'deployment.yml' }

  it('fails a call that answered late, naming the case, the time and the setting', () => {
    expect(lateAnswer('x', 6200, limit)).toBe(
      'case x: POST /score answered after 6.2 s; request_settings.request_timeout_ms is 5000 (deployment.yml)',
    )
    expect(lateAnswer('x', 5000, limit)).toBeUndefined()
    expect(lateAnswer('x', 60_000)).toBeUndefined()
  })

  it('waits past the limit to tell how late, and keeps the old wait without a file', () => {
    expect(scoreCallTimeoutMs(300_000, limit)).toBe(15_000)
    expect(scoreCallTimeoutMs(300_000, { ...limit, ms: 180_000 })).toBe(360_000)
    expect(scoreCallTimeoutMs(300_000)).toBe(300_000)
    expect(noAnswerNote(limit)).toBe(
      '; request_settings.request_timeout_ms is 5000 (deployment.yml)',
    )
    expect(noAnswerNote()).toBe('')
  })

  it("holds the latency probe's p95 to it", () => {
    const latency = { requests: 20, p50Ms: 100, p95Ms: 5001, maxMs: 6000 }
    expect(slowP95(latency, limit)).toBe(
      "the latency probe's p95 is 5001 ms over 20 calls; request_settings.request_timeout_ms is 5000 (deployment.yml)",
    )
    expect(slowP95({ ...latency, p95Ms: 5000 }, limit)).toBeUndefined()
  })
})

describe('max_concurrent_requests_per_instance', () => {
  const limit = { ms: 1000, file: 'deployment.yml' }

  it('sends the calls at once, not one after another', async () => {
    let open = 0
    let most = 0
    const answers = await sendAtOnce(4, async () => {
      most = Math.max(most, ++open)
      await new Promise((resolve) => setTimeout(resolve, 20))
      open--
      return { status: 200 }
    })
    expect(answers).toHaveLength(4)
    expect(most).toBe(4)
  })

  it('keeps a call that got no answer, with why', async () => {
    const answers = await sendAtOnce(1, () => Promise.reject(new Error('ECONNRESET')))
    expect(answers[0]).toMatchObject({ error: 'ECONNRESET' })
  })

  it.each([
    [
      [
        { status: 200, ms: 10 },
        { status: 200, ms: 900 },
      ],
      undefined,
    ],
    [
      [
        { status: 200, ms: 10 },
        { status: 429, ms: 5, body: 'Too many' },
      ],
      /max_concurrent_requests_per_instance is 2 \(deployment.yml\), and of 2 POST \/score sent at once, 1 failed \(first: call 2 answered 429, expected 200: Too many\): the server must serve that many at once; set WORKER_COUNT/,
    ],
    [
      [
        { status: 200, ms: 400 },
        { status: 200, ms: 1800 },
      ],
      /call 2 answered after 1.8 s; request_settings.request_timeout_ms is 1000\).*WORKER_COUNT/,
    ],
    [[{ ms: 3, error: 'socket hang up' }], /call 1 got no answer \(socket hang up\)/],
  ])('%j', (answers, expected) => {
    const problem = burstProblem(answers, 200, 2, limit)
    if (expected === undefined) expect(problem).toBeUndefined()
    else expect(problem).toMatch(expected)
  })
})

describe('deploymentRun', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-run-'))
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

  it('sets the file’s variables, and with code the platform’s AML_APP_ROOT and entry script', () => {
    const code = path.join(work, 'src/onlinescoring')
    fs.mkdirSync(path.join(code, 'sub'), { recursive: true })
    fs.mkdirSync(path.join(code, '.git'))
    fs.writeFileSync(path.join(code, 'score.py'), '', { mode: 0o600 })
    fs.writeFileSync(path.join(code, 'sub/run.sh'), '', { mode: 0o700 })
    fs.writeFileSync(path.join(code, '.git/HEAD'), '')
    fs.chmodSync(path.join(code, 'sub'), 0o700)
    const run = deploymentRun(
      deployment({
        environmentVariables: [
          { key: 'A', value: '1' },
          { key: 'AML_APP_ROOT', value: '/elsewhere' },
        ],
        codeConfiguration: { dir: code, folderName: 'onlinescoring', scoringScript: 'score.py' },
      }),
      path.join(work, 'job'),
    )
    const staged = path.join(work, 'job/deployment-code/onlinescoring')
    expect(run.env).toEqual([
      { key: 'A', value: '1' },
      { key: 'AML_APP_ROOT', value: '/var/azureml-app/onlinescoring' },
      { key: 'AZUREML_ENTRY_SCRIPT', value: 'score.py' },
    ])
    expect(run.files).toEqual([{ source: staged, target: '/var/azureml-app/onlinescoring' }])
    // Readable by any user once root owns them in the container; executables stay executable.
    const mode = (relative: string) => fs.statSync(path.join(staged, relative)).mode & 0o777
    expect([mode('.'), mode('sub'), mode('score.py'), mode('sub/run.sh')]).toEqual([
      0o755, 0o755, 0o644, 0o755,
    ])
    expect(fs.existsSync(path.join(staged, '.git'))).toBe(false)
  })

  it('without code: only the file’s variables, nothing copied', () => {
    const run = deploymentRun(
      deployment({ environmentVariables: [{ key: 'AML_APP_ROOT', value: '/mine' }] }),
      work,
    )
    expect(run.env).toEqual([{ key: 'AML_APP_ROOT', value: '/mine' }])
    expect(run.files).toEqual([])
    expect(run.requestTimeout).toEqual({ ms: 5000, file: 'deployment.yml' })
  })
})
