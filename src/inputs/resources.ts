// The smoke-test container's resources as the user writes them, in docker's own syntax:
// memory (`2g`, `512m`), cpus (`1.5`), gpus (`all`, `2`, `"device=0,1"`). Each rule is checked
// here, before anything is built, rather than by `docker run` after the whole build.
import { Input } from '../step/constants.js'

const MEMORY = /^(\d+(?:\.\d+)?) ?([bkmgt])?(i?b)?$/i
const UNIT_POWER: Record<string, number> = { b: 0, k: 1, m: 2, g: 3, t: 4 }
/** docker refuses a smaller limit ("Minimum memory limit allowed is 6MB"). */
const MIN_MEMORY_BYTES = 6 * 1024 ** 2
const MEMORY_RULE =
  "a size in docker's syntax: a number with an optional unit b, k, m, g or t (powers of 1024), e.g. 512m, 2g or 1.5g, at least 6m"

/** Bytes of a docker memory size; undefined for an empty input. */
export function parseMemory(raw: string): number | undefined {
  const text = raw.trim()
  if (text === '') return undefined
  const match = MEMORY.exec(text)
  const bytes = match
    ? Math.floor(Number(match[1]) * 1024 ** UNIT_POWER[(match[2] ?? 'b').toLowerCase()])
    : NaN
  if (!(bytes >= MIN_MEMORY_BYTES)) {
    throw new Error(`Input '${Input.Memory}' must be ${MEMORY_RULE}; got "${raw}"`)
  }
  return bytes
}

// docker turns --cpus into nano-CPUs: more than 9 decimals is "too precise"; the kernel's CFS
// quota cannot go below a hundredth of a CPU.
const CPUS = /^\d+(\.\d{1,9})?$/
const MIN_CPUS = 0.01

/** A docker --cpus value; undefined for an empty input. */
export function parseCpus(raw: string): number | undefined {
  const text = raw.trim()
  if (text === '') return undefined
  if (!CPUS.test(text) || Number(text) < MIN_CPUS) {
    throw new Error(
      `Input '${Input.Cpus}' must be a number of CPUs as docker's --cpus takes it, e.g. 1, 0.5 or 1.5 (at least ${MIN_CPUS}, at most 9 decimals); got "${raw}"`,
    )
  }
  return Number(text)
}

const GPU_KEYS = new Set(['count', 'device', 'driver', 'capabilities', 'options'])
const GPUS_RULE =
  'all, a GPU count (2), or docker\'s key=value fields: count=, device=, driver=, capabilities=, options= (a list inside a field in double quotes: "device=0,1")'

/** Fields of a CSV line, as docker reads --gpus: double quotes keep commas inside a field. */
function csvFields(text: string): string[] | undefined {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (const char of text) {
    if (char === '"') quoted = !quoted
    else if (char === ',' && !quoted) {
      fields.push(field)
      field = ''
    } else field += char
  }
  if (quoted) return undefined
  fields.push(field)
  return fields
}

const isCount = (value: string): boolean => value === 'all' || /^\d+$/.test(value)

/** Why a --gpus value would be refused by docker; undefined when it is fine. */
function gpusProblem(text: string): string | undefined {
  const fields = csvFields(text)
  if (!fields) return 'a double quote is not closed'
  const seen = new Set<string>()
  for (const field of fields) {
    const equals = field.indexOf('=')
    const key = equals < 0 ? 'count' : field.slice(0, equals)
    const value = equals < 0 ? field : field.slice(equals + 1)
    if (!GPU_KEYS.has(key)) return `unknown field "${field}"`
    if (seen.has(key)) return `${key} is given twice`
    seen.add(key)
    if (key === 'count' && !isCount(value)) return `count must be all or a whole number`
    if (value === '') return `${key} has no value`
  }
  if (seen.has('count') && seen.has('device')) return 'count and device cannot both be given'
  return undefined
}

/** A docker --gpus value; undefined for an empty input. */
export function parseGpus(raw: string): string | undefined {
  const text = raw.trim()
  if (text === '') return undefined
  // It is one argv element, never shell text; still, a line break has no place in it.
  const problem = /\p{Cc}/u.test(text) ? 'it contains a control character' : gpusProblem(text)
  if (problem) {
    throw new Error(
      `Input '${Input.Gpus}' must be ${GPUS_RULE}; ${problem} in ${JSON.stringify(raw)}`,
    )
  }
  return text
}
