// What the main step has created and must not leave behind: containers, image tags and its work
// directory. Saved to the step state as it grows (for the post step if this process is killed),
// and removed on success, failure, or SIGINT/SIGTERM, whichever comes first. Removal is
// idempotent, so the post step may repeat it safely.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import { State } from './constants.js'
import type { DockerClient } from './docker.js'

export class CleanupRegistry {
  private readonly containers = new Set<string>()
  private readonly directories = new Set<string>()
  private readonly tags = new Set<string>()

  constructor(private readonly docker: DockerClient) {}

  addContainer(name: string): void {
    this.containers.add(name)
    core.saveState(State.Containers, JSON.stringify([...this.containers]))
  }

  addDirectory(dir: string): void {
    this.directories.add(dir)
    core.saveState(State.WorkDirs, JSON.stringify([...this.directories]))
  }

  /** Tags of an image that has not passed yet: removed unless the step succeeds. */
  addTags(tags: string[]): void {
    for (const tag of tags) this.tags.add(tag)
    core.saveState(State.PendingTags, JSON.stringify([...this.tags]))
  }

  keepTags(): void {
    this.tags.clear()
    core.saveState(State.PendingTags, '[]')
  }

  /** Keeps a directory for later steps of the job (the post step still removes it). */
  keepDirectory(dir: string): void {
    this.directories.delete(dir)
  }

  async removeContainer(name: string): Promise<void> {
    await this.docker.remove(name)
    this.containers.delete(name)
  }

  async cleanup(): Promise<void> {
    for (const name of [...this.containers]) {
      try {
        await this.removeContainer(name)
      } catch (error) {
        core.warning(error instanceof Error ? error.message : String(error))
      }
    }
    if (this.tags.size > 0) {
      await this.docker.untag([...this.tags])
      this.keepTags()
    }
    for (const dir of this.directories) fs.rmSync(dir, { recursive: true, force: true })
    this.directories.clear()
  }
}

/** On cancellation the runner sends SIGINT, then SIGTERM: clean up, then end with the signal. */
export function cleanupOnSignals(registry: CleanupRegistry): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    core.warning(`Received ${signal}: removing what this step created`)
    void registry.cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
  return () => {
    process.removeListener('SIGINT', handler)
    process.removeListener('SIGTERM', handler)
  }
}
