// Pure parsers for the text of multi-value inputs. Whitespace, CRLF line ends, blank lines and
// exact duplicates are normalised here; every rule a value must follow is checked in inputs.ts.

/** Splits on newlines, commas and spaces; drops blanks and repeats, keeps first-seen order. */
export function splitList(text: string): string[] {
  return unique(text.split(/[\s,]+/).filter((item) => item !== ''))
}

/** Splits on newlines and commas only (values such as tags never contain spaces legitimately). @internal (exported for its unit tests) */
export function splitLines(text: string): string[] {
  return unique(
    text
      .split(/\r?\n|\r/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  )
}

export interface KeyValue {
  key: string
  value: string
}

/**
 * Parses `KEY=VALUE` lines. The value is everything after the first '=' (it may contain '=').
 * Throws with the offending line when a line has no '=' or a key is given two different values.
 */
export function parseKeyValueLines(inputName: string, text: string): KeyValue[] {
  const pairs = new Map<string, string>()
  for (const line of splitLines(text)) {
    const equals = line.indexOf('=')
    if (equals <= 0) {
      throw new Error(`Input '${inputName}': expected KEY=VALUE lines, got "${line}"`)
    }
    const key = line.slice(0, equals).trim()
    const value = line.slice(equals + 1)
    const earlier = pairs.get(key)
    if (earlier !== undefined && earlier !== value) {
      throw new Error(`Input '${inputName}': key ${key} is given two different values`)
    }
    pairs.set(key, value)
  }
  return [...pairs].map(([key, value]) => ({ key, value }))
}

function unique(items: string[]): string[] {
  return [...new Set(items)]
}
