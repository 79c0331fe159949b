import { describe, expect, it } from '@jest/globals'
import { isDeepSubset, responseMismatch } from '../../src/expected-response.js'

describe('isDeepSubset', () => {
  it.each<[unknown, unknown, boolean]>([
    [{ a: 1 }, { a: 1, b: 2 }, true],
    [{ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2, d: 3 }], e: 0 } }, true],
    [{ a: 1 }, { a: '1' }, false],
    [{ a: null }, {}, false],
    [[1, 2], [1, 2, 3], false],
    [[1, 2], { 0: 1, 1: 2 }, false],
    [{}, [], false],
    ['x', 'x', true],
    [1.5, 1.5, true],
  ])('%j within %j is %s', (expected, actual, result) => {
    expect(isDeepSubset(expected, actual)).toBe(result)
  })
})

describe('responseMismatch', () => {
  it('accepts a matching subset or regex', () => {
    expect(
      responseMismatch({ kind: 'json', value: { p: [1] } }, '{"p": [1], "q": 2}'),
    ).toBeUndefined()
    expect(responseMismatch({ kind: 'regex', value: /"p":\s*\[1\]/ }, '{"p": [1]}')).toBeUndefined()
  })
  it('says why it does not match', () => {
    expect(responseMismatch({ kind: 'json', value: { p: [2] } }, '{"p": [1]}')).toBe(
      'the body does not contain the expected JSON {"p":[2]}',
    )
    expect(responseMismatch({ kind: 'json', value: 1 }, 'oops')).toBe('the body is not JSON')
    expect(responseMismatch({ kind: 'regex', value: /x/ }, 'y')).toBe('the body does not match /x/')
  })
})
