// A plain-object DockerClient that records what it was asked to do.
import type { RunRequest } from '../../src/docker/docker-args.js'
import type { DockerClient, InteractiveCommand } from '../../src/docker/docker.js'
import { noTraffic } from '../../src/docker/engine-traffic.js'

/** The host port a run request publishes on (it must publish one). */
export function publishedPort(run: RunRequest): number {
  if (run.reach.kind !== 'publish' || run.reach.hostPort === undefined)
    throw new Error(`the container was not published on a port: ${JSON.stringify(run.reach)}`)
  return run.reach.hostPort
}

/** An interactive exec that has already ended: it never answers. */
export function endedExec(): InteractiveCommand {
  return {
    write: () => undefined,
    onOutput: () => undefined,
    ended: Promise.resolve(),
    stop: async () => undefined,
  }
}

export function fakeDocker(
  overrides: Partial<DockerClient> = {},
): DockerClient & { calls: string[] } {
  const calls: string[] = []
  const record =
    <T>(name: string, value: T) =>
    async (...args: unknown[]): Promise<T> => {
      calls.push(
        `${name} ${args.map((arg) => (Array.isArray(arg) ? arg.join(',') : String(arg))).join(' ')}`.trim(),
      )
      return value
    }
  return {
    calls,
    // A local engine: not recorded, every build asks for it.
    engine: async () => ({ host: 'unix:///var/run/docker.sock', transport: 'unix' as const }),
    builder: record('builder', 'legacy' as const),
    serverVersion: record('serverVersion', '20.10'),
    pullIfMissingAndReadUser: record('imageUser', 'dockeruser'),
    localImage: record('localImage', undefined),
    // Not recorded (tests pin the calls of the stages): an image with no history of its own.
    history: async () => [],
    // Nothing to stream: the consumer is not called, as if the image were empty.
    save: record('save', undefined) as DockerClient['save'],
    load: record('load', undefined),
    build: record('build', { exitCode: 0, stdout: '', stderr: '' }),
    run: record('run', 'id'),
    inspectContainer: record('inspectContainer', undefined),
    wait: record('wait', 0),
    logs: record('logs', ''),
    exec: record('exec', { exitCode: 1, stdout: '', stderr: 'fake: no cgroup files' }),
    // Not recorded (tests pin the calls of the stages): an exec that ends at once, as one in an
    // image without sh would, so that reads fall back to `exec`.
    execInteractive: () => endedExec(),
    engineResources: record('engineResources', { cpus: 2, memoryBytes: 8 * 1024 ** 3 }),
    // No event ever: the watch ends when it is stopped.
    watchOomEvents: (_container, _onOom, signal) =>
      new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    remove: record('remove', undefined),
    untag: record('untag', undefined),
    push: record('push', { exitCode: 0, stdout: '', stderr: '' }),
    repoDigests: record('repoDigests', [] as string[]),
    traffic: noTraffic,
    // Not recorded (tests pin the calls of the stages): the scoring script check, passing.
    runWithInput: async () => ({
      exitCode: 0,
      stdout: JSON.stringify({ python: '3.11.2', executable: 'python', problems: [] }),
      stderr: '',
    }),
    // Not recorded: every cleanup asks for it, and the tests pin what is removed.
    cancel: async () => undefined,
    ...overrides,
  }
}
