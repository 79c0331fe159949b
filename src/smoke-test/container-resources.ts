// How much memory and CPU the smoke-test container gets, and from where: the memory and cpus
// inputs win over the deployment's instance size. The engine's host bounds both: docker refuses
// --cpus above its CPU count (capped here, and said), and a memory limit above its memory is
// never reached (warned: the smoke test then cannot show that init() fits).
import * as core from '@actions/core'
import { Input } from '../step/constants.js'
import type { RunResources } from '../docker/docker-args.js'
import type { DockerClient, EngineResources } from '../docker/docker.js'

/** The deployment's instance size, e.g. source "instance_type Standard_DS1_v2 (deployment.yml)". */
export interface DeploymentResources {
  memoryBytes: number
  cpus: number
  source: string
}

export interface ContainerResources {
  memory?: { bytes: number; source: string }
  /** `requested` is set when the engine has fewer CPUs and `count` was capped to them. */
  cpus?: { count: number; source: string; requested?: number }
  /** What a limit cannot do on this engine, for a warning and the summary. */
  warnings: string[]
}

/** Bytes as a person reads a memory size: 150 MiB, 3.5 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const rounded = unit === 0 ? String(value) : value.toFixed(1).replace(/\.0$/, '')
  return `${rounded} ${units[unit]}`
}

/** What the container's memory limit is, in the words of a failure: "3.5 GiB (memory input)". */
export function describeMemoryLimit(resources: ContainerResources | undefined): string {
  const memory = resources?.memory
  return memory
    ? `the limit is ${formatBytes(memory.bytes)} (${memory.source})`
    : "the container had no memory limit (the engine host's memory ran out)"
}

/**
 * The memory and cpus inputs win over the deployment's size, each on its own.
 * @internal (exported for its unit tests)
 */
export function containerResources(
  memoryBytes: number | undefined,
  cpus: number | undefined,
  deployment: DeploymentResources | undefined,
  engine: EngineResources,
): ContainerResources {
  const resources: ContainerResources = { warnings: [] }
  const memory =
    memoryBytes !== undefined
      ? { bytes: memoryBytes, source: `${Input.Memory} input` }
      : deployment && { bytes: deployment.memoryBytes, source: deployment.source }
  if (memory) {
    resources.memory = memory
    if (memory.bytes > engine.memoryBytes) {
      resources.warnings.push(
        `The memory limit ${formatBytes(memory.bytes)} (${memory.source}) is more than the engine host has (${formatBytes(engine.memoryBytes)}): the container cannot reach it here, so the smoke test does not show that init() and run() fit in it`,
      )
    }
  }
  const wanted =
    cpus !== undefined
      ? { count: cpus, source: `${Input.Cpus} input` }
      : deployment && { count: deployment.cpus, source: deployment.source }
  if (wanted) {
    resources.cpus =
      wanted.count > engine.cpus
        ? { count: engine.cpus, source: wanted.source, requested: wanted.count }
        : wanted
  }
  return resources
}

/** The CPU line of the summary and the log: "2 (cpus input asks for 64; the engine has 2)". */
export function describeCpus(cpus: NonNullable<ContainerResources['cpus']>): string {
  return cpus.requested === undefined
    ? `${cpus.count} (${cpus.source})`
    : `${cpus.count}: capped, ${cpus.source} asks for ${cpus.requested} and the engine has ${cpus.count} (docker refuses more)`
}

/** What the inputs (and the deployment) ask of the smoke-test container. */
export interface ResourceLimits {
  memoryBytes?: number
  cpus?: number
  gpus?: string
  deployment?: DeploymentResources
}

/**
 * The container's memory and CPUs against the engine's host; undefined when nothing limits
 * them (the engine is then not asked). Warnings are given here, once.
 */
export async function resolveContainerResources(
  docker: DockerClient,
  limits: ResourceLimits | undefined,
): Promise<ContainerResources | undefined> {
  const { memoryBytes, cpus, deployment } = limits ?? {}
  if (memoryBytes === undefined && cpus === undefined && deployment === undefined) return undefined
  const resources = containerResources(
    memoryBytes,
    cpus,
    deployment,
    await docker.engineResources(),
  )
  for (const warning of resources.warnings) core.warning(warning)
  if (resources.memory)
    core.info(
      `Memory limit: ${formatBytes(resources.memory.bytes)} (${resources.memory.source}), swap included`,
    )
  if (resources.cpus) core.info(`CPUs: ${describeCpus(resources.cpus)}`)
  return resources
}

export function runResources(
  resources: ContainerResources | undefined,
  gpus: string | undefined,
): RunResources | undefined {
  if (!resources && gpus === undefined) return undefined
  return { memoryBytes: resources?.memory?.bytes, cpus: resources?.cpus?.count, gpus }
}
