// The /swagger.json check, run end to end against images built FROM the stand-in: an entry
// script that declares a schema has its requests and answers held to it; one that declares none
// is not checked; a mismatch fails the step naming the case, the JSON pointer and the rule.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { ROOT } from '../helpers/local-pypi.js'
import { errorAnnotations } from '../helpers/workflow-commands.js'

const FIXTURES = path.join(ROOT, '__tests__/fixtures')
const RUN_ID = `swagger-test-${process.pid}`
const createdTags: string[] = []

beforeAll(requireEngineAndStandin, 60_000)
afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})
afterAll(async () => {
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

function runApp(app: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    inputs: {
      'base-image': STANDIN_IMAGE,
      'code-dir': `apps/${app}`,
      'entry-script': 'score.py',
      tags: `eai-test/swagger:${app}`,
      'startup-timeout': '60',
      ...inputs,
    },
    workspace: FIXTURES,
    env: { DOCKER_BUILDKIT: '0', GITHUB_RUN_ID: RUN_ID },
  })
}

/** The step failed with exactly one error annotation, no image left; returns its message. */
async function onlyError(run: ActionRun, app: string): Promise<string> {
  expect(run.main.exitCode).toBe(1)
  const errors = errorAnnotations(run.main.stdout)
  expect(errors).toHaveLength(1)
  expect(run.outputs.image).toBeUndefined()
  expect(run.outputs['smoke-test']).toBe('failed')
  expect(await imageExists(`eai-test/swagger:${app}`)).toBe(false)
  expectNothingLeftInTemp(run)
  return errors[0].message
}

describe('an entry script that declares a schema', () => {
  it('passes when the request and the answer fit it, and says so in the summary and metadata', async () => {
    createdTags.push('eai-test/swagger:schema-ok')
    const run = await runApp('schema-ok', { 'sample-request': '{"data": [1, 2.5]}' })
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs['score-response']).toBe('{"total": 3.5}')
    expect(JSON.parse(run.outputs.metadata).swagger).toEqual({
      declared: true,
      versions: ['2', '3'],
      checked: { requests: 1, answers: 1 },
    })
    expect(run.summary).toContain(
      '<th>Schema (swagger.json)</th><td>run() declares a schema (versions 2, 3 served); 1 request and 1 answer checked against it</td>',
    )
  })

  it('fails when a request breaks the input schema, naming the case, the pointer and the rule', async () => {
    const run = await runApp('schema-mismatch', { 'sample-request': 'cases/schema-mismatch' })
    const message = await onlyError(run, 'schema-mismatch')
    expect(message).toBe(
      [
        'Smoke test failed: 1 of 2 scoring requests failed:',
        `- batch: request "batch": /data/0 must be number, as run()'s input schema declares (swagger.json)`,
      ].join('\n'),
    )
    // The server itself accepted it: only the schema check saw the strings.
    expect(run.outputs['score-status']).toBe('200')
    expect(run.summary).toContain('swagger.json: run() declares a schema (versions 2, 3 served)')
  })

  it('fails when run() answers what its output schema does not allow', async () => {
    const run = await runApp('schema-wrong-output', { 'sample-request': '{"data": [1, 2]}' })
    const message = await onlyError(run, 'schema-wrong-output')
    expect(message).toBe(
      `Smoke test failed: answer of "sample-request": /total must be number, as run()'s output schema declares (swagger.json)`,
    )
    expect(run.outputs['score-response']).toBe('{"total": "3 in all"}')
  })
})

describe('an entry script that declares no schema', () => {
  it('is not checked, and the summary and metadata say no schema is declared', async () => {
    createdTags.push('eai-test/swagger:echo')
    // Any JSON goes: the undecorated run() gets the raw body.
    const run = await runApp('echo', { 'sample-request': '{"data": ["1", 2]}' })
    expect(run.main.exitCode).toBe(0)
    expect(JSON.parse(run.outputs.metadata).swagger).toEqual({
      declared: false,
      versions: ['2', '3'],
      checked: { requests: 0, answers: 0 },
    })
    expect(run.summary).toContain(
      '<th>Schema (swagger.json)</th><td>no schema declared (versions 2, 3 served)</td>',
    )
  })
})
