// The job summary: what a reviewer reads first. Failures put the reason first.
import * as core from '@actions/core'
import { truncate } from './outputs.js'
import type { PipelineResult } from './pipeline.js'

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
