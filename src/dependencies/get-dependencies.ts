// The "Build the dependencies" stage: the dependencies image from the daemon, from the cache, or
// built now. Pip indexes reach the build as a secret or build args, never ENV.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { buildImage } from '../build/build-image.js'
import type { FromImage } from '../build/build-application.js'
import type { Builder } from '../docker/docker-args.js'
import type { DockerClient, LocalImage } from '../docker/docker.js'
import type { Inputs } from '../inputs/inputs.js'
import type { StagedContexts } from '../plan/build-context.js'
import {
  PIP_CONFIG_SECRET_ID,
  renderDependenciesDockerfile,
  type DockerfilePlan,
} from '../plan/dockerfile.js'
import { pipBuildArgs, pipIndexesOf, publicIndexes, renderPipConf } from '../plan/pip-config.js'
import {
  dependenciesKey,
  dependenciesTag,
  findDependencies,
  type DependenciesSource,
  type StagedRequirements,
} from './dependencies.js'
import type { ImageCache } from './image-cache.js'
import type { InventoryMemo } from './inventory-memo.js'
import { watchResolverWarnings, type PipConflict } from './pip-conflicts.js'

export interface DependenciesRequest {
  inputs: Inputs
  plan: DockerfilePlan
  base: LocalImage
  builder: Builder
  contexts: StagedContexts
  requirements?: StagedRequirements
  workDir: string
  /** Called once they are to be built now (not found): what must run alongside starts then. */
  onBuild?: () => void
  /** Takes the inventories a restored cache entry carries (no container to read them again). */
  memo?: InventoryMemo
}

export interface Dependencies {
  from: FromImage
  source: DependenciesSource
  /** The key, when built now: the archive for the cache is made from this image. */
  builtKey?: string
  /** What pip's resolver warned of while building them now. */
  resolverConflicts?: PipConflict[]
  ms: number
}

export async function getDependencies(
  docker: DockerClient,
  imageCache: ImageCache | undefined,
  request: DependenciesRequest,
  signal?: AbortSignal,
): Promise<Dependencies> {
  const { inputs, plan, base } = request
  const started = Date.now()
  const key = await dependenciesKey(base, {
    aptPackages: inputs.aptPackages,
    requirements: request.requirements,
    pipIndexes: publicIndexes(inputs),
    pipConfig: plan.pipConfig,
  })
  const reference = dependenciesTag(key)
  const found = await findDependencies(docker, imageCache, key, base)
  if (found) {
    // An entry's inventories are taken for these two images only, and only as valid ones.
    if (found.inventories) request.memo?.seed(found.inventories, [base.id, found.image.id])
    core.info(
      `Dependencies: ${reference}, ${found.source === 'daemon' ? 'already in the daemon' : 'restored from the cache'}`,
    )
    return {
      from: { reference, id: found.image.id, found: found.image },
      source: found.source,
      ms: Date.now() - started,
    }
  }
  signal?.throwIfAborted() // nothing is started once the run has failed
  request.onBuild?.()
  const resolver = watchResolverWarnings()
  const id = await buildDependencies(docker, request, key, signal, resolver.observe)
  return {
    from: { reference, id },
    source: 'built',
    builtKey: key,
    resolverConflicts: resolver.conflicts(),
    ms: Date.now() - started,
  }
}

async function buildDependencies(
  docker: DockerClient,
  request: DependenciesRequest,
  key: string,
  signal: AbortSignal | undefined,
  observe: (line: string) => void,
): Promise<string> {
  const { inputs, plan, workDir } = request
  const dockerfile = path.join(workDir, 'dependencies.Dockerfile')
  fs.writeFileSync(dockerfile, renderDependenciesDockerfile(plan))
  const secretsDir = path.join(workDir, 'secrets')
  const secrets: { id: string; file: string }[] = []
  if (plan.pipConfig === 'secret') {
    fs.mkdirSync(secretsDir, { mode: 0o700 })
    const file = path.join(secretsDir, PIP_CONFIG_SECRET_ID)
    fs.writeFileSync(file, renderPipConf(pipIndexesOf(inputs)), { mode: 0o600 })
    secrets.push({ id: PIP_CONFIG_SECRET_ID, file })
  }
  try {
    return await buildImage(
      docker,
      'Build the dependencies (apt, pip)',
      {
        builder: request.builder,
        dockerfile,
        context: request.contexts.dependencies,
        tags: [dependenciesTag(key)],
        network: inputs.network,
        secrets,
        buildArgs: plan.pipConfig === 'build-args' ? pipBuildArgs(pipIndexesOf(inputs)) : [],
      },
      workDir,
      signal,
      observe,
    )
  } finally {
    fs.rmSync(secretsDir, { recursive: true, force: true })
  }
}
