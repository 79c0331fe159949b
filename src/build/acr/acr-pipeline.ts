// The pipeline with `builder: acr`: the image is built in an Azure container registry by ACR
// Tasks from one multi-stage Dockerfile, under a candidate tag; pulled into the local engine
// and smoke-tested there as usual; and only then given the requested tags, inside the registry.
// Without a local engine it is built and not tested: then nothing is promoted.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { DockerClient } from '../../docker/docker.js'
import { snapshotLog } from '../../inputs/code-snapshot.js'
import type { Inputs } from '../../inputs/inputs.js'
import type { AcrTarget } from '../../inputs/acr-inputs.js'
import { initialResult, type PipelineResult } from '../../pipeline-result.js'
import { stageContexts, stagedRequirements, STANDALONE_SOURCES } from '../../plan/build-context.js'
import { imageTags } from '../../plan/default-tag.js'
import { renderMultiStageDockerfile, type DockerfilePlan } from '../../plan/dockerfile.js'
import { pipBuildArgs, pipConfigMode, pipIndexesOf } from '../../plan/pip-config.js'
import { baseUserOrDefault, imageLabels, makePlan } from '../../plan/plan.js'
import { decideReach } from '../../smoke-test/reach.js'
import { smokeTest } from '../../smoke-test/smoke-test.js'
import { smokeTestRequest } from '../../smoke-test/smoke-test-request.js'
import { Contract, Input } from '../../step/constants.js'
import { printInert, showFolded } from '../../step/inert-log.js'
import type { Leftovers } from '../../step/leftovers.js'
import { tempRoot } from '../../step/temp-root.js'
import { errorMessage } from '../../step/text.js'
import { buildInRegistry } from './acr-run.js'
import { AzCli, type AzClient } from './az.js'
import { candidateTag, discardCandidate, promote } from './candidate.js'

interface AcrPrepared {
  plan: DockerfilePlan
  tags: string[]
  /** Whether a Docker engine answers here: only then can the candidate be smoke-tested. */
  engine: boolean
}

export async function runAcrPipeline(
  inputs: Inputs & { acr: AcrTarget },
  docker: DockerClient,
  leftovers: Leftovers,
  az: AzClient = new AzCli(inputs.acr),
): Promise<PipelineResult> {
  const workDir = fs.mkdtempSync(path.join(tempRoot(), 'extend-azureml-image-'))
  leftovers.addDirectory(workDir)
  const { plan, tags, engine } = await prepareAcr(inputs, docker, workDir)
  const dockerfile = path.join(workDir, 'Dockerfile')
  const result = initialResult(inputs, workDir, tags, 'acr', plan.user)
  fs.writeFileSync(dockerfile, renderMultiStageDockerfile({ ...plan, sources: STANDALONE_SOURCES }))
  // One file, two stages (dependencies, application): what ACR builds, and the dockerfile output.
  await showFolded('Dockerfile', fs.readFileSync(dockerfile, 'utf8'))
  if (!inputs.build) {
    leftovers.keepDirectory(workDir)
    return result
  }
  const loginServer = await az.loginServer()
  const candidate = candidateTag(tags[0])
  const registry = inputs.acr.name
  leftovers.addRegistryCandidate(
    { registry, resourceGroup: inputs.acr.resourceGroup, image: candidate },
    (left) => az.stop().then(() => discardCandidate(az, left)),
  )
  const started = Date.now()
  const runId = await buildInRegistry(az, {
    registry,
    request: {
      image: candidate,
      file: dockerfile,
      context: workDir,
      buildArgs: plan.pipConfig === 'build-args' ? pipBuildArgs(pipIndexesOf(inputs)) : [],
    },
    onRunId: (id) => leftovers.updateRegistryCandidate(candidate, id),
  })
  leftovers.updateRegistryCandidate(candidate, undefined) // the run has ended
  result.timings.buildMs = Date.now() - started
  result.acr = { registry, loginServer, runId }
  const candidateReference = `${loginServer}/${candidate}`
  printInert(`Built ${candidateReference} in ACR (run ${runId})`)
  if (inputs.smokeTest && !engine) {
    core.warning(
      `${candidateReference} was built in ACR (run ${runId}) but not tested: there is no Docker engine here to run it. It is not given the requested tags (${tags.join(', ')}), and is deleted.`,
    )
    await leftovers.discardRegistryCandidate(candidate)
    leftovers.keepDirectory(workDir)
    return result
  }
  if (inputs.smokeTest) await testCandidate(inputs, docker, leftovers, candidateReference, result)
  await core.group(`Tag ${tags.join(', ')} in ${registry}`, () =>
    promote(az, loginServer, candidate, tags),
  )
  leftovers.forgetRegistryCandidate(candidate)
  Object.assign(result, { hasImage: true, tags: tags.map((tag) => `${loginServer}/${tag}`) })
  leftovers.keepDirectory(workDir)
  return result
}

/** Pulls the candidate into the local engine, smoke-tests it, and removes the local copy. */
async function testCandidate(
  inputs: Inputs,
  docker: DockerClient,
  leftovers: Leftovers,
  reference: string,
  result: PipelineResult,
): Promise<void> {
  // The engine that tests it may be remote or this job's own: reached there, cleaned up there.
  const engine = await docker.engine()
  leftovers.useEngine(engine)
  leftovers.addPendingTags([reference]) // the local copy goes, whatever happens
  await docker.pullIfMissingAndReadUser(reference).catch((error: unknown) => {
    throw new Error(
      `Pulling the candidate ${reference} to smoke-test it failed: ${errorMessage(error)}. Log docker in to the registry before this step (az acr login --name ${inputs.acr?.name ?? ''})`,
      { cause: error },
    )
  })
  const local = await docker.localImage(reference)
  if (!local) throw new Error(`${reference} is not in the local engine after pulling it`)
  const started = Date.now()
  const request = {
    ...smokeTestRequest(inputs, local.id, result.context),
    reach: await decideReach(docker, engine),
  }
  result.smokeTestResult = await smokeTest(docker, leftovers, request)
  Object.assign(result, { smokeTest: 'passed', imageId: local.id })
  result.timings.smokeTestMs = Date.now() - started
  await docker.untag([reference])
  leftovers.commitPendingTags()
}

/** Prepare, for ACR: the contexts staged, the tags, whether an engine answers, the base user. */
async function prepareAcr(
  inputs: Inputs,
  docker: DockerClient,
  workDir: string,
): Promise<AcrPrepared> {
  return core.group('Prepare', async () => {
    const labels = imageLabels(inputs)
    const contexts = stageContexts(workDir, inputs)
    const requirements = stagedRequirements(inputs, contexts)
    const [engine, tags] = await Promise.all([
      docker.serverVersion().then(
        (version) => version,
        () => undefined,
      ),
      imageTags(inputs, labels, requirements),
    ])
    if (engine === undefined && inputs.build && inputs.smokeTestRequired) {
      throw new Error(
        `Input '${Input.SmokeTest}': true, and no Docker engine answers here to run the image built in ACR: it cannot be tested. Run the step where an engine answers, or leave '${Input.SmokeTest}' unset (the image is then built, not tested, and not given the tags)`,
      )
    }
    printInert(engine === undefined ? 'No Docker engine here' : `Docker engine ${engine}`)
    const user = engine === undefined ? noEngineUser() : await baseUser(docker, inputs.baseImage)
    // ACR's build takes values as build arguments only: index URLs without credentials (inputs
    // refused any with), passed as the legacy builder gets them.
    const pipConfig = pipConfigMode(inputs, 'legacy')
    for (const line of snapshotLog(inputs.codeSnapshot, inputs.modelSnapshot)) core.info(line)
    return {
      plan: makePlan(inputs, { user, pipConfig, labels }),
      tags,
      engine: engine !== undefined,
    }
  })
}

/** The base image's own user, read from the local engine (which pulls it when missing). */
async function baseUser(docker: DockerClient, baseImage: string): Promise<string> {
  return baseUserOrDefault(await docker.pullIfMissingAndReadUser(baseImage))
}

function noEngineUser(): string {
  core.warning(
    `No Docker engine here to read the base image's user: the Dockerfile switches back to ${Contract.defaultUser}, the user of Azure ML's prebuilt images`,
  )
  return Contract.defaultUser
}
