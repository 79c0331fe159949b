import { describe, expect, it } from '@jest/globals'
import type { HttpAnswer } from '../../src/smoke-test/http-client.js'
import { type CaseResult } from '../../src/smoke-test/results.js'
import {
  checkSwagger,
  describeSwagger,
  inlineRefs,
  isDeclared,
  scoreSchemas,
} from '../../src/smoke-test/swagger-check.js'

// Documents shaped like the ones azureml-inference-server-http writes (templates + the
// decorators' schemas as ServiceInput / ServiceOutput).
const UNDECLARED = { type: 'object', example: {} }
const INPUT = {
  type: 'object',
  properties: {
    data: { type: 'array', items: { type: 'array', items: { type: 'number', format: 'double' } } },
    GlobalParameters: {
      type: 'object',
      required: ['k'],
      properties: { k: { type: 'integer', format: 'int64' } },
    },
  },
  example: { data: [[1.0, 2.0]], GlobalParameters: { k: 3 } },
}
const OUTPUT = {
  type: 'object',
  required: ['predictions'],
  properties: { predictions: { type: 'array', items: { type: 'number', format: 'double' } } },
  example: { predictions: [0.5] },
}

function v2(input: unknown, output: unknown) {
  return {
    swagger: '2.0',
    info: { title: 'ML service', version: '1.0' },
    paths: {
      '/score': {
        post: {
          parameters: [{ name: 'p', in: 'body', schema: { $ref: '#/definitions/ServiceInput' } }],
          responses: { '200': { schema: { $ref: '#/definitions/ServiceOutput' } } },
        },
      },
    },
    definitions: { ServiceInput: input, ServiceOutput: output },
  }
}

function v3(input: unknown, output: unknown, prefix = '') {
  const json = (ref: string) => ({ 'application/json': { schema: { $ref: ref } } })
  return {
    openapi: '3.0.3',
    info: { title: 'ML service', version: '1.0' },
    paths: {
      [`${prefix}/score`]: {
        post: {
          requestBody: { content: json('#/components/schemas/ServiceInput') },
          responses: { '200': { content: json('#/components/schemas/ServiceOutput') } },
        },
      },
    },
    components: { schemas: { ServiceInput: input, ServiceOutput: output } },
  }
}

type Answers = Record<string, { status: number; body: unknown; truncated?: boolean }>

/** A fake server: version -> answer; records what was asked. */
function server(answers: Answers) {
  const asked: string[] = []
  const get = async (url: string): Promise<HttpAnswer> => {
    asked.push(url)
    const version = new URL(url).searchParams.get('version') ?? '2'
    const answer = answers[version] ?? { status: 404, body: { message: 'no' } }
    return {
      status: answer.status,
      headers: {},
      body: typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body),
      truncated: answer.truncated ?? false,
    }
  }
  return { asked, get }
}

function served(input: unknown, output: unknown): Answers {
  return {
    '2': { status: 200, body: v2(input, output) },
    '3': { status: 200, body: v3(input, output) },
  }
}

function scored(
  name: string,
  request: unknown,
  response: unknown,
  status = 200,
  expectedStatus = 200,
): CaseResult {
  return {
    name,
    request: JSON.stringify(request),
    expectedStatus,
    status,
    response: typeof response === 'string' ? response : JSON.stringify(response),
  }
}

const base = 'http://127.0.0.1:1'

describe('isDeclared', () => {
  it.each<[unknown, boolean]>([
    [UNDECLARED, false],
    [{ type: 'object' }, false],
    [{ example: {}, type: 'object' }, false],
    [undefined, false],
    [INPUT, true],
    [{ type: 'integer', format: 'int64' }, true],
    [{ type: 'object', example: { a: 1 } }, true],
  ])('%j -> %s', (schema, declared) => {
    expect(isDeclared(schema as never)).toBe(declared)
  })
})

describe('scoreSchemas', () => {
  it('reads the body parameter and the 200 schema of OpenAPI 2, resolving $ref', () => {
    expect(scoreSchemas('2', v2(INPUT, OUTPUT) as never)).toEqual({ input: INPUT, output: OUTPUT })
  })
  it('reads requestBody and the 200 content of OpenAPI 3, behind a path prefix too', () => {
    expect(scoreSchemas('3', v3(INPUT, OUTPUT, '/svc') as never)).toEqual({
      input: INPUT,
      output: OUTPUT,
    })
  })
  it('has nothing without POST /score', () => {
    expect(scoreSchemas('3', { openapi: '3.0.3', paths: { '/': { get: {} } } })).toBeUndefined()
  })
  it('refuses a $ref that names nothing, and a cycle', () => {
    expect(() => inlineRefs({}, { $ref: '#/definitions/Nope' })).toThrow(
      '$ref #/definitions/Nope names nothing in the document',
    )
    const cyclic = { definitions: { A: { $ref: '#/definitions/A' } } }
    expect(() => inlineRefs(cyclic as never, { $ref: '#/definitions/A' })).toThrow('too deeply')
  })
})

describe('checkSwagger', () => {
  it('an undecorated run(): no schema declared, nothing checked, the cases stay as they were', async () => {
    const fake = server(served(UNDECLARED, UNDECLARED))
    const cases = [scored('any', { anything: 'goes' }, 'not even JSON')]
    const report = await checkSwagger({ base, cases, timeoutMs: 1000, get: fake.get })
    expect(report).toEqual({
      declared: false,
      versions: ['2', '3'],
      checked: { requests: 0, answers: 0 },
    })
    expect(cases[0].problem).toBeUndefined()
    expect(fake.asked).toEqual([`${base}/swagger.json?version=2`, `${base}/swagger.json?version=3`])
    expect(describeSwagger(report)).toBe('no schema declared (versions 2, 3 served)')
  })

  it('a declared schema that every case fits passes and says what it checked', async () => {
    const cases = [
      scored('small', { data: [[1, 2.5]], GlobalParameters: { k: 1 } }, { predictions: [3] }),
      // Expecting 500: its request is not held to the schema; its answer is not 200.
      scored('broken', { data: 'oops' }, { message: 'x' }, 500, 500),
    ]
    const report = await checkSwagger({
      base,
      cases,
      timeoutMs: 1000,
      get: server(served(INPUT, OUTPUT)).get,
    })
    expect(report).toEqual({
      declared: true,
      versions: ['2', '3'],
      checked: { requests: 1, answers: 1 },
    })
    expect(cases.map((c) => c.problem)).toEqual([undefined, undefined])
    expect(describeSwagger(report)).toBe(
      'run() declares a schema (versions 2, 3 served); 1 request and 1 answer checked against it',
    )
  })

  it('a request that breaks the input schema: the case, the JSON pointer and the rule', async () => {
    const cases = [
      scored('batch', { data: [['a', 2]], GlobalParameters: {} }, { predictions: [1] }),
    ]
    await checkSwagger({ base, cases, timeoutMs: 1000, get: server(served(INPUT, OUTPUT)).get })
    expect(cases[0].problem).toBe(
      [
        `request "batch": /data/0/0 must be number, as run()'s input schema declares (swagger.json)`,
        `request "batch": /GlobalParameters must have required property 'k', as run()'s input schema declares (swagger.json)`,
      ].join('\n'),
    )
  })

  it('an answer that breaks the output schema is added to what the case already failed for', async () => {
    const cases = [
      { ...scored('one', { data: [[1]] }, { predictions: ['high'] }), problem: 'earlier' },
      scored('two', { data: [[1]] }, 'plain text'),
    ]
    await checkSwagger({ base, cases, timeoutMs: 1000, get: server(served(INPUT, OUTPUT)).get })
    expect(cases[0].problem).toBe(
      `earlier\nanswer of "one": /predictions/0 must be number, as run()'s output schema declares (swagger.json)`,
    )
    expect(cases[1].problem).toBe(
      `answer of "two" is not JSON, but run() declares an output schema (swagger.json)`,
    )
  })

  it('does not hold an answer cut at the client limit to the output schema', async () => {
    const cut = { ...scored('big', { data: [[1]] }, { predictions: [1] }), responseCut: true }
    cut.response = cut.response!.slice(0, 10)
    const report = await checkSwagger({
      base,
      cases: [cut],
      timeoutMs: 1000,
      get: server(served(INPUT, OUTPUT)).get,
    })
    expect(report.checked).toEqual({ requests: 1, answers: 0 })
    expect(cut.problem).toBeUndefined()
  })

  it('only an output schema: requests are not held to the default {"type": "object"}', async () => {
    const cases = [scored('list', [1, 2], { predictions: [1] })]
    const report = await checkSwagger({
      base,
      cases,
      timeoutMs: 1000,
      get: server(served({ type: 'object' }, OUTPUT)).get,
    })
    expect(report.checked).toEqual({ requests: 0, answers: 1 })
    expect(cases[0].problem).toBeUndefined()
  })

  it('ignores OpenAPI-only keywords and formats; honours nullable', async () => {
    const output = {
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time', example: 'x', 'x-note': 1 },
        score: { type: 'number', nullable: true, format: 'double' },
      },
      discriminator: { propertyName: 'kind' },
      xml: { name: 'out' },
    }
    const ok = [scored('ok', {}, { when: '2020-01-02 03:04:05.000000 +0000', score: null })]
    await checkSwagger({ base, cases: ok, timeoutMs: 1000, get: server(served(INPUT, output)).get })
    expect(ok[0].problem).toBeUndefined()
    const bad = [scored('bad', {}, { when: 5, score: 'high' })]
    await checkSwagger({
      base,
      cases: bad,
      timeoutMs: 1000,
      get: server(served(INPUT, output)).get,
    })
    expect(bad[0].problem).toContain('/when must be string')
    expect(bad[0].problem).toContain('/score must be number')
  })

  it('a declared schema needs both documents: a 404 for version 2 fails', async () => {
    const answers = served(INPUT, OUTPUT)
    answers['2'] = { status: 404, body: { message: 'Swagger version [2] is not valid' } }
    const report = await checkSwagger({
      base,
      cases: [],
      timeoutMs: 1000,
      get: server(answers).get,
    })
    expect(report.problem).toBe(
      'run() declares a schema, but GET /swagger.json?version=2 answered 404: {"message":"Swagger version [2] is not valid"}',
    )
  })

  it('except when the schema needs OpenAPI 3 (oneOf): version 3 alone is enough', async () => {
    const mixed = {
      type: 'object',
      properties: {
        row: { type: 'array', items: { oneOf: [{ type: 'integer' }, { type: 'string' }] } },
      },
    }
    const answers: Answers = {
      '2': { status: 404, body: { message: 'not supported for the scoring script' } },
      '3': { status: 200, body: v3(mixed, UNDECLARED) },
    }
    const cases = [scored('mixed', { row: [1, 'a', true] }, [1, 'a'])]
    const report = await checkSwagger({ base, cases, timeoutMs: 1000, get: server(answers).get })
    expect(report).toMatchObject({ declared: true, versions: ['3'] })
    expect(report.problem).toBeUndefined()
    expect(cases[0].problem).toContain('request "mixed": /row/2 must be integer')
  })

  it.each<[string, unknown, string]>([
    ['not JSON', 'Healthy', 'answered 200 but not JSON: Healthy'],
    [
      'another version',
      { swagger: '2.0', paths: {} },
      'but not an OpenAPI 3 ("openapi": "3.x") document',
    ],
    [
      'no POST /score',
      { openapi: '3.0.3', paths: {} },
      'but the document has no POST /score operation',
    ],
  ])('version 3 %s fails a declared schema', async (_name, body, reason) => {
    const answers = served(INPUT, OUTPUT)
    answers['3'] = { status: 200, body }
    const report = await checkSwagger({
      base,
      cases: [],
      timeoutMs: 1000,
      get: server(answers).get,
    })
    expect(report.problem).toContain(
      `GET /swagger.json?version=3 ${reason}`.replace('3 but', '3 answered 200 but'),
    )
  })

  it('a document cut at the client limit: a warning, nothing held against the cases', async () => {
    const answers = served(INPUT, OUTPUT)
    answers['3'] = { status: 200, body: '{"openapi": "3.0.3", "paths": {', truncated: true }
    const cases = [scored('x', { data: 'not numbers' }, {})]
    const report = await checkSwagger({ base, cases, timeoutMs: 1000, get: server(answers).get })
    expect(report.problem).toBeUndefined()
    expect(report.warning).toBe(
      'The OpenAPI documents were not checked: GET /swagger.json?version=3 answered 200 with more than 16 MiB',
    )
    expect(cases[0].problem).toBeUndefined()
  })

  it('no document at all: unknown, a warning, no failure', async () => {
    const get = async (): Promise<HttpAnswer> => {
      throw new Error('socket hang up')
    }
    const cases = [scored('x', {}, {})]
    const report = await checkSwagger({ base, cases, timeoutMs: 1000, get })
    expect(report.declared).toBeUndefined()
    expect(report.problem).toBeUndefined()
    expect(report.warning).toMatch(/^The server served no OpenAPI document.*socket hang up/)
    expect(cases[0].problem).toBeUndefined()
    expect(describeSwagger(report)).toBe('not served: whether run() declares a schema is unknown')
  })
})
