// What the pipeline hands to the report (outputs, summary) and to later steps, whichever
// builder made the image.
import * as path from 'node:path'
import type { DependenciesSource } from './dependencies/dependencies.js'
import type { Builder } from './docker/docker-args.js'
import { snapshotReport, type SnapshotReport } from './inputs/code-snapshot.js'
import type { Inputs } from './inputs/inputs.js'
import type { ImageAdditions } from './report/image-additions.js'
import type { SmokeTestResult } from './smoke-test/results.js'

export interface PipelineResult {
  dockerfile: string
  context: string
  /** An image stands under the tags: built now, or reused (`reused`). */
  hasImage: boolean
  /** The default tag already held this very build: nothing was built (see same-build.ts). */
  reused?: boolean
  tags: string[]
  imageId?: string
  builder?: Builder | 'acr'
  /** With builder acr: the registry's run that built the image. */
  acr?: { registry: string; loginServer: string; runId: string }
  baseUser: string
  dependencies?: { source: DependenciesSource; image: string; cacheSavedBytes?: number }
  /** Sizes as the daemon reports them, for the summary: what the image adds to its base. */
  sizes?: { imageBytes: number; baseBytes: number; layersAdded: number }
  /** The packages added or changed against the base, and the layers over it (gather-additions.ts). */
  adds?: ImageAdditions
  timings: { dependenciesMs?: number; buildMs?: number; smokeTestMs?: number; pushMs?: number }
  smokeTest: 'passed' | 'skipped'
  smokeTestResult?: SmokeTestResult
  /** Every tag pushed after the smoke test passed, with the registry's manifest digest. */
  pushed?: { tag: string; digest: string }[]
  /** An engine on another machine: its URL, and what crossed the network to it and back. */
  engineTraffic?: string
  /** What of code-dir and model-dir was copied, and what was left out. */
  copies?: { code?: SnapshotReport; model?: SnapshotReport }
  /** The base image looks like a GPU image and the smoke test had no GPUs: why, for the summary. */
  gpuHint?: string
}

/**
 * What a run has before it builds anything: paths, tags, what is copied; no image yet. The
 * contexts are staged in `context` (the stable staging folder when building, else the work dir).
 */
export function initialResult(
  inputs: Inputs,
  workDir: string,
  tags: string[],
  builder: PipelineResult['builder'],
  baseUser: string,
  context = workDir,
): PipelineResult {
  return {
    dockerfile: path.join(workDir, 'Dockerfile'),
    context,
    hasImage: false,
    tags,
    builder,
    baseUser,
    timings: {},
    smokeTest: 'skipped',
    copies: {
      code: inputs.codeSnapshot && snapshotReport(inputs.codeSnapshot),
      model: inputs.modelSnapshot && snapshotReport(inputs.modelSnapshot),
    },
  }
}
