// The whole job of the main step, one call per stage as the log shows them: Prepare, Build the
// dependencies, Build, Smoke test, Push, Save the dependencies. It returns what later steps may
// use, and on any failure leaves nothing behind: no container, no tag of an image that did not
// pass, no temp dir.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runAcrPipeline } from './build/acr/acr-pipeline.js'
import { buildApplication, type FromImage } from './build/build-application.js'
import type { ModelImageSource } from './build/model-image.js'
import { startCacheSave, type CacheSave } from './dependencies/cache-save.js'
import { checkServerConflicts, inventoryReader } from './dependencies/conflict-check.js'
import { localBase } from './dependencies/dependencies.js'
import { getDependencies, type Dependencies } from './dependencies/get-dependencies.js'
import type { ImageCache } from './dependencies/image-cache.js'
import { InventoryMemo } from './dependencies/inventory-memo.js'
import type { DockerClient, LocalImage } from './docker/docker.js'
import { describeEngine, type Engine } from './docker/engine-endpoint.js'
import { describeTraffic } from './docker/engine-traffic.js'
import type { Inputs } from './inputs/inputs.js'
import { STANDALONE_SOURCES } from './plan/build-context.js'
import { hasDependencies, renderDockerfile, type DockerfilePlan } from './plan/dockerfile.js'
import { baseUserOrDefault, makePlan } from './plan/plan.js'
import { DigestCache } from './plan/digest-cache.js'
import { prepare } from './plan/prepare.js'
import { claimStagingDir, stableDigestsFile } from './plan/staging-dir.js'
import { pushTags } from './push/push.js'
import {
  gatherAdditions,
  readInventories,
  type AdditionsGathering,
} from './report/gather-additions.js'
import { decideReach } from './smoke-test/reach.js'
import { smokeTest } from './smoke-test/smoke-test.js'
import { smokeTestRequest } from './smoke-test/smoke-test-request.js'
import { gpuImageHint } from './smoke-test/gpu-hint.js'
import { Contract } from './step/constants.js'
import { printInert } from './step/inert-log.js'
import type { Leftovers } from './step/leftovers.js'
import { startScriptCheck } from './script-check/alongside.js'
import { tempRoot } from './step/temp-root.js'
import { initialResult, type PipelineResult } from './pipeline-result.js'

export type { PipelineResult }

export async function runPipeline(
  inputs: Inputs,
  docker: DockerClient,
  leftovers: Leftovers,
  imageCache?: ImageCache,
): Promise<PipelineResult> {
  if (inputs.acr) return runAcrPipeline({ ...inputs, acr: inputs.acr }, docker, leftovers)
  const workDir = fs.mkdtempSync(path.join(tempRoot(), 'extend-azureml-image-'))
  leftovers.addDirectory(workDir)
  // A build stages at a stable path (BuildKit then sends only what changed since the last run);
  // `build: false` leaves the contexts with the Dockerfile in the work dir, for later steps.
  const staging = inputs.build ? claimStagingDir(inputs, workDir) : undefined
  // Given back at the end, or by the cleanup of a signal (which ends the process first).
  const release = staging && leftovers.holdLock(staging.release)
  try {
    return await runStages(inputs, docker, leftovers, imageCache, {
      workDir,
      stagingRoot: staging?.root ?? workDir,
      digests: digestCache(inputs, staging?.digests),
      inventories: staging?.inventories,
      modelImage: staging?.modelImage,
    })
  } finally {
    release?.()
  }
}

/** Where the run stages its contexts, and the files remembered next to a stable staging folder. */
interface StagingFiles {
  workDir: string
  stagingRoot: string
  digests?: DigestCache
  inventories?: string
  modelImage?: string
}

/**
 * The input digests remembered next to the stable staging folder; `build: false` stages in its
 * work dir and still uses that folder's file, so that a large model is not read every run.
 */
function digestCache(inputs: Inputs, stagingDigests: string | undefined): DigestCache | undefined {
  const file = inputs.build ? stagingDigests : stableDigestsFile(inputs)
  return file === undefined ? undefined : new DigestCache(file)
}

/** The legacy builder's model image is remembered next to the stable staging folder only. */
function modelSource(inputs: Inputs, staging: StagingFiles): ModelImageSource | undefined {
  if (!staging.modelImage || !inputs.modelSnapshot) return undefined
  return {
    memoFile: staging.modelImage,
    snapshot: inputs.modelSnapshot,
    fileDigest: staging.digests?.digest,
  }
}

async function runStages(
  inputs: Inputs,
  docker: DockerClient,
  leftovers: Leftovers,
  imageCache: ImageCache | undefined,
  staging: StagingFiles,
): Promise<PipelineResult> {
  const { workDir, stagingRoot, digests } = staging
  const prepared = await prepare(inputs, docker, stagingRoot, digests?.digest)
  digests?.save()
  const { builder, tags, engine } = prepared
  if (engine) leftovers.useEngine(engine)
  const base = builder && (await localBase(docker, inputs.baseImage, prepared.baseInDaemon))
  const user = base ? baseUserOrDefault(base.user) : await standaloneUser(docker, inputs)
  const plan = makePlan(inputs, { user, pipConfig: prepared.pipConfig, labels: prepared.labels })
  const result = initialResult(inputs, workDir, prepared.tags, builder, user, stagingRoot)
  if (!builder || !base) {
    writeStandalone(result.dockerfile, plan)
    leftovers.keepDirectory(workDir)
    return result
  }
  // A default tag digests every input: the daemon may hold this very build under it already.
  const previous = inputs.tags.length === 0 ? await lookUp(docker, tags[0]) : undefined
  const model = { source: modelSource(inputs, staging), leftovers } // legacy: built apart
  const stage = { ...prepared, inputs, plan, base, builder, workDir, model }
  // Checked beside apt and pip (a failure stops them); not before a build if the tag may be reused.
  const scriptCheck = startScriptCheck(docker, leftovers, inputs, base, previous !== undefined)
  // The base's inventory (read once, on first call): started when the dependencies are built, it
  // is read alongside them; what the requirements broke is told from it. Kept in one memo with
  // what the image adds, which then reads neither image again.
  const memo = new InventoryMemo(staging.inventories)
  const baseInventory = inventoryReader(docker, leftovers, base.id, memo)
  const onBuild = (): void => void (baseInventory(), scriptCheck.start())
  const dependencies = hasDependencies(plan)
    ? await scriptCheck.alongside((signal) =>
        getDependencies(docker, imageCache, { ...stage, onBuild, memo }, signal),
      )
    : undefined
  // Also before it: a conflicting dependencies image is neither built on, nor kept, nor cached.
  // (It gives the dependencies image's inventory when it read it.)
  if (dependencies) {
    await checkServerConflicts(docker, leftovers, { inputs, dependencies, baseInventory, memo })
    result.dependencies = { source: dependencies.source, image: dependencies.from.reference }
    result.timings.dependenciesMs = dependencies.ms
  }
  printInert(`Base image user: ${plan.user}`)
  writeStandalone(result.dockerfile, plan)
  const from = dependencies?.from ?? { reference: inputs.baseImage, id: base.id, found: base }
  // Read while the application builds; awaited before the smoke test, never during it.
  const additions = startAdditions(docker, leftovers, base, dependencies?.from, memo)
  const cacheSave = await startSave(docker, imageCache, { base, dependencies, memo })
  let checkStopped: Promise<void> | undefined
  try {
    leftovers.addPendingTags(tags) // pending until the smoke test passes, whether built now or found
    // Passed before anything is built; a reused image was checked when built: not waited for.
    const beforeBuild = () => scriptCheck.passed()
    const application = await buildApplication(docker, { ...stage, from, previous, beforeBuild })
    if (application.reused) checkStopped = scriptCheck.forget()
    Object.assign(result, { hasImage: true, imageId: application.imageId })
    if (application.reused) result.reused = true
    if (application.buildMs !== undefined) result.timings.buildMs = application.buildMs
    result.adds = await additions.finish(application.imageId)
    if (inputs.smokeTest) {
      const reach = engine && (await decideReach(docker, engine))
      const request = { ...smokeTestRequest(inputs, application.imageId, workDir), reach }
      result.gpuHint =
        inputs.gpus === undefined ? gpuImageHint(inputs.baseImage, base.env) : undefined
      if (result.gpuHint) core.info(result.gpuHint)
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
    await checkStopped
  }
  leftovers.commitPendingTags()
  leftovers.keepDirectory(workDir)
  if (engine?.remoteHost !== undefined) result.engineTraffic = reportTraffic(engine, docker)
  return result
}

/** What crossed the network to an engine on another machine, in the log and for the summary. */
function reportTraffic(engine: Engine, docker: DockerClient): string | undefined {
  const traffic = describeTraffic(docker.traffic())
  if (traffic) printInert(`Over the network to the engine at ${describeEngine(engine)}: ${traffic}`)
  return traffic && `${describeEngine(engine)}: ${traffic}`
}

/** What `run` returned, and how long it took. */
async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now()
  const value = await run()
  return [value, Date.now() - started]
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

/**
 * The cache save of dependencies built now, with the inventories the check read: a runner that
 * restores them reads neither image again.
 */
function startSave(
  docker: DockerClient,
  imageCache: ImageCache | undefined,
  run: { base: LocalImage; dependencies?: Dependencies; memo: InventoryMemo },
): Promise<CacheSave | undefined> {
  const { base, dependencies, memo } = run
  const inventories = dependencies && memo.exported([base.id, dependencies.from.id])
  return startCacheSave(docker, imageCache, dependencies?.builtKey, base, inventories)
}

/** What the image adds to the base: its packages (from the inventories) and its layers. */
function startAdditions(
  docker: DockerClient,
  leftovers: Leftovers,
  base: LocalImage,
  dependencies: FromImage | undefined,
  memo: InventoryMemo,
): AdditionsGathering {
  const inventories = readInventories(docker, leftovers, memo, { base: base.id, dependencies })
  return gatherAdditions(docker, { baseId: base.id, ...inventories })
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
