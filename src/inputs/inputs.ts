// Reads and validates every input before anything is built. Each error names the input and the
// rule it broke; inner modules only ever see an Inputs value that already passed these checks.
import * as core from '@actions/core'
import * as path from 'node:path'
import {
  acrTarget,
  checkAcrInputs,
  parseBuilder,
  repositoryTag,
  type AcrTarget,
} from './acr-inputs.js'
import { parseAptPackage } from './apt-packages.js'
import {
  checkEntryScriptCopied,
  codeSnapshot,
  copiedFiles,
  wholeTreeSnapshot,
  type TreeSnapshot,
} from './code-snapshot.js'
import { CONTRACT_ENV_KEYS, Input } from '../step/constants.js'
import { parseExpected, type ExpectedResponse } from '../smoke-test/expected-response.js'
import { startupBudget } from '../smoke-test/probe-budget.js'
import { readDeployment, type DeploymentSettings } from './deployment-file.js'
import { deploymentResources, deploymentWarnings } from './deployment-warnings.js'
import { dynamicInstallWarnings } from './dynamic-installs.js'
import { parseKeyValueLines, splitList, type KeyValue } from './parse.js'
import { parseReference, REFERENCE_RULE } from '../docker/reference.js'
import { parseCpus, parseGpus, parseMemory } from './resources.js'
import type { DeploymentResources } from '../smoke-test/container-resources.js'
import { collectRequirements, type RequirementFiles } from './requirements-files.js'
import { scoringCases, type ScoringCase } from './scoring-cases.js'
import { checkDirectory, checkNamesUtf8, isInside, resolveInWorkspace } from './workspace-paths.js'

export interface Inputs {
  workspace: string
  baseImage: string
  aptPackages: string[]
  requirements?: string
  /** The requirements file and what its lines name: what the dependencies build stages. */
  requirementFiles?: RequirementFiles
  codeDir?: string
  /** Entry script relative to codeDir, with forward slashes. */
  entryScript?: string
  modelDir?: string
  /** What of codeDir the image gets (no .git, no model-dir, nothing its ignore file leaves out). */
  codeSnapshot?: TreeSnapshot
  /** What of modelDir the image gets (all but .git). */
  modelSnapshot?: TreeSnapshot
  env: KeyValue[]
  tags: string[]
  labels: KeyValue[]
  build: boolean
  network?: string
  pipIndexUrl?: string
  pipExtraIndexUrls: string[]
  smokeTest: boolean
  /** The requests the smoke test sends, each with what it must answer. */
  scoringCases: ScoringCase[]
  /** Extra timed POST /score calls after the cases passed (0: none). */
  scoreRequests: number
  /** startup-timeout, else the deployment's probe budget, else 300 s. */
  startupTimeoutSeconds: number
  /** startup-timeout was given (it then wins over the deployment's budget). */
  startupTimeoutGiven: boolean
  /** The `deployment` file: how the container runs on Azure ML. */
  deployment?: DeploymentSettings
  containerPort: number
  /** The smoke-test container's memory limit (swap included), from the memory input. */
  memoryBytes?: number
  /** The smoke-test container's CPUs, from the cpus input (capped at the engine's count). */
  cpus?: number
  /** docker's --gpus value for the smoke-test container. */
  gpus?: string
  /** The deployment's instance size; the memory and cpus inputs win over it. */
  deploymentResources?: DeploymentResources
  cache: boolean
  /** Push every tag once the smoke test passed. */
  push: boolean
  /** Set with `builder: acr`: the registry whose ACR Tasks build the image. */
  acr?: AcrTarget
  /** `smoke-test: true` given explicitly (not the default): then an untestable image fails. */
  smokeTestRequired: boolean
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const LABEL_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/
const NETWORK = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
/** Enough for a stable p95; the probe runs inside a pull request check. */
const MAX_SCORE_REQUESTS = 1000

function text(name: Input): string {
  return core.getInput(name)
}

function optionalText(name: Input): string | undefined {
  const value = text(name)
  return value === '' ? undefined : value
}

function booleanInput(name: Input, fallback: boolean): boolean {
  const value = text(name).toLowerCase()
  if (value === '') return fallback
  if (['true', 'yes', '1'].includes(value)) return true
  if (['false', 'no', '0'].includes(value)) return false
  throw new Error(`Input '${name}' must be true or false, got "${text(name)}"`)
}

/**
 * Only an image that was built and passed its smoke test may be pushed, and only to a tag the
 * user chose: the default tag names no registry host, so docker would send it to Docker Hub,
 * and only after the whole build and test.
 */
function checkPush(push: boolean, build: boolean, smokeTest: boolean, tags: string[]): boolean {
  if (push && tags.length === 0) {
    throw new Error(
      `Input '${Input.Push}': true needs '${Input.Tags}' with the registry to push to (e.g. ghcr.io/owner/model:1); the default tag names no registry host, so docker would push it to Docker Hub`,
    )
  }
  if (push && !build) {
    throw new Error(
      `Input '${Input.Push}': true needs '${Input.Build}: true' (only an image that was built and passed its smoke test is pushed)`,
    )
  }
  if (push && !smokeTest) {
    throw new Error(
      `Input '${Input.Push}': true needs '${Input.SmokeTest}: true' (only an image that passed its smoke test is pushed)`,
    )
  }
  return push
}

function integerInput(name: Input, fallback: number, min: number, max: number): number {
  const raw = text(name)
  if (raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new Error(`Input '${name}' must be a whole number from ${min} to ${max}, got "${raw}"`)
  }
  return Number(raw)
}

/** @internal (exported for its unit tests) */
export function checkAptPackage(entry: string): string {
  parseAptPackage(entry)
  return entry
}

function checkImageReference(name: Input, value: string): string {
  if (parseReference(value) === undefined) {
    throw new Error(`Input '${name}': "${value}" is not ${REFERENCE_RULE}`)
  }
  return value
}

function checkTag(value: string): string {
  const reference = parseReference(value)
  if (reference === undefined || reference.digest !== undefined) {
    throw new Error(
      `Input '${Input.Tags}': "${value}" is not a tag reference (name[:tag], no @digest)`,
    )
  }
  return value
}

/** @internal (exported for its unit tests) */
export function checkEnv(pairs: KeyValue[], allowContractKeys: boolean): KeyValue[] {
  for (const { key } of pairs) {
    if (!ENV_KEY.test(key)) {
      throw new Error(`Input '${Input.Env}': key "${key}" must match ${ENV_KEY.source}`)
    }
    if (!allowContractKeys && (CONTRACT_ENV_KEYS as readonly string[]).includes(key)) {
      throw new Error(
        `Input '${Input.Env}': ${key} is set by the action from the serving contract; set '${Input.OverrideContractEnv}: true' to override it`,
      )
    }
  }
  return pairs
}

// The action's own labels (the container label, the recipe digest that decides reuse).
const RESERVED_LABEL_PREFIX = 'io.extend-azureml-image.'

/** @internal (exported for its unit tests) */
export function checkLabels(pairs: KeyValue[]): KeyValue[] {
  for (const { key } of pairs) {
    if (!LABEL_KEY.test(key)) {
      throw new Error(`Input '${Input.Labels}': key "${key}" must match ${LABEL_KEY.source}`)
    }
    if (key.startsWith(RESERVED_LABEL_PREFIX)) {
      throw new Error(
        `Input '${Input.Labels}': key "${key}" is reserved: the action sets the ${RESERVED_LABEL_PREFIX}* labels itself`,
      )
    }
  }
  return pairs
}

/** Index URLs may carry credentials: masked first, and never echoed in an error. */
function pipIndexUrl(name: Input, value: string): string {
  core.setSecret(value)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`Input '${name}' must be an http(s) URL (value hidden: it may hold a token)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Input '${name}' must be an http(s) URL (value hidden: it may hold a token)`)
  }
  for (const [part, what] of [
    [url.username, 'user name'],
    [url.password, 'password'],
  ]) {
    if (part === '') continue
    core.setSecret(part)
    let decoded: string
    try {
      decoded = decodeURIComponent(part)
    } catch {
      throw new Error(
        `Input '${name}': the ${what} in the URL must be percent-encoded: each '%' followed by two hex digits (a literal '%' is %25), and the bytes UTF-8 (value hidden: it may hold a token)`,
      )
    }
    core.setSecret(decoded)
  }
  return value
}

function parseExpectedResponse(raw: string): ExpectedResponse {
  try {
    return parseExpected(raw)
  } catch (error) {
    const regex = raw.length >= 2 && raw.startsWith('/') && raw.endsWith('/')
    throw new Error(
      regex
        ? `Input '${Input.ExpectedResponse}': ${(error as Error).message}`
        : `Input '${Input.ExpectedResponse}' must be JSON or a /regex/, got "${raw}"`,
      { cause: error },
    )
  }
}

function entryScript(codeDir: string | undefined, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  // It becomes an ENV value and a path in the server's argv: a line break has no place there.
  if (/\p{Cc}/u.test(raw)) {
    throw new Error(
      `Input '${Input.EntryScript}': ${JSON.stringify(raw)} must not contain line breaks or control characters`,
    )
  }
  if (codeDir === undefined) {
    throw new Error(`Input '${Input.EntryScript}' needs '${Input.CodeDir}'`)
  }
  const file = path.resolve(codeDir, raw)
  const relative = path.relative(codeDir, file)
  if (!isInside(codeDir, file) || !relative.endsWith('.py')) {
    throw new Error(
      `Input '${Input.EntryScript}': "${raw}" must be a .py file inside '${Input.CodeDir}'`,
    )
  }
  resolveInWorkspace(codeDir, Input.EntryScript, relative, 'file')
  return relative.split(path.sep).join('/')
}

/** The requirements file, and the files its lines name (refused when they leave the workspace). */
function requirementsInput(
  workspace: string,
  raw: string | undefined,
): Pick<Inputs, 'requirements' | 'requirementFiles'> {
  if (raw === undefined) return {}
  const requirements = resolveInWorkspace(workspace, Input.Requirements, raw.trim(), 'file')
  return { requirements, requirementFiles: collectRequirements(workspace, requirements) }
}

/** The deployment file, its warnings said now (before anything is built). */
function deploymentInput(
  workspace: string,
  raw: string | undefined,
  baked: Parameters<typeof deploymentWarnings>[1],
): Pick<Inputs, 'deployment' | 'deploymentResources'> {
  if (raw === undefined) return {}
  const deployment = readDeployment(workspace, raw)
  for (const warning of deploymentWarnings(deployment, baked)) core.warning(warning)
  return { deployment, deploymentResources: deploymentResources(deployment) }
}

/** Given: as given. Otherwise the deployment's probe budget, or 300 s. */
function startupTimeout(deployment: DeploymentSettings | undefined): number {
  const given = text(Input.StartupTimeout) !== ''
  if (given || !deployment) return integerInput(Input.StartupTimeout, 300, 1, 3600)
  return startupBudget(deployment).seconds
}

export function getInputs(): Inputs {
  // Mask first: nothing below may log an index URL before it is a secret.
  const pipIndexRaw = optionalText(Input.PipIndexUrl)
  const pipExtraRaw = splitList(text(Input.PipExtraIndexUrl))
  const pipIndex = pipIndexRaw && pipIndexUrl(Input.PipIndexUrl, pipIndexRaw)
  const pipExtra = pipExtraRaw.map((url) => pipIndexUrl(Input.PipExtraIndexUrl, url))

  const workspace = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd())
  const baseImage = text(Input.BaseImage).trim()
  if (baseImage === '') throw new Error(`Input '${Input.BaseImage}' is required`)
  checkImageReference(Input.BaseImage, baseImage)

  const requirementsRaw = optionalText(Input.Requirements)
  const codeDirRaw = optionalText(Input.CodeDir)
  const modelDirRaw = optionalText(Input.ModelDir)
  const codeDir = codeDirRaw && resolveInWorkspace(workspace, Input.CodeDir, codeDirRaw, 'dir')
  const modelDir = modelDirRaw && resolveInWorkspace(workspace, Input.ModelDir, modelDirRaw, 'dir')
  if (codeDir && codeDir === modelDir) {
    throw new Error(
      `Input '${Input.ModelDir}': "${modelDirRaw}" is the same directory as '${Input.CodeDir}'; give the model a directory of its own (a model-dir inside code-dir is left out of the code copy)`,
    )
  }
  const entry = entryScript(codeDir, optionalText(Input.EntryScript)?.trim())
  if (codeDir !== undefined && entry === undefined) {
    throw new Error(`Input '${Input.EntryScript}' is required with '${Input.CodeDir}'`)
  }
  if (codeDir) checkNamesUtf8(Input.CodeDir, codeDir)
  if (modelDir) checkNamesUtf8(Input.ModelDir, modelDir)
  const code = codeDir ? codeSnapshot(workspace, codeDir, modelDir) : undefined
  const model = modelDir ? wholeTreeSnapshot(modelDir) : undefined
  if (code && entry) checkEntryScriptCopied(code, entry)
  if (code) checkDirectory(workspace, Input.CodeDir, code.root, copiedFiles(code))
  if (model) checkDirectory(workspace, Input.ModelDir, model.root, copiedFiles(model))

  const network = optionalText(Input.Network)?.trim()
  if (network !== undefined && !NETWORK.test(network)) {
    throw new Error(`Input '${Input.Network}': "${network}" is not a docker network name`)
  }
  const expectedResponse = optionalText(Input.ExpectedResponse)
  const sample = optionalText(Input.SampleRequest)
  const cases = scoringCases(workspace, sample, {
    expectedStatus: integerInput(Input.ExpectedStatus, 200, 100, 599),
    expectedResponse:
      expectedResponse === undefined ? undefined : parseExpectedResponse(expectedResponse),
  })
  const scoreRequests = integerInput(Input.ScoreRequests, 0, 0, MAX_SCORE_REQUESTS)
  if (scoreRequests > 0 && cases.length === 0) {
    throw new Error(
      `Input '${Input.ScoreRequests}' needs '${Input.SampleRequest}' (the request to time)`,
    )
  }
  const build = booleanInput(Input.Build, true)
  const smokeTest = booleanInput(Input.SmokeTest, true)
  const acr = acrInput(pipIndex, pipExtra, network)
  const tags = splitList(text(Input.Tags))
    .map(checkTag)
    .map((tag) => (acr ? repositoryTag(acr.name, tag) : tag))
  const push = checkPush(booleanInput(Input.Push, false), build, smokeTest, tags)
  const env = checkEnv(
    parseKeyValueLines(Input.Env, text(Input.Env)),
    booleanInput(Input.OverrideContractEnv, false),
  )
  const deployment = deploymentInput(workspace, optionalText(Input.Deployment), {
    env,
    codeDir,
    modelDir,
  })
  for (const warning of dynamicInstallWarnings(env, deployment.deployment)) core.warning(warning)

  return {
    workspace,
    baseImage,
    aptPackages: splitList(text(Input.AptPackages)).map(checkAptPackage),
    ...requirementsInput(workspace, requirementsRaw),
    codeDir,
    entryScript: entry,
    modelDir,
    codeSnapshot: code,
    modelSnapshot: model,
    env,
    tags,
    labels: checkLabels(parseKeyValueLines(Input.Labels, text(Input.Labels))),
    build,
    network,
    pipIndexUrl: pipIndex,
    pipExtraIndexUrls: pipExtra,
    smokeTest,
    scoringCases: cases,
    scoreRequests,
    startupTimeoutSeconds: startupTimeout(deployment.deployment),
    startupTimeoutGiven: text(Input.StartupTimeout) !== '',
    ...deployment,
    containerPort: integerInput(Input.ContainerPort, 5001, 1, 65535),
    memoryBytes: parseMemory(text(Input.Memory)),
    cpus: parseCpus(text(Input.Cpus)),
    gpus: parseGpus(text(Input.Gpus)),
    cache: booleanInput(Input.Cache, true),
    push,
    acr,
    // action.yml gives smoke-test no default, so an empty value is the user's silence.
    smokeTestRequired: smokeTest && text(Input.SmokeTest) !== '',
  }
}

/** `builder: acr` and its registry, checked with the rules it sets for other inputs. */
function acrInput(
  pipIndex: string | undefined,
  pipExtra: string[],
  network: string | undefined,
): AcrTarget | undefined {
  if (parseBuilder(text(Input.Builder)) !== 'acr') {
    for (const name of [Input.AcrName, Input.AcrResourceGroup]) {
      if (optionalText(name) !== undefined) {
        throw new Error(`Input '${name}' needs '${Input.Builder}: acr'`)
      }
    }
    return undefined
  }
  const target = acrTarget(optionalText(Input.AcrName), optionalText(Input.AcrResourceGroup))
  checkAcrInputs({
    push: booleanInput(Input.Push, false),
    network,
    pipIndexUrls: [...(pipIndex ? [pipIndex] : []), ...pipExtra],
  })
  return target
}
