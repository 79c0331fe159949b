// The whole job of the main step, one call per stage as the log shows them: Prepare, Build the
// dependencies, Build, Smoke test, Push, Save the dependencies. It returns what later steps may
// use, and on any failure leaves nothing behind: no container, no tag of an image that did not
// pass, no temp dir.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { buildApplication } from './build/build-application.js'
import { startCacheSave } from './dependencies/cache-save.js'
import { localBase, type DependenciesSource } from './dependencies/dependencies.js'
import { getDependencies } from './dependencies/get-dependencies.js'
import type { ImageCache } from './dependencies/image-cache.js'
import type { Builder } from './docker/docker-args.js'
import type { DockerClient, LocalImage } from './docker/docker.js'
import { snapshotReport, type SnapshotReport } from './inputs/code-snapshot.js'
import type { Inputs } from './inputs/inputs.js'
import { STANDALONE_SOURCES } from './plan/build-context.js'
import { hasDependencies, renderDockerfile, type DockerfilePlan } from './plan/dockerfile.js'
import { baseUserOrDefault, makePlan } from './plan/plan.js'
import { prepare } from './plan/prepare.js'
import { pushTags } from './push/push.js'
import { smokeTest, type SmokeTestRequest } from './smoke-test/smoke-test.js'
import { type SmokeTestResult } from './smoke-test/results.js'
import { Contract } from './step/constants.js'
import { printInert } from './step/inert-log.js'
import type { Leftovers } from './step/leftovers.js'
import { startScriptCheck } from './script-check/alongside.js'
import { tempRoot } from './step/temp-root.js'

export interface PipelineResult {
  dockerfile: string
  context: string
  /** An image stands under the tags: built now, or reused (`reused`). */
  hasImage: boolean
  /** The default tag already held this very build: nothing was built (see same-build.ts). */
  reused?: boolean
  tags: string[]
  imageId?: string
  builder?: Builder
  baseUser: string
  dependencies?: { source: DependenciesSource; image: string; cacheSavedBytes?: number }
  /** Sizes as the daemon reports them, for the summary: what the image adds to its base. */
  sizes?: { imageBytes: number; baseBytes: number; layersAdded: number }
  timings: { dependenciesMs?: number; buildMs?: number; smokeTestMs?: number; pushMs?: number }
  smokeTest: 'passed' | 'skipped'
  smokeTestResult?: SmokeTestResult
  /** Every tag pushed after the smoke test passed, with the registry's manifest digest. */
  pushed?: { tag: string; digest: string }[]
  /** What of code-dir and model-dir was copied, and what was left out. */
  copies?: { code?: SnapshotReport; model?: SnapshotReport }
}

export async function runPipeline(
  inputs: Inputs,
  docker: DockerClient,
  leftovers: Leftovers,
  imageCache?: ImageCache,
): Promise<PipelineResult> {
  const workDir = fs.mkdtempSync(path.join(tempRoot(), 'extend-azureml-image-'))
  leftovers.addDirectory(workDir)
  const prepared = await prepare(inputs, docker, workDir)
  const { builder, tags } = prepared
  const base = builder && (await localBase(docker, inputs.baseImage, prepared.baseInDaemon))
  const user = base ? baseUserOrDefault(base.user) : await standaloneUser(docker, inputs)
  const plan = makePlan(inputs, { user, pipConfig: prepared.pipConfig, labels: prepared.labels })
  const result = initialResult(inputs, workDir, prepared.tags, builder, user)
  if (!builder || !base) {
    writeStandalone(result.dockerfile, plan)
    leftovers.keepDirectory(workDir)
    return result
  }
  // A default tag is a digest of every input: the daemon may hold this very build under it
  // already. Looked up while the dependencies are found.
  const underTag = inputs.tags.length === 0 ? lookUp(docker, tags[0]) : undefined
  const stage = { ...prepared, inputs, plan, base, builder, workDir }
  // Checked in the base image's Python while apt and pip run; a failure stops their build.
  const scriptCheck = startScriptCheck(docker, leftovers, inputs, base)
  const dependencies = hasDependencies(plan)
    ? await scriptCheck.alongside((signal) => getDependencies(docker, imageCache, stage, signal))
    : undefined
  await scriptCheck.passed() // before the application is built on them
  if (dependencies) {
    result.dependencies = { source: dependencies.source, image: dependencies.from.reference }
    result.timings.dependenciesMs = dependencies.ms
  }
  printInert(`Base image user: ${plan.user}`)
  writeStandalone(result.dockerfile, plan)
  const from = dependencies?.from ?? { reference: inputs.baseImage, id: base.id, found: base }
  const cacheSave = await startCacheSave(docker, imageCache, dependencies?.builtKey, base)
  try {
    const previous = await underTag
    leftovers.addPendingTags(tags) // pending until the smoke test passes, whether built now or found
    const application = await buildApplication(docker, { ...stage, from, previous })
    Object.assign(result, { hasImage: true, imageId: application.imageId })
    if (application.reused) result.reused = true
    if (application.buildMs !== undefined) result.timings.buildMs = application.buildMs
    if (inputs.smokeTest) {
      const request = smokeTestRequest(inputs, application.imageId)
      const [score, ms] = await timed(() => smokeTest(docker, leftovers, request))
      Object.assign(result, { smokeTestResult: score, smokeTest: 'passed' })
      result.timings.smokeTestMs = ms
    }
    const sizes = sizesAgainst(await application.inspected, base)
    if (sizes) result.sizes = sizes
    if (inputs.push) {
      // Only reached after a passing smoke test (inputs refuse push without one). The image
      // is good whatever the registry does, so its local tags stay even if the push fails.
      leftovers.commitPendingTags()
      ;[result.pushed, result.timings.pushMs] = await timed(() => pushTags(docker, tags))
    }
    const saved = await cacheSave?.save()
    if (saved !== undefined && result.dependencies) result.dependencies.cacheSavedBytes = saved
  } finally {
    await cacheSave?.discard()
  }
  leftovers.commitPendingTags()
  leftovers.keepDirectory(workDir)
  return result
}

/** What `run` returned, and how long it took. */
async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now()
  const value = await run()
  return [value, Date.now() - started]
}

function smokeTestRequest(inputs: Inputs, image: string): SmokeTestRequest {
  return {
    image,
    containerPort: inputs.containerPort,
    startupTimeoutSeconds: inputs.startupTimeoutSeconds,
    cases: inputs.scoringCases,
    scoreRequests: inputs.scoreRequests,
  }
}

function initialResult(
  inputs: Inputs,
  workDir: string,
  tags: string[],
  builder: Builder | undefined,
  baseUser: string,
): PipelineResult {
  return {
    dockerfile: path.join(workDir, 'Dockerfile'),
    context: workDir,
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

/** With `build: false` nothing needs the base image but its user: a failure only warns. */
async function standaloneUser(docker: DockerClient, inputs: Inputs): Promise<string> {
  return docker
    .pullIfMissingAndReadUser(inputs.baseImage)
    .then(baseUserOrDefault)
    .catch((error: Error) => {
      core.warning(
        `Could not read the base image's user (${error.message}); using ${Contract.defaultUser}`,
      )
      return Contract.defaultUser
    })
}

/** The Dockerfile that builds the image in one go, kept in the work dir and printed. */
function writeStandalone(file: string, plan: DockerfilePlan): void {
  const text = renderDockerfile({ ...plan, sources: STANDALONE_SOURCES })
  fs.writeFileSync(file, text)
  // Env and label values are printed as given: inert, for they may be a pull request's.
  core.startGroup('Dockerfile')
  printInert(text)
  core.endGroup()
}

function lookUp(docker: DockerClient, reference: string): Promise<LocalImage | undefined> {
  return docker.localImage(reference).catch(() => undefined)
}

function sizesAgainst(
  image: LocalImage | undefined,
  base: LocalImage,
): PipelineResult['sizes'] | undefined {
  if (!image) return undefined
  return {
    imageBytes: image.sizeBytes,
    baseBytes: base.sizeBytes,
    layersAdded: image.layers.length - base.layers.length,
  }
}
