// Does a scoring answer match what the user expects? JSON is matched as a deep subset: every key
// the user gives must be there with a matching value; arrays match element by element.
// Numbers match by their exact decimal value, as written: 1, 1.0 and 1e0 are one number, so are
// 0 and -0 (Python and numpy write -0.0), and 9007199254740993 is not 9007199254740992. Hence
// the lossless parse for both sides: JSON.parse rounds to a double, and Node 20 gives a reviver
// no source text.
import { compareLosslessNumber, isLosslessNumber, parse, stringify } from 'lossless-json'

export type ExpectedResponse = { kind: 'json'; value: unknown } | { kind: 'regex'; value: RegExp }

/** `/regex/` for the body, else JSON the answer must contain; throws with the reason. */
export function parseExpected(raw: string): ExpectedResponse {
  if (raw.length >= 2 && raw.startsWith('/') && raw.endsWith('/')) {
    try {
      return { kind: 'regex', value: new RegExp(raw.slice(1, -1)) }
    } catch (error) {
      throw new Error(`invalid /regex/: ${String(error)}`, { cause: error })
    }
  }
  try {
    return { kind: 'json', value: parseJson(raw) }
  } catch (error) {
    throw new Error(`not JSON (${String(error)})`, { cause: error })
  }
}

/**
 * JSON with every number kept as its decimal text (a LosslessNumber). A repeated key keeps its
 * last value, as JSON.parse does (lossless-json would throw).
 * @internal (exported for its unit tests)
 */
export function parseJson(text: string): unknown {
  return parse(text, null, { onDuplicateKey: ({ newValue }) => newValue })
}

/** Both values from parseJson. @internal (exported for its unit tests) */
export function isDeepSubset(expected: unknown, actual: unknown): boolean {
  if (isLosslessNumber(expected)) {
    return isLosslessNumber(actual) && compareLosslessNumber(expected, actual) === 0
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => isDeepSubset(item, actual[index]))
    )
  }
  if (expected !== null && typeof expected === 'object') {
    if (
      actual === null ||
      typeof actual !== 'object' ||
      Array.isArray(actual) ||
      isLosslessNumber(actual)
    )
      return false
    const record = actual as Record<string, unknown>
    return Object.entries(expected).every(
      ([key, value]) => Object.hasOwn(record, key) && isDeepSubset(value, record[key]),
    )
  }
  return Object.is(expected, actual)
}

/** Undefined when the body matches, else the reason it does not. */
export function responseMismatch(expected: ExpectedResponse, body: string): string | undefined {
  if (expected.kind === 'regex') {
    return expected.value.test(body)
      ? undefined
      : `the body does not match /${expected.value.source}/`
  }
  let actual: unknown
  try {
    actual = parseJson(body)
  } catch {
    return 'the body is not JSON'
  }
  return isDeepSubset(expected.value, actual)
    ? undefined
    : `the body does not contain the expected JSON ${stringify(expected.value)}`
}
