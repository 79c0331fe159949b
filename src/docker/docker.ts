// The Docker CLI behind a small interface, so that the pipeline can be driven by the real engine
// in integration tests and by a plain object in unit tests.
import type { Readable } from 'node:stream'
import {
  buildArgs,
  runArgs,
  throwawayRunArgs,
  type BuildRequest,
  type Builder,
  type RunRequest,
  type ThrowawayRunRequest,
} from './docker-args.js'
import { CommandNotStarted, CommandRunner, type CommandResult } from './command.js'
import { classifyPullFailure, pullFailureMessage } from './docker-errors.js'
import { retryRegistryCommand } from './retry.js'
import { errorMessage, lastLines } from '../step/text.js'

export type { CommandResult } from './command.js'

export interface LocalImage {
  id: string
  /** The layers' diff ids, base first. */
  layers: string[]
  user: string
  labels: Record<string, string>
  sizeBytes: number
}

export interface LineSink {
  (line: string): void
}

export interface DockerClient {
  builder(): Promise<Builder>
  /** The engine's version; refuses an engine that does not run Linux containers. */
  serverVersion(): Promise<string>
  /** The image's configured user, pulling the image first when it is not present. */
  pullIfMissingAndReadUser(reference: string): Promise<string>
  /** Id, user and labels of a local image; undefined when the daemon does not have it. */
  localImage(reference: string): Promise<LocalImage | undefined>
  /** `docker image save`, its archive handed to `consume` as it streams out; `signal` stops it. */
  save<T>(
    reference: string,
    consume: (archive: Readable) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>
  load(file: string): Promise<void>
  /** `signal` stops this build alone (the others keep going). */
  build(request: BuildRequest, onLine: LineSink, signal?: AbortSignal): Promise<CommandResult>
  run(request: RunRequest): Promise<string>
  /** A throwaway container in the foreground, `input` on its stdin; `signal` stops it. */
  runWithInput(
    request: ThrowawayRunRequest,
    input: string,
    signal?: AbortSignal,
  ): Promise<CommandResult>
  /** Resolves with the exit code when the container stops. */
  wait(container: string): Promise<number>
  logs(container: string): Promise<string>
  remove(container: string): Promise<void>
  untag(references: string[]): Promise<void>
  /** `docker push` of one tag; the caller reads the exit code and relays the log. */
  push(reference: string, onLine: LineSink): Promise<CommandResult>
  /** The image's RepoDigests (`repository@sha256:...`); empty when it has none or is absent. */
  repoDigests(reference: string): Promise<string[]>
  /** Stops any docker command still running (a build, a pull) and resolves once they ended. */
  cancel(): Promise<void>
}

const PULL_ATTEMPTS = 3

export class DockerCli implements DockerClient {
  private readonly commands = new CommandRunner()

  constructor(private readonly command = 'docker') {}

  private runDocker(
    args: string[],
    onLine?: LineSink,
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    return this.explainingMissingCli(() => this.commands.run(this.command, args, onLine, signal))
  }

  private async explainingMissingCli<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      if (!(error instanceof CommandNotStarted)) throw error
      throw new Error(
        `The docker CLI could not be started (${this.command}: ${error.code ?? error.message}). Install Docker (GitHub's ubuntu runners have it; on a workstation, Docker Engine or Docker Desktop) or put the docker CLI on PATH`,
        { cause: error },
      )
    }
  }

  private async stdoutOrThrow(args: string[], what: string): Promise<string> {
    const result = await this.runDocker(args)
    if (result.exitCode !== 0) {
      throw new Error(
        `${what} failed (docker ${args[0]}, exit ${result.exitCode}):\n${lastLines(result.stderr || result.stdout, 25)}`,
      )
    }
    return result.stdout.trim()
  }

  async builder(): Promise<Builder> {
    // DOCKER_BUILDKIT decides when set, as it does for the CLI itself; otherwise `docker build`
    // is BuildKit exactly when the buildx plugin is installed (docker 23 and later).
    const flag = process.env.DOCKER_BUILDKIT
    if (flag !== undefined && flag !== '')
      return ['1', 'true'].includes(flag.toLowerCase()) ? 'buildkit' : 'legacy'
    const buildx = await this.runDocker(['buildx', 'version'])
    return buildx.exitCode === 0 ? 'buildkit' : 'legacy'
  }

  async serverVersion(): Promise<string> {
    const result = await this.runDocker([
      'version',
      '--format',
      '{{.Server.Os}} {{.Server.Version}}',
    ])
    const [os, version] = result.stdout.trim().split(' ')
    if (result.exitCode !== 0 || !version) {
      throw new Error(
        `The Docker daemon is not reachable: ${lastLines(result.stderr, 3) || 'no answer'}. Start the Docker engine (or check DOCKER_HOST) and try again`,
      )
    }
    // The host may be macOS or Windows (Docker Desktop); what counts is what the engine runs.
    if (os !== 'linux') {
      throw new Error(
        `The Docker engine runs ${os} containers (docker version: Server.Os is ${os}), and Azure ML inference images are Linux images: switch the engine to Linux containers (Docker Desktop: "Switch to Linux containers") and try again`,
      )
    }
    return version
  }

  async pullIfMissingAndReadUser(reference: string): Promise<string> {
    const inspect = ['image', 'inspect', '--format', '{{.Config.User}}', reference]
    let result = await this.runDocker(inspect)
    if (result.exitCode !== 0) {
      await retryRegistryCommand({
        doing: `Pulling ${reference}`,
        attempts: PULL_ATTEMPTS,
        run: () => this.runDocker(['pull', reference]),
        isTransient: (_result, output) => classifyPullFailure(output) === 'transient',
        failure: (_result, output, attempt) =>
          new Error(pullFailureMessage(reference, classifyPullFailure(output), attempt, output)),
      })
      result = await this.runDocker(inspect)
      if (result.exitCode !== 0)
        throw new Error(`Base image ${reference} is not there after pulling it`)
    }
    return result.stdout.trim()
  }

  async localImage(reference: string): Promise<LocalImage | undefined> {
    const result = await this.runDocker(['image', 'inspect', '--format', '{{json .}}', reference])
    if (result.exitCode !== 0) return undefined
    const image = JSON.parse(result.stdout) as {
      Id: string
      Size?: number
      RootFS?: { Layers?: string[] }
      Config?: { User?: string; Labels?: Record<string, string> | null }
    }
    return {
      id: image.Id,
      layers: image.RootFS?.Layers ?? [],
      user: image.Config?.User ?? '',
      labels: image.Config?.Labels ?? {},
      sizeBytes: image.Size ?? 0,
    }
  }

  async save<T>(
    reference: string,
    consume: (archive: Readable) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const args = ['image', 'save', reference]
    const { result, value, failure } = await this.explainingMissingCli(() =>
      this.commands.pipeOut(this.command, args, consume, signal),
    )
    // Both are told when both failed: which one broke the other cannot be known for sure.
    const reasons: string[] = []
    if (failure !== undefined) reasons.push(errorMessage(failure))
    if (result.exitCode !== 0 && result.signal === undefined)
      reasons.push(`docker image save exited ${result.exitCode}:\n${lastLines(result.stderr, 25)}`)
    if (reasons.length > 0 || result.exitCode !== 0) {
      throw new Error(
        `Saving ${reference} failed: ${reasons.join('; ') || `ended by ${result.signal}`}`,
        {
          cause: failure,
        },
      )
    }
    return value as T
  }

  async load(file: string): Promise<void> {
    await this.stdoutOrThrow(
      ['image', 'load', '--quiet', '--input', file],
      'Loading the cached image',
    )
  }

  build(request: BuildRequest, onLine: LineSink, signal?: AbortSignal): Promise<CommandResult> {
    return this.runDocker(buildArgs(request), onLine, signal)
  }

  async run(request: RunRequest): Promise<string> {
    return this.stdoutOrThrow(runArgs(request), 'Starting the container')
  }

  runWithInput(
    request: ThrowawayRunRequest,
    input: string,
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    return this.explainingMissingCli(() =>
      this.commands.runWithInput(this.command, throwawayRunArgs(request), input, signal),
    )
  }

  async wait(container: string): Promise<number> {
    const result = await this.runDocker(['wait', container])
    return result.exitCode === 0 ? Number(result.stdout.trim()) : -1
  }

  async logs(container: string): Promise<string> {
    const result = await this.runDocker(['logs', container])
    // The container's stdout and stderr interleave in the log a person reads; keep both.
    return `${result.stdout}${result.stderr}`
  }

  async remove(container: string): Promise<void> {
    const result = await this.runDocker(['rm', '--force', '--volumes', container])
    if (result.exitCode !== 0 && !/No such container/i.test(result.stderr)) {
      throw new Error(`Removing container ${container} failed: ${lastLines(result.stderr, 3)}`)
    }
  }

  async untag(references: string[]): Promise<void> {
    if (references.length === 0) return
    await this.runDocker(['image', 'rm', ...references])
  }

  push(reference: string, onLine: LineSink): Promise<CommandResult> {
    return this.runDocker(['push', reference], onLine)
  }

  async repoDigests(reference: string): Promise<string[]> {
    const result = await this.runDocker([
      'image',
      'inspect',
      '--format',
      '{{json .RepoDigests}}',
      reference,
    ])
    if (result.exitCode !== 0) return []
    return (JSON.parse(result.stdout) as string[] | null) ?? []
  }

  cancel(): Promise<void> {
    return this.commands.stopAll()
  }
}
