// Docker command lines as data: pure functions from a request to argv, pinned by table tests.
// Arguments are always an array handed to the process, never a shell string.
import type { KeyValue } from '../inputs/parse.js'

export type Builder = 'buildkit' | 'legacy'

export interface BuildRequest {
  builder: Builder
  dockerfile: string
  context: string
  iidFile: string
  tags: string[]
  network?: string
  /** BuildKit secrets: id and the file that holds the value. */
  secrets: { id: string; file: string }[]
  buildArgs: KeyValue[]
}

export function buildArgs(request: BuildRequest): string[] {
  const args = ['build', '--file', request.dockerfile, '--iidfile', request.iidFile]
  // BuildKit: a readable log. Legacy: a failed step must not leave its container behind.
  args.push(...(request.builder === 'buildkit' ? ['--progress', 'plain'] : ['--force-rm']))
  // Image labels are LABEL lines of the Dockerfile: the legacy builder makes each --label a step.
  for (const tag of request.tags) args.push('--tag', tag)
  if (request.network !== undefined) args.push('--network', request.network)
  for (const { id, file } of request.secrets) args.push('--secret', `id=${id},src=${file}`)
  for (const { key, value } of request.buildArgs) args.push('--build-arg', `${key}=${value}`)
  args.push(request.context)
  return args
}

/** A folder of the runner copied into the container before it starts. */
export interface ContainerFiles {
  /** The folder on the runner; its contents are copied. */
  source: string
  /** The folder in the container (created when absent). */
  target: string
}

/** What the container may use, as docker takes it (see smoke-test/container-resources.ts). */
export interface RunResources {
  memoryBytes?: number
  cpus?: number
  /** docker's --gpus value: all, a count, or device=... */
  gpus?: string
}

/**
 * How the smoke test reaches the container: published on an address of the engine's machine
 * (`hostPort` unset: the engine picks one, read back with `docker container inspect`), or on
 * the network of the container the action itself runs in, at the container's own address.
 */
export type ContainerReach =
  { kind: 'publish'; hostIp: string; hostPort?: number } | { kind: 'network'; network: string }

export interface RunRequest {
  image: string
  name: string
  labels: KeyValue[]
  containerPort: number
  reach: ContainerReach
  /** Set on the container only (not in the image), as a deployment sets them. Argv, never a shell. */
  env?: KeyValue[]
  /** Copied in through the engine (docker create, cp, start), so a remote engine works too. */
  files?: ContainerFiles[]
  resources?: RunResources
}

/**
 * A memory limit holds swap too (--memory-swap equal to it): a deployment has no swap, and on a
 * runner with a swap file a container over its limit would swap instead of being killed.
 */
function resourceArgs(resources: RunResources | undefined): string[] {
  const args: string[] = []
  const { memoryBytes, cpus, gpus } = resources ?? {}
  if (memoryBytes !== undefined)
    args.push('--memory', `${memoryBytes}b`, '--memory-swap', `${memoryBytes}b`)
  if (cpus !== undefined) args.push('--cpus', String(cpus))
  if (gpus !== undefined) args.push('--gpus', gpus)
  return args
}

/** An IPv6 address is bracketed in --publish, as docker reads it. */
function publishAddress(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip
}

/** Detached; published on the one address given (never all interfaces unless asked), or joined. */
export function runArgs(request: RunRequest): string[] {
  const args = ['run', '--detach', '--name', request.name]
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  for (const { key, value } of request.env ?? []) args.push('--env', `${key}=${value}`)
  args.push(...resourceArgs(request.resources))
  const { reach } = request
  if (reach.kind === 'network') args.push('--network', reach.network)
  else
    args.push(
      '--publish',
      `${publishAddress(reach.hostIp)}:${reach.hostPort ?? ''}:${request.containerPort}`,
    )
  args.push(request.image)
  return args
}

/** The same container as runArgs, created and not started (files are copied in first). */
export function createArgs(request: RunRequest): string[] {
  return ['create', ...runArgs(request).slice(2)]
}

/** `source/.` copies the folder's contents, into `target` whether it exists or not. */
export function copyArgs(container: string, files: ContainerFiles): string[] {
  return ['cp', `${files.source}/.`, `${container}:${files.target}`]
}

/** The container's oom events, from now on (--since: none is lost while the CLI connects). */
export function oomEventsArgs(container: string, sinceSeconds: number): string[] {
  return [
    'events',
    '--filter',
    `container=${container}`,
    '--filter',
    'event=oom',
    '--since',
    sinceSeconds.toFixed(3),
    '--format',
    '{{.Action}} {{.Time}}',
  ]
}

/**
 * An image's history, newest step first, one JSON object a line, sizes in bytes and steps whole
 * (parsed by image-history.ts).
 */
export function historyArgs(reference: string): string[] {
  return ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', reference]
}

export interface ThrowawayRunRequest {
  image: string
  name: string
  labels: KeyValue[]
  /** The program, found on the image's PATH, and its arguments. */
  entrypoint: string
  args: string[]
  /** A cap for `--memory` (e.g. `512m`). */
  memory: string
}

/**
 * In the foreground with stdin attached, removed when it ends, as the image's own user: no
 * network, capped memory and processes, nothing of the runner's files mounted.
 */
export function throwawayRunArgs(request: ThrowawayRunRequest): string[] {
  const args = ['run', '--rm', '--interactive', '--network', 'none', '--name', request.name]
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  args.push('--memory', request.memory, '--pids-limit', '64')
  args.push('--entrypoint', request.entrypoint, request.image, ...request.args)
  return args
}
