// What a reviewer reads: the job summary of real runs, the one error annotation of real
// failures pointing at the user's file and line, a directory of scoring cases reported one
// by one, and the latency probe.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  inspectImage,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { startLocalIndex, ROOT, type LocalIndex } from '../helpers/local-pypi.js'
import { errorAnnotations, type Annotation } from '../helpers/workflow-commands.js'

const FIXTURES = path.join(ROOT, '__tests__/fixtures')
const RUN_ID = 'report-test'
const createdTags: string[] = []
let index: LocalIndex

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex()
}, 120_000)
afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})
afterAll(async () => {
  index?.stop()
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { 'base-image': STANDIN_IMAGE, 'startup-timeout': '60', ...inputs },
    workspace: FIXTURES,
    env: { DOCKER_BUILDKIT: '0', GITHUB_RUN_ID: RUN_ID, ...env },
  })
}

function echoApp(tag: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'code-dir': 'apps/echo', 'entry-script': 'score.py', tags: tag, ...extra }
}

/** The step failed with exactly one error annotation and no image output; returns it. */
function onlyError(result: ActionRun): Annotation {
  expect(result.main.exitCode).toBe(1)
  const errors = errorAnnotations(result.main.stdout)
  expect(errors).toHaveLength(1)
  expect(result.outputs.image).toBeUndefined()
  expectNothingLeftInTemp(result)
  return errors[0]
}

describe('job summary', () => {
  it('of a passing run: base image, tag, id, size over the base, cases and latency', async () => {
    const tag = 'eai-test/report:summary'
    createdTags.push(tag)
    const result = await run(
      echoApp(tag, {
        env: 'GREETING=hi',
        'sample-request': 'cases/echo-ok',
        'score-requests': '20',
      }),
    )
    expect(result.main.exitCode).toBe(0)
    const image = await inspectImage(tag)
    const base = await inspectImage(STANDIN_IMAGE)
    const summary = result.summary

    // The heading names the leg: tag and base image.
    expect(summary).toMatch(new RegExp(`<h3>✅ ${tag} on ${STANDIN_IMAGE}</h3>`))
    expect(summary).toContain(`<code>${image.Id}</code>`)
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`
    const layers = image.RootFS.Layers.length - base.RootFS.Layers.length
    expect(summary).toContain(
      `${mb(image.Size)} (+${mb(image.Size - base.Size)} and ${layers} layer${layers === 1 ? '' : 's'} over the base)`,
    )
    expect(summary).toContain('none (no apt packages or requirements)')
    expect(summary).toContain('✅ passed (3 requests)')
    // One row per case, in name order, with status and time.
    const caseRows = [
      ...summary.matchAll(
        /<tr><td><code>([^<]+)<\/code><\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+) ms<\/td><td>✅<\/td><\/tr>/g,
      ),
    ]
    expect(caseRows.map((row) => row[1])).toEqual(['a-list', 'b-text', 'c-empty'])
    expect(caseRows.every((row) => row[2] === '200')).toBe(true)

    const metadata = JSON.parse(result.outputs.metadata)
    expect(
      metadata.cases.map((item: { name: string; passed: boolean }) => [item.name, item.passed]),
    ).toEqual([
      ['a-list', true],
      ['b-text', true],
      ['c-empty', true],
    ])
    const { latency } = metadata
    expect(latency.requests).toBe(20)
    expect(latency.p50Ms).toBeGreaterThan(0)
    expect(latency.p50Ms).toBeLessThanOrEqual(latency.p95Ms)
    expect(latency.p95Ms).toBeLessThanOrEqual(latency.maxMs)
    expect(summary).toContain(`p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms`)
    // The answer is in the summary, escaped: it is the server's text, not HTML.
    expect(summary).toContain(
      '{&#34;echo&#34;: {&#34;data&#34;: [1, 2]}, &#34;greeting&#34;: &#34;hi&#34;}',
    )
  })

  it('of a failing run: the reason first, then the failed case before the passing one', async () => {
    const tag = 'eai-test/report:one-fails'
    const result = await run(echoApp(tag, { 'sample-request': 'cases/echo-one-fails' }))
    const error = onlyError(result)
    expect(error.message).toMatch(
      /^Smoke test failed: 1 of 2 scoring requests failed:\n- b-wrong: POST \/score answered 200 but the body does not contain the expected JSON/,
    )
    expect(await imageExists(tag)).toBe(false)
    // The score outputs describe the case that failed.
    expect(result.outputs['smoke-test']).toBe('failed')
    expect(result.outputs['score-response']).toBe('{"echo": {"data": 2}, "greeting": null}')

    const summary = result.summary
    expect(summary.indexOf('<h3>❌ extend-azureml-image failed on')).toBe(0)
    const reason = summary.indexOf('Smoke test failed: 1 of 2')
    expect(reason).toBeGreaterThan(0)
    expect(summary).toMatch(/<td><code>a-right<\/code><\/td>.*<td>✅<\/td>/)
    expect(summary).toMatch(/<td><code>b-wrong<\/code><\/td>.*<td>❌ POST \/score answered 200 but/)
    expect(summary.indexOf('b-wrong: request and response')).toBeLessThan(
      summary.indexOf('a-right: request and response'),
    )
  })
})

describe("annotations on the user's file and line", () => {
  it.each([
    ['init-raises', 'init() raised ValueError', 2, {}],
    // Found by the script check (the base image's Python), which knows the column too.
    ['syntax-error', 'score.py does not compile', 5, { col: '18' }],
    ['missing-module', 'Importing the entry script raised ModuleNotFoundError', 1, {}],
  ])('%s: start-up failure', async (app, title, line, more) => {
    const error = onlyError(
      await run({
        'code-dir': `apps/${app}`,
        'entry-script': 'score.py',
        tags: `eai-test/report:${app}`,
      }),
    )
    expect(error.properties).toEqual({
      title,
      file: `apps/${app}/score.py`,
      line: String(line),
      ...more,
    })
  })

  it('run() raising during POST /score', async () => {
    const error = onlyError(
      await run({
        'code-dir': 'apps/run-raises',
        'entry-script': 'score.py',
        tags: 'eai-test/report:run-raises',
        'sample-request': '{"data": [1]}',
      }),
    )
    expect(error.properties).toEqual({
      title: 'run() raised IndexError',
      file: 'apps/run-raises/score.py',
      line: '10',
    })
  })

  it('the requirements line pip could not resolve', async () => {
    const error = onlyError(
      await run(
        echoApp('eai-test/report:requirements', {
          requirements: 'requirements/unresolvable.txt',
          'pip-index-url': index.url,
          network: 'host',
        }),
      ),
    )
    expect(error.message).toContain('pip could not resolve "no-such-project-eai==1.0"')
    expect(error.properties).toEqual({
      title: 'pip could not resolve no-such-project-eai==1.0',
      file: 'requirements/unresolvable.txt',
      line: '3',
    })
  }, 120_000)

  it("the workflow line that lists an apt package apt doesn't have", async () => {
    const error = onlyError(
      await run(
        echoApp('eai-test/report:apt', { 'apt-packages': 'libgomp1 no-such-package-eai' }),
        {
          GITHUB_REPOSITORY: 'me/models',
          GITHUB_WORKFLOW_REF: 'me/models/.github/workflows/image.yml@refs/pull/7/merge',
        },
      ),
    )
    expect(error.message).toContain('apt has no package "no-such-package-eai"')
    expect(error.properties).toEqual({
      title: 'apt has no package no-such-package-eai',
      file: '.github/workflows/image.yml',
      line: '12',
    })
  }, 180_000)
})
