// The Prepare stage: stage the contexts, ask the engine what it is and what it holds, digest the
// inputs for the default tag, all at once; refuse what no daemon state could make right.
import * as core from '@actions/core'
import type { StagedRequirements } from '../dependencies/dependencies.js'
import type { Builder } from '../docker/docker-args.js'
import type { DockerClient, LocalImage } from '../docker/docker.js'
import { describeEngine, type Engine } from '../docker/engine-endpoint.js'
import { snapshotLog } from '../inputs/code-snapshot.js'
import type { Inputs } from '../inputs/inputs.js'
import type { KeyValue } from '../inputs/parse.js'
import { printInert } from '../step/inert-log.js'
import { stageContexts, stagedRequirements, type StagedContexts } from './build-context.js'
import { imageTags } from './default-tag.js'
import type { FileDigest } from './digest-cache.js'
import type { PipConfigMode } from './dockerfile.js'
import { pipBuildArgs, pipConfigMode, pipIndexesOf } from './pip-config.js'
import { imageLabels } from './plan.js'

export interface Prepared {
  /** Set when the image is built (`build: true`). */
  builder?: Builder
  /** The engine every docker command of the step goes to (set when the image is built). */
  engine?: Engine
  baseInDaemon?: LocalImage
  tags: string[]
  labels: KeyValue[]
  pipConfig: PipConfigMode
  contexts: StagedContexts
  requirements?: StagedRequirements
}

export async function prepare(
  inputs: Inputs,
  docker: DockerClient,
  stagingRoot: string,
  fileDigest?: FileDigest,
): Promise<Prepared> {
  return core.group('Prepare', async () => {
    const labels = imageLabels(inputs)
    // Staged first: the digests cover the staged requirements (every file their lines name).
    const contexts = stageContexts(stagingRoot, inputs)
    const requirements = stagedRequirements(inputs, contexts)
    // The docker checks, the base image lookup and the input digest do not wait on each other.
    const [version, engine, builder, baseInDaemon, tags] = await Promise.all([
      inputs.build ? docker.serverVersion() : undefined,
      inputs.build ? docker.engine() : undefined,
      inputs.build ? docker.builder() : undefined,
      inputs.build ? docker.localImage(inputs.baseImage) : undefined,
      imageTags(inputs, labels, requirements, fileDigest),
    ])
    if (version !== undefined && engine !== undefined && builder !== undefined) {
      printInert(`Docker engine ${version} at ${describeEngine(engine)}`)
      core.info(`Builder: ${builder === 'buildkit' ? 'BuildKit' : 'legacy builder'}`)
    }
    const pipConfig = pipConfigMode(inputs, builder)
    // Refused whatever the daemon holds, so the same inputs never pass on one runner and fail
    // on the next.
    if (pipConfig === 'build-args') pipBuildArgs(pipIndexesOf(inputs))
    for (const line of snapshotLog(inputs.codeSnapshot, inputs.modelSnapshot)) core.info(line)
    return { builder, engine, baseInDaemon, tags, labels, pipConfig, contexts, requirements }
  })
}
