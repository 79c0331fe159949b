import { describe, expect, it } from '@jest/globals'
import {
  containerResources,
  describeCpus,
  describeMemoryLimit,
  formatBytes,
} from '../../src/smoke-test/container-resources.js'
import { gpuImageHint } from '../../src/smoke-test/gpu-hint.js'
import { parseCpus, parseGpus, parseMemory } from '../../src/inputs/resources.js'

const GiB = 1024 ** 3
const MiB = 1024 ** 2
const engine = { cpus: 2, memoryBytes: 24 * GiB }
const DS1 = {
  memoryBytes: 3.5 * GiB,
  cpus: 1,
  source: 'instance_type Standard_DS1_v2 (deployment.yml)',
}
const DS3 = {
  memoryBytes: 14 * GiB,
  cpus: 4,
  source: 'instance_type Standard_DS3_v2 (deployment.yml)',
}

describe('parseMemory', () => {
  it.each([
    ['2g', 2 * GiB],
    ['512m', 512 * MiB],
    ['1.5g', 1.5 * GiB],
    ['150M', 150 * MiB],
    ['2GiB', 2 * GiB],
    ['2gb', 2 * GiB],
    ['7340032', 7 * MiB],
    ['6m', 6 * MiB],
    [' 1t ', 1024 * GiB],
    ['', undefined],
  ])('%s', (raw, bytes) => {
    expect(parseMemory(raw)).toBe(bytes)
  })

  it.each(['lots', '2 gigs', '-1g', '1m', '5.9m', 'g', '1.2.3g', '2x'])('refuses %s', (raw) => {
    expect(() => parseMemory(raw)).toThrow(
      `Input 'memory' must be a size in docker's syntax: a number with an optional unit b, k, m, g or t (powers of 1024), e.g. 512m, 2g or 1.5g, at least 6m; got "${raw}"`,
    )
  })
})

describe('parseCpus', () => {
  it.each([
    ['1', 1],
    ['0.5', 0.5],
    ['1.5', 1.5],
    ['64', 64],
    ['0.01', 0.01],
    ['', undefined],
  ])('%s', (raw, cpus) => {
    expect(parseCpus(raw)).toBe(cpus)
  })

  it.each(['0', '0.001', 'two', '-1', '1.', '.5', '1e3', '0.1234567891'])('refuses %s', (raw) => {
    expect(() => parseCpus(raw)).toThrow(
      `Input 'cpus' must be a number of CPUs as docker's --cpus takes it, e.g. 1, 0.5 or 1.5 (at least 0.01, at most 9 decimals); got "${raw}"`,
    )
  })
})

describe('parseGpus', () => {
  it.each([
    'all',
    '2',
    'device=0',
    '"device=0,1"',
    'count=all,capabilities=utility',
    'driver=nvidia,count=1',
  ])('%s', (raw) => {
    expect(parseGpus(raw)).toBe(raw)
  })

  it.each([
    // Unquoted, the list's second item reads as a count, as docker reads it.
    ['device=0,1', 'count and device cannot both be given'],
    ['some', 'count must be all or a whole number'],
    ['vendor=nvidia', 'unknown field "vendor=nvidia"'],
    ['count=two', 'count must be all or a whole number'],
    ['count=1,device=0', 'count and device cannot both be given'],
    ['driver=a,driver=b', 'driver is given twice'],
    ['"device=0', 'a double quote is not closed'],
    ['all\n::error::x', 'it contains a control character'],
  ])('refuses %s: %s', (raw, problem) => {
    expect(() => parseGpus(raw)).toThrow(
      new RegExp(
        `^Input 'gpus' must be all, a GPU count .*; ${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in `,
      ),
    )
  })
})

describe('containerResources', () => {
  it.each([
    ['nothing asked', [undefined, undefined, undefined], {}],
    [
      'the inputs',
      [1.5 * GiB, 1, undefined],
      {
        memory: { bytes: 1.5 * GiB, source: 'memory input' },
        cpus: { count: 1, source: 'cpus input' },
      },
    ],
    [
      'the instance type',
      [undefined, undefined, DS1],
      { memory: { bytes: 3.5 * GiB, source: DS1.source }, cpus: { count: 1, source: DS1.source } },
    ],
    [
      'memory input over the instance type, its CPUs kept',
      [2 * GiB, undefined, DS1],
      {
        memory: { bytes: 2 * GiB, source: 'memory input' },
        cpus: { count: 1, source: DS1.source },
      },
    ],
    [
      'cpus input over the instance type, its memory kept',
      [undefined, 0.5, DS1],
      {
        memory: { bytes: 3.5 * GiB, source: DS1.source },
        cpus: { count: 0.5, source: 'cpus input' },
      },
    ],
    [
      "the instance type's CPUs capped at the engine's",
      [undefined, undefined, DS3],
      {
        memory: { bytes: 14 * GiB, source: DS3.source },
        cpus: { count: 2, source: DS3.source, requested: 4 },
      },
    ],
    [
      "cpus input capped at the engine's",
      [undefined, 64, undefined],
      { cpus: { count: 2, source: 'cpus input', requested: 64 } },
    ],
  ] as const)('%s', (_name, [memory, cpus, deployment], expected) => {
    expect(containerResources(memory, cpus, deployment, engine)).toEqual({
      warnings: [],
      ...expected,
    })
  })

  it("warns of a memory limit above the engine host's memory", () => {
    const resources = containerResources(32 * GiB, undefined, undefined, engine)
    expect(resources.memory).toEqual({ bytes: 32 * GiB, source: 'memory input' })
    expect(resources.warnings).toEqual([
      'The memory limit 32 GiB (memory input) is more than the engine host has (24 GiB): the container cannot reach it here, so the smoke test does not show that init() and run() fit in it',
    ])
  })

  it('says where the limit came from, for the failure and the summary', () => {
    expect(describeMemoryLimit(containerResources(undefined, undefined, DS1, engine))).toBe(
      'the limit is 3.5 GiB (instance_type Standard_DS1_v2 (deployment.yml))',
    )
    expect(describeMemoryLimit(containerResources(150 * MiB, undefined, undefined, engine))).toBe(
      'the limit is 150 MiB (memory input)',
    )
    expect(describeMemoryLimit(undefined)).toMatch(/no memory limit/)
    expect(describeCpus({ count: 2, source: 'cpus input', requested: 64 })).toBe(
      '2: capped, cpus input asks for 64 and the engine has 2 (docker refuses more)',
    )
  })

  it.each([
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [150 * MiB, '150 MiB'],
    [3.5 * GiB, '3.5 GiB'],
  ])('formatBytes(%d) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('gpuImageHint', () => {
  it.each([
    [
      'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cuda11.8-gpu-inference:latest',
      [],
      'its name has cuda',
    ],
    ['registry/x-GPU:1', [], 'its name has gpu'],
    ['registry/plain:1', ['PATH=/bin', 'CUDA_VERSION=12.4'], 'its config sets CUDA_VERSION'],
    ['registry/plain:1', ['NVIDIA_VISIBLE_DEVICES=all'], 'its config sets NVIDIA_VISIBLE_DEVICES'],
  ])('%s %j: %s', (image, env, why) => {
    expect(gpuImageHint(image, env)).toContain(`looks like a GPU image (${why})`)
    expect(gpuImageHint(image, env)).toContain("set 'gpus: all'")
  })

  it('a CPU image: nothing to say', () => {
    expect(
      gpuImageHint('mcr.microsoft.com/azureml/minimal-py312-inference:latest', [
        'PATH=/bin',
        'CUDA_HOME_NOT=1',
      ]),
    ).toBeUndefined()
    expect(gpuImageHint('registry/plain:1', undefined)).toBeUndefined()
  })
})
