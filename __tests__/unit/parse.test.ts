import { describe, expect, it } from '@jest/globals'
import { parseKeyValueLines, splitList, splitLines } from '../../src/inputs/parse.js'

describe('splitList', () => {
  it('splits on newlines, commas and spaces, dropping blanks and repeats', () => {
    expect(splitList('curl, jq\r\n\n  libgomp1 jq,,curl ')).toEqual(['curl', 'jq', 'libgomp1'])
  })
  it('gives nothing for blank text', () => {
    expect(splitList(' \n ')).toEqual([])
  })
})

describe('splitLines', () => {
  it('trims lines and handles CRLF', () => {
    expect(splitLines('a b\r\n\r\n  c  \n')).toEqual(['a b', 'c'])
  })
})

describe('parseKeyValueLines', () => {
  it('keeps everything after the first = verbatim', () => {
    expect(parseKeyValueLines('env', 'A=1\nB=x=y "q" $HOME\r\n\nA=1')).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: 'x=y "q" $HOME' },
    ])
  })
  it('names the input and the line without =', () => {
    expect(() => parseKeyValueLines('env', 'A=1\nnot a pair')).toThrow(
      `Input 'env': expected KEY=VALUE lines, got "not a pair"`,
    )
  })
  it('refuses a key given two values', () => {
    expect(() => parseKeyValueLines('labels', 'a=1\na=2')).toThrow(
      "Input 'labels': key a is given two different values",
    )
  })
})
