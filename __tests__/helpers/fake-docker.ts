// A plain-object DockerClient that records what it was asked to do.
import type { DockerClient } from '../../src/docker/docker.js'

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
    builder: record('builder', 'legacy' as const),
    serverVersion: record('serverVersion', '20.10'),
    pullIfMissingAndReadUser: record('imageUser', 'dockeruser'),
    localImage: record('localImage', undefined),
    // Nothing to stream: the consumer is not called, as if the image were empty.
    save: record('save', undefined) as DockerClient['save'],
    load: record('load', undefined),
    build: record('build', { exitCode: 0, stdout: '', stderr: '' }),
    run: record('run', 'id'),
    wait: record('wait', 0),
    logs: record('logs', ''),
    remove: record('remove', undefined),
    untag: record('untag', undefined),
    push: record('push', { exitCode: 0, stdout: '', stderr: '' }),
    repoDigests: record('repoDigests', [] as string[]),
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
