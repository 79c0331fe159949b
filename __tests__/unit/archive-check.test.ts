// The check of a restored dependencies archive before `docker load`, on crafted tar archives
// shaped like what docker save writes (and then layer-archive filters): each rule refuses its
// own kind of poisoned or corrupt entry, and findDependencies treats a refused one as a cache
// miss with a warning that names the key and says how to delete it, without loading it.
// And the save side: archiveDependencies leaves out an inventories document this check would
// refuse (the whole archive with it), and keeps one it takes.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import tarStream from 'tar-stream'
import {
  checkDependenciesArchive,
  INVENTORIES_ENTRY,
  INVENTORIES_MAX_BYTES,
  UnfitArchiveError,
} from '../../src/dependencies/archive-check.js'
import {
  archiveDependencies,
  archivePath,
  CACHE_KEY_PREFIX,
  dependenciesTag,
  findDependencies,
} from '../../src/dependencies/dependencies.js'
import type { LocalImage } from '../../src/docker/docker.js'
import type { ImageCache } from '../../src/dependencies/image-cache.js'
import { fakeDocker } from '../helpers/fake-docker.js'

const KEY = '0123456789abcdef0123456789abcdef'
const TAG = dependenciesTag(KEY)
const BASE_LAYERS = [`sha256:${'1'.repeat(64)}`, `sha256:${'2'.repeat(64)}`]
const OWN_LAYER = `sha256:${'3'.repeat(64)}`
const CONFIG = `${'c'.repeat(64)}.json`
const EXPECTED = { tag: TAG, baseLayers: BASE_LAYERS }

interface Member {
  name: string
  data?: string
  type?: 'file' | 'symlink' | 'directory'
  linkname?: string
}

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-check-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
  delete process.env.RUNNER_TEMP
  jest.restoreAllMocks()
})

async function tar(file: string, members: Member[]): Promise<string> {
  const pack = tarStream.pack()
  const written = new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file)
    out.on('finish', resolve).on('error', reject)
    pack.pipe(out)
  })
  for (const { name, data, type = 'file', linkname } of members) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve())
      if (type === 'file') pack.entry({ name, type }, data ?? '', done)
      else pack.entry({ name, type, linkname }, done)
    })
  }
  pack.finalize()
  await written
  return file
}

/** What layer-archive writes for a dependencies image: the base layers' folders left out. */
function goodArchive(): Member[] {
  return [
    { name: `${'d'.repeat(64)}/`, type: 'directory' },
    { name: `${'d'.repeat(64)}/VERSION`, data: '1.0' },
    { name: `${'d'.repeat(64)}/json`, data: '{}' },
    { name: `${'d'.repeat(64)}/layer.tar`, data: 'own layer' },
    {
      name: CONFIG,
      data: JSON.stringify({ rootfs: { type: 'layers', diff_ids: [...BASE_LAYERS, OWN_LAYER] } }),
    },
    {
      name: 'manifest.json',
      data: JSON.stringify([
        {
          Config: CONFIG,
          RepoTags: [TAG],
          Layers: ['a/layer.tar', 'b/layer.tar', `${'d'.repeat(64)}/layer.tar`],
        },
      ]),
    },
    {
      name: 'repositories',
      data: JSON.stringify({ 'extend-azureml-image/dependencies': { [KEY]: 'd'.repeat(64) } }),
    },
  ]
}

/** The good archive with `name` replaced (or dropped, for undefined) and `extra` added. */
function variant(replace: Record<string, Member | Member[] | undefined>, extra: Member[] = []) {
  return [
    ...goodArchive().flatMap((member) => {
      if (!(member.name in replace)) return [member]
      const by = replace[member.name]
      return by === undefined ? [] : Array.isArray(by) ? by : [by]
    }),
    ...extra,
  ]
}

const manifest = (entries: object[]): Member => ({
  name: 'manifest.json',
  data: JSON.stringify(entries),
})
const entry = (fields: object = {}) => ({ Config: CONFIG, RepoTags: [TAG], Layers: [], ...fields })
const config = (diffIds: string[]): Member => ({
  name: CONFIG,
  data: JSON.stringify({ rootfs: { type: 'layers', diff_ids: diffIds } }),
})
const index = (manifests: object[]): Member => ({
  name: 'index.json',
  data: JSON.stringify({ schemaVersion: 2, manifests }),
})

describe('checkDependenciesArchive', () => {
  it('accepts the archive a dependencies image is saved as', async () => {
    const file = await tar(path.join(dir, 'a.tar'), goodArchive())
    await expect(checkDependenciesArchive(file, EXPECTED)).resolves.toEqual({})
  })

  it("gives the action's own inventories file back, and refuses it as a link", async () => {
    const document = '{"version": 1, "inventories": {}}'
    const file = await tar(
      path.join(dir, 'a.tar'),
      variant({}, [{ name: INVENTORIES_ENTRY, data: document }]),
    )
    const found = await checkDependenciesArchive(file, EXPECTED)
    expect(found.inventories?.toString('utf8')).toBe(document)
    const linked = await tar(
      path.join(dir, 'b.tar'),
      variant({}, [{ name: INVENTORIES_ENTRY, type: 'symlink', linkname: '/etc/passwd' }]),
    )
    await expect(checkDependenciesArchive(linked, EXPECTED)).rejects.toThrow(/not a regular file/)
  })

  it('accepts an OCI layout whose index names only the dependencies tag', async () => {
    const file = await tar(
      path.join(dir, 'a.tar'),
      variant({}, [
        index([
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            annotations: { 'io.containerd.image.name': `docker.io/${TAG}`, [REF]: KEY },
          },
        ]),
      ]),
    )
    await expect(checkDependenciesArchive(file, EXPECTED)).resolves.toEqual({})
  })

  const REF = 'org.opencontainers.image.ref.name'
  it.each<[string, Record<string, Member | Member[] | undefined>, Member[], string]>([
    ['no manifest.json', { 'manifest.json': undefined }, [], 'it has no manifest.json'],
    [
      'a manifest.json that is not JSON',
      { 'manifest.json': { name: 'manifest.json', data: '[{' } },
      [],
      'manifest.json is not JSON',
    ],
    [
      'two images',
      { 'manifest.json': manifest([entry(), entry()]) },
      [],
      'manifest.json must list exactly one image, it lists 2',
    ],
    [
      'another tag besides its own',
      { 'manifest.json': manifest([entry({ RepoTags: [TAG, 'eai-victim/base:latest'] })]) },
      [],
      `manifest.json tags the image "${TAG}", "eai-victim/base:latest"; the only tag allowed is "${TAG}"`,
    ],
    [
      'only another tag',
      { 'manifest.json': manifest([entry({ RepoTags: ['eai-victim/base:latest'] })]) },
      [],
      'manifest.json tags the image "eai-victim/base:latest"',
    ],
    [
      'no tag',
      { 'manifest.json': manifest([entry({ RepoTags: [] })]) },
      [],
      'manifest.json tags the image no tag',
    ],
    [
      'a tag that carries a workflow command, not shown',
      { 'manifest.json': manifest([entry({ RepoTags: ['x ##[add-mask]secret'] })]) },
      [],
      'manifest.json tags the image (a name that is not an image reference)',
    ],
    [
      'a repositories file with another tag',
      {
        repositories: {
          name: 'repositories',
          data: JSON.stringify({
            'extend-azureml-image/dependencies': { [KEY]: 'd' },
            'eai-victim/base': { latest: 'd' },
          }),
        },
      },
      [],
      'repositories names "eai-victim/base:latest"; the only tag allowed is',
    ],
    [
      'a repositories file with another tag of the same repository',
      {
        repositories: {
          name: 'repositories',
          data: JSON.stringify({ 'extend-azureml-image/dependencies': { [KEY]: 'd', other: 'd' } }),
        },
      },
      [],
      'repositories names "extend-azureml-image/dependencies:other"',
    ],
    [
      'a manifest.json that is a link to another file',
      {
        'manifest.json': [
          { name: 'evil.json', data: '[]' },
          { name: 'manifest.json', type: 'symlink', linkname: 'evil.json' },
        ],
      },
      [],
      'manifest.json is not a regular file (a symlink)',
    ],
    [
      'a second manifest.json, which extraction would let win',
      {},
      [manifest([entry({ RepoTags: ['eai-victim/base:latest'] })])],
      'manifest.json appears 2 times',
    ],
    [
      'a second manifest.json spelled ./manifest.json',
      {},
      [{ ...manifest([entry()]), name: './manifest.json' }],
      'manifest.json appears 2 times',
    ],
    [
      'an OCI index naming another image',
      {},
      [
        index([
          { annotations: { 'io.containerd.image.name': 'docker.io/eai-victim/base:latest' } },
        ]),
      ],
      'index.json names the image "docker.io/eai-victim/base:latest" (io.containerd.image.name)',
    ],
    [
      'an OCI index with another ref name',
      {},
      [index([{ annotations: { [REF]: 'latest' } }])],
      `index.json names the image "latest" (${REF})`,
    ],
    [
      'an OCI index of two images',
      {},
      [index([{}, {}])],
      'index.json must list exactly one image, it lists 2',
    ],
    ['no config', { [CONFIG]: undefined }, [], 'the image config is not in the archive'],
    [
      'a config without a layer list',
      { [CONFIG]: { name: CONFIG, data: '{"rootfs": {}}' } },
      [],
      'the image config has no layer list',
    ],
    [
      'layers on another base',
      { [CONFIG]: config([BASE_LAYERS[0], OWN_LAYER]) },
      [],
      "its layers do not start with the base image's 2 layers (layer 2 differs)",
    ],
    [
      'fewer layers than the base',
      { [CONFIG]: config([BASE_LAYERS[0]]) },
      [],
      "its layers do not start with the base image's 2 layers (layer 2 differs)",
    ],
  ])('refuses %s', async (_what, replace, extra, reason) => {
    const file = await tar(path.join(dir, 'a.tar'), variant(replace, extra))
    const checked = checkDependenciesArchive(file, EXPECTED)
    await expect(checked).rejects.toBeInstanceOf(UnfitArchiveError)
    await expect(checked).rejects.toThrow(reason)
  })

  it('refuses a file that is not a tar archive', async () => {
    const file = path.join(dir, 'a.tar')
    fs.writeFileSync(file, 'not a tar archive'.repeat(100))
    const checked = checkDependenciesArchive(file, EXPECTED)
    await expect(checked).rejects.toBeInstanceOf(UnfitArchiveError)
    await expect(checked).rejects.toThrow('it is not a readable tar archive')
  })
})

describe('findDependencies with a restored archive', () => {
  const base: LocalImage = {
    id: 'sha256:base',
    layers: BASE_LAYERS,
    sizeBytes: 1,
    user: '',
    labels: {},
  }

  /** A cache that restores `members` as the archive of KEY; returns what was printed. */
  async function restoring(members: Member[]) {
    process.env.RUNNER_TEMP = dir
    const cache: ImageCache = {
      available: async () => true,
      restore: async (file) => {
        fs.mkdirSync(path.dirname(file), { recursive: true })
        await tar(file, members)
        return true
      },
      save: async () => false,
    }
    let printed = ''
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk)
      return true
    })
    const loaded: LocalImage = { ...base, id: 'sha256:deps', layers: [...BASE_LAYERS, OWN_LAYER] }
    let loads = 0
    const docker = fakeDocker({
      load: async () => void loads++,
      localImage: async () => (loads > 0 ? loaded : undefined),
    })
    const found = await findDependencies(docker, cache, KEY, base)
    jest.restoreAllMocks()
    return { found, printed, loads }
  }

  it('loads an archive that passes', async () => {
    const { found, loads, printed } = await restoring(goodArchive())
    expect(found?.source).toBe('cache')
    expect(loads).toBe(1)
    expect(printed).not.toContain('::warning')
  })

  it('does not load a poisoned archive: a cache miss, with how to delete the entry', async () => {
    const { found, loads, printed } = await restoring(
      variant({
        'manifest.json': manifest([entry({ RepoTags: [TAG, 'eai-victim/base:latest'] })]),
      }),
    )
    expect(found).toBeUndefined()
    expect(loads).toBe(0)
    const warnings = printed.split('\n').filter((line) => line.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(
      `The cached dependencies (cache key ${CACHE_KEY_PREFIX}${KEY}) were not loaded: manifest.json tags the image`,
    )
    expect(warnings[0]).toContain(`gh cache delete ${CACHE_KEY_PREFIX}${KEY}`)
    expect(warnings[0]).toContain('Actions > Caches')
    expect(fs.existsSync(path.dirname(archivePath(KEY)))).toBe(false) // the archive is removed
  })
})

describe('archiveDependencies and the inventories document', () => {
  // What docker save writes for the dependencies image: a base layer (dropped by its content's
  // hash) and the good archive's own layer, the config listing both.
  const BASE_CONTENT = 'base layer'
  const base: LocalImage = {
    id: 'sha256:base',
    layers: [`sha256:${createHash('sha256').update(BASE_CONTENT).digest('hex')}`],
    sizeBytes: 1,
    user: '',
    labels: {},
  }
  const expected = { tag: TAG, baseLayers: base.layers }

  /** Saves the archive with `inventories` as the step does; returns it and what was printed. */
  async function saving(inventories: Buffer) {
    process.env.RUNNER_TEMP = dir
    const saved = await tar(path.join(dir, 'saved.tar'), [
      { name: `${'a'.repeat(64)}/`, type: 'directory' },
      { name: `${'a'.repeat(64)}/layer.tar`, data: BASE_CONTENT },
      ...variant({ [CONFIG]: config([...base.layers, OWN_LAYER]) }),
    ])
    const docker = fakeDocker({
      save: async (_reference, consume) => consume(fs.createReadStream(saved)),
    })
    let printed = ''
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk)
      return true
    })
    const archive = await archiveDependencies(docker, KEY, base, undefined, inventories)
    jest.restoreAllMocks()
    return { archive, printed }
  }

  it('keeps a document at the limit: the restore check takes the archive and gives it back', async () => {
    const { archive, printed } = await saving(Buffer.alloc(INVENTORIES_MAX_BYTES, 'i'))
    expect(printed).not.toContain('::warning')
    expect(archive).toBe(archivePath(KEY))
    const { inventories } = await checkDependenciesArchive(archivePath(KEY), expected)
    expect(inventories?.length).toBe(INVENTORIES_MAX_BYTES)
  })

  it('leaves out a larger one, which would make the restore check refuse the whole archive', async () => {
    const { archive, printed } = await saving(Buffer.alloc(INVENTORIES_MAX_BYTES + 1, 'i'))
    expect(printed).not.toContain('::warning')
    expect(archive).toBe(archivePath(KEY))
    expect(await checkDependenciesArchive(archivePath(KEY), expected)).toEqual({})
  })
})
