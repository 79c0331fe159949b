// The Docker CLI behind a small interface, so that the pipeline can be driven by the real engine
// in integration tests and by a plain object in unit tests.
import * as fs from 'node:fs'
import type { Readable } from 'node:stream'
import {
  buildArgs,
  copyArgs,
  createArgs,
  historyArgs,
  oomEventsArgs,
  runArgs,
  throwawayRunArgs,
  type BuildRequest,
  type Builder,
  type RunRequest,
  type ThrowawayRunRequest,
} from './docker-args.js'
import {
  CommandNotStarted,
  CommandRunner,
  type CommandResult,
  type InteractiveCommand,
} from './command.js'
import {
  engineArgs,
  engineFromContextInspect,
  engineFromEnvironment,
  type Engine,
} from './engine-endpoint.js'
import { counting, directoryBytes, noTraffic, type EngineTraffic } from './engine-traffic.js'
import { classifyPullFailure, pullFailureMessage } from './docker-errors.js'
import { parseHistory, type HistoryEntry } from './image-history.js'
import { retryRegistryCommand } from './retry.js'
import { errorMessage, lastLines } from '../step/text.js'

export type { CommandResult, InteractiveCommand } from './command.js'

export interface LocalImage {
  id: string
  /** The layers' diff ids, base first. */
  layers: string[]
  user: string
  labels: Record<string, string>
  sizeBytes: number
  /** The configured environment, KEY=VALUE entries (read for the GPU hint). */
  env?: string[]
}

/** What the engine's host has (docker info): a remote engine's, not this machine's. */
export interface EngineResources {
  cpus: number
  memoryBytes: number
}

/** What the smoke test needs to know of a container: where it can be reached. */
export interface ContainerInfo {
  id: string
  hostname: string
  /** `default`, `host`, `none`, `container:<id>` or a network's name. */
  networkMode: string
  /** Each network it is on, with its IPv4 address there ('' when it is not running). */
  networks: Record<string, string>
}

export interface LineSink {
  (line: string): void
}

export interface DockerClient {
  /** The engine the CLI talks to (DOCKER_HOST, or the current docker context). */
  engine(): Promise<Engine>
  builder(): Promise<Builder>
  /** The engine's version; refuses an engine that does not run Linux containers. */
  serverVersion(): Promise<string>
  /** The image's configured user, pulling the image first when it is not present. */
  pullIfMissingAndReadUser(reference: string): Promise<string>
  /** Id, user and labels of a local image; undefined when the daemon does not have it. */
  localImage(reference: string): Promise<LocalImage | undefined>
  /** The image's steps, newest first, with the bytes each one's layer holds. */
  history(reference: string): Promise<HistoryEntry[]>
  /** `docker image save`, its archive handed to `consume` as it streams out; `signal` stops it. */
  save<T>(
    reference: string,
    consume: (archive: Readable) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>
  load(file: string): Promise<void>
  /** `signal` stops this build alone (the others keep going). */
  build(request: BuildRequest, onLine: LineSink, signal?: AbortSignal): Promise<CommandResult>
  /** Starts the container; with `files`, creates it, copies them in, then starts it. */
  run(request: RunRequest): Promise<string>
  /** Undefined when the engine has no such container. */
  inspectContainer(container: string): Promise<ContainerInfo | undefined>
  /** A throwaway container in the foreground, `input` on its stdin; `signal` stops it. */
  runWithInput(
    request: ThrowawayRunRequest,
    input: string,
    signal?: AbortSignal,
  ): Promise<CommandResult>
  /** Resolves with the exit code when the container stops. */
  wait(container: string): Promise<number>
  logs(container: string): Promise<string>
  /** `docker exec` of an argv in a running container, as the image's user. */
  exec(container: string, argv: string[]): Promise<CommandResult>
  /**
   * `docker exec -i` of an argv left running, as the image's user, talked to through its stdin
   * and stdout (its stderr is not read: the program merges into stdout what it wants seen).
   * Its end, even when it cannot start, shows in `ended`, never as a rejection.
   */
  execInteractive(container: string, argv: string[]): InteractiveCommand
  /** The engine host's CPU count and memory. */
  engineResources(): Promise<EngineResources>
  /**
   * Calls `onOom` for each oom event of the container (one per process the kernel killed for
   * memory), from the moment of the call until `signal` aborts; resolves when it stopped.
   */
  watchOomEvents(container: string, onOom: () => void, signal: AbortSignal): Promise<void>
  remove(container: string): Promise<void>
  untag(references: string[]): Promise<void>
  /** `docker push` of one tag; the caller reads the exit code and relays the log. */
  push(reference: string, onLine: LineSink): Promise<CommandResult>
  /** The image's RepoDigests (`repository@sha256:...`); empty when it has none or is absent. */
  repoDigests(reference: string): Promise<string[]>
  /** What was sent to and received from the engine so far (see engine-traffic.ts). */
  traffic(): EngineTraffic
  /** Stops any docker command still running (a build, a pull) and resolves once they ended. */
  cancel(): Promise<void>
}

const PULL_ATTEMPTS = 3

export class DockerCli implements DockerClient {
  private readonly commands = new CommandRunner()
  private readonly globalArgs: string[]
  private resolved: Promise<Engine> | undefined
  private readonly tally = noTraffic()

  /**
   * `engine`: the one a main step resolved (from its saved state), reached whatever DOCKER_HOST
   * or the current context say now; by default the CLI's own choice.
   */
  constructor(
    private readonly command = 'docker',
    engine?: Pick<Engine, 'host' | 'context'>,
  ) {
    this.globalArgs = engineArgs(engine)
  }

  private runDocker(
    args: string[],
    onLine?: LineSink,
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    return this.explainingMissingCli(() =>
      this.commands.run(this.command, [...this.globalArgs, ...args], onLine, { signal }),
    )
  }

  engine(): Promise<Engine> {
    // A CLI without contexts (before 19.03) cannot say: then DOCKER_HOST or the socket.
    this.resolved ??= this.runDocker(['context', 'inspect']).then((result) => {
      if (result.exitCode !== 0) return engineFromEnvironment(process.env)
      try {
        return engineFromContextInspect(result.stdout)
      } catch (error) {
        if (error instanceof SyntaxError) return engineFromEnvironment(process.env)
        throw error
      }
    })
    return this.resolved
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
      Config?: { User?: string; Labels?: Record<string, string> | null; Env?: string[] | null }
    }
    return {
      id: image.Id,
      layers: image.RootFS?.Layers ?? [],
      user: image.Config?.User ?? '',
      labels: image.Config?.Labels ?? {},
      sizeBytes: image.Size ?? 0,
      env: image.Config?.Env ?? [],
    }
  }

  async history(reference: string): Promise<HistoryEntry[]> {
    return parseHistory(await this.stdoutOrThrow(historyArgs(reference), 'Reading the history'))
  }

  async save<T>(
    reference: string,
    consume: (archive: Readable) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const args = ['image', 'save', reference]
    const counted = (archive: Readable): Promise<T> =>
      consume(counting(archive, (bytes) => (this.tally.savedBytes += bytes)))
    const { result, value, failure } = await this.explainingMissingCli(() =>
      this.commands.pipeOut(this.command, [...this.globalArgs, ...args], counted, signal),
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
    this.tally.loadedBytes += fs.statSync(file).size
    await this.stdoutOrThrow(
      ['image', 'load', '--quiet', '--input', file],
      'Loading the cached image',
    )
  }

  build(request: BuildRequest, onLine: LineSink, signal?: AbortSignal): Promise<CommandResult> {
    this.tally.buildContextBytes += directoryBytes(request.context)
    this.tally.builds++
    return this.runDocker(buildArgs(request), onLine, signal)
  }

  traffic(): EngineTraffic {
    return { ...this.tally }
  }

  async run(request: RunRequest): Promise<string> {
    if (!request.files?.length)
      return this.stdoutOrThrow(runArgs(request), 'Starting the container')
    const id = await this.stdoutOrThrow(createArgs(request), 'Creating the container')
    for (const files of request.files) {
      await this.stdoutOrThrow(
        copyArgs(request.name, files),
        `Copying ${files.source} into the container`,
      )
    }
    await this.stdoutOrThrow(['start', request.name], 'Starting the container')
    return id
  }

  async inspectContainer(container: string): Promise<ContainerInfo | undefined> {
    const result = await this.runDocker([
      'container',
      'inspect',
      '--format',
      '{{json .}}',
      container,
    ])
    if (result.exitCode !== 0) return undefined
    return containerInfo(result.stdout)
  }

  runWithInput(
    request: ThrowawayRunRequest,
    input: string,
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    return this.explainingMissingCli(() =>
      this.commands.runWithInput(
        this.command,
        [...this.globalArgs, ...throwawayRunArgs(request)],
        input,
        signal,
      ),
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

  exec(container: string, argv: string[]): Promise<CommandResult> {
    return this.runDocker(['exec', container, ...argv])
  }

  execInteractive(container: string, argv: string[]): InteractiveCommand {
    return this.commands.interactive(this.command, [
      ...this.globalArgs,
      'exec',
      '--interactive',
      container,
      ...argv,
    ])
  }

  async engineResources(): Promise<EngineResources> {
    const text = await this.stdoutOrThrow(
      ['info', '--format', '{{.NCPU}} {{.MemTotal}}'],
      "Reading the engine's CPUs and memory",
    )
    const [cpus, memoryBytes] = text.split(' ').map(Number)
    if (!(cpus > 0) || !(memoryBytes > 0))
      throw new Error(`docker info gave no CPU count and memory size: "${text}"`)
    return { cpus, memoryBytes }
  }

  async watchOomEvents(container: string, onOom: () => void, signal: AbortSignal): Promise<void> {
    const args = oomEventsArgs(container, Date.now() / 1000)
    await this.runDocker(
      args,
      (line) => {
        if (line.startsWith('oom ')) onOom()
      },
      signal,
    )
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

interface ContainerInspect {
  Id: string
  Config?: { Hostname?: string }
  HostConfig?: { NetworkMode?: string }
  NetworkSettings?: {
    Networks?: Record<string, { IPAddress?: string }> | null
  }
}

function containerInfo(json: string): ContainerInfo {
  const inspected = JSON.parse(json) as ContainerInspect
  const networks = Object.entries(inspected.NetworkSettings?.Networks ?? {})
  return {
    id: inspected.Id,
    hostname: inspected.Config?.Hostname ?? '',
    networkMode: inspected.HostConfig?.NetworkMode ?? '',
    networks: Object.fromEntries(
      networks.map(([name, network]) => [name, network.IPAddress ?? '']),
    ),
  }
}
