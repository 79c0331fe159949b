// What the main step has created and must not leave behind: containers, image tags and its work
// directory. Saved to the step state as it grows (for the post step if this process is killed),
// and removed on success, failure, or SIGINT/SIGTERM, whichever comes first. Removal is
// idempotent, so the post step may repeat it safely.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import { State } from './constants.js'
import type { DockerClient } from '../docker/docker.js'
import type { Engine } from '../docker/engine-endpoint.js'
import { endOpenRelays } from './inert-log.js'
import { errorMessage } from './text.js'

/** An image built in an Azure container registry that has not passed (yet): never a user's tag. */
export interface RegistryCandidate {
  registry: string
  resourceGroup?: string
  /** repository:tag inside the registry. */
  image: string
  /** Set while its run may still be going: it is canceled before the candidate is removed. */
  runId?: string
}

type Discard = (candidate: RegistryCandidate) => Promise<void>

export class Leftovers {
  private readonly candidates = new Map<
    string,
    { candidate: RegistryCandidate; discard: Discard }
  >()
  private readonly containers = new Set<string>()
  private readonly directories = new Set<string>()
  private readonly tags = new Set<string>()
  private readonly locks = new Set<() => void>()
  private cleaning: Promise<void> | undefined

  constructor(private readonly docker: DockerClient) {}

  /**
   * The engine all of it is created on: saved before anything is, so that the post step
   * removes it from that engine even if DOCKER_HOST or the current context changed meanwhile.
   */
  useEngine(engine: Engine): void {
    core.saveState(State.Engine, JSON.stringify({ host: engine.host, context: engine.context }))
  }

  /**
   * A lock this run holds (the stable staging folder's): given back by `release` on any end,
   * a signal included, so that the next run does not have to wait for this pid to be gone.
   * Returns the release, to call when done; calling it twice is harmless.
   */
  holdLock(release: () => void): () => void {
    const once = (): void => {
      if (this.locks.delete(once)) release()
    }
    this.locks.add(once)
    return once
  }

  addContainer(name: string): void {
    this.containers.add(name)
    core.saveState(State.Containers, JSON.stringify([...this.containers]))
  }

  addDirectory(dir: string): void {
    this.directories.add(dir)
    core.saveState(State.WorkDirs, JSON.stringify([...this.directories]))
  }

  /** Tags of an image that has not passed yet: removed unless the step succeeds. */
  addPendingTags(tags: string[]): void {
    for (const tag of tags) this.tags.add(tag)
    core.saveState(State.PendingTags, JSON.stringify([...this.tags]))
  }

  /**
   * An untagged image built now for this run's image to sit on (the legacy builder's model
   * image): removed with the pending tags unless the step succeeds. `docker image rm` takes an
   * id as it takes a tag; once the application image is built on it, removing that image's
   * tags removes it too, as an untagged parent.
   */
  addPendingImage(id: string): void {
    this.addPendingTags([id])
  }

  /** The image passed (or is pushed): its tags stay, whatever happens next. */
  commitPendingTags(): void {
    this.tags.clear()
    core.saveState(State.PendingTags, '[]')
  }

  /** A candidate in a registry, and how to remove it (the post step does the same from state). */
  addRegistryCandidate(candidate: RegistryCandidate, discard: Discard): void {
    this.candidates.set(candidate.image, { candidate, discard })
    this.saveCandidates()
  }

  updateRegistryCandidate(image: string, runId: string | undefined): void {
    const entry = this.candidates.get(image)
    if (!entry) return
    entry.candidate = { ...entry.candidate, runId }
    this.saveCandidates()
  }

  /** Promoted, or removed already: nothing left to do for it. */
  forgetRegistryCandidate(image: string): void {
    this.candidates.delete(image)
    this.saveCandidates()
  }

  async discardRegistryCandidate(image: string): Promise<void> {
    const entry = this.candidates.get(image)
    if (!entry) return
    await entry.discard(entry.candidate)
    this.forgetRegistryCandidate(image)
  }

  private saveCandidates(): void {
    const list = [...this.candidates.values()].map(({ candidate }) => candidate)
    core.saveState(State.AcrCandidates, JSON.stringify(list))
  }

  /** Keeps a directory for later steps of the job (the post step still removes it). */
  keepDirectory(dir: string): void {
    this.directories.delete(dir)
  }

  async removeContainer(name: string): Promise<void> {
    await this.docker.remove(name)
    this.containers.delete(name)
    // The post step then has nothing left to remove.
    core.saveState(State.Containers, JSON.stringify([...this.containers]))
  }

  /**
   * Removes all of it. Calls while one runs (a signal arriving as the step fails) share it:
   * a second one would stop the first one's own docker commands.
   */
  cleanup(): Promise<void> {
    this.cleaning ??= this.removeAll().finally(() => (this.cleaning = undefined))
    return this.cleaning
  }

  private async removeAll(): Promise<void> {
    // First stop what is still running: a build left going would tag its image after the untag.
    await this.docker.cancel().catch((error: unknown) => core.warning(String(error)))
    for (const image of [...this.candidates.keys()]) {
      await this.discardRegistryCandidate(image).catch((error: unknown) =>
        core.warning(errorMessage(error)),
      )
    }
    for (const name of [...this.containers]) {
      try {
        await this.removeContainer(name)
      } catch (error) {
        core.warning(errorMessage(error))
      }
    }
    if (this.tags.size > 0) {
      await this.docker.untag([...this.tags])
      this.commitPendingTags()
    }
    for (const dir of this.directories) fs.rmSync(dir, { recursive: true, force: true })
    this.directories.clear()
    for (const release of [...this.locks]) release()
  }
}

/**
 * On cancellation the runner sends SIGINT, then SIGTERM: clean up once, then end with the first
 * signal. Later signals are ignored so that they cannot cut the cleanup short.
 */
export function cleanupOnSignals(leftovers: Leftovers): () => void {
  let cleaning = false
  const handler = (signal: NodeJS.Signals): void => {
    if (cleaning) return
    cleaning = true
    endOpenRelays()
    core.warning(`Received ${signal}: stopping docker and removing what this step created`)
    void leftovers.cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.removeListener('SIGINT', handler)
    process.removeListener('SIGTERM', handler)
  }
}
