// Gathers what the image adds (image-additions.ts) while the application is built, not during
// the smoke test: on two cores the inventories' containers would compete with init() and the
// latency figures. The inventories are taken as promises, started by whoever needs them first
// (readInventories here, or the requirements' conflict check), so no image is read twice; the
// layers need the built image, and are one `docker history` call each for it and the base.
// A part that cannot be read (no Python, no dpkg, an engine that refuses) is left out with a
// note: this never fails the step.
import type { FromImage } from '../build/build-application.js'
import type { InventoryMemo } from '../dependencies/inventory-memo.js'
import type { Inventory } from '../dependencies/python-inventory.js'
import type { DockerClient } from '../docker/docker.js'
import { layersOver } from '../docker/image-history.js'
import { printInert } from '../step/inert-log.js'
import type { Leftovers } from '../step/leftovers.js'
import { errorMessage } from '../step/text.js'
import { describeAdditions, diffApt, diffPip, type ImageAdditions } from './image-additions.js'

export interface AdditionsRequest {
  /** The base image, by id (its history is excluded from the layers). */
  baseId: string
  baseInventory: Promise<Inventory | undefined>
  /** Undefined when nothing was installed on the base (no apt packages, no requirements). */
  dependenciesInventory?: Promise<Inventory | undefined>
}

export interface AdditionsGathering {
  /** Everything, once the application image `imageId` is there; never rejects. */
  finish(imageId: string): Promise<ImageAdditions>
}

type Settled<T> = { value: T } | { reason: string }

/** Handled at once, so that a read that fails before it is awaited is no unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ reason: errorMessage(error).split('\n')[0] }),
  )
}

function inventoryOrNote(
  settled: Settled<Inventory | undefined>,
  which: string,
  notes: string[],
): Inventory | undefined {
  if ('reason' in settled) notes.push(`${which} inventory could not be read: ${settled.reason}`)
  else if (!settled.value) notes.push(`${which} inventory could not be read`)
  return 'value' in settled ? settled.value : undefined
}

async function packages(
  request: AdditionsRequest,
  base: Promise<Settled<Inventory | undefined>>,
  notes: string[],
): Promise<Pick<ImageAdditions, 'apt' | 'pip'>> {
  // The application layers copy code and a model: only the dependencies image installs.
  if (!request.dependenciesInventory) return { apt: [], pip: [] }
  const [before, after] = await Promise.all([base, settle(request.dependenciesInventory)])
  const baseInventory = inventoryOrNote(before, "the base image's", notes)
  const imageInventory = inventoryOrNote(after, "the dependencies image's", notes)
  if (!baseInventory || !imageInventory) return {}
  const apt = diffApt(baseInventory, imageInventory)
  if (!apt) notes.push('apt packages left out: no dpkg in the image')
  return { apt, pip: diffPip(baseInventory, imageInventory) }
}

export function gatherAdditions(
  docker: DockerClient,
  request: AdditionsRequest,
): AdditionsGathering {
  const base = settle(request.baseInventory)
  if (request.dependenciesInventory) void settle(request.dependenciesInventory)
  const baseHistory = settle(docker.history(request.baseId))
  return {
    async finish(imageId) {
      const notes: string[] = []
      const history = settle(docker.history(imageId))
      const found = await packages(request, base, notes)
      const [image, below] = await Promise.all([history, baseHistory])
      const adds: ImageAdditions = { ...found, notes }
      if ('reason' in image) notes.push(`layers left out: ${image.reason}`)
      else if ('reason' in below) notes.push(`layers left out: ${below.reason}`)
      else adds.layers = layersOver(image.value, below.value)
      printInert(describeAdditions(adds))
      return adds
    },
  }
}

/**
 * Reads the base's and the dependencies image's inventories (through `memo`, so that a run
 * that built nothing starts no container), each a promise that may reject.
 */
export function readInventories(
  docker: DockerClient,
  leftovers: Leftovers,
  memo: InventoryMemo,
  images: { base: string; dependencies?: FromImage },
): Pick<AdditionsRequest, 'baseInventory' | 'dependenciesInventory'> {
  const { dependencies } = images
  // Without dependencies nothing is installed on the base: neither needs reading.
  if (!dependencies) return { baseInventory: Promise.resolve(undefined) }
  return {
    baseInventory: memo.read(docker, leftovers, images.base),
    dependenciesInventory: memo.read(docker, leftovers, dependencies.id),
  }
}
