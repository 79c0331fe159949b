// Step outputs. They are set only once everything passed, so no output of a failed step names
// an image.
import * as core from '@actions/core'
import { Output } from '../step/constants.js'
import type { PipelineResult } from '../pipeline.js'
import {
  type CaseResult,
  type SmokeTestFailure,
  type SmokeTestResult,
} from '../smoke-test/results.js'
import { truncate } from '../step/text.js'

/** Long answers are cut for outputs and the summary; the container log has the rest. */
const SCORE_RESPONSE_OUTPUT_LIMIT = 4096

/** The case the score outputs describe: the first that failed, else the first. */
function reportedCase(cases: CaseResult[] | undefined): CaseResult | undefined {
  return cases?.find((item) => item.problem !== undefined) ?? cases?.[0]
}

function setScoreOutputs(cases: CaseResult[] | undefined): void {
  const reported = reportedCase(cases)
  if (reported?.status === undefined) return
  core.setOutput(Output.ScoreStatus, String(reported.status))
  core.setOutput(
    Output.ScoreResponse,
    truncate(reported.response ?? '', SCORE_RESPONSE_OUTPUT_LIMIT),
  )
}

/** The limits the container ran with, and the memory it used: to choose an instance size by. */
function resourcesMetadata(score: SmokeTestResult | undefined): Record<string, unknown> {
  const { resources, memory, gpus } = score ?? {}
  return {
    resources:
      resources === undefined && gpus === undefined
        ? undefined
        : {
            memoryBytes: resources?.memory?.bytes,
            memorySource: resources?.memory?.source,
            cpus: resources?.cpus?.count,
            cpusSource: resources?.cpus?.source,
            cpusRequested: resources?.cpus?.requested,
            gpus,
          },
    memory: memory && {
      cgroup: (memory.overall ?? memory.atLive)?.cgroup,
      peakAtLiveBytes: memory.atLive?.peakBytes,
      peakBytes: memory.overall?.peakBytes,
      // What a kernel without memory.peak (cgroup v2 before Linux 5.19) can tell instead.
      inUseAtLiveBytes: memory.atLive?.currentBytes,
      inUseAtEndBytes: memory.overall?.currentBytes,
    },
  }
}

/** @internal (exported for its unit tests) */
export function metadata(result: PipelineResult, baseImage: string): Record<string, unknown> {
  return {
    baseImage,
    image: result.hasImage ? result.tags[0] : undefined,
    tags: result.hasImage ? result.tags : [],
    imageId: result.imageId,
    reused: result.reused ?? false,
    dockerfile: result.dockerfile,
    context: result.context,
    builder: result.builder,
    acr: result.acr,
    baseUser: result.baseUser,
    smokeTest: result.smokeTest,
    scoreStatus: reportedCase(result.smokeTestResult?.cases)?.status,
    cases: result.smokeTestResult?.cases.map(({ name, status, expectedStatus, ms, problem }) => ({
      name,
      status,
      expectedStatus,
      ms,
      passed: problem === undefined,
    })),
    latency: result.smokeTestResult?.latency,
    concurrent: result.smokeTestResult?.concurrent,
    startup: result.smokeTestResult?.startup,
    ...resourcesMetadata(result.smokeTestResult),
    gpuHint: result.gpuHint,
    swagger: result.smokeTestResult?.swagger && {
      declared: result.smokeTestResult.swagger.declared,
      versions: result.smokeTestResult.swagger.versions,
      checked: result.smokeTestResult.swagger.checked,
    },
    dependencies: result.dependencies,
    adds: result.adds,
    copies: result.copies,
    pushed: result.pushed,
    timings: {
      dependenciesMs: result.timings.dependenciesMs,
      buildMs: result.timings.buildMs,
      smokeTestMs: result.timings.smokeTestMs,
      pushMs: result.timings.pushMs,
      liveAfterMs: result.smokeTestResult?.liveAfterMs,
      scoreMs: result.smokeTestResult?.cases[0]?.ms,
    },
  }
}

export function setOutputs(result: PipelineResult, baseImage: string): void {
  core.setOutput(Output.Dockerfile, result.dockerfile)
  core.setOutput(Output.Context, result.context)
  if (result.hasImage) {
    core.setOutput(Output.Image, result.tags[0])
    core.setOutput(Output.Tags, result.tags.join('\n'))
    // Unknown only for an image built in ACR and never pulled here (smoke-test: false).
    if (result.imageId) core.setOutput(Output.ImageId, result.imageId)
  }
  core.setOutput(Output.SmokeTest, result.smokeTest)
  setScoreOutputs(result.smokeTestResult?.cases)
  // The first tag's digest, as the registry serves it; set only when every tag was pushed.
  if (result.pushed?.[0]) core.setOutput(Output.Digest, result.pushed[0].digest)
  core.setOutput(Output.Metadata, JSON.stringify(metadata(result, baseImage)))
}

/** A failed smoke test still tells later `if: failure()` steps what it saw; never an image. */
export function setSmokeTestFailureOutputs(failure: SmokeTestFailure): void {
  core.setOutput(Output.SmokeTest, 'failed')
  setScoreOutputs(failure.result.cases)
}
