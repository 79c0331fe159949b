// The dependencies cache end to end, as issue 5 asks: one run builds apt and pip layers on the
// main daemon and saves them with the real @actions/cache client (to a loopback stand-in of the
// cache service); a run on a fresh daemon (new data-root) restores them and does not run apt or
// pip again; a cache that can't be reached only warns.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { archivePath, CACHE_KEY_PREFIX } from '../../src/dependencies/dependencies.js'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import { startCacheService, type CacheService } from '../helpers/cache-service.js'
import {
  actionContainers,
  dockerStatus,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE, EXAMPLE_RESPONSE, exampleInputs } from '../helpers/example.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { startSecondDaemon, type SecondDaemon } from '../../scripts/second-daemon.mjs'

// The action names its containers after the run id: checks see this file's runs only.
const RUN_ID = `cache-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID

// A runner's temp dir has the same path on every run; the cache version depends on it.
const RUNNER_TEMP = path.join(os.tmpdir(), 'eai-cache-test-runner-temp')

let index: LocalIndex
let service: CacheService
let fresh: SecondDaemon
let first: ActionRun
let second: ActionRun
let newRunnerTmp: string | undefined
let secondCalls: string[] = []

function inputs(tag: string): Record<string, string> {
  return exampleInputs(index.url, tag)
}

function metadata(run: ActionRun): {
  dependencies: { source: string; image: string; cacheSavedBytes?: number }
} {
  return JSON.parse(run.outputs.metadata)
}

beforeAll(async () => {
  await requireEngineAndStandin()
  // A fresh index port gives a fresh dependencies key: the first run must really build.
  index = await startLocalIndex()
  service = await startCacheService()
  first = await runAction({
    inputs: inputs('eai-test/cache:first'),
    workspace: EXAMPLE,
    runnerTemp: RUNNER_TEMP,
    env: { ...service.env, DOCKER_BUILDKIT: '0' },
  })
  fresh = await startSecondDaemon({ bridge: 'eai-cachetest0', cidr: '192.168.233.1/24' })
  await fresh.copyImage(STANDIN_IMAGE) // the base image, as a pull would bring it
  // A new runner: an empty temp dir too (nothing remembered next to a staging folder), and
  // every docker command it runs written down.
  newRunnerTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-cache-new-runner-'))
  const bin = path.join(newRunnerTmp, 'bin')
  fs.mkdirSync(bin)
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim()
  const wrapper = `#!/bin/sh\nprintf '%s\\n' "$*" >> '${path.join(newRunnerTmp, 'calls')}'\nexec '${real}' "$@"\n`
  fs.writeFileSync(path.join(bin, 'docker'), wrapper, { mode: 0o755 })
  second = await runAction({
    inputs: inputs('eai-test/cache:second'),
    workspace: EXAMPLE,
    runnerTemp: RUNNER_TEMP,
    env: {
      ...service.env,
      ...fresh.env,
      DOCKER_BUILDKIT: '0',
      TMPDIR: newRunnerTmp,
      PATH: `${bin}:${process.env.PATH}`,
    },
  })
  secondCalls = fs.readFileSync(path.join(newRunnerTmp, 'calls'), 'utf8').split('\n')
}, 900_000)

afterAll(async () => {
  // Each one stopped even when another fails: anything left running keeps jest alive.
  const stops = [fresh?.stop(), service?.stop(), Promise.resolve(index?.stop())]
  const failures = (await Promise.allSettled(stops)).filter(
    (result) => result.status === 'rejected',
  )
  fs.rmSync(RUNNER_TEMP, { recursive: true, force: true })
  if (newRunnerTmp) fs.rmSync(newRunnerTmp, { recursive: true, force: true })
  const image = first?.outputs.metadata ? metadata(first).dependencies.image : undefined
  await dockerStatus(['image', 'rm', 'eai-test/cache:first', ...(image ? [image] : [])])
  expect(failures).toEqual([])
})

/**
 * Puts `file` into `service` as the archive of `cacheKey`, with the real cache client and the
 * path, workspace and runner temp dir the action uses, so that the action's restore finds it.
 */
async function seedCache(
  service: CacheService,
  cacheKey: string,
  file: string,
  scratch: string,
): Promise<void> {
  const set = { ...service.env, GITHUB_WORKSPACE: EXAMPLE, RUNNER_TEMP }
  const saved = Object.fromEntries(Object.keys(set).map((name) => [name, process.env[name]]))
  Object.assign(process.env, set)
  const archive = archivePath(cacheKey.slice(CACHE_KEY_PREFIX.length))
  try {
    fs.mkdirSync(path.dirname(archive), { recursive: true })
    fs.renameSync(file, archive)
    // The client's scratch files go to RUNNER_TEMP: our own folder, not the runner's.
    process.env.RUNNER_TEMP = scratch
    const cache = await import('@actions/cache')
    expect(await cache.saveCache([archive], cacheKey)).not.toBe(-1)
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    fs.rmSync(path.dirname(archive), { recursive: true, force: true })
  }
}

describe('the dependencies cache across runners', () => {
  it('the first run builds apt and pip layers and saves only them', () => {
    expect(first.main.exitCode).toBe(0)
    expect(first.main.stdout).toContain('Successfully installed tinylinear')
    const { dependencies } = metadata(first)
    expect(dependencies.source).toBe('built')
    // The base image's layers are cut out: the entry is the apt and pip layers, not 170 MB.
    expect(dependencies.cacheSavedBytes).toBeGreaterThan(100_000)
    expect(dependencies.cacheSavedBytes).toBeLessThan(20 * 1024 * 1024)
    const entries = service.entries()
    expect(entries).toHaveLength(1)
    expect(entries[0].key).toBe(`extend-azureml-image-deps-v3-${dependencies.image.split(':')[1]}`)
  })

  it('a fresh daemon restores them: no apt, no pip, and the image serves', async () => {
    expect(second.main.exitCode).toBe(0)
    expect(metadata(second).dependencies).toMatchObject({
      source: 'cache',
      image: metadata(first).dependencies.image,
    })
    expect(second.main.stdout).not.toContain('Successfully installed tinylinear')
    expect(second.main.stdout).not.toContain('Build the dependencies')
    expect(second.main.stdout).not.toContain('Unpacking libgomp1')
    expect(second.outputs['smoke-test']).toBe('passed')
    expect(second.outputs['score-response']).toBe(EXAMPLE_RESPONSE)
    expect(
      await fresh.docker([
        'image',
        'inspect',
        '--format',
        '{{.Id}}',
        metadata(first).dependencies.image,
      ]),
    ).toMatch(/^sha256:/)
  })

  it("the restored entry carries the images' inventories: a new runner reads neither image", () => {
    expect(second.main.stdout).toMatch(
      /^Reused dependencies checked against azureml-inference-server-http /m,
    )
    const started = secondCalls.filter((line) => /^(run|create) /.test(line))
    expect(started).toContainEqual(expect.stringMatching(/^run --detach --name /)) // the smoke test
    expect(started.filter((line) => / --name \S+-inventory-/.test(line))).toEqual([])
    // What the image adds still knows its packages, from the entry's inventories.
    expect(second.summary).toContain('tinylinear')
    expect(second.summary).toContain('libgomp1')
  })

  it('saves nothing twice, and leaves nothing in the runner temp dir', () => {
    expect(service.entries()).toHaveLength(1)
    expectNothingLeftInTemp(first)
    expectNothingLeftInTemp(second)
  })

  it('a cache that cannot be reached only warns, and the dependencies are built', async () => {
    const broken = await startCacheService({ failWith: 'unreachable' })
    try {
      await fresh.docker(['image', 'rm', metadata(first).dependencies.image])
      const run = await runAction({
        inputs: inputs('eai-test/cache:unreachable'),
        workspace: EXAMPLE,
        runnerTemp: RUNNER_TEMP,
        env: { ...broken.env, ...fresh.env, DOCKER_BUILDKIT: '0' },
      })
      expect(run.main.exitCode).toBe(0)
      expect(run.main.stdout).toMatch(/::warning::Failed to restore/)
      expect(run.main.stdout).not.toMatch(/^::error::/m)
      expect(metadata(run).dependencies.source).toBe('built')
      expectNothingLeftInTemp(run)
    } finally {
      await broken.stop()
    }
  })

  it('an image that fails its smoke test saves nothing, without a warning', async () => {
    const empty = await startCacheService()
    try {
      await fresh.docker(['image', 'rm', '--force', metadata(first).dependencies.image])
      const run = await runAction({
        inputs: {
          ...inputs('eai-test/cache:failing'),
          'expected-response': '{"predictions": [0]}',
        },
        workspace: EXAMPLE,
        runnerTemp: RUNNER_TEMP,
        env: { ...empty.env, ...fresh.env, DOCKER_BUILDKIT: '0' },
      })
      expect(run.main.exitCode).toBe(1)
      expect(run.outputs['smoke-test']).toBe('failed')
      expect(run.main.stdout).not.toMatch(/::warning::/)
      expect(run.main.stdout).not.toContain('Save the dependencies to the cache')
      expect(empty.entries()).toEqual([])
      expectNothingLeftInTemp(run)
    } finally {
      await empty.stop()
    }
  })

  it('a poisoned archive is not loaded: a miss that says how to delete the entry, and no tag moves', async () => {
    const image = metadata(first).dependencies.image
    const cacheKey = `${CACHE_KEY_PREFIX}${image.split(':')[1]}`
    // Our own scratch tag on the fresh daemon, standing for any image the archive could re-tag.
    const victim = 'eai-test/cache-victim:latest'
    const poisoned = await startCacheService()
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-poison-'))
    try {
      if (!(await fresh.docker(['image', 'ls', '--quiet', image]))) await fresh.copyImage(image)
      const victimId = await fresh.docker([
        'image',
        'inspect',
        '--format',
        '{{.Id}}',
        STANDIN_IMAGE,
      ])
      // The real dependencies image, saved with the victim's tag beside its own.
      await fresh.docker(['tag', image, victim])
      const poison = path.join(scratch, 'poison.tar')
      await fresh.docker(['save', '--output', poison, image, victim])
      await fresh.docker(['tag', STANDIN_IMAGE, victim])
      await fresh.docker(['image', 'rm', '--force', image])
      await seedCache(poisoned, cacheKey, poison, scratch)

      const run = await runAction({
        inputs: inputs('eai-test/cache:poisoned'),
        workspace: EXAMPLE,
        runnerTemp: RUNNER_TEMP,
        env: { ...poisoned.env, ...fresh.env, DOCKER_BUILDKIT: '0' },
      })
      expect(run.main.exitCode).toBe(0)
      const warnings = obeyedCommands(run.main.stdout).filter((c) => c.name === 'warning')
      const refused = warnings.filter((c) => c.line.includes('were not loaded'))
      expect(refused).toHaveLength(1)
      expect(refused[0].line).toContain(
        `(cache key ${cacheKey}) were not loaded: manifest.json tags the image`,
      )
      expect(refused[0].line).toContain(`"${victim}"`)
      expect(refused[0].line).toContain(`gh cache delete ${cacheKey}`)
      expect(metadata(run).dependencies.source).toBe('built')
      expect(run.outputs['smoke-test']).toBe('passed')
      expect(await fresh.docker(['image', 'inspect', '--format', '{{.Id}}', victim])).toBe(victimId)
      expectNothingLeftInTemp(run)
    } finally {
      await fresh.docker(['image', 'rm', victim, 'eai-test/cache:poisoned']).catch(() => undefined)
      await poisoned.stop()
      fs.rmSync(scratch, { recursive: true, force: true })
    }
  })

  it('leaves no container on either daemon', async () => {
    expect(await actionContainers(RUN_ID)).toEqual([])
    expect(await fresh.docker(['ps', '--all', '--quiet'])).toBe('')
  })
})
