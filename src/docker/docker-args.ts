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

export interface RunRequest {
  image: string
  name: string
  labels: KeyValue[]
  containerPort: number
  /** A free loopback port picked by the caller (see loopback-port.ts). */
  hostPort: number
}

/** Detached, published on the loopback interface only: parallel runs never collide. */
export function runArgs(request: RunRequest): string[] {
  const args = ['run', '--detach', '--name', request.name]
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  args.push('--publish', `127.0.0.1:${request.hostPort}:${request.containerPort}`, request.image)
  return args
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
