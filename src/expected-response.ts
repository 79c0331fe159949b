// Does a scoring answer match what the user expects? JSON is matched as a deep subset: every key
// the user gives must be there with a matching value; arrays match element by element.
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
    return { kind: 'json', value: JSON.parse(raw) }
  } catch (error) {
    throw new Error(`not JSON (${String(error)})`, { cause: error })
  }
}

export function isDeepSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => isDeepSubset(item, actual[index]))
    )
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false
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
    actual = JSON.parse(body)
  } catch {
    return 'the body is not JSON'
  }
  return isDeepSubset(expected.value, actual)
    ? undefined
    : `the body does not contain the expected JSON ${JSON.stringify(expected.value)}`
}
