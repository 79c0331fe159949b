// The Azure CLI behind a small interface. `az` is the user's: installed on the runner and logged
// in (azure/login) before this step; it runs as a child process from an argv array, never
// through a shell. Python's stdout is set to UTF-8: with an ASCII locale the CLI's log stream
// would crash on the first non-ASCII character a build prints, while the run goes on in Azure.
import { CommandNotStarted, CommandRunner, type CommandResult } from '../../docker/command.js'
import type { AcrTarget } from '../../inputs/acr-inputs.js'
import { lastLines } from '../../step/text.js'
import {
  buildArgs,
  cancelRunArgs,
  deleteArgs,
  importArgs,
  loginServerArgs,
  runLogsArgs,
  runStatusArgs,
  tagsArgs,
  untagArgs,
  type AcrBuildRequest,
} from './az-args.js'

export interface RegistryTag {
  name: string
  digest: string
}

export interface AzClient {
  loginServer(): Promise<string>
  /** `az acr build`, its output (stdout and stderr) handed over line by line. */
  build(request: AcrBuildRequest, onLine: (line: string) => void): Promise<CommandResult>
  runStatus(runId: string): Promise<string>
  runLogs(runId: string): Promise<string>
  cancelRun(runId: string): Promise<void>
  importImage(source: string, image: string): Promise<void>
  untag(image: string): Promise<void>
  tags(repository: string): Promise<RegistryTag[]>
  deleteImage(image: string): Promise<void>
  /** Stops every az command still running. */
  stop(): Promise<void>
}

/** @internal (exported for its unit tests) */
export function azEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PYTHONIOENCODING: 'utf-8' }
}

export class AzCli implements AzClient {
  private readonly commands = new CommandRunner()

  constructor(
    private readonly target: AcrTarget,
    private readonly command = 'az',
  ) {}

  private async runAz(args: string[], onLine?: (line: string) => void): Promise<CommandResult> {
    try {
      return await this.commands.run(this.command, args, onLine, { env: azEnvironment() })
    } catch (error) {
      if (!(error instanceof CommandNotStarted)) throw error
      throw new Error(
        `The Azure CLI could not be started (${this.command}: ${error.code ?? error.message}). builder: acr needs az on PATH, logged in before this step (azure/login)`,
        { cause: error },
      )
    }
  }

  private async stdoutOrThrow(args: string[], what: string): Promise<string> {
    const result = await this.runAz(args)
    if (result.exitCode !== 0) {
      throw new Error(
        `${what} failed (az ${args.slice(0, 3).join(' ')}, exit ${result.exitCode}):\n${lastLines(result.stderr || result.stdout, 15)}`,
      )
    }
    return result.stdout.trim()
  }

  async loginServer(): Promise<string> {
    const server = await this.stdoutOrThrow(
      loginServerArgs(this.target),
      `Looking up the registry ${this.target.name}`,
    )
    if (server === '') throw new Error(`az acr show gave no login server for ${this.target.name}`)
    return server
  }

  build(request: AcrBuildRequest, onLine: (line: string) => void): Promise<CommandResult> {
    return this.runAz(buildArgs(this.target, request), onLine)
  }

  runStatus(runId: string): Promise<string> {
    return this.stdoutOrThrow(
      runStatusArgs(this.target, runId),
      `Reading the status of run ${runId}`,
    )
  }

  runLogs(runId: string): Promise<string> {
    return this.stdoutOrThrow(runLogsArgs(this.target, runId), `Reading the log of run ${runId}`)
  }

  async cancelRun(runId: string): Promise<void> {
    await this.stdoutOrThrow(cancelRunArgs(this.target, runId), `Canceling run ${runId}`)
  }

  async importImage(source: string, image: string): Promise<void> {
    await this.stdoutOrThrow(importArgs(this.target, source, image), `Tagging ${image}`)
  }

  async untag(image: string): Promise<void> {
    await this.stdoutOrThrow(untagArgs(this.target, image), `Untagging ${image}`)
  }

  async tags(repository: string): Promise<RegistryTag[]> {
    const text = await this.stdoutOrThrow(
      tagsArgs(this.target, repository),
      `Listing the tags of ${repository}`,
    )
    const tags = JSON.parse(text || '[]') as { name?: string; digest?: string }[]
    return tags.flatMap(({ name, digest }) => (name && digest ? [{ name, digest }] : []))
  }

  async deleteImage(image: string): Promise<void> {
    await this.stdoutOrThrow(deleteArgs(this.target, image), `Deleting ${image}`)
  }

  stop(): Promise<void> {
    return this.commands.stopAll()
  }
}
