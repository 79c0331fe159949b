// The job summary: what a reviewer reads first. Each one names its base image and tag in the
// heading, so the legs of a matrix tell themselves apart; a failure puts its reason first.
// core.summary escapes nothing, and every text here may come from user code: all of it is
// escaped before it becomes HTML.
import * as core from '@actions/core'
import { describeReport, type SnapshotReport } from '../inputs/code-snapshot.js'

import type { PipelineResult } from '../pipeline.js'
import {
  type CaseResult,
  type SmokeTestFailure,
  type SmokeTestResult,
} from '../smoke-test/results.js'
import { describeSwagger } from '../smoke-test/swagger-check.js'
import { describeCpus, formatBytes } from '../smoke-test/container-resources.js'
import { describeMemory } from '../smoke-test/memory-usage.js'
import { humanBytes, truncate } from '../step/text.js'
import { SERVER_DISTRIBUTION } from '../dependencies/python-inventory.js'
import type { ImageAdditions, PackageChange } from './image-additions.js'

type Table = Parameters<typeof core.summary.addTable>[0]
type Row = Table[number]

/** Bodies shown in the summary are cut shorter than in outputs: it is read, not parsed. */
const SUMMARY_TEXT_LIMIT = 1000
/** Rows of each table of what the image adds; `metadata.adds` has them all. */
const ADDS_ROWS = 25
const STEP_TEXT_LIMIT = 200

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`
const row = (name: string, html: string): Row => [{ data: name, header: true }, html]

function seconds(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`
}

function megabytes(bytes: number): string {
  return `${(bytes / 1000 / 1000).toFixed(1)} MB`
}

function dependenciesCell(result: PipelineResult): string {
  const dependencies = result.dependencies
  if (!dependencies) return 'none (no apt packages or requirements)'
  const source = {
    daemon: 'reused from the daemon',
    cache: 'restored from the Actions cache (cache hit)',
    built: 'built (cache miss)',
  }[dependencies.source]
  const saved =
    dependencies.cacheSavedBytes === undefined
      ? ''
      : `, saved to the cache (${megabytes(dependencies.cacheSavedBytes)})`
  return `${source} in ${seconds(result.timings.dependenciesMs)}${saved}`
}

function sizeCell(result: PipelineResult): string {
  const sizes = result.sizes
  if (!sizes) return '–'
  const layers = sizes.layersAdded === 1 ? '1 layer' : `${sizes.layersAdded} layers`
  return `${megabytes(sizes.imageBytes)} (+${megabytes(sizes.imageBytes - sizes.baseBytes)} and ${layers} over the base)`
}

function copyRows(copies: PipelineResult['copies']): Row[] {
  const rows: [string, SnapshotReport | undefined][] = [
    ['Code (code-dir)', copies?.code],
    ['Model (model-dir)', copies?.model],
  ]
  // describeReport holds numbers and fixed names only; escaped all the same.
  return rows
    .filter((entry): entry is [string, SnapshotReport] => entry[1] !== undefined)
    .map(([name, report]) => row(name, escapeHtml(describeReport(report))))
}

function verdictCell(result: PipelineResult): string {
  if (result.smokeTest === 'skipped') return 'skipped (smoke-test: false)'
  const cases = result.smokeTestResult?.cases ?? []
  if (cases.length === 0) return '✅ passed (liveness only: no sample request)'
  return `✅ passed (${cases.length === 1 ? '1 request' : `${cases.length} requests`})`
}

/** Time to live, and with a deployment file how much of its probe budget that used. */
function startupCell(score: SmokeTestResult | undefined): string {
  if (!score) return '–'
  const live = `live after ${seconds(score.liveAfterMs)}`
  const budget = score.startup
  if (!budget) return live
  // The arithmetic names the deployment file: a pull request's text, escaped.
  return `${live}: ${budget.usedPercent}% of the ${budget.probe} probe's budget (${escapeHtml(budget.arithmetic)})`
}

function latencyCell(score: SmokeTestResult | undefined): string | undefined {
  const latency = score?.latency
  if (!latency) return undefined
  const sequential = `p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, max ${latency.maxMs} ms over ${latency.requests} sequential calls`
  const burst = score?.concurrent
  if (!burst) return sequential
  return `${sequential}; ${burst.requests} calls at once: slowest ${burst.maxMs} ms`
}

/** The limits the container ran with; undefined when it had none. */
function resourcesCell(score: SmokeTestResult | undefined): string | undefined {
  const { resources, gpus } = score ?? {}
  const parts: string[] = []
  if (resources?.memory)
    parts.push(
      `memory ${formatBytes(resources.memory.bytes)} (${resources.memory.source}), swap included`,
    )
  if (resources?.cpus) parts.push(`CPUs ${describeCpus(resources.cpus)}`)
  if (gpus !== undefined) parts.push(`GPUs ${gpus}`)
  if (parts.length === 0) return undefined
  return [parts.join('; '), ...(resources?.warnings ?? [])].join('. ')
}

/** Rows for the container's resources, its memory use and the GPU hint, when there are any. */
function resourceRows(result: PipelineResult): Row[] {
  const cells: [string, string | undefined][] = [
    ['Resources', resourcesCell(result.smokeTestResult)],
    ['Memory', result.smokeTestResult?.memory && describeMemory(result.smokeTestResult.memory)],
    ['GPU', result.gpuHint],
  ]
  return cells
    .filter((cell): cell is [string, string] => cell[1] !== undefined)
    .map(([name, text]) => row(name, escapeHtml(text)))
}

/** One row per request: what it expected, what came back, how long it took. */
function casesTable(cases: CaseResult[]): Table {
  const header = ['Request', 'Status', 'Expected', 'Time', 'Verdict'].map((data) => ({
    data,
    header: true,
  }))
  const rows = cases.map((item) => [
    code(item.name),
    item.status === undefined ? '–' : String(item.status),
    String(item.expectedStatus),
    item.ms === undefined ? '–' : `${item.ms} ms`,
    item.problem === undefined ? '✅' : `❌ ${escapeHtml(truncate(item.problem, 300))}`,
  ])
  return [header, ...rows]
}

function caseDetails(item: CaseResult): [string, string] {
  const body = [
    `<p>Request</p><pre>${escapeHtml(truncate(item.request, SUMMARY_TEXT_LIMIT))}</pre>`,
    item.response === undefined
      ? ''
      : `<p>Response (${item.status})</p><pre>${escapeHtml(truncate(item.response, SUMMARY_TEXT_LIMIT))}</pre>`,
  ].join('')
  return [`${escapeHtml(item.name)}: request and response`, body]
}

function addCases(cases: CaseResult[] | undefined): void {
  if (!cases || cases.length === 0) return
  core.summary.addTable(casesTable(cases))
  // Failed cases first: they are what the reader came for.
  const ordered = [...cases].sort(
    (a, b) => Number(b.problem !== undefined) - Number(a.problem !== undefined),
  )
  for (const item of ordered) core.summary.addDetails(...caseDetails(item))
}

const header = (names: string[]): Row => names.map((data) => ({ data, header: true }))

/** The rows past `limit` as one line, so that a big install does not bury the rest. */
function capped<T>(items: T[], limit: number, add: (shown: T[]) => void): void {
  add(items.slice(0, limit))
  if (items.length > limit)
    core.summary.addRaw(
      `<p>and ${items.length - limit} more (all in the metadata output)</p>`,
      true,
    )
}

function packageRow(kind: string, item: PackageChange & { server?: boolean }): Row {
  return [
    code(item.name),
    kind,
    item.base === undefined ? '– (added)' : code(item.base),
    item.version === undefined ? '– (removed)' : code(item.version),
    // Never an empty cell: core.summary leaves its tag unclosed.
    item.server ? '⚠️' : '–',
  ]
}

/** What the image adds: each package added or changed, each layer; every name escaped. */
function addAdditions(adds: ImageAdditions | undefined): void {
  if (!adds) return
  core.summary.addHeading('What the image adds', 4)
  const rows = [
    ...(adds.pip ?? []).map((item) => packageRow('pip', item)),
    ...(adds.apt ?? []).map((item) => packageRow('apt', item)),
  ]
  if (adds.pip && adds.apt && rows.length === 0)
    core.summary.addRaw('<p>No package added or changed against the base.</p>', true)
  capped(rows, ADDS_ROWS, (shown) => {
    if (shown.length === 0) return
    core.summary.addTable([header(['Package', 'Kind', 'Base', 'Image', 'Server']), ...shown])
  })
  if (adds.pip?.some((item) => item.server))
    core.summary.addRaw(
      `<p>⚠️: the server (${SERVER_DISTRIBUTION}) or a distribution it depends on: a change there can stop it starting.</p>`,
      true,
    )
  capped(adds.layers ?? [], ADDS_ROWS, (shown) => {
    const layerRows = shown.map((layer): Row => [
      code(truncate(layer.step, STEP_TEXT_LIMIT)),
      humanBytes(layer.bytes),
    ])
    if (layerRows.length > 0) core.summary.addTable([header(['Layer', 'Size']), ...layerRows])
  })
  for (const note of adds.notes) core.summary.addRaw(`<p>${escapeHtml(note)}</p>`, true)
}

export async function writeSummary(result: PipelineResult, baseImage: string): Promise<void> {
  const title = result.hasImage ? result.tags[0] : 'Dockerfile only'
  const rows: Row[] = [
    row('Base image', code(baseImage)),
    row(
      'Tags',
      result.hasImage
        ? result.tags.map(code).join('<br>')
        : 'not built (<code>build: false</code>)',
    ),
    row('Image id', result.imageId ? code(result.imageId) : '–'),
    row('Size', sizeCell(result)),
    ...copyRows(result.copies),
    row('Dependencies', dependenciesCell(result)),
    ...(result.engineTraffic ? [row('Remote engine', escapeHtml(result.engineTraffic))] : []),
    row(
      'Build',
      result.reused
        ? 'nothing to build: the tag already held this build'
        : seconds(result.timings.buildMs),
    ),
    row('Start-up', startupCell(result.smokeTestResult)),
    row('Smoke test', verdictCell(result)),
    ...resourceRows(result),
  ]
  const swagger = result.smokeTestResult?.swagger
  if (swagger) rows.push(row('Schema (swagger.json)', escapeHtml(describeSwagger(swagger))))
  const latency = latencyCell(result.smokeTestResult)
  if (latency) rows.push(row('Latency', latency))
  const pushed = result.pushed ?? []
  if (pushed.length > 0) {
    rows.push(
      row('Pushed', pushed.map(({ tag, digest }) => `${code(tag)} ${code(digest)}`).join('<br>')),
    )
  }
  core.summary.addHeading(`✅ ${escapeHtml(title)} on ${escapeHtml(baseImage)}`, 3).addTable(rows)
  addCases(result.smokeTestResult?.cases)
  addAdditions(result.adds)
  await core.summary.write()
}

export async function writeFailureSummary(
  message: string,
  baseImage: string | undefined,
  failure?: SmokeTestFailure,
): Promise<void> {
  const on = baseImage ? ` on ${escapeHtml(baseImage)}` : ''
  core.summary
    .addHeading(`❌ extend-azureml-image failed${on}`, 3)
    .addRaw(`<pre>${escapeHtml(message)}</pre>`, true)
  const swagger = failure?.result.swagger
  if (swagger)
    core.summary.addRaw(`<p>swagger.json: ${escapeHtml(describeSwagger(swagger))}</p>`, true)
  if (failure) addCases(failure.result.cases)
  await core.summary.write()
}
