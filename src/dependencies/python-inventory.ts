// What an image has installed, read in the image itself (see inventory-source.ts): its Python
// distributions and what they require, what `pip check` finds broken, its Debian packages. The
// base image and the dependencies image are both read, so that what the user's requirements
// changed can be told from what the base already had.
import type { DockerClient } from '../docker/docker.js'
import { runImagePython } from '../docker/image-python.js'
import type { Leftovers } from '../step/leftovers.js'
import { INVENTORY_SOURCE } from './inventory-source.js'

/** The distribution of the real images' HTTP server. */
export const SERVER_DISTRIBUTION = 'azureml-inference-server-http'

/** Part of a Distribution's shape, for whoever reads what it requires. @public */
export interface Requirement {
  /** Normalised as PEP 503 does (lower case, runs of `-_.` as one `-`). */
  name: string
  /** As the distribution declares it, e.g. `<2.3.0,>=2.0`; empty for any version. */
  specifier: string
}

export interface Distribution {
  /** As its metadata spells it. */
  name: string
  version: string
  /** What it requires in this interpreter: markers evaluated, extras left out. */
  requires: Requirement[]
}

export interface DebianPackage {
  /** With the architecture for a foreign one, as dpkg names it (`libc6:i386`). */
  name: string
  version: string
}

export interface Inventory {
  python: string
  /** Keyed by normalised name. */
  distributions: Map<string, Distribution>
  /** `pip check`'s lines, empty when nothing is broken; undefined when pip could not run. */
  pipCheck?: string[]
  /** Undefined when the image has no dpkg. */
  apt?: DebianPackage[]
}

/** PEP 503's normal form of a distribution name. */
export function normaliseName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}

/** Reads the inventory in the image; rejects when it cannot run (see runImagePython). */
export async function readInventory(
  docker: DockerClient,
  leftovers: Leftovers,
  image: string,
): Promise<Inventory> {
  const stdout = await runImagePython(docker, leftovers, {
    image,
    source: INVENTORY_SOURCE,
    input: '',
    role: 'inventory',
  })
  return parseInventory(stdout)
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

function parseRequirement(value: unknown): Requirement {
  const item = value as Record<string, unknown> | null
  if (!item || !isString(item.name) || !isString(item.specifier))
    throw new Error(`a requirement the inventory should not list: ${JSON.stringify(value)}`)
  return { name: item.name, specifier: item.specifier }
}

function parseDistribution(value: unknown): Distribution {
  const item = value as Record<string, unknown> | null
  if (!item || !isString(item.name) || !isString(item.version) || !Array.isArray(item.requires))
    throw new Error(`a distribution the inventory should not list: ${JSON.stringify(value)}`)
  return { name: item.name, version: item.version, requires: item.requires.map(parseRequirement) }
}

function parsePackage(value: unknown): DebianPackage {
  const item = value as Record<string, unknown> | null
  if (!item || !isString(item.name) || !isString(item.version))
    throw new Error(`a package the inventory should not list: ${JSON.stringify(value)}`)
  return { name: item.name, version: item.version }
}

/** The program's JSON (as read, or as remembered: inventory-memo.ts); anything else is refused. */
export function parseInventory(stdout: string): Inventory {
  const raw = JSON.parse(stdout) as Record<string, unknown>
  if (!isString(raw.python) || !Array.isArray(raw.distributions))
    throw new Error(`the inventory answered something else: ${stdout.slice(0, 200)}`)
  const distributions = new Map<string, Distribution>()
  for (const item of raw.distributions.map(parseDistribution))
    distributions.set(normaliseName(item.name), item)
  const inventory: Inventory = { python: raw.python, distributions }
  if (Array.isArray(raw.pipCheck)) inventory.pipCheck = raw.pipCheck.filter(isString)
  if (Array.isArray(raw.apt)) inventory.apt = raw.apt.map(parsePackage)
  return inventory
}

/**
 * The server's distribution and everything it requires, transitively, among what is installed
 * (normalised names, the server first); empty when the image has no server distribution.
 */
export function serverClosure(inventory: Inventory): string[] {
  const start = normaliseName(SERVER_DISTRIBUTION)
  if (!inventory.distributions.has(start)) return []
  const seen = new Set([start])
  const queue = [start]
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const requirement of inventory.distributions.get(name)?.requires ?? []) {
      if (seen.has(requirement.name)) continue
      seen.add(requirement.name)
      if (inventory.distributions.has(requirement.name)) queue.push(requirement.name)
    }
  }
  return [...seen]
}
