// What the image adds against its base, from two inventories: the packages added, changed and
// removed, the flag on the server's own dependencies, and the one log line that counts them.
import { describe, expect, it } from '@jest/globals'
import {
  normaliseName,
  type Distribution,
  type Inventory,
} from '../../src/dependencies/python-inventory.js'
import { describeAdditions, diffApt, diffPip } from '../../src/report/image-additions.js'

function inventory(
  distributions: [string, string, string[]?][],
  apt?: [string, string][],
): Inventory {
  const map = new Map<string, Distribution>()
  for (const [name, version, requires = []] of distributions)
    map.set(normaliseName(name), {
      name,
      version,
      requires: requires.map((required) => ({ name: required, specifier: '' })),
    })
  return {
    python: '3.11.2',
    distributions: map,
    apt: apt?.map(([name, version]) => ({ name, version })),
  }
}

const base = inventory(
  [
    ['azureml-inference-server-http', '0.8.4', ['flask', 'gunicorn']],
    ['Flask', '2.2.2', ['werkzeug']],
    ['Werkzeug', '2.2.3'],
    ['gunicorn', '20.1.0'],
    ['numpy', '1.24.0'],
    ['old-thing', '1.0'],
  ],
  [
    ['libc6', '2.36-9'],
    ['libgomp1', '12.2.0-14'],
  ],
)

describe('diffPip', () => {
  it('lists what was added, changed and removed, the server’s dependencies first', () => {
    const image = inventory([
      ['azureml-inference-server-http', '0.8.4', ['flask', 'gunicorn']],
      ['Flask', '2.2.2', ['werkzeug']],
      ['Werkzeug', '3.0.1'],
      ['gunicorn', '20.1.0'],
      ['numpy', '1.26.4'],
      ['tinylinear', '1.0.0'],
    ])
    expect(diffPip(base, image)).toEqual([
      { name: 'Werkzeug', base: '2.2.3', version: '3.0.1', server: true },
      { name: 'numpy', base: '1.24.0', version: '1.26.4', server: false },
      { name: 'old-thing', base: '1.0', version: undefined, server: false },
      { name: 'tinylinear', base: undefined, version: '1.0.0', server: false },
    ])
  })

  it("flags a package the dependencies image's server needs, though the base's did not", () => {
    const image = inventory([
      ['azureml-inference-server-http', '1.5.0', ['flask', 'gunicorn', 'pydantic']],
      ['Flask', '2.2.2', ['werkzeug']],
      ['Werkzeug', '2.2.3'],
      ['gunicorn', '20.1.0'],
      ['numpy', '1.24.0'],
      ['old-thing', '1.0'],
      ['pydantic', '2.12.0'],
    ])
    expect(diffPip(base, image)).toEqual([
      { name: 'azureml-inference-server-http', base: '0.8.4', version: '1.5.0', server: true },
      { name: 'pydantic', base: undefined, version: '2.12.0', server: true },
    ])
  })

  it('is empty when nothing changed', () => {
    expect(diffPip(base, base)).toEqual([])
  })
})

describe('diffApt', () => {
  it('lists the Debian packages added and changed', () => {
    const image = inventory(
      [],
      [
        ['libc6', '2.36-9+deb12u1'],
        ['libgomp1', '12.2.0-14'],
        ['libgomp1:i386', '12.2.0-14'],
      ],
    )
    expect(diffApt(base, image)).toEqual([
      { name: 'libc6', base: '2.36-9', version: '2.36-9+deb12u1' },
      { name: 'libgomp1:i386', base: undefined, version: '12.2.0-14' },
    ])
  })

  it('cannot tell without dpkg in either image', () => {
    expect(diffApt(base, inventory([]))).toBeUndefined()
    expect(diffApt(inventory([]), base)).toBeUndefined()
  })
})

describe('describeAdditions', () => {
  it('counts each kind, never naming a package', () => {
    const line = describeAdditions({
      apt: [{ name: 'libgomp1', version: '12' }],
      pip: [
        { name: 'tinylinear', version: '1.0.0', server: false },
        { name: 'flask', base: '2.2.2', version: '3.0.0', server: true },
        { name: 'gone', base: '1', server: false },
      ],
      layers: [
        { step: 'RUN pip install', bytes: 1_500_000 },
        { step: 'COPY . /var/azureml-app/', bytes: 782 },
      ],
      notes: [],
    })
    expect(line).toBe(
      'What the image adds: apt packages: 1 added, 0 changed, 0 removed; pip distributions: 1 added, 1 changed, 1 removed (1 the server depends on); 2 layers over the base, 1.5 MB',
    )
  })

  it('says what was left out', () => {
    expect(describeAdditions({ notes: ['no dpkg'], layers: [] })).toBe(
      'What the image adds: 0 layers over the base, 0 B (no dpkg)',
    )
  })
})
