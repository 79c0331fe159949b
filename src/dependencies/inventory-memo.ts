// Inventories remembered by image id between runs, in a file next to the stable staging folder
// (staging-dir.ts): an image id is the digest of the image's config, its layers included, so
// what is installed in it never changes. A run that builds nothing ("nothing changed") then
// starts no container to tell what its image adds; reading one costs a container start (1 to
// 2 s on two cores), the floor of such a run a few seconds. Without a file (no stable staging
// folder) every read goes to the image.
import type { DockerClient } from '../docker/docker.js'
import { readMemoFile, writeMemoFile } from '../plan/memo-file.js'
import type { Leftovers } from '../step/leftovers.js'
import { parseInventory, readInventory, type Inventory } from './python-inventory.js'

const VERSION = 1
/** The base, the dependencies image, and the same pair of the previous set of dependencies. */
const MAX_KEPT = 4

interface Saved {
  version: number
  /** Image id -> the inventory program's JSON, most recently used last. */
  inventories: Record<string, unknown>
}

function serialise(inventory: Inventory): unknown {
  return { ...inventory, distributions: [...inventory.distributions.values()] }
}

export class InventoryMemo {
  private readonly known = new Map<string, unknown>()

  /** `file`: where they are kept; unreadable or of another version: none known. */
  constructor(private readonly file?: string) {
    if (file === undefined) return
    const inventories = readMemoFile(file, VERSION)?.inventories
    if (typeof inventories !== 'object' || inventories === null) return
    for (const [id, inventory] of Object.entries(inventories)) this.known.set(id, inventory)
  }

  /** The image's inventory, remembered or read in the image (rejects as readInventory does). */
  async read(docker: DockerClient, leftovers: Leftovers, imageId: string): Promise<Inventory> {
    const known = this.known.get(imageId)
    if (known !== undefined) {
      try {
        const inventory = parseInventory(JSON.stringify(known))
        this.remember(imageId, known)
        return inventory
      } catch {
        this.known.delete(imageId) // written by something else: read again
      }
    }
    const inventory = await readInventory(docker, leftovers, imageId)
    this.remember(imageId, serialise(inventory))
    return inventory
  }

  /**
   * The inventories of these images that are known now, as one JSON document, for the cache
   * entry of the dependencies (undefined when none is).
   */
  exported(imageIds: string[]): Buffer | undefined {
    const known = imageIds.filter((id) => this.known.has(id))
    if (known.length === 0) return undefined
    const saved: Saved = {
      version: VERSION,
      inventories: Object.fromEntries(known.map((id) => [id, this.known.get(id)])),
    }
    return Buffer.from(JSON.stringify(saved))
  }

  /**
   * Takes the inventories of these images from a document `exported` wrote (a restored cache
   * entry), each only if it parses as one; anything else in it is ignored. Returns how many.
   */
  seed(document: Buffer, imageIds: string[]): number {
    let saved: Saved
    try {
      saved = JSON.parse(document.toString('utf8')) as Saved
    } catch {
      return 0
    }
    if (saved?.version !== VERSION || typeof saved.inventories !== 'object') return 0
    let taken = 0
    for (const id of imageIds) {
      const inventory = Object.hasOwn(saved.inventories, id) ? saved.inventories[id] : undefined
      if (inventory === undefined || this.known.has(id)) continue
      try {
        parseInventory(JSON.stringify(inventory))
      } catch {
        continue
      }
      this.remember(id, inventory)
      taken++
    }
    return taken
  }

  private remember(imageId: string, inventory: unknown): void {
    this.known.delete(imageId)
    this.known.set(imageId, inventory)
    while (this.known.size > MAX_KEPT) this.known.delete(this.known.keys().next().value as string)
    // Unwritten, the next run reads the images again.
    if (this.file !== undefined)
      writeMemoFile(this.file, VERSION, { inventories: Object.fromEntries(this.known) })
  }
}
