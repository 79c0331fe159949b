// The latency probe (score-requests) against a real local server that drops one connection
// unanswered: the smoke test fails like a failing case, naming the case and the call, and the
// failure still gives its outputs and its summary. docker is a fake whose `run` starts the
// server on the port the smoke test publishes.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseFileCommands } from '../../scripts/run-action.mjs'
import { Leftovers } from '../../src/step/leftovers.js'
import { setSmokeTestFailureOutputs } from '../../src/report/outputs.js'
import { smokeTest } from '../../src/smoke-test/smoke-test.js'
import { SmokeTestFailure } from '../../src/smoke-test/results.js'
import { writeFailureSummary } from '../../src/report/summary.js'
import { fakeDocker, publishedPort } from '../helpers/fake-docker.js'
import { startDroppingScoreServer, type DroppingScoreServer } from '../helpers/fault-servers.js'

const CASES = [
  { name: 'first-case', body: '{"data": [1]}', expectedStatus: 200 },
  { name: 'second-case', body: '{"data": [2]}', expectedStatus: 200 },
]

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-latency-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
  delete process.env.GITHUB_OUTPUT
  delete process.env.GITHUB_STEP_SUMMARY
})

/** Runs the smoke test against a server that drops its `dropOn`-th POST /score. */
async function smokeTestDropping(dropOn: number, scoreRequests: number) {
  let server: DroppingScoreServer | undefined
  const docker = fakeDocker({
    run: async (run) => {
      server = await startDroppingScoreServer(publishedPort(run), dropOn)
      return 'id'
    },
    // The container stays up until it is removed.
    wait: () => new Promise(() => undefined),
  })
  try {
    const outcome = await smokeTest(docker, new Leftovers(docker), {
      image: 'sha256:img',
      containerPort: 5001,
      startupTimeoutSeconds: 5,
      cases: CASES,
      scoreRequests,
      pollIntervalMs: 10,
    }).catch((error: unknown) => error)
    return { outcome, scoreCalls: server?.scoreCalls() }
  } finally {
    await server?.stop()
  }
}

describe('the latency probe', () => {
  it('passes when every call is answered', async () => {
    const { outcome, scoreCalls } = await smokeTestDropping(100, 5)
    expect(outcome).toMatchObject({ latency: { requests: 5 } })
    expect(scoreCalls).toBe(CASES.length + 5)
  })

  it('fails the smoke test when a call gets no answer, naming the case and the call', async () => {
    // The two cases, then the third timed call is dropped.
    const { outcome, scoreCalls } = await smokeTestDropping(CASES.length + 3, 10)
    expect(outcome).toBeInstanceOf(SmokeTestFailure)
    const failure = outcome as SmokeTestFailure
    expect(failure.message).toBe(
      'Smoke test failed: during the latency probe (score-requests: call 3 of 10, with the request of first-case) POST /score got no answer (socket hang up)',
    )
    expect(scoreCalls).toBe(CASES.length + 3) // stopped at the dropped call
    expect(failure.result.cases?.map((item) => [item.name, item.status])).toEqual([
      ['first-case', 200],
      ['second-case', 200],
    ])

    // What the step then reports: outputs and the summary with the cases.
    process.env.GITHUB_OUTPUT = path.join(dir, 'output')
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary')
    fs.writeFileSync(process.env.GITHUB_OUTPUT, '')
    fs.writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
    setSmokeTestFailureOutputs(failure)
    await writeFailureSummary(failure.message, 'base:1', failure)
    const outputs = parseFileCommands(fs.readFileSync(process.env.GITHUB_OUTPUT, 'utf8'))
    expect(outputs).toMatchObject({
      'smoke-test': 'failed',
      'score-status': '200',
      'score-response': '{"ok": true}',
    })
    const summary = fs.readFileSync(process.env.GITHUB_STEP_SUMMARY, 'utf8')
    expect(summary).toContain('call 3 of 10, with the request of first-case')
    expect(summary).toContain('<code>first-case</code>')
    expect(summary).toContain('<code>second-case</code>')
  })
})
