// The post step: removes whatever the main step saved in its state and did not remove itself
// (it may have been killed). Idempotent, and it only ever warns.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import { State } from './constants.js'
import { DockerCli, type DockerClient } from './docker.js'

function savedList(name: State): string[] {
  const raw = core.getState(name)
  if (raw === '') return []
  try {
    const value: unknown = JSON.parse(raw)
    return Array.isArray(value)
      ? value.filter((item): item is string => typeof item === 'string')
      : []
  } catch {
    return []
  }
}

export async function cleanup(docker: DockerClient = new DockerCli()): Promise<void> {
  try {
    for (const container of savedList(State.Containers)) {
      await docker.remove(container).catch((error: Error) => core.warning(error.message))
    }
    const pendingTags = savedList(State.PendingTags)
    if (pendingTags.length > 0)
      await docker.untag(pendingTags).catch((error: Error) => core.warning(error.message))
    for (const dir of savedList(State.WorkDirs)) fs.rmSync(dir, { recursive: true, force: true })
  } catch (error) {
    core.warning(`Cleanup: ${error instanceof Error ? error.message : String(error)}`)
  }
}
