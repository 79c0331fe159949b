// The job summary as the runner renders it: HTML written to GITHUB_STEP_SUMMARY. Everything a
// scoring script answers reaches it, so no answer may become markup there.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { PipelineResult } from '../../src/pipeline.js'
import { SmokeTestFailure, type CaseResult } from '../../src/smoke-test/results.js'
import { writeFailureSummary, writeSummary } from '../../src/report/summary.js'

// What a hostile or careless run() can answer: it must be shown as text, never rendered.
const MARKUP = `</pre><img src=x onerror="alert('x')"> & <script>steal()</script>`
const ESCAPED = '&#60;/pre&#62;&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62; &#38;'

// core.summary keeps the file it first wrote to: one file for the suite, emptied per test.
let dir: string
let summaryFile: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-'))
  summaryFile = path.join(dir, 'summary.md')
  process.env.GITHUB_STEP_SUMMARY = summaryFile
})
beforeEach(() => fs.writeFileSync(summaryFile, ''))
afterEach(() => {
  core.summary.emptyBuffer()
})
afterAll(() => {
  delete process.env.GITHUB_STEP_SUMMARY
  fs.rmSync(dir, { recursive: true, force: true })
})

const hostileCase: CaseResult = {
  name: `case<b>1</b>`,
  request: MARKUP,
  expectedStatus: 200,
  status: 200,
  response: MARKUP,
  ms: 12,
}

function expectOnlyText(html: string): void {
  expect(html).not.toContain('<script')
  expect(html).not.toContain('<img')
  expect(html).not.toContain('<b>')
  expect(html).toContain(ESCAPED)
  expect(html).toContain('case&#60;b&#62;1&#60;/b&#62;')
}

describe('the job summary', () => {
  it('shows what the scoring script answered as text, not markup', async () => {
    const result: PipelineResult = {
      dockerfile: '',
      context: dir,
      hasImage: true,
      tags: ['me/img:1'],
      imageId: 'sha256:abc',
      baseUser: 'dockeruser',
      timings: {},
      smokeTest: 'passed',
      smokeTestResult: { liveAfterMs: 1200, cases: [hostileCase] },
    }
    await writeSummary(result, 'mcr.microsoft.com/azureml/minimal-py312-inference:latest')
    expectOnlyText(fs.readFileSync(summaryFile, 'utf8'))
  })

  it('on a failure, shows the message and the answers as text, not markup', async () => {
    const failed = { ...hostileCase, problem: `POST /score answered 200 but ${MARKUP}` }
    const failure = new SmokeTestFailure(`Smoke test failed: ${MARKUP}`, {
      liveAfterMs: 1200,
      cases: [failed],
    })
    await writeFailureSummary(failure.message, 'me/base:1', failure)
    const html = fs.readFileSync(summaryFile, 'utf8')
    expectOnlyText(html)
    expect(html).toContain(`<pre>Smoke test failed: ${ESCAPED}`)
  })
})
