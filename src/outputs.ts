// Step outputs. They are set only once everything passed, so no output of a failed step names
// an image.
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
