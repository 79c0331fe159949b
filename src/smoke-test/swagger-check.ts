// The /swagger.json check. The inference server writes run()'s schemas into its OpenAPI
// document (ServiceInput, ServiceOutput) when the entry script declares them with
// inference-schema's @input_schema/@output_schema; an undecorated run() gets a placeholder
// ({"type": "object", "example": {}}). So the server itself says whether a schema is declared,
// and when one is, every scoring case's request must fit the input schema and every answer
// the output schema.
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv'
import { isDeepStrictEqual } from 'node:util'
import { httpRequest, type HttpAnswer } from './http-client.js'
import type { CaseResult, SwaggerReport } from './results.js'

/** The versions the check asks for: the OpenAPI 2 and 3 documents the server writes. */
const SWAGGER_VERSIONS = ['2', '3'] as const
type SwaggerVersion = (typeof SWAGGER_VERSIONS)[number]

export interface SwaggerCheckRequest {
  /** http://127.0.0.1:<port> of the container. */
  base: string
  /** Scored cases; a mismatch is added to the case's `problem`. */
  cases: CaseResult[]
  timeoutMs: number
  get?: (url: string, timeoutMs: number) => Promise<HttpAnswer>
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

interface Fetched {
  version: SwaggerVersion
  status?: number
  /** The document, when the answer was 200 and an OpenAPI document of the asked version. */
  document?: JsonObject
  /** Why there is no document (or no POST /score in it). */
  reason?: string
  /** Larger than the client keeps: not an error of the server's, only not checkable. */
  tooLarge?: boolean
  input?: Json
  output?: Json
}

/** What the server writes for a run() that declares nothing, and for a side left undeclared. */
const UNDECLARED = [{ type: 'object', example: {} }, { type: 'object' }]
const ERRORS_PER_CHECK = 3
// inference-schema puts the sample into the document as `example`: a large array makes a large
// document, so the limit is well above the scoring answers' 1 MiB.
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** @internal (exported for its unit tests) */
export function isDeclared(schema: Json | undefined): boolean {
  return (
    schema !== undefined &&
    !UNDECLARED.some((placeholder) => isDeepStrictEqual(placeholder, schema))
  )
}

/** A local `#/a/b` reference, resolved in the document (~0 and ~1 unescaped). */
function resolvePointer(document: JsonObject, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined
  let node: Json | undefined = document
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined
    if (node === undefined) return undefined
  }
  return node
}

/** The schema with every local $ref replaced by what it names (a cycle stops at depth 32). @internal (exported for its unit tests) */
export function inlineRefs(document: JsonObject, schema: Json, depth = 0): Json {
  if (depth > 32) throw new Error('the schema refers to itself too deeply to be checked')
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(document, item, depth))
  if (!isObject(schema)) return schema
  if (typeof schema.$ref === 'string') {
    const target = resolvePointer(document, schema.$ref)
    if (target === undefined) throw new Error(`$ref ${schema.$ref} names nothing in the document`)
    return inlineRefs(document, target, depth + 1)
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, inlineRefs(document, value, depth)]),
  )
}

/** The POST /score operation (the server may put a path prefix before /score). */
function scoreOperation(document: JsonObject): JsonObject | undefined {
  const paths = document.paths
  if (!isObject(paths)) return undefined
  const key = Object.keys(paths).find((p) => p === '/score' || p.endsWith('/score'))
  const item = key === undefined ? undefined : paths[key]
  return isObject(item) && isObject(item.post) ? item.post : undefined
}

/** run()'s input and output schemas as one document version describes POST /score. @internal (exported for its unit tests) */
export function scoreSchemas(
  version: SwaggerVersion,
  document: JsonObject,
): { input?: Json; output?: Json } | undefined {
  const operation = scoreOperation(document)
  if (!operation) return undefined
  const responses = isObject(operation.responses) ? operation.responses : {}
  const ok = responses['200']
  let input: Json | undefined
  let output: Json | undefined
  if (version === '2') {
    const parameters = Array.isArray(operation.parameters) ? operation.parameters : []
    const body = parameters.find((p) => isObject(p) && p.in === 'body')
    input = isObject(body) ? body.schema : undefined
    output = isObject(ok) ? ok.schema : undefined
  } else {
    const request = isObject(operation.requestBody) ? operation.requestBody.content : undefined
    const media = (content: Json | undefined): Json | undefined =>
      isObject(content) && isObject(content['application/json'])
        ? content['application/json'].schema
        : undefined
    input = media(request)
    output = isObject(ok) ? media(ok.content) : undefined
  }
  return {
    input: input === undefined ? undefined : inlineRefs(document, input),
    output: output === undefined ? undefined : inlineRefs(document, output),
  }
}

function documentVersionOk(version: SwaggerVersion, document: JsonObject): boolean {
  return version === '2'
    ? document.swagger === '2.0'
    : typeof document.openapi === 'string' && document.openapi.startsWith('3.')
}

async function fetchDocument(
  request: SwaggerCheckRequest,
  version: SwaggerVersion,
): Promise<Fetched> {
  const url = `${request.base}/swagger.json?version=${version}`
  const get =
    request.get ??
    ((target: string, timeoutMs: number) =>
      httpRequest({ url: target, timeoutMs, maxBodyBytes: MAX_DOCUMENT_BYTES }))
  let answer: HttpAnswer
  try {
    answer = await get(url, request.timeoutMs)
  } catch (error) {
    return {
      version,
      reason: `GET /swagger.json?version=${version} got no answer (${String(error)})`,
    }
  }
  const said = `GET /swagger.json?version=${version} answered ${answer.status}`
  if (answer.truncated) {
    const mib = MAX_DOCUMENT_BYTES / 1024 / 1024
    return {
      version,
      status: answer.status,
      reason: `${said} with more than ${mib} MiB`,
      tooLarge: true,
    }
  }
  if (answer.status !== 200) {
    return { version, status: answer.status, reason: `${said}: ${answer.body.slice(0, 300)}` }
  }
  let document: unknown
  try {
    document = JSON.parse(answer.body)
  } catch {
    return { version, status: 200, reason: `${said} but not JSON: ${answer.body.slice(0, 300)}` }
  }
  if (!isObject(document) || !documentVersionOk(version, document)) {
    return {
      version,
      status: 200,
      reason: `${said} but not an OpenAPI ${version === '2' ? '2.0 ("swagger": "2.0")' : '3 ("openapi": "3.x")'} document`,
    }
  }
  let schemas
  try {
    schemas = scoreSchemas(version, document)
  } catch (error) {
    return { version, status: 200, reason: `${said} but ${(error as Error).message}` }
  }
  if (!schemas) {
    return { version, status: 200, reason: `${said} but the document has no POST /score operation` }
  }
  return { version, status: 200, document, ...schemas }
}

/** Ajv for OpenAPI's schema objects: their extra keywords (example, xml, discriminator, x-...)
 * are ignored, and so are formats (int64, double, byte, inference-schema's own date-time
 * layout): the check is about types and structure. `nullable` is Ajv's own keyword. */
async function compiler(): Promise<Ajv> {
  // Loaded only for a script that declares a schema: most runs never need it at start-up.
  // ajv is CommonJS: its module.exports is `default` both in Node and in the ncc bundle (where
  // the named exports are not copied onto the namespace).
  const { default: ajv } = await import('ajv')
  return new ajv.Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    validateSchema: false,
  })
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  const shown = (errors ?? []).filter((e) => e.keyword !== 'if').slice(0, ERRORS_PER_CHECK)
  return shown.map((e) => `${e.instancePath || '/'} ${e.message ?? `fails ${e.keyword}`}`)
}

/** One line for the log and the summary. */
export function describeSwagger(report: SwaggerReport): string {
  if (report.declared === undefined) return 'not served: whether run() declares a schema is unknown'
  if (!report.declared) return `no schema declared (versions ${report.versions.join(', ')} served)`
  const { requests, answers } = report.checked
  return `run() declares a schema (versions ${report.versions.join(', ')} served); ${requests} ${requests === 1 ? 'request' : 'requests'} and ${answers} ${answers === 1 ? 'answer' : 'answers'} checked against it`
}

function addProblem(item: CaseResult, problem: string): void {
  item.problem = item.problem === undefined ? problem : `${item.problem}\n${problem}`
}

/** GETs the OpenAPI documents; when run() declares a schema, checks each case against it. */
export async function checkSwagger(request: SwaggerCheckRequest): Promise<SwaggerReport> {
  const fetched = await Promise.all(SWAGGER_VERSIONS.map((v) => fetchDocument(request, v)))
  const served = fetched.filter((f) => f.document !== undefined)
  const report: SwaggerReport = {
    versions: served.map((f) => f.version),
    checked: { requests: 0, answers: 0 },
  }
  const tooLarge = fetched.filter((f) => f.tooLarge)
  if (tooLarge.length > 0) {
    report.warning = `The OpenAPI documents were not checked: ${tooLarge.map((f) => f.reason).join('; ')}`
    return report
  }
  if (served.length === 0) {
    const reasons = fetched.map((f) => f.reason).join('; ')
    report.warning = `The server served no OpenAPI document, so whether run() declares a schema is unknown: ${reasons}`
    return report
  }
  report.declared = served.some((f) => isDeclared(f.input) || isDeclared(f.output))
  if (!report.declared) return report

  // A declared schema must be served in both versions, except that OpenAPI 2 cannot write an
  // array whose items differ in type (oneOf): the server then serves version 3 only.
  const v3 = fetched.find((f) => f.version === '3')
  const needsV3 =
    v3?.document !== undefined && JSON.stringify([v3.input, v3.output]).includes('"oneOf"')
  const missing = fetched.filter((f) => f.document === undefined && !(f.version === '2' && needsV3))
  if (missing.length > 0 || !v3?.document) {
    report.problem = `run() declares a schema, but ${missing.map((f) => f.reason).join('; ')}`
    return report
  }

  let validateInput: ValidateFunction | undefined
  let validateOutput: ValidateFunction | undefined
  try {
    const ajv = await compiler()
    if (isDeclared(v3.input)) validateInput = ajv.compile(v3.input as object)
    if (isDeclared(v3.output)) validateOutput = ajv.compile(v3.output as object)
  } catch (error) {
    report.warning = `The schemas in /swagger.json?version=3 could not be read, so the requests and answers were not checked against them: ${(error as Error).message}`
    return report
  }
  for (const item of request.cases) {
    // A case that expects a failure status may send a request that breaks the schema on purpose.
    if (validateInput && item.expectedStatus >= 200 && item.expectedStatus < 300) {
      report.checked.requests++
      if (!validateInput(JSON.parse(item.request))) {
        for (const error of describeErrors(validateInput.errors))
          addProblem(
            item,
            `request "${item.name}": ${error}, as run()'s input schema declares (swagger.json)`,
          )
      }
    }
    // An answer cut at the client's limit is not whole JSON: it cannot be checked, only shown.
    if (validateOutput && item.status === 200 && item.response !== undefined && !item.responseCut) {
      report.checked.answers++
      let answer: unknown
      try {
        answer = JSON.parse(item.response)
      } catch {
        addProblem(
          item,
          `answer of "${item.name}" is not JSON, but run() declares an output schema (swagger.json)`,
        )
        continue
      }
      if (!validateOutput(answer)) {
        for (const error of describeErrors(validateOutput.errors))
          addProblem(
            item,
            `answer of "${item.name}": ${error}, as run()'s output schema declares (swagger.json)`,
          )
      }
    }
  }
  return report
}
