// The whole job of the main step: plan the image from validated inputs, write the Dockerfile and
// context, build, smoke-test. It returns what later steps may use, and on any failure leaves
// nothing behind: no container, no tag of an image that did not pass, no temp dir.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { stageContext } from './build-context.js'
import type { CleanupRegistry } from './cleanup-registry.js'
import { contentHash } from './content-hash.js'
import type { Builder } from './docker-args.js'
import type { DockerClient } from './docker.js'
import { PIP_CONFIG_SECRET_ID, renderDockerfile, type PipConfigMode } from './dockerfile.js'
import type { Inputs } from './inputs.js'
import { startRelay } from './log.js'
import type { KeyValue } from './parse.js'
import { hasPipIndexes, pipBuildArgs, renderPipConf } from './pip-config.js'
import { smokeTest, type SmokeTestResult } from './smoke-test.js'
import { Contract } from './constants.js'

export interface PipelineResult {
  dockerfile: string
  context: string
  built: boolean
  tags: string[]
  imageId?: string
  builder?: Builder
  baseUser: string
  timings: { buildMs?: number; smokeTestMs?: number }
  smokeTest: 'passed' | 'skipped'
  score?: SmokeTestResult
}

// A user as docker prints it: name or uid, optional group. Anything else is not trusted into
// the Dockerfile's USER line.
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/

function baseUserOrDefault(user: string): string {
  if (
    user === '' ||
    user === 'root' ||
    user === '0' ||
    user.startsWith('root:') ||
    user.startsWith('0:')
  ) {
    return Contract.defaultUser
  }
  if (!USER.test(user))
    throw new Error(`The base image's user "${user}" is not a user name docker accepts`)
  return user
}

/** name:tag from the repository name and a digest of every build input. */
export function defaultTag(hash: string, repository = process.env.GITHUB_REPOSITORY): string {
  const repo = repository
    ?.split('/')
    .pop()
    ?.toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
  return `${repo || 'extend-azureml-image'}:${hash.slice(0, 16)}`
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

function pipConfigMode(inputs: Inputs, builder: Builder | undefined): PipConfigMode {
  if (!inputs.requirements || !hasPipIndexes(pipIndexes(inputs))) return 'none'
  return builder === 'legacy' ? 'build-args' : 'secret'
}

function pipIndexes(inputs: Inputs) {
  return { indexUrl: inputs.pipIndexUrl, extraIndexUrls: inputs.pipExtraIndexUrls }
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url)
  parsed.username = ''
  parsed.password = ''
  return parsed.toString()
}

async function computeTags(inputs: Inputs, labels: KeyValue[]): Promise<string[]> {
  if (inputs.tags.length > 0) return inputs.tags
  const hash = await contentHash(
    {
      baseImage: inputs.baseImage,
      aptPackages: inputs.aptPackages,
      entryScript: inputs.entryScript ?? null,
      env: inputs.env,
      labels,
      pipIndexes: [inputs.pipIndexUrl, ...inputs.pipExtraIndexUrls]
        .filter(Boolean)
        .map((url) => withoutCredentials(url as string)),
    },
    { requirements: inputs.requirements },
    { code: inputs.codeDir, model: inputs.modelDir },
  )
  return [defaultTag(hash)]
}

const BUILD_LOG_LINES_IN_MESSAGE = 30

function workRoot(): string {
  return process.env.RUNNER_TEMP || os.tmpdir()
}

export async function runPipeline(
  inputs: Inputs,
  docker: DockerClient,
  registry: CleanupRegistry,
): Promise<PipelineResult> {
  const workDir = fs.mkdtempSync(path.join(workRoot(), 'extend-azureml-image-'))
  registry.addDirectory(workDir)
  const context = path.join(workDir, 'context')
  const dockerfile = path.join(workDir, 'Dockerfile')
  const secretsDir = path.join(workDir, 'secrets')

  const prepared = await core.group('Prepare', async () => {
    let builder: Builder | undefined
    let baseUser: string
    if (inputs.build) {
      core.info(`Docker engine ${await docker.serverVersion()}`)
      builder = await docker.builder()
      core.info(`Builder: ${builder === 'buildkit' ? 'BuildKit' : 'legacy builder'}`)
      baseUser = baseUserOrDefault(await docker.imageUser(inputs.baseImage))
    } else {
      baseUser = await docker
        .imageUser(inputs.baseImage)
        .then(baseUserOrDefault)
        .catch((error: Error) => {
          core.warning(
            `Could not read the base image's user (${error.message}); using ${Contract.defaultUser}`,
          )
          return Contract.defaultUser
        })
    }
    core.info(`Base image user: ${baseUser}`)
    const labels = imageLabels(inputs)
    const tags = await computeTags(inputs, labels)
    fs.mkdirSync(context)
    stageContext(context, inputs)
    const text = renderDockerfile({
      baseImage: inputs.baseImage,
      user: baseUser,
      aptPackages: inputs.aptPackages,
      requirements: inputs.requirements !== undefined,
      pipConfig: pipConfigMode(inputs, builder),
      model: inputs.modelDir !== undefined,
      code: inputs.codeDir !== undefined,
      entryScript: inputs.entryScript,
      env: inputs.env,
    })
    fs.writeFileSync(dockerfile, text)
    return { builder, baseUser, labels, tags, text }
  })
  await core.group('Dockerfile', async () => core.info(prepared.text))

  const result: PipelineResult = {
    dockerfile,
    context,
    built: false,
    tags: prepared.tags,
    builder: prepared.builder,
    baseUser: prepared.baseUser,
    timings: {},
    smokeTest: 'skipped',
  }
  if (!inputs.build || prepared.builder === undefined) {
    registry.keepDirectory(workDir)
    return result
  }

  const mode = pipConfigMode(inputs, prepared.builder)
  const secrets: { id: string; file: string }[] = []
  if (mode === 'secret') {
    fs.mkdirSync(secretsDir, { mode: 0o700 })
    const file = path.join(secretsDir, PIP_CONFIG_SECRET_ID)
    fs.writeFileSync(file, renderPipConf(pipIndexes(inputs)), { mode: 0o600 })
    secrets.push({ id: PIP_CONFIG_SECRET_ID, file })
  }
  const buildArgs = mode === 'build-args' ? pipBuildArgs(pipIndexes(inputs)) : []
  const iidFile = path.join(workDir, 'iid')

  const buildStarted = Date.now()
  registry.addTags(prepared.tags)
  const recent: string[] = []
  const build = await core.group(`Build ${prepared.tags[0]}`, async () => {
    const relay = startRelay()
    try {
      return await docker.build(
        {
          builder: prepared.builder as Builder,
          dockerfile,
          context,
          iidFile,
          tags: prepared.tags,
          labels: prepared.labels,
          network: inputs.network,
          secrets,
          buildArgs,
        },
        (line) => {
          relay.line(line)
          recent.push(line)
          if (recent.length > BUILD_LOG_LINES_IN_MESSAGE) recent.shift()
        },
      )
    } finally {
      relay.end()
      fs.rmSync(secretsDir, { recursive: true, force: true })
    }
  })
  result.timings.buildMs = Date.now() - buildStarted
  if (build.exitCode !== 0) {
    throw new Error(
      `docker build failed (exit ${build.exitCode}). End of the build log:\n${recent.join('\n')}`,
    )
  }
  result.imageId = fs.readFileSync(iidFile, 'utf8').trim()
  result.built = true
  core.info(`Built ${result.imageId} as ${prepared.tags.join(', ')}`)

  if (inputs.smokeTest) {
    const started = Date.now()
    result.score = await smokeTest(docker, registry, {
      image: result.imageId as string,
      containerPort: inputs.containerPort,
      startupTimeoutSeconds: inputs.startupTimeoutSeconds,
      sampleRequest: inputs.sampleRequest,
      expectedStatus: inputs.expectedStatus,
      expectedResponse: inputs.expectedResponse,
    })
    result.timings.smokeTestMs = Date.now() - started
    result.smokeTest = 'passed'
  }
  registry.keepTags()
  registry.keepDirectory(workDir)
  return result
}
