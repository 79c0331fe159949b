// The post step: removes whatever the main step saved in its state and did not remove itself
// (it may have been killed). Idempotent, and it only ever warns.
// After a main step that ended normally only the work directory is left: then neither docker
// nor the toolkit is loaded, so the step costs little more than starting node.
import * as fs from 'node:fs'
import { State } from './step/constants.js'
import type { DockerClient } from './docker/docker.js'
import type { RegistryCandidate } from './step/leftovers.js'
import { readState, readStateEngine, readStateList } from './step/step-state.js'
import { errorMessage } from './step/text.js'

export async function cleanup(docker?: DockerClient): Promise<void> {
  try {
    const containers = readStateList(State.Containers)
    const pendingTags = readStateList(State.PendingTags)
    if (containers.length > 0 || pendingTags.length > 0) {
      // The engine the main step used, whatever DOCKER_HOST or the current context say now.
      const engine = readStateEngine()
      docker ??= new (await import('./docker/docker.js')).DockerCli('docker', engine)
      await removeFromDocker(docker, {
        containers,
        pendingTags,
      })
    }
    await discardRegistryCandidates(readCandidates())
    for (const dir of readStateList(State.WorkDirs)) {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  } catch (error) {
    await warn(`Cleanup: ${errorMessage(error)}`)
  }
}

async function removeFromDocker(
  docker: DockerClient,
  left: { containers: string[]; pendingTags: string[] },
): Promise<void> {
  for (const container of left.containers) {
    await docker.remove(container).catch((error: Error) => warn(error.message))
  }
  if (left.pendingTags.length > 0) {
    await docker.untag(left.pendingTags).catch((error: Error) => warn(error.message))
  }
}

function readCandidates(): RegistryCandidate[] {
  try {
    const value: unknown = JSON.parse(readState(State.AcrCandidates) || '[]')
    if (!Array.isArray(value)) return []
    return value.filter(
      (item): item is RegistryCandidate =>
        typeof item?.registry === 'string' && typeof item?.image === 'string',
    )
  } catch {
    return []
  }
}

/** Candidates the main step left in a registry (it was killed): its run canceled, then removed. */
async function discardRegistryCandidates(candidates: RegistryCandidate[]): Promise<void> {
  if (candidates.length === 0) return
  const [{ AzCli }, { discardCandidate }] = await Promise.all([
    import('./build/acr/az.js'),
    import('./build/acr/candidate.js'),
  ])
  for (const candidate of candidates) {
    const az = new AzCli({ name: candidate.registry, resourceGroup: candidate.resourceGroup })
    await discardCandidate(az, candidate).catch((error: Error) =>
      warn(
        `Removing the candidate ${candidate.image} from ${candidate.registry}: ${error.message}`,
      ),
    )
  }
}

async function warn(message: string): Promise<void> {
  const core = await import('@actions/core')
  core.warning(message)
}
