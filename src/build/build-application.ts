// The Build stage: the application image on the dependencies (or the base) image, or nothing at
// all when the default tag already holds this very build (plan/same-build.ts).
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Builder } from '../docker/docker-args.js'
import type { DockerClient, LocalImage } from '../docker/docker.js'
import type { StagedContexts } from '../plan/build-context.js'
import {
  ContextPath,
  renderApplicationOnModelDockerfile,
  type DockerfilePlan,
} from '../plan/dockerfile.js'
import { applicationRecipe, isSameBuild, type ApplicationRecipe } from '../plan/same-build.js'
import type { Leftovers } from '../step/leftovers.js'
import { printInert } from '../step/inert-log.js'
import { buildImage } from './build-image.js'
import { buildsModelApart, modelImage, type ModelImageSource } from './model-image.js'

/** The image the application is built FROM. */
export interface FromImage {
  reference: string
  id: string
  /** Set when the image was found, not built now: only then may earlier builds sit on it. */
  found?: LocalImage
}

export interface ApplicationRequest {
  plan: DockerfilePlan
  from: FromImage
  tags: string[]
  /** What the default tag held before this run, if anything. */
  previous?: LocalImage
  /** Set to build the model apart with the legacy builder (model-image.ts). */
  model?: { source: ModelImageSource | undefined; leftovers: Leftovers }
  /** Awaited before anything is built (not when the image under the tag is reused). */
  beforeBuild?: () => Promise<void>
  builder: Builder
  contexts: StagedContexts
  workDir: string
}

/**
 * The application's Dockerfile and context: in one step, or (legacy builder) on the model image,
 * with the code folder alone as the context. Both carry the one-step recipe's digest.
 */
async function applicationStep(
  docker: DockerClient,
  request: ApplicationRequest,
  application: ApplicationRecipe,
): Promise<{ text: string; context: string }> {
  const { plan, from, model } = request
  const whole = { text: application.text, context: request.contexts.application }
  if (!model || !buildsModelApart(request.builder, plan, model.source)) return whole
  const image = await modelImage(docker, model.leftovers, {
    plan,
    from,
    context: path.join(request.contexts.application, ContextPath.model),
    workDir: request.workDir,
    source: model.source,
  })
  const code = path.join(request.contexts.application, ContextPath.code)
  fs.mkdirSync(code, { recursive: true }) // no code input: an empty context
  const labelled = { ...plan, labels: application.labels }
  return { text: renderApplicationOnModelDockerfile(labelled, image), context: code }
}

export interface Application {
  imageId: string
  reused: boolean
  buildMs?: number
  /** The image as the daemon has it, for the summary's sizes (asked for in the background). */
  inspected: Promise<LocalImage | undefined>
}

export async function buildApplication(
  docker: DockerClient,
  request: ApplicationRequest,
): Promise<Application> {
  const { plan, from, tags, previous } = request
  const application = applicationRecipe(plan, from.reference, from.id)
  if (from.found && isSameBuild(previous, application.digest, from.found)) {
    printInert(
      `${tags[0]} already holds this build (${previous.id}): the same inputs and recipe, on ${from.reference}. Nothing to build.`,
    )
    return { imageId: previous.id, reused: true, inspected: Promise.resolve(previous) }
  }
  await request.beforeBuild?.()
  const started = Date.now()
  const { text, context } = await applicationStep(docker, request, application)
  const dockerfile = path.join(request.workDir, 'application.Dockerfile')
  fs.writeFileSync(dockerfile, text)
  const imageId = await buildImage(
    docker,
    `Build ${tags[0]}`,
    { builder: request.builder, dockerfile, context, tags, secrets: [], buildArgs: [] },
    request.workDir,
  )
  const buildMs = Date.now() - started
  printInert(`Built ${imageId} as ${tags.join(', ')}`)
  // Only for the summary's sizes: asked while the smoke test runs.
  return {
    imageId,
    reused: false,
    buildMs,
    inspected: docker.localImage(imageId).catch(() => undefined),
  }
}
