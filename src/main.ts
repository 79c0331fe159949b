// The main step. The one place that fails the step: inner modules throw errors that already say
// which input or phase failed and why. It raises exactly one error annotation, pointing at the
// user's file and line when the failure allows (core.error + exit code: what setFailed does,
// with the annotation's properties).
import * as core from '@actions/core'
import { annotationFor } from './report/annotations.js'
import { Leftovers, cleanupOnSignals } from './step/leftovers.js'
import { DockerCli, type DockerClient } from './docker/docker.js'
import { ActionsImageCache } from './dependencies/image-cache.js'
import { getInputs, type Inputs } from './inputs/inputs.js'
import { setOutputs, setSmokeTestFailureOutputs } from './report/outputs.js'
import { runPipeline } from './pipeline.js'
import { SmokeTestFailure } from './smoke-test/results.js'
import { writeFailureSummary, writeSummary } from './report/summary.js'
import { errorMessage } from './step/text.js'

export interface RunOptions {
  /**
   * The action on a runner: GitHub's macOS and Windows runners cannot run these Linux images,
   * so it refuses them at once. The CLI sets false: Docker Desktop runs Linux containers on
   * macOS and Windows, and the engine's own OS is checked before anything is built.
   */
  requireLinuxRunner?: boolean
}

export async function run(
  docker: DockerClient = new DockerCli(),
  { requireLinuxRunner = true }: RunOptions = {},
): Promise<void> {
  const leftovers = new Leftovers(docker)
  const stopWatchingSignals = cleanupOnSignals(leftovers)
  let inputs: Inputs | undefined
  try {
    if (requireLinuxRunner && process.platform !== 'linux') {
      throw new Error(
        `extend-azureml-image needs a Linux runner (this is ${process.platform}): Azure ML inference images are Linux images`,
      )
    }
    inputs = getInputs()
    const imageCache = inputs.cache ? new ActionsImageCache() : undefined
    const result = await runPipeline(inputs, docker, leftovers, imageCache)
    setOutputs(result, inputs.baseImage)
    await writeSummary(result, inputs.baseImage).catch(warnSummary)
  } catch (error) {
    const message = errorMessage(error)
    await leftovers.cleanup()
    const smokeTestFailure = error instanceof SmokeTestFailure ? error : undefined
    if (smokeTestFailure) setSmokeTestFailureOutputs(smokeTestFailure)
    core.error(message, annotationFor(error, inputs, smokeTestFailure?.python))
    process.exitCode = core.ExitCode.Failure
    await writeFailureSummary(message, inputs?.baseImage, smokeTestFailure).catch(warnSummary)
  } finally {
    stopWatchingSignals()
  }
}

function warnSummary(error: unknown): void {
  // Outside a runner there is no summary file; that is not the step's failure.
  core.debug(`No job summary written: ${String(error)}`)
}
