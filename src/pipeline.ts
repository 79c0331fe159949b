// The whole job of the main step: plan the image from validated inputs, write the Dockerfiles
// and contexts, get the dependencies image (daemon, cache or build), build the application on
// it, smoke-test. It returns what later steps may use, and on any failure leaves nothing behind:
// no container, no tag of an image that did not pass, no temp dir.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { STANDALONE_SOURCES, stageContexts, type StagedContexts } from './plan/build-context.js'
import type { CleanupRegistry } from './step/leftovers.js'
import {
  snapshotLog,
  snapshotReport,
  wholeTreeSnapshot,
  type SnapshotReport,
} from './inputs/code-snapshot.js'
import { Contract } from './step/constants.js'
import { contentHash } from './plan/content-hash.js'
import { defaultTagName } from './plan/default-tag.js'
import {
  dependenciesKey,
  dependenciesTag,
  type StagedRequirements,
  findDependencies,
  localBase,
  archiveDependencies,
  discardArchive,
  uploadDependencies,
  type DependenciesSource,
} from './dependencies/dependencies.js'
import type { BuildRequest, Builder } from './docker/docker-args.js'
import type { DockerClient, LocalImage } from './docker/docker.js'
import { buildFailure } from './docker/docker-errors.js'
import {
  ContextPath,
  PIP_CONFIG_SECRET_ID,
  hasDependencies,
  renderDependenciesDockerfile,
  renderDockerfile,
  type DockerfilePlan,
  type PipConfigMode,
} from './plan/dockerfile.js'
import type { ImageCache } from './dependencies/image-cache.js'
import type { Inputs } from './inputs/inputs.js'
import { printInert, startRelay } from './step/inert-log.js'
import type { KeyValue } from './inputs/parse.js'
import { hasPipIndexes, pipBuildArgs, renderPipConf, type PipIndexes } from './plan/pip-config.js'
import { pushTags } from './push/push.js'
import { applicationRecipe, isSameBuild } from './plan/same-build.js'
import { smokeTest, type SmokeTestResult } from './smoke-test/smoke-test.js'

export interface PipelineResult {
  dockerfile: string
  context: string
  built: boolean
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
  score?: SmokeTestResult
  /** Every tag pushed after the smoke test passed, with the registry's manifest digest. */
  pushed?: { tag: string; digest: string }[]
  /** What of code-dir and model-dir was copied, and what was left out. */
  copies?: { code?: SnapshotReport; model?: SnapshotReport }
}

// A user as docker prints it: name or uid, optional group. Anything else is not trusted into
// the Dockerfile's USER line.
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/
const BUILD_LOG_LINES_IN_MESSAGE = 30

export function baseUserOrDefault(user: string): string {
  if (user === '' || /^(root|0+)(:|$)/.test(user)) return Contract.defaultUser
  if (!USER.test(user)) {
    throw new Error(`The base image's user "${user}" is not a user name docker accepts`)
  }
  return user
}

/** name:tag from the repository name and a digest of every build input. */
export function defaultTag(hash: string, repository = process.env.GITHUB_REPOSITORY): string {
  return `${defaultTagName(repository)}:${hash.slice(0, 16)}`
}

/** OCI labels from the GitHub context; the user's labels win on the same key. */
export function imageLabels(inputs: Inputs, env: NodeJS.ProcessEnv = process.env): KeyValue[] {
  const labels = new Map<string, string>()
  if (env.GITHUB_REPOSITORY) {
    labels.set(
      'org.opencontainers.image.source',
      `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`,
    )
  }
  if (env.GITHUB_SHA) labels.set('org.opencontainers.image.revision', env.GITHUB_SHA)
  labels.set('org.opencontainers.image.base.name', inputs.baseImage)
  for (const { key, value } of inputs.labels) labels.set(key, value)
  return [...labels].map(([key, value]) => ({ key, value }))
}

function pipIndexes(inputs: Inputs): PipIndexes {
  return { indexUrl: inputs.pipIndexUrl, extraIndexUrls: inputs.pipExtraIndexUrls }
}

function pipConfigMode(inputs: Inputs, builder: Builder | undefined): PipConfigMode {
  if (!inputs.requirements || !hasPipIndexes(pipIndexes(inputs))) return 'none'
  return builder === 'legacy' ? 'build-args' : 'secret'
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url)
  parsed.username = ''
  parsed.password = ''
  return parsed.toString()
}

function publicIndexes(inputs: Inputs): string[] {
  const urls = [inputs.pipIndexUrl, ...inputs.pipExtraIndexUrls]
  return urls.filter((url): url is string => Boolean(url)).map(withoutCredentials)
}

/** The staged requirements folder and the top file in it, for the digests. */
function stagedRequirements(
  inputs: Inputs,
  contexts: StagedContexts,
): StagedRequirements | undefined {
  if (!inputs.requirementFiles) return undefined
  const folder = path.join(contexts.dependencies, ContextPath.requirements)
  return { folder, file: inputs.requirementFiles.top }
}

async function computeTags(
  inputs: Inputs,
  labels: KeyValue[],
  requirements: StagedRequirements | undefined,
): Promise<string[]> {
  if (inputs.tags.length > 0) return inputs.tags
  // Checked before the digest reads every file: a name docker refuses fails here, not later.
  const name = defaultTagName(process.env.GITHUB_REPOSITORY)
  const hash = await contentHash(
    {
      baseImage: inputs.baseImage,
      aptPackages: inputs.aptPackages,
      entryScript: inputs.entryScript ?? null,
      env: inputs.env,
      labels,
      pipIndexes: publicIndexes(inputs),
      requirementsFile: requirements?.file ?? null,
    },
    {},
    {
      requirements: requirements && wholeTreeSnapshot(requirements.folder),
      code: inputs.codeSnapshot,
      model: inputs.modelSnapshot,
    },
  )
  return [`${name}:${hash.slice(0, 16)}`]
}

function workRoot(): string {
  return process.env.RUNNER_TEMP || os.tmpdir()
}

/** Runs one docker build with its log folded and relayed inert; fails with the log's end. */
async function buildImage(
  docker: DockerClient,
  title: string,
  request: Omit<BuildRequest, 'iidFile'>,
  workDir: string,
): Promise<string> {
  const iidFile = path.join(workDir, `${path.basename(request.dockerfile)}.iid`)
  const recent: string[] = []
  const build = await core.group(title, async () => {
    const relay = startRelay()
    try {
      return await docker.build({ ...request, iidFile }, (line) => {
        relay.line(line)
        recent.push(line)
        if (recent.length > BUILD_LOG_LINES_IN_MESSAGE) recent.shift()
      })
    } finally {
      relay.end()
    }
  })
  if (build.exitCode !== 0) throw buildFailure(title, build, recent)
  return fs.readFileSync(iidFile, 'utf8').trim()
}

/** Builds the dependencies image; pip indexes go in as a secret or build args, never ENV. */
async function buildDependencies(
  docker: DockerClient,
  inputs: Inputs,
  plan: DockerfilePlan,
  builder: Builder,
  key: string,
  workDir: string,
  context: string,
): Promise<string> {
  const dockerfile = path.join(workDir, 'dependencies.Dockerfile')
  fs.writeFileSync(dockerfile, renderDependenciesDockerfile(plan))
  const secretsDir = path.join(workDir, 'secrets')
  const secrets: { id: string; file: string }[] = []
  if (plan.pipConfig === 'secret') {
    fs.mkdirSync(secretsDir, { mode: 0o700 })
    const file = path.join(secretsDir, PIP_CONFIG_SECRET_ID)
    fs.writeFileSync(file, renderPipConf(pipIndexes(inputs)), { mode: 0o600 })
    secrets.push({ id: PIP_CONFIG_SECRET_ID, file })
  }
  try {
    return await buildImage(
      docker,
      'Build the dependencies (apt, pip)',
      {
        builder,
        dockerfile,
        context,
        tags: [dependenciesTag(key)],
        network: inputs.network,
        secrets,
        buildArgs: plan.pipConfig === 'build-args' ? pipBuildArgs(pipIndexes(inputs)) : [],
      },
      workDir,
    )
  } finally {
    fs.rmSync(secretsDir, { recursive: true, force: true })
  }
}

export async function runPipeline(
  inputs: Inputs,
  docker: DockerClient,
  registry: CleanupRegistry,
  imageCache?: ImageCache,
): Promise<PipelineResult> {
  const workDir = fs.mkdtempSync(path.join(workRoot(), 'extend-azureml-image-'))
  registry.addDirectory(workDir)
  const dockerfile = path.join(workDir, 'Dockerfile')

  const prepared = await core.group('Prepare', async () => {
    const labels = imageLabels(inputs)
    // Staged first: the digests cover the staged requirements (every file their lines name).
    const contexts = stageContexts(workDir, inputs)
    const requirements = stagedRequirements(inputs, contexts)
    // The docker checks, the base image lookup and the input digest do not wait on each other.
    const [engine, builder, baseInDaemon, tags] = await Promise.all([
      inputs.build ? docker.serverVersion() : undefined,
      inputs.build ? docker.builder() : undefined,
      inputs.build ? docker.localImage(inputs.baseImage) : undefined,
      computeTags(inputs, labels, requirements),
    ])
    if (engine !== undefined && builder !== undefined) {
      printInert(`Docker engine ${engine}`)
      core.info(`Builder: ${builder === 'buildkit' ? 'BuildKit' : 'legacy builder'}`)
    }
    // Refused whatever the daemon holds, so the same inputs never pass on one runner and fail
    // on the next.
    if (pipConfigMode(inputs, builder) === 'build-args') pipBuildArgs(pipIndexes(inputs))
    for (const line of snapshotLog(inputs.codeSnapshot, inputs.modelSnapshot)) core.info(line)
    const plan: DockerfilePlan = {
      baseImage: inputs.baseImage,
      user: Contract.defaultUser, // settled below, once the base image (or its cache) is known
      aptPackages: inputs.aptPackages,
      requirements: inputs.requirements !== undefined,
      requirementsFile: inputs.requirementFiles?.top,
      pipConfig: pipConfigMode(inputs, builder),
      model: inputs.modelDir !== undefined,
      code: inputs.codeDir !== undefined,
      entryScript: inputs.entryScript,
      env: inputs.env,
      labels,
    }
    return { builder, baseInDaemon, tags, contexts, plan, requirements }
  })
  const { builder, plan, contexts, requirements } = prepared

  const result: PipelineResult = {
    dockerfile,
    context: workDir,
    built: false,
    tags: prepared.tags,
    builder,
    baseUser: plan.user,
    timings: {},
    smokeTest: 'skipped',
    copies: {
      code: inputs.codeSnapshot && snapshotReport(inputs.codeSnapshot),
      model: inputs.modelSnapshot && snapshotReport(inputs.modelSnapshot),
    },
  }

  const writeStandalone = (): void => {
    const text = renderDockerfile({ ...plan, sources: STANDALONE_SOURCES })
    fs.writeFileSync(dockerfile, text)
    // Env and label values are printed as given: inert, for they may be a pull request's.
    core.startGroup('Dockerfile')
    printInert(text)
    core.endGroup()
  }

  if (!inputs.build || builder === undefined) {
    plan.user = await docker
      .imageUser(inputs.baseImage)
      .then(baseUserOrDefault)
      .catch((error: Error) => {
        core.warning(
          `Could not read the base image's user (${error.message}); using ${Contract.defaultUser}`,
        )
        return Contract.defaultUser
      })
    result.baseUser = plan.user
    writeStandalone()
    registry.keepDirectory(workDir)
    return result
  }

  const base = await localBase(docker, inputs.baseImage, prepared.baseInDaemon)
  plan.user = baseUserOrDefault(base.user)
  // A default tag is a digest of every input: the daemon may hold this very build under it
  // already. Looked up while the dependencies are found.
  const underTag =
    inputs.tags.length === 0
      ? docker.localImage(prepared.tags[0]).catch(() => undefined)
      : Promise.resolve(undefined)
  let from = inputs.baseImage
  // What FROM starts from; only an image found, not one built now, may have earlier builds on it.
  let fromImage: LocalImage | undefined = base
  let fromId = base.id
  let builtKey: string | undefined
  if (hasDependencies(plan)) {
    const started = Date.now()
    const key = await dependenciesKey(base, {
      aptPackages: inputs.aptPackages,
      requirements,
      pipIndexes: publicIndexes(inputs),
      pipConfig: plan.pipConfig,
    })
    from = dependenciesTag(key)
    const found = await findDependencies(docker, imageCache, key, base)
    if (found) {
      core.info(
        `Dependencies: ${from}, ${found.source === 'daemon' ? 'already in the daemon' : 'restored from the cache'}`,
      )
      fromId = found.image.id
    } else {
      fromId = await buildDependencies(
        docker,
        inputs,
        plan,
        builder,
        key,
        workDir,
        contexts.dependencies,
      )
      builtKey = key
    }
    fromImage = found?.image
    result.dependencies = { source: found?.source ?? 'built', image: from }
    result.timings.dependenciesMs = Date.now() - started
  }
  result.baseUser = plan.user
  printInert(`Base image user: ${plan.user}`)
  writeStandalone()

  // Freshly built dependencies are archived while the application is built and tested; they
  // reach the cache only if that image passes.
  // Without a cache service (a local run, a runner without one) there is nothing to save to:
  // no `docker save` either.
  const stopArchiving = new AbortController()
  const archiving =
    builtKey && imageCache && (await imageCache.available())
      ? archiveDependencies(docker, builtKey, base, stopArchiving.signal)
      : undefined
  try {
    const application = applicationRecipe(plan, from, fromId)
    const previous = await underTag
    // Pending until the smoke test passes, whether built now or found.
    registry.addTags(prepared.tags)
    let image: Promise<LocalImage | undefined>
    if (fromImage && isSameBuild(previous, application.digest, fromImage)) {
      printInert(
        `${prepared.tags[0]} already holds this build (${previous.id}): the same inputs and recipe, on ${from}. Nothing to build.`,
      )
      result.imageId = previous.id
      result.reused = true
      image = Promise.resolve(previous)
    } else {
      const applicationDockerfile = path.join(workDir, 'application.Dockerfile')
      fs.writeFileSync(applicationDockerfile, application.text)
      const buildStarted = Date.now()
      result.imageId = await buildImage(
        docker,
        `Build ${prepared.tags[0]}`,
        {
          builder,
          dockerfile: applicationDockerfile,
          context: contexts.application,
          tags: prepared.tags,
          secrets: [],
          buildArgs: [],
        },
        workDir,
      )
      result.timings.buildMs = Date.now() - buildStarted
      printInert(`Built ${result.imageId} as ${prepared.tags.join(', ')}`)
      // Only for the summary's sizes: asked while the smoke test runs.
      image = docker.localImage(result.imageId).catch(() => undefined)
    }
    result.built = true

    if (inputs.smokeTest) {
      const started = Date.now()
      result.score = await smokeTest(docker, registry, {
        image: result.imageId,
        containerPort: inputs.containerPort,
        startupTimeoutSeconds: inputs.startupTimeoutSeconds,
        cases: inputs.scoringCases,
        scoreRequests: inputs.scoreRequests,
      })
      result.timings.smokeTestMs = Date.now() - started
      result.smokeTest = 'passed'
    }

    const inspected = await image
    if (inspected) {
      result.sizes = {
        imageBytes: inspected.sizeBytes,
        baseBytes: base.sizeBytes,
        layersAdded: inspected.layers.length - base.layers.length,
      }
    }

    if (inputs.push) {
      // Only reached after a passing smoke test (inputs refuse push without one). The image
      // is good whatever the registry does, so its local tags stay even if the push fails.
      registry.keepTags()
      const started = Date.now()
      result.pushed = await pushTags(docker, prepared.tags)
      result.timings.pushMs = Date.now() - started
    }

    if (archiving) core.info('Waiting for the archive of the dependencies (docker save) to end')
    const archive = await archiving
    if (archive && builtKey && imageCache && result.dependencies) {
      const key = builtKey
      const bytes = await core.group('Save the dependencies to the cache', () =>
        uploadDependencies(imageCache, key, archive),
      )
      if (bytes !== undefined) {
        result.dependencies.cacheSavedBytes = bytes
        core.info(`Saved ${(bytes / 1024 / 1024).toFixed(1)} MiB`)
      }
    }
  } finally {
    if (archiving && builtKey) {
      // After a failure the archive is not wanted: stop `docker save` (minutes for a
      // multi-GB base) instead of waiting for it. After a pass it has ended already.
      stopArchiving.abort()
      await archiving
      discardArchive(builtKey)
    }
  }
  registry.keepTags()
  registry.keepDirectory(workDir)
  return result
}
