// What the smoke test sends to POST /score: one sample request (inline JSON or a file), or a
// directory of cases, each `<name>.json` with an optional `<name>.expected.json` (JSON the
// answer must contain, or a `/regex/`) and `<name>.status` (the status it must answer).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Input } from '../step/constants.js'
import type { ExpectedResponse } from '../smoke-test/expected-response.js'
import { parseExpected } from '../smoke-test/expected-response.js'
import { checkDirectory, resolveInWorkspace } from './workspace-paths.js'

export interface ScoringCase {
  /** What the reports call it: the file name without `.json`, or `sample-request`. */
  name: string
  body: string
  expectedStatus: number
  expectedResponse?: ExpectedResponse
}

export interface CaseDefaults {
  expectedStatus: number
  expectedResponse?: ExpectedResponse
}

const EXPECTED_SUFFIX = '.expected.json'
const STATUS_SUFFIX = '.status'
/** Each case starts a request against one container; more than this is a load test. @internal (exported for its unit tests) */
export const MAX_CASES = 100

/** `file` names the request file; without it the input's own value is meant. */
function checkJson(text: string, file?: string): string {
  try {
    JSON.parse(text)
  } catch (error) {
    const subject = file
      ? `Input '${Input.SampleRequest}': ${file}`
      : `Input '${Input.SampleRequest}'`
    throw new Error(`${subject} is not valid JSON: ${String(error)}`, { cause: error })
  }
  return text
}

function readStatus(file: string, name: string): number {
  const raw = fs.readFileSync(file, 'utf8').trim()
  if (!/^\d+$/.test(raw) || Number(raw) < 100 || Number(raw) > 599) {
    throw new Error(
      `Input '${Input.SampleRequest}': ${name} must hold one status code from 100 to 599, got "${raw}"`,
    )
  }
  return Number(raw)
}

function readExpected(file: string, name: string): ExpectedResponse {
  try {
    return parseExpected(fs.readFileSync(file, 'utf8').trim())
  } catch (error) {
    throw new Error(
      `Input '${Input.SampleRequest}': ${name} must be JSON or a /regex/: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

function isCaseFileName(name: string): boolean {
  return name.endsWith('.json') || name.endsWith(STATUS_SUFFIX)
}

function casesInDirectory(workspace: string, dir: string, defaults: CaseDefaults): ScoringCase[] {
  checkDirectory(workspace, Input.SampleRequest, dir)
  const entries = fs.readdirSync(dir, { withFileTypes: true })
  // A folder named like a case would be read as one (EISDIR): say so instead.
  for (const entry of entries) {
    if (entry.isDirectory() && isCaseFileName(entry.name)) {
      throw new Error(
        `Input '${Input.SampleRequest}': ${entry.name} in ${dir} is a directory; a case is a file (<name>.json, <name>${EXPECTED_SUFFIX}, <name>${STATUS_SUFFIX}): rename or move the folder`,
      )
    }
  }
  const files = entries.map((entry) => entry.name).sort()
  const requests = files.filter((file) => file.endsWith('.json') && !file.endsWith(EXPECTED_SUFFIX))
  if (requests.length === 0) {
    throw new Error(
      `Input '${Input.SampleRequest}': directory ${dir} has no request files (<name>.json)`,
    )
  }
  if (requests.length > MAX_CASES) {
    throw new Error(
      `Input '${Input.SampleRequest}': directory ${dir} has ${requests.length} requests; at most ${MAX_CASES}`,
    )
  }
  const names = new Set(requests.map((file) => file.slice(0, -'.json'.length)))
  // A stray expectation would silently check nothing: its request was renamed or deleted.
  for (const file of files) {
    for (const suffix of [EXPECTED_SUFFIX, STATUS_SUFFIX]) {
      if (file.endsWith(suffix) && !names.has(file.slice(0, -suffix.length))) {
        throw new Error(
          `Input '${Input.SampleRequest}': ${file} has no request ${file.slice(0, -suffix.length)}.json next to it`,
        )
      }
    }
  }
  return [...names].map((name) => {
    const expectedFile = path.join(dir, `${name}${EXPECTED_SUFFIX}`)
    const statusFile = path.join(dir, `${name}${STATUS_SUFFIX}`)
    return {
      name,
      body: checkJson(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'), `${name}.json`),
      expectedStatus: fs.existsSync(statusFile)
        ? readStatus(statusFile, `${name}${STATUS_SUFFIX}`)
        : defaults.expectedStatus,
      expectedResponse: fs.existsSync(expectedFile)
        ? readExpected(expectedFile, `${name}${EXPECTED_SUFFIX}`)
        : defaults.expectedResponse,
    }
  })
}

/** `sample-request` is inline JSON when it looks like JSON, else a file or a directory. */
export function scoringCases(
  workspace: string,
  raw: string | undefined,
  defaults: CaseDefaults,
): ScoringCase[] {
  if (raw === undefined) return []
  const trimmed = raw.trim()
  if (/^[[{"]/.test(trimmed)) {
    return [{ name: Input.SampleRequest, body: checkJson(trimmed), ...defaults }]
  }
  const found = resolveInWorkspace(workspace, Input.SampleRequest, trimmed, 'any')
  if (fs.statSync(found).isDirectory()) return casesInDirectory(workspace, found, defaults)
  return [
    {
      name: path.basename(found).replace(/\.json$/, ''),
      body: checkJson(fs.readFileSync(found, 'utf8'), trimmed),
      ...defaults,
    },
  ]
}
