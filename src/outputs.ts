// Step outputs and the job summary. Outputs are set only once everything passed, so no output
// of a failed step names an image.
import * as core from '@actions/core'
import { Output } from './constants.js'
import type { PipelineResult } from './pipeline.js'
import type { SmokeTestFailure } from './smoke-test.js'

/** Long answers are cut for outputs and the summary; the container log has the rest. */
export const SCORE_RESPONSE_OUTPUT_LIMIT = 4096

export function truncate(text: string, limit = SCORE_RESPONSE_OUTPUT_LIMIT): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… (${text.length - limit} more characters)`
}

export function metadata(result: PipelineResult, baseImage: string): Record<string, unknown> {
  return {
    baseImage,
    image: result.built ? result.tags[0] : undefined,
    tags: result.built ? result.tags : [],
    imageId: result.imageId,
    dockerfile: result.dockerfile,
    context: result.context,
    builder: result.builder,
    baseUser: result.baseUser,
    smokeTest: result.smokeTest,
    scoreStatus: result.score?.scoreStatus,
    dependencies: result.dependencies,
    timings: {
      dependenciesMs: result.timings.dependenciesMs,
      buildMs: result.timings.buildMs,
      smokeTestMs: result.timings.smokeTestMs,
      liveAfterMs: result.score?.liveAfterMs,
      scoreMs: result.score?.scoreMs,
    },
  }
}

export function setOutputs(result: PipelineResult, baseImage: string): void {
  core.setOutput(Output.Dockerfile, result.dockerfile)
  core.setOutput(Output.Context, result.context)
  if (result.built && result.imageId) {
    core.setOutput(Output.Image, result.tags[0])
    core.setOutput(Output.Tags, result.tags.join('\n'))
    core.setOutput(Output.ImageId, result.imageId)
  }
  core.setOutput(Output.SmokeTest, result.smokeTest)
  if (result.score?.scoreStatus !== undefined) {
    core.setOutput(Output.ScoreStatus, String(result.score.scoreStatus))
    core.setOutput(Output.ScoreResponse, truncate(result.score.scoreResponse ?? ''))
  }
  core.setOutput(Output.Metadata, JSON.stringify(metadata(result, baseImage)))
}

/** A failed smoke test still tells later `if: failure()` steps what it saw; never an image. */
export function setSmokeTestFailureOutputs(failure: SmokeTestFailure): void {
  core.setOutput(Output.SmokeTest, 'failed')
  if (failure.result.scoreStatus !== undefined) {
    core.setOutput(Output.ScoreStatus, String(failure.result.scoreStatus))
    core.setOutput(Output.ScoreResponse, truncate(failure.result.scoreResponse ?? ''))
  }
}

function dependenciesCell(result: PipelineResult): string {
  const dependencies = result.dependencies
  if (!dependencies) return 'none (no apt packages or requirements)'
  const source = {
    daemon: 'reused from the daemon',
    cache: 'restored from the Actions cache',
    built: 'built',
  }[dependencies.source]
  const saved =
    dependencies.cacheSavedBytes === undefined
      ? ''
      : `, saved to the cache (${(dependencies.cacheSavedBytes / 1024 / 1024).toFixed(0)} MiB)`
  return `${source} in ${seconds(result.timings.dependenciesMs)}${saved}`
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`
}

export async function writeSummary(result: PipelineResult, baseImage: string): Promise<void> {
  const rows = [
    [{ data: 'Base image', header: true }, baseImage],
    [
      { data: 'Image', header: true },
      result.built ? result.tags.join(', ') : 'not built (build: false)',
    ],
    [{ data: 'Image id', header: true }, result.imageId ?? '–'],
    [{ data: 'Dependencies', header: true }, dependenciesCell(result)],
    [{ data: 'Build', header: true }, seconds(result.timings.buildMs)],
    [{ data: 'Smoke test', header: true }, result.smokeTest],
    [{ data: 'Live after', header: true }, seconds(result.score?.liveAfterMs)],
    [
      { data: 'POST /score', header: true },
      result.score?.scoreStatus === undefined ? '–' : String(result.score.scoreStatus),
    ],
  ]
  await core.summary
    .addHeading('extend-azureml-image', 3)
    .addTable(rows)
    .addDetails(
      'Score response',
      `<pre>${escapeHtml(truncate(result.score?.scoreResponse ?? '', 1000))}</pre>`,
    )
    .write()
}

export async function writeFailureSummary(
  message: string,
  baseImage: string | undefined,
): Promise<void> {
  await core.summary
    .addHeading('extend-azureml-image failed', 3)
    .addCodeBlock(message)
    .addRaw(baseImage ? `Base image: ${escapeHtml(baseImage)}` : '', true)
    .write()
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
