// Where the smoke test can reach the container, from where the engine runs and where the action
// itself runs:
// - the engine here, the action not in a container: published on this machine's loopback;
// - the engine on another machine (tcp://, ssh://): published on that machine's address, the one
//   this machine reaches it at; on all its interfaces only when that address is not one of its
//   own (a NAT in between), and then a warning says so;
// - the action in a container of that engine (a GitHub container job, the host's socket
//   mounted): the smoke-test container joins the job container's network and is reached at its
//   own address there; nothing is published.
import * as core from '@actions/core'
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { ContainerReach } from '../docker/docker-args.js'
import type { ContainerInfo, DockerClient } from '../docker/docker.js'
import { describeEngine, type Engine } from '../docker/engine-endpoint.js'
import {
  ownContainerCandidates,
  readOwnContainerHints,
  type OwnContainerHints,
} from '../docker/own-container.js'
import { printInert } from '../step/inert-log.js'
import { errorMessage } from '../step/text.js'
import { freeLoopbackPort } from './loopback-port.js'

export type Reach =
  | { kind: 'loopback' }
  | { kind: 'engine-host'; address: string; allInterfaces?: boolean }
  | { kind: 'network'; network: string; jobContainer: string }

export const LOOPBACK: Reach = { kind: 'loopback' }

/** The network to join: the one the job container was started on, else the first it is on. */
function networkToJoin(container: ContainerInfo): string | undefined {
  const mode = container.networkMode
  // Host mode shares the engine machine's network: publishing on loopback reaches it there.
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return undefined
  const name = mode === 'default' ? 'bridge' : mode
  if (name in container.networks) return name
  return Object.keys(container.networks).find((network) => !['host', 'none'].includes(network))
}

/** The container this process runs in, as the engine knows it; undefined when not one of its. */
async function ownContainer(
  docker: DockerClient,
  hints: OwnContainerHints,
): Promise<ContainerInfo | undefined> {
  for (const candidate of ownContainerCandidates(hints)) {
    const found = await docker.inspectContainer(candidate).catch(() => undefined)
    // inspect also takes names: only a container whose id starts with the candidate is ours.
    if (found?.id.startsWith(candidate)) return found
  }
  return undefined
}

export async function decideReach(
  docker: DockerClient,
  engine: Engine,
  hints: OwnContainerHints = readOwnContainerHints(),
  resolve: (host: string) => Promise<string> = async (host) => (await lookup(host)).address,
): Promise<Reach> {
  const own = await ownContainer(docker, hints)
  const network = own && networkToJoin(own)
  if (own && network) {
    printInert(
      `The action runs in container ${own.id.slice(0, 12)} of the engine: the smoke-test container joins its network ${network}`,
    )
    return { kind: 'network', network, jobContainer: own.id }
  }
  if (engine.remoteHost === undefined) return LOOPBACK
  let address: string
  try {
    address = isIP(engine.remoteHost) ? engine.remoteHost : await resolve(engine.remoteHost)
  } catch (error) {
    throw new Error(
      `The Docker engine ${describeEngine(engine)} runs on ${engine.remoteHost}, whose address could not be found (${errorMessage(error)}): the smoke test must reach the container there`,
      { cause: error },
    )
  }
  printInert(
    `The Docker engine runs on another machine (${describeEngine(engine)}): the container is published on ${address}`,
  )
  return { kind: 'engine-host', address }
}

// Below Linux's ephemeral range (32768-60999) and docker's own picks: rarely someone's already.
const REMOTE_PORTS = { first: 20000, count: 12768 }

/** What `docker run` is asked for, one attempt: a loopback port picked here, or a port there. */
export async function reachForRun(reach: Reach): Promise<ContainerReach> {
  switch (reach.kind) {
    case 'loopback':
      return { kind: 'publish', hostIp: '127.0.0.1', hostPort: await freeLoopbackPort() }
    case 'engine-host':
      // A free port of another machine cannot be known from here: one is tried, then another.
      return {
        kind: 'publish',
        hostIp: reach.allInterfaces ? '0.0.0.0' : reach.address,
        hostPort: REMOTE_PORTS.first + Math.floor(Math.random() * REMOTE_PORTS.count),
      }
    case 'network':
      return { kind: 'network', network: reach.network }
  }
}

/** The URL the smoke test probes, once `docker run` started the container. */
export async function baseUrl(
  docker: DockerClient,
  container: string,
  reach: Reach,
  run: ContainerReach,
  containerPort: number,
): Promise<string> {
  if (run.kind === 'publish') {
    const host = reach.kind === 'engine-host' ? reach.address : run.hostIp
    return `http://${host.includes(':') ? `[${host}]` : host}:${run.hostPort}`
  }
  const info = await docker.inspectContainer(container)
  // Gone already (it failed at once): its name still tells the wait where to look, and the
  // wait then reports the exit.
  const address = info?.networks[run.network] || container
  return `http://${address}:${containerPort}`
}

/**
 * docker could not bind the engine host's address as this machine sees it (a NAT or a proxy in
 * between): the only way left is all of that machine's interfaces.
 */
export function widenedReach(reach: Reach, error: unknown): Reach | undefined {
  if (reach.kind !== 'engine-host' || reach.allInterfaces) return undefined
  if (!/cannot assign requested address/i.test(errorMessage(error))) return undefined
  core.warning(
    `The engine's machine does not have the address ${reach.address} this machine reaches it at: the smoke-test container is published on all of its interfaces (0.0.0.0) for the length of the test`,
  )
  return { ...reach, allInterfaces: true }
}
