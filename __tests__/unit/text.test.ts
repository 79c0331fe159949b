import { describe, expect, it } from '@jest/globals'
import { errorMessage, lastLines, truncate } from '../../src/step/text.js'

describe('text helpers', () => {
  it('lastLines keeps the end of a log, LF or CRLF, trailing blank space dropped', () => {
    expect(lastLines('a\nb\r\nc\n\n', 2)).toBe('b\nc')
    expect(lastLines('only', 5)).toBe('only')
  })

  it('truncate cuts at the limit and says how much was left out', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef')
    expect(truncate('abcdef', 4)).toBe('abcd… (2 more characters)')
  })

  it('errorMessage keeps what was thrown, Error or not', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('plain')).toBe('plain')
    expect(errorMessage(42)).toBe('42')
  })
})
