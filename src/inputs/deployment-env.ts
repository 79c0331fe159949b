// The text a deployment's environment variable has in the container. `az ml online-deployment
// create` reads the file with PyYAML (YAML 1.1: yes/no/on/off are booleans, 010 is octal) and
// sends the values as the REST API's strings, which its client makes with Python's str(): so
// `DEBUG: true` arrives as "True", `RATE: 1.0` as "1.0", `COUNT: 010` as "8". The smoke test
// sets them the same way, so init() sees what it will see deployed.
import { isScalar, type Node } from 'yaml'

/** Python's repr of a float: the shortest digits that round-trip, exponent outside 1e-4..1e16. */
function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const [mantissa, exponentText] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  const text = String(value)
  return /[.e]/.test(text) ? text : `${text}.0`
}

/**
 * The string for a scalar node the parser resolved (YAML 1.1 schema); undefined for a null or a
 * value that is not a scalar, which the caller refuses.
 */
export function environmentValue(node: Node | null): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined
  const { value } = node
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'number') return undefined
  const source = (node.source as string | undefined) ?? String(value)
  const unsigned = source.replace(/^[-+]/, '')
  // PyYAML's float needs a '.': `1e3` is a string to it, though the yaml package reads a number.
  if (/^[0-9][0-9_]*[eE]/.test(unsigned)) return source
  const isFloat = !/^0x/i.test(unsigned) && /[.eE]|^\.?(inf|nan)$/i.test(unsigned)
  return isFloat ? pythonFloat(value) : String(value)
}
