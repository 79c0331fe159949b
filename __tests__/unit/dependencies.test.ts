// The dependencies key names the image a run may reuse from the daemon or the Actions cache:
// it must change with everything that goes into that image, or a run reuses the wrong one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { dependenciesKey, type DependencyInputs } from '../../src/dependencies/dependencies.js'
import { wholeTreeSnapshot } from '../../src/inputs/code-snapshot.js'
import type { LocalImage } from '../../src/docker/docker.js'

let dir: string
let requirements: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deps-key-'))
  requirements = path.join(dir, 'requirements.txt')
  fs.writeFileSync(requirements, 'numpy==2.1.0\n')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const base: LocalImage = {
  id: `sha256:${'1'.repeat(64)}`,
  layers: [`sha256:${'2'.repeat(64)}`],
  user: 'dockeruser',
  labels: {},
  sizeBytes: 1,
}

function inputs(): DependencyInputs {
  return {
    aptPackages: ['libgomp1'],
    // The staged requirements folder, as the pipeline hands it over.
    requirements: {
      folder: dir,
      snapshot: wholeTreeSnapshot(dir),
      file: path.basename(requirements),
    },
    pipIndexes: ['https://pypi.example/simple'],
    pipConfig: 'secret',
  }
}

describe('dependenciesKey', () => {
  it('is the same for the same base image and inputs', async () => {
    expect(await dependenciesKey({ ...base }, inputs())).toBe(await dependenciesKey(base, inputs()))
  })

  it.each<[string, (image: LocalImage, given: DependencyInputs) => void]>([
    // The same reference re-pushed upstream is another image: its id is what docker builds on.
    ['the base image id', (image) => (image.id = `sha256:${'3'.repeat(64)}`)],
    ['the apt packages', (_image, given) => given.aptPackages.push('curl')],
    ['the pip indexes', (_image, given) => (given.pipIndexes = ['https://other.example/simple'])],
    // With build args the URLs are in the image history; with a secret they are not.
    ['the pip config mode', (_image, given) => (given.pipConfig = 'build-args')],
    ['whether there are requirements', (_image, given) => (given.requirements = undefined)],
  ])('changes with %s', async (_what, change) => {
    const image = { ...base }
    const given = inputs()
    change(image, given)
    expect(await dependenciesKey(image, given)).not.toBe(await dependenciesKey(base, inputs()))
  })

  it("changes with the requirements file's content", async () => {
    const before = await dependenciesKey(base, inputs())
    fs.writeFileSync(requirements, 'numpy==2.1.1\n')
    try {
      expect(await dependenciesKey(base, inputs())).not.toBe(before)
    } finally {
      fs.writeFileSync(requirements, 'numpy==2.1.0\n')
    }
  })
})
