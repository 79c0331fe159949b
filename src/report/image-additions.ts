// What the image adds to its base, as a reviewer reads it: the Debian packages and Python
// distributions added, changed or removed between the base's inventory and the dependencies
// image's (the application layers copy code and a model, never packages), and the size of
// each layer over the base. A change to a distribution the server runs on is flagged: that is
// what breaks a container at start.
import {
  normaliseName,
  serverClosure,
  type DebianPackage,
  type Distribution,
  type Inventory,
} from '../dependencies/python-inventory.js'
import { humanBytes } from '../step/text.js'
import type { AddedLayer } from '../docker/image-history.js'

export interface PackageChange {
  name: string
  /** The version in the base image; undefined for a package the image adds. */
  base?: string
  /** The version in the image; undefined for a package it removed. */
  version?: string
}

export interface DistributionChange extends PackageChange {
  /** The server's distribution or one it needs (in either image): a change that can break it. */
  server: boolean
}

export interface ImageAdditions {
  /** Undefined when it could not be told (no dpkg in an image, an inventory that failed). */
  apt?: PackageChange[]
  pip?: DistributionChange[]
  /** In the order they were built; undefined when the history could not be read. */
  layers?: AddedLayer[]
  /** Why a part is left out, for the summary and metadata. */
  notes: string[]
}

/** Sorted by name; what did not change is left out. */
function diff<T>(
  before: Map<string, T>,
  after: Map<string, T>,
  describe: (item: T) => { name: string; version: string },
): PackageChange[] {
  const changes: PackageChange[] = []
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(key)
    const now = after.get(key)
    const oldVersion = old && describe(old).version
    const newVersion = now && describe(now).version
    if (oldVersion === newVersion) continue
    const name = describe((now ?? old) as T).name
    changes.push({ name, base: oldVersion, version: newVersion })
  }
  return changes.sort((a, b) => a.name.localeCompare(b.name))
}

function byName(packages: DebianPackage[]): Map<string, DebianPackage> {
  return new Map(packages.map((item) => [item.name, item]))
}

export function diffApt(base: Inventory, image: Inventory): PackageChange[] | undefined {
  if (!base.apt || !image.apt) return undefined
  return diff(byName(base.apt), byName(image.apt), (item) => item)
}

/** The server's dependencies first (what a reviewer must look at), then by name. */
export function diffPip(base: Inventory, image: Inventory): DistributionChange[] {
  const server = new Set([...serverClosure(base), ...serverClosure(image)])
  const changes = diff(base.distributions, image.distributions, (item: Distribution) => item)
  return changes
    .map((change) => ({ ...change, server: server.has(normaliseName(change.name)) }))
    .sort((a, b) => Number(b.server) - Number(a.server))
}

function count(changes: PackageChange[], what: string): string {
  const added = changes.filter((item) => item.base === undefined).length
  const removed = changes.filter((item) => item.version === undefined).length
  const changed = changes.length - added - removed
  const parts = [`${added} added`, `${changed} changed`, `${removed} removed`]
  return `${what} ${parts.join(', ')}`
}

/** One line for the log: the counts, never a name (names are the image's text). */
export function describeAdditions(adds: ImageAdditions): string {
  const parts: string[] = []
  if (adds.apt) parts.push(count(adds.apt, 'apt packages:'))
  if (adds.pip) {
    const server = adds.pip.filter((item) => item.server).length
    parts.push(`${count(adds.pip, 'pip distributions:')} (${server} the server depends on)`)
  }
  if (adds.layers) {
    const bytes = adds.layers.reduce((sum, layer) => sum + layer.bytes, 0)
    const layers = adds.layers.length === 1 ? '1 layer' : `${adds.layers.length} layers`
    parts.push(`${layers} over the base, ${humanBytes(bytes)}`)
  }
  const told = parts.length > 0 ? parts.join('; ') : 'nothing could be read'
  return `What the image adds: ${told}${adds.notes.length > 0 ? ` (${adds.notes.join('; ')})` : ''}`
}
