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

describe('what the image adds, in the summary', () => {
  const passed: PipelineResult = {
    dockerfile: '',
    context: '',
    hasImage: true,
    tags: ['me/img:1'],
    imageId: 'sha256:abc',
    baseUser: 'dockeruser',
    timings: {},
    smokeTest: 'passed',
  }

  async function summaryOf(adds: PipelineResult['adds']): Promise<string> {
    await writeSummary({ ...passed, adds }, 'me/base:1')
    return fs.readFileSync(summaryFile, 'utf8')
  }

  it('lists each package with its versions and the server mark, and each layer with its size', async () => {
    const html = await summaryOf({
      apt: [{ name: 'libgomp1', version: '12.2.0-14' }],
      pip: [
        { name: 'flask', base: '2.2.2', version: '3.1.0', server: true },
        { name: 'tinylinear', version: '1.0.0', server: false },
        { name: 'old-thing', base: '1.0', server: false },
      ],
      layers: [{ step: 'RUN pip install -r requirements.txt', bytes: 1_500_000 }],
      notes: [],
    })
    expect(html).toContain('<h4>What the image adds</h4>')
    expect(html).toContain(
      '<tr><td><code>flask</code></td><td>pip</td><td><code>2.2.2</code></td><td><code>3.1.0</code></td><td>⚠️</td></tr>',
    )
    expect(html).toContain(
      '<tr><td><code>tinylinear</code></td><td>pip</td><td>– (added)</td><td><code>1.0.0</code></td><td>–</td></tr>',
    )
    expect(html).toContain('<td><code>1.0</code></td><td>– (removed)</td>')
    expect(html).toContain(
      '<tr><td><code>libgomp1</code></td><td>apt</td><td>– (added)</td><td><code>12.2.0-14</code></td><td>–</td></tr>',
    )
    expect(html).toContain(
      '⚠️: the server (azureml-inference-server-http) or a distribution it depends on',
    )
    expect(html).toContain(
      '<tr><td><code>RUN pip install -r requirements.txt</code></td><td>1.5 MB</td></tr>',
    )
  })

  it("shows the image's names, versions, steps and notes as text, not markup", async () => {
    const html = await summaryOf({
      apt: [{ name: MARKUP, version: MARKUP }],
      pip: [{ name: `case<b>1</b>`, base: MARKUP, version: '1', server: false }],
      layers: [{ step: `RUN ${MARKUP}`, bytes: 1 }],
      notes: [`the base image's inventory could not be read: ${MARKUP}`],
    })
    expectOnlyText(html)
    expect(html).toContain(`<p>the base image&#39;s inventory could not be read: ${ESCAPED}`)
  })

  it('shows at most 25 rows of each, then how many more', async () => {
    const pip = Array.from({ length: 30 }, (_, i) => ({
      name: `pkg${String(i).padStart(2, '0')}`,
      version: '1',
      server: false,
    }))
    const layers = Array.from({ length: 27 }, (_, i) => ({ step: `RUN step${i}`, bytes: 10 }))
    const html = await summaryOf({ apt: [], pip, layers, notes: [] })
    expect(html).toContain('<code>pkg24</code>')
    expect(html).not.toContain('<code>pkg25</code>')
    expect(html).toContain('<p>and 5 more (all in the metadata output)</p>')
    expect(html).toContain('<code>RUN step24</code>')
    expect(html).not.toContain('<code>RUN step25</code>')
    expect(html).toContain('<p>and 2 more (all in the metadata output)</p>')
  })

  it('says so when nothing was added, and shows no section without a gathering', async () => {
    expect(await summaryOf({ apt: [], pip: [], layers: [], notes: [] })).toContain(
      '<p>No package added or changed against the base.</p>',
    )
    fs.writeFileSync(summaryFile, '')
    core.summary.emptyBuffer()
    expect(await summaryOf(undefined)).not.toContain('What the image adds')
  })
})
