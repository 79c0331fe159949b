import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseExpected } from '../../src/smoke-test/expected-response.js'
import { MAX_CASES, scoringCases } from '../../src/inputs/scoring-cases.js'

let workspace: string
const defaults = { expectedStatus: 200 }

function write(relative: string, text: string): void {
  const file = path.join(workspace, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cases-'))
})
afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }))

describe('scoringCases', () => {
  it('has no cases without a sample request', () => {
    expect(scoringCases(workspace, undefined, defaults)).toEqual([])
  })

  it('takes inline JSON as one case with the input defaults', () => {
    const expectedResponse = { kind: 'json' as const, value: { a: 1 } }
    expect(scoringCases(workspace, ' [1, 2] ', { expectedStatus: 201, expectedResponse })).toEqual([
      { name: 'sample-request', body: '[1, 2]', expectedStatus: 201, expectedResponse },
    ])
  })

  it('takes a file as one case named after it', () => {
    write('req/one.json', '{"data": 1}')
    expect(scoringCases(workspace, 'req/one.json', defaults)).toEqual([
      { name: 'one', body: '{"data": 1}', expectedStatus: 200 },
    ])
  })

  it('reads a directory of cases in name order, each with its own expectations', () => {
    write('cases/b-bad.json', '{"data": "x"}')
    write('cases/b-bad.status', '500\n')
    write('cases/a-ok.json', '{"data": [1]}')
    write('cases/a-ok.expected.json', '{"predictions": [1]}')
    write('cases/c-regex.json', '{}')
    write('cases/c-regex.expected.json', '/ok/\n')
    write('cases/README.md', 'notes are ignored')
    expect(scoringCases(workspace, 'cases', defaults)).toEqual([
      {
        name: 'a-ok',
        body: '{"data": [1]}',
        expectedStatus: 200,
        expectedResponse: parseExpected('{"predictions": [1]}'),
      },
      { name: 'b-bad', body: '{"data": "x"}', expectedStatus: 500 },
      {
        name: 'c-regex',
        body: '{}',
        expectedStatus: 200,
        expectedResponse: { kind: 'regex', value: /ok/ },
      },
    ])
  })

  it.each<[string, Record<string, string>, string]>([
    ['an empty directory of requests', { 'cases/x.txt': '' }, 'has no request files'],
    [
      'a request that is not JSON',
      { 'cases/a.json': '{' },
      "Input 'sample-request': a.json is not valid JSON",
    ],
    [
      'a status out of range',
      { 'cases/a.json': '{}', 'cases/a.status': '99' },
      'a.status must hold one status code from 100 to 599, got "99"',
    ],
    ['a status with words', { 'cases/a.json': '{}', 'cases/a.status': '200 OK' }, 'got "200 OK"'],
    [
      'an expectation that is neither JSON nor /regex/',
      { 'cases/a.json': '{}', 'cases/a.expected.json': 'ok' },
      'a.expected.json must be JSON or a /regex/',
    ],
    [
      'an expectation without its request',
      { 'cases/a.json': '{}', 'cases/b.expected.json': '{}' },
      'b.expected.json has no request b.json next to it',
    ],
    [
      'a status without its request',
      { 'cases/a.json': '{}', 'cases/c.status': '200' },
      'c.status has no request c.json next to it',
    ],
  ])('refuses %s, naming the input', (_name, files, message) => {
    for (const [file, text] of Object.entries(files)) write(file, text)
    expect(() => scoringCases(workspace, 'cases', defaults)).toThrow(message)
  })

  it.each(['x.json', 'a.expected.json', 'a.status'])(
    'refuses a sub-folder named %s, naming the input and the rule',
    (folder) => {
      write('cases/a.json', '{}')
      write(`cases/${folder}/inner.txt`, '')
      expect(() => scoringCases(workspace, 'cases', defaults)).toThrow(
        new RegExp(
          `^Input 'sample-request': ${folder.replace(/\./g, '\\.')} in .* is a directory; a case is a file`,
        ),
      )
    },
  )

  it('takes sub-folders with other names (not cases)', () => {
    write('cases/a.json', '{}')
    write('cases/notes/b.json', '{}')
    expect(scoringCases(workspace, 'cases', defaults).map((found) => found.name)).toEqual(['a'])
  })

  it('refuses a file name that is not UTF-8, naming the input and the rule', () => {
    write('cases/a.json', '{}')
    const name = Buffer.concat([Buffer.from('b'), Buffer.from([0xff]), Buffer.from('.json')])
    fs.writeFileSync(
      Buffer.concat([Buffer.from(path.join(workspace, 'cases') + path.sep), name]),
      '{}',
    )
    expect(() => scoringCases(workspace, 'cases', defaults)).toThrow(
      /^Input 'sample-request': the name ".*b\uFFFD\.json" is not UTF-8 .*file names must be UTF-8/u,
    )
  })

  it('refuses more than MAX_CASES requests', () => {
    for (let index = 0; index <= MAX_CASES; index++) write(`cases/${index}.json`, '{}')
    expect(() => scoringCases(workspace, 'cases', defaults)).toThrow(`at most ${MAX_CASES}`)
  })

  it('refuses a directory whose symlink leads out of the workspace', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'))
    try {
      fs.writeFileSync(path.join(outside, 'secret.json'), '{}')
      write('cases/a.json', '{}')
      fs.symlinkSync(path.join(outside, 'secret.json'), path.join(workspace, 'cases/b.json'))
      expect(() => scoringCases(workspace, 'cases', defaults)).toThrow(
        'points outside the workspace',
      )
    } finally {
      fs.rmSync(outside, { recursive: true, force: true })
    }
  })

  it('refuses a path outside the workspace', () => {
    expect(() => scoringCases(workspace, '../', defaults)).toThrow('resolves outside the workspace')
  })
})
