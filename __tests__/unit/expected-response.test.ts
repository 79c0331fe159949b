import { describe, expect, it } from '@jest/globals'
import {
  isDeepSubset,
  parseExpected,
  parseJson,
  responseMismatch,
} from '../../src/smoke-test/expected-response.js'

describe('isDeepSubset', () => {
  it.each<[string, string, boolean]>([
    ['{"a": 1}', '{"a": 1, "b": 2}', true],
    ['{"a": {"b": [1, {"c": 2}]}}', '{"a": {"b": [1, {"c": 2, "d": 3}], "e": 0}}', true],
    ['{"a": 1}', '{"a": "1"}', false],
    ['{"a": null}', '{}', false],
    ['[1, 2]', '[1, 2, 3]', false],
    ['[1, 2]', '{"0": 1, "1": 2}', false],
    ['{}', '[]', false],
    ['{}', '1', false],
    ['1', '{}', false],
    ['"x"', '"x"', true],
    ['1.5', '1.5', true],
    // Numbers by exact decimal value, with no tolerance.
    ['1', '1.0', true],
    ['1', '1e0', true],
    ['1', '10e-1', true],
    ['1.0', '1E+0', true],
    ['0', '-0', true],
    ['[0]', '[-0.0]', true],
    ['-0.0', '0e5', true],
    ['1.5e300', '15e299', true],
    ['120', '1.2e2', true],
    ['9007199254740993', '9007199254740992', false],
    ['9007199254740993', '9007199254740993.0', true],
    ['12345678901234567890123', '12345678901234567890122', false],
    ['0.1', '0.1000000000000000055511151231257827', false],
    ['1', '1.0000000000000001', false],
    ['1e-400', '0', false],
    ['1e400', '10e399', true],
    ['-1', '1', false],
    // A repeated key keeps its last value, as JSON.parse does.
    ['{"a": 2}', '{"a": 1, "a": 2}', true],
  ])('%s within %s is %s', (expected, actual, result) => {
    expect(isDeepSubset(parseJson(expected), parseJson(actual))).toBe(result)
  })
})

describe('responseMismatch', () => {
  it('accepts a matching subset or regex', () => {
    expect(responseMismatch(parseExpected('{"p": [1.0]}'), '{"p": [1], "q": 2}')).toBeUndefined()
    expect(responseMismatch({ kind: 'regex', value: /"p":\s*\[1\]/ }, '{"p": [1]}')).toBeUndefined()
  })
  it('says why it does not match', () => {
    expect(responseMismatch(parseExpected('{"p": [2]}'), '{"p": [1]}')).toBe(
      'the body does not contain the expected JSON {"p":[2]}',
    )
    expect(responseMismatch(parseExpected('1'), 'oops')).toBe('the body is not JSON')
    expect(
      responseMismatch(parseExpected('{"id": 9007199254740993}'), '{"id": 9007199254740992}'),
    ).toBe('the body does not contain the expected JSON {"id":9007199254740993}')
    expect(responseMismatch({ kind: 'regex', value: /x/ }, 'y')).toBe('the body does not match /x/')
  })
})
