// Gathering what the image adds, over a plain-object engine: the inventories taken as given
// promises, the layers from docker history, and every part that cannot be read left out with
// a note, never a failure. Inventories are remembered by image id, so a second run that finds
// the same images starts no container.
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { HistoryEntry } from '../../src/docker/image-history.js'
import { InventoryMemo } from '../../src/dependencies/inventory-memo.js'
import type { Inventory } from '../../src/dependencies/python-inventory.js'
import { gatherAdditions, readInventories } from '../../src/report/gather-additions.js'
import { Leftovers } from '../../src/step/leftovers.js'
import { fakeDocker } from '../helpers/fake-docker.js'

let written: string
beforeEach(() => {
  written = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written += String(chunk)
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
})

const BASE_HISTORY: HistoryEntry[] = [{ createdBy: '/bin/sh -c #(nop)  USER dockeruser', bytes: 0 }]
const IMAGE_HISTORY: HistoryEntry[] = [
  { createdBy: '/bin/sh -c #(nop) COPY dir:abc in /var/azureml-app/ ', bytes: 782 },
  { createdBy: '/bin/sh -c pip install -r requirements.txt', bytes: 4096 },
  ...BASE_HISTORY,
]

function historyOf(images: Record<string, HistoryEntry[]>) {
  return async (reference: string): Promise<HistoryEntry[]> => {
    const history = images[reference]
    if (!history) throw new Error(`Reading the history failed: No such image: ${reference}`)
    return history
  }
}

function inventory(distributions: [string, string][], apt?: [string, string][]): Inventory {
  return {
    python: '3.11.2',
    distributions: new Map(
      distributions.map(([name, version]) => [name, { name, version, requires: [] }]),
    ),
    apt: apt?.map(([name, version]) => ({ name, version })),
  }
}

const base = inventory([['flask', '2.2.2']], [['libc6', '2.36']])
const withTinylinear = inventory(
  [
    ['flask', '2.2.2'],
    ['tinylinear', '1.0.0'],
  ],
  [
    ['libc6', '2.36'],
    ['libgomp1', '12.2.0'],
  ],
)

describe('gatherAdditions', () => {
  it('gives the packages and layers the image adds, and counts them in the log', async () => {
    const docker = fakeDocker({ history: historyOf({ base: BASE_HISTORY, app: IMAGE_HISTORY }) })
    const adds = await gatherAdditions(docker, {
      baseId: 'base',
      baseInventory: Promise.resolve(base),
      dependenciesInventory: Promise.resolve(withTinylinear),
    }).finish('app')
    expect(adds).toEqual({
      apt: [{ name: 'libgomp1', version: '12.2.0' }],
      pip: [{ name: 'tinylinear', version: '1.0.0', server: false }],
      layers: [
        { step: 'RUN pip install -r requirements.txt', bytes: 4096 },
        { step: 'COPY dir:abc in /var/azureml-app/', bytes: 782 },
      ],
      notes: [],
    })
    expect(written).toContain(
      'What the image adds: apt packages: 1 added, 0 changed, 0 removed; pip distributions: 1 added, 0 changed, 0 removed (0 the server depends on); 2 layers over the base, 4.9 kB',
    )
  })

  it('leaves out what cannot be read, with a note, and never rejects', async () => {
    const docker = fakeDocker({ history: historyOf({ base: BASE_HISTORY }) })
    const adds = await gatherAdditions(docker, {
      baseId: 'base',
      // Rejected before anyone awaits it: handled at once, not an unhandled rejection.
      baseInventory: Promise.reject(new Error("neither python nor python3 is on the image's PATH")),
      dependenciesInventory: Promise.resolve(withTinylinear),
    }).finish('app')
    expect(adds.pip).toBeUndefined()
    expect(adds.apt).toBeUndefined()
    expect(adds.layers).toBeUndefined()
    expect(adds.notes).toEqual([
      "the base image's inventory could not be read: neither python nor python3 is on the image's PATH",
      'layers left out: Reading the history failed: No such image: app',
    ])
  })

  it('leaves the apt packages out of an image without dpkg', async () => {
    const docker = fakeDocker({ history: historyOf({ base: BASE_HISTORY, app: IMAGE_HISTORY }) })
    const adds = await gatherAdditions(docker, {
      baseId: 'base',
      baseInventory: Promise.resolve(inventory([])),
      dependenciesInventory: Promise.resolve(inventory([['tinylinear', '1.0.0']])),
    }).finish('app')
    expect(adds.apt).toBeUndefined()
    expect(adds.pip).toEqual([{ name: 'tinylinear', version: '1.0.0', server: false }])
    expect(adds.notes).toEqual(['apt packages left out: no dpkg in the image'])
  })

  it('without dependencies: no package, no inventory needed', async () => {
    const docker = fakeDocker({ history: historyOf({ base: BASE_HISTORY, app: IMAGE_HISTORY }) })
    let reads = 0
    docker.runWithInput = async () => {
      reads++
      throw new Error('no container expected')
    }
    const inventories = readInventories(docker, new Leftovers(docker), new InventoryMemo(), {
      base: 'base',
    })
    const adds = await gatherAdditions(docker, { baseId: 'base', ...inventories }).finish('app')
    expect(adds).toMatchObject({ apt: [], pip: [], notes: [] })
    expect(adds.layers).toHaveLength(2)
    expect(reads).toBe(0)
  })
})

describe('InventoryMemo', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-inventory-memo-'))
  const file = path.join(dir, 'key.inventories.json')
  afterEach(() => fs.rmSync(file, { force: true }))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  function countingDocker() {
    const read: string[] = []
    const docker = fakeDocker({
      runWithInput: async (request) => {
        read.push(request.image)
        const json = {
          python: '3.11.2',
          distributions: [{ name: 'tinylinear', version: request.image, requires: [] }],
          pipCheck: [],
          apt: [{ name: 'libgomp1', version: '12' }],
        }
        return { exitCode: 0, stdout: JSON.stringify(json), stderr: '' }
      },
    })
    return { docker, read, leftovers: new Leftovers(docker) }
  }

  it('reads an image once across runs, by id', async () => {
    const first = countingDocker()
    const inventory = await new InventoryMemo(file).read(first.docker, first.leftovers, 'sha256:a')
    expect(first.read).toEqual(['sha256:a'])
    const second = countingDocker()
    const memo = new InventoryMemo(file)
    const again = await memo.read(second.docker, second.leftovers, 'sha256:a')
    expect(again).toEqual(inventory)
    expect(again.distributions.get('tinylinear')?.version).toBe('sha256:a')
    expect(second.read).toEqual([])
    await memo.read(second.docker, second.leftovers, 'sha256:b')
    expect(second.read).toEqual(['sha256:b'])
  })

  it('reads the image again when the file is not one it wrote', async () => {
    fs.writeFileSync(file, JSON.stringify({ version: 1, inventories: { 'sha256:a': { x: 1 } } }))
    const { docker, read, leftovers } = countingDocker()
    await new InventoryMemo(file).read(docker, leftovers, 'sha256:a')
    expect(read).toEqual(['sha256:a'])
  })

  it('keeps the last four images', async () => {
    const { docker, read, leftovers } = countingDocker()
    const memo = new InventoryMemo(file)
    for (const id of ['1', '2', '3', '4', '5']) await memo.read(docker, leftovers, id)
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'))
    expect(Object.keys(saved.inventories)).toEqual(['2', '3', '4', '5'])
    expect(read).toHaveLength(5)
  })
})
