// Properties of number matching in expected-response over generated JSON numbers: a number
// matches exactly when its decimal value is the same, whatever way it is written. The oracle
// is written here, with BigInt: value = coefficient × 10^exponent, compared exactly.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parseExpected, responseMismatch } from '../../src/smoke-test/expected-response.js'

const RUNS = { numRuns: 1000 }

interface Decimal {
  negative: boolean
  coefficient: bigint
  exponent: number
}

/** Around 2^53 (where doubles stop telling integers apart), around zero, and anything. */
const coefficient = fc.oneof(
  fc.bigInt({ min: 0n, max: 20n }),
  fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }),
  fc.bigInt({ min: 0n, max: 10n ** 30n }),
)
const decimal: fc.Arbitrary<Decimal> = fc.record({
  negative: fc.boolean(),
  coefficient,
  exponent: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -330, max: 330 })),
})

/** Exact equality of two decimals, by scaling both to the smaller exponent. */
function sameValue(a: Decimal, b: Decimal): boolean {
  const low = Math.min(a.exponent, b.exponent)
  const scaled = (d: Decimal): bigint =>
    (d.negative ? -1n : 1n) * d.coefficient * 10n ** BigInt(d.exponent - low)
  return scaled(a) === scaled(b)
}

/** One of the many JSON spellings of a decimal: point, zeros and exponent chosen at random. */
const spelling = (value: Decimal): fc.Arbitrary<string> =>
  fc
    .record({
      withExponent: fc.boolean(),
      point: fc.nat({ max: 40 }),
      zeros: fc.nat({ max: 3 }),
      e: fc.constantFrom('e', 'E'),
      plus: fc.boolean(),
    })
    .map(({ withExponent, point, zeros, e, plus }) => {
      const sign = value.negative ? '-' : ''
      const digits = value.coefficient.toString()
      if (withExponent) {
        // digits × 10^exponent = int.frac × 10^(exponent + frac.length), frac padded with zeros.
        const at = Math.min(point, digits.length)
        const int = digits.slice(0, at).replace(/^0+(?=.)/, '') || '0'
        const frac = digits.slice(at) + '0'.repeat(zeros)
        const written = value.exponent + frac.length - zeros
        const mantissa = frac === '' ? int : `${int}.${frac}`
        return `${sign}${mantissa}${e}${plus && written >= 0 ? '+' : ''}${written}`
      }
      // Plain: the point placed by the exponent, maybe with trailing zeros after it.
      if (value.exponent >= 0) {
        const int = (digits + '0'.repeat(value.exponent)).replace(/^0+(?=.)/, '')
        return `${sign}${int}${zeros > 0 ? `.${'0'.repeat(zeros)}` : ''}`
      }
      const padded = digits.padStart(-value.exponent + 1, '0')
      const int = padded.slice(0, value.exponent).replace(/^0+(?=.)/, '')
      return `${sign}${int}.${padded.slice(value.exponent)}${'0'.repeat(zeros)}`
    })

const matches = (expected: string, body: string): boolean =>
  responseMismatch(parseExpected(expected), body) === undefined

describe('numbers in expected-response', () => {
  it('match any other spelling of the same value (0 and -0 included)', () => {
    fc.assert(
      fc.property(
        decimal.chain((value) =>
          fc.tuple(
            spelling(value),
            spelling({
              ...value,
              negative: value.coefficient === 0n ? !value.negative : value.negative,
            }),
          ),
        ),
        ([a, b]) => matches(a, b) && matches(`{"v": [${a}]}`, `{"v": [${b}], "w": 1}`),
      ),
      RUNS,
    )
  })

  it('match exactly when the decimal values are equal, with no tolerance', () => {
    // Values close together, so that equal and unequal pairs both come often.
    const close = decimal.chain((a) =>
      fc.tuple(
        fc.constant(a),
        fc.oneof(
          fc.constant(a),
          fc.record({
            negative: fc.constant(a.negative),
            coefficient: fc
              .bigInt({ min: -2n, max: 2n })
              .map((delta) => (a.coefficient + delta < 0n ? 0n : a.coefficient + delta)),
            exponent: fc.constant(a.exponent),
          }),
          fc.record({
            negative: fc.constant(a.negative),
            coefficient: fc.constant(a.coefficient * 10n),
            exponent: fc.integer({ min: a.exponent - 2, max: a.exponent }),
          }),
        ),
      ),
    )
    fc.assert(
      fc.property(
        close.chain(([a, b]) => fc.tuple(fc.constant(sameValue(a, b)), spelling(a), spelling(b))),
        ([same, a, b]) => {
          expect(matches(a, b)).toBe(same)
        },
      ),
      RUNS,
    )
  })
})
