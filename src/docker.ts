// The Docker CLI behind a small interface, so that the pipeline can be driven by the real engine
// in integration tests and by a plain object in unit tests.
import * as exec from '@actions/exec'
import {
  buildArgs,
  runArgs,
  type BuildRequest,
  type Builder,
  type RunRequest,
} from './docker-args.js'
import { retry } from './retry.js'

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface LineSink {
  (line: string): void
}

export interface DockerClient {
  builder(): Promise<Builder>
  serverVersion(): Promise<string>
  /** The image's configured user, pulling the image first when it is not present. */
  imageUser(reference: string): Promise<string>
  build(request: BuildRequest, onLine: LineSink): Promise<CommandResult>
  run(request: RunRequest): Promise<string>
  hostPort(container: string, containerPort: number): Promise<number>
  /** Resolves with the exit code when the container stops. */
  wait(container: string): Promise<number>
  logs(container: string): Promise<string>
  remove(container: string): Promise<void>
  untag(references: string[]): Promise<void>
}

/** Keeps the end of a tool's output: that is where apt, pip and docker put the reason. */
export function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

const TRANSIENT_PULL_ERRORS =
  /timeout|timed out|connection reset|connection refused|TLS handshake|temporary failure|too many requests|50[234]|EOF/i

export class DockerCli implements DockerClient {
  constructor(private readonly command = 'docker') {}

  private async exec(args: string[], onLine?: LineSink): Promise<CommandResult> {
    try {
      return await exec.getExecOutput(this.command, args, {
        ignoreReturnCode: true,
        silent: true,
        listeners: onLine ? { stdline: onLine, errline: onLine } : undefined,
      })
    } catch (error) {
      // @actions/exec throws when the executable is not on PATH.
      throw new Error(
        `The docker CLI could not be started (${error instanceof Error ? error.message : String(error)}); this action needs Docker on the runner`,
        { cause: error },
      )
    }
  }

  private async checked(args: string[], what: string): Promise<string> {
    const result = await this.exec(args)
    if (result.exitCode !== 0) {
      throw new Error(
        `${what} failed (docker ${args[0]}, exit ${result.exitCode}):\n${tail(result.stderr || result.stdout)}`,
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
    const buildx = await this.exec(['buildx', 'version'])
    return buildx.exitCode === 0 ? 'buildkit' : 'legacy'
  }

  async serverVersion(): Promise<string> {
    const result = await this.exec(['version', '--format', '{{.Server.Version}}'])
    if (result.exitCode !== 0 || result.stdout.trim() === '') {
      throw new Error(
        `The Docker daemon is not reachable: ${tail(result.stderr, 3) || 'no answer'}. Start the Docker engine (or check DOCKER_HOST) and try again`,
      )
    }
    return result.stdout.trim()
  }

  async imageUser(reference: string): Promise<string> {
    const inspect = ['image', 'inspect', '--format', '{{.Config.User}}', reference]
    let result = await this.exec(inspect)
    if (result.exitCode !== 0) {
      await retry(
        async () => {
          const pull = await this.exec(['pull', reference])
          if (pull.exitCode === 0) return
          const reason = tail(pull.stderr || pull.stdout, 5)
          const error = new Error(`Pulling base image ${reference} failed:\n${reason}`)
          if (!TRANSIENT_PULL_ERRORS.test(reason)) throw Object.assign(error, { final: true })
          throw error
        },
        { attempts: 3, firstDelayMs: 2000 },
      )
      result = await this.exec(inspect)
      if (result.exitCode !== 0)
        throw new Error(`Base image ${reference} is not there after pulling it`)
    }
    return result.stdout.trim()
  }

  build(request: BuildRequest, onLine: LineSink): Promise<CommandResult> {
    return this.exec(buildArgs(request), onLine)
  }

  async run(request: RunRequest): Promise<string> {
    return this.checked(runArgs(request), 'Starting the container')
  }

  async hostPort(container: string, containerPort: number): Promise<number> {
    const mapping = await this.checked(
      ['port', container, `${containerPort}/tcp`],
      'Reading the published port',
    )
    const port = Number(/:(\d+)\s*$/m.exec(mapping)?.[1])
    if (!Number.isInteger(port) || port <= 0)
      throw new Error(`Unexpected answer from docker port: ${mapping}`)
    return port
  }

  async wait(container: string): Promise<number> {
    const result = await this.exec(['wait', container])
    return result.exitCode === 0 ? Number(result.stdout.trim()) : -1
  }

  async logs(container: string): Promise<string> {
    const result = await this.exec(['logs', container])
    // The container's stdout and stderr interleave in the log a person reads; keep both.
    return `${result.stdout}${result.stderr}`
  }

  async remove(container: string): Promise<void> {
    const result = await this.exec(['rm', '--force', '--volumes', container])
    if (result.exitCode !== 0 && !/No such container/i.test(result.stderr)) {
      throw new Error(`Removing container ${container} failed: ${tail(result.stderr, 3)}`)
    }
  }

  async untag(references: string[]): Promise<void> {
    if (references.length === 0) return
    await this.exec(['image', 'rm', ...references])
  }
}
