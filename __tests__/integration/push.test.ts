// push: true end to end against a real registry on loopback (Debian's docker-registry): the
// digest output is the one the daemon recorded and the one the registry serves; every tag is
// there; a failing smoke test or a registry that is down pushes nothing and sets no digest.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import { builderEnvironments } from '../helpers/builders.js'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  inspectImage,
  requireEngineAndStandin,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { freePort, startRegistry, type LoopbackRegistry } from '../helpers/registry.js'

const RUN_ID = `push-${process.pid}`
const { dispose: disposeBuilders, legacy } = builderEnvironments(RUN_ID)
let index: LocalIndex
let registry: LoopbackRegistry
const createdTags: string[] = []

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex()
  registry = await startRegistry()
}, 120_000)

afterAll(async () => {
  index?.stop()
  await registry?.stop()
  disposeBuilders()
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

function run(tags: string[], extra: Record<string, string> = {}): Promise<ActionRun> {
  createdTags.push(...tags)
  return runAction({
    inputs: exampleInputs(index.url, tags.join('\n'), { push: 'true', ...extra }),
    workspace: EXAMPLE,
    env: legacy,
  })
}

function errorsOf(run: ActionRun): string[] {
  return run.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))
}

async function repoDigestsOf(reference: string): Promise<string[]> {
  return ((await inspectImage(reference)) as unknown as { RepoDigests: string[] }).RepoDigests
}

describe('push: true with a passing smoke test', () => {
  let result: ActionRun
  let repository: string
  let other: string
  let tags: string[]

  beforeAll(async () => {
    repository = `eai-push/example-${process.pid}`
    other = `eai-push/other-${process.pid}`
    tags = [
      `${registry.host}/${repository}:1`,
      `${registry.host}/${repository}:latest`,
      `${registry.host}/${other}:1`,
    ]
    result = await run(tags)
  }, 600_000)

  it('succeeds and pushes after the smoke test', () => {
    expect(errorsOf(result)).toEqual([])
    expect(result.main.exitCode).toBe(0)
    expect(result.post?.exitCode).toBe(0)
    expect(result.outputs['smoke-test']).toBe('passed')
    const smokeTestAt = result.main.stdout.indexOf('POST /score')
    const pushAt = result.main.stdout.indexOf(`::group::Push ${tags[0]}`)
    expect(smokeTestAt).toBeGreaterThan(-1)
    expect(pushAt).toBeGreaterThan(smokeTestAt)
  })

  it("outputs the first tag's digest, the one docker image inspect records", async () => {
    expect(result.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await repoDigestsOf(tags[0])).toContain(
      `${registry.host}/${repository}@${result.outputs.digest}`,
    )
  })

  it('outputs the digest the registry serves for the tag', async () => {
    expect(await registry.manifestDigest(repository, '1')).toBe(result.outputs.digest)
    expect(await registry.manifestDigest(repository, 'latest')).toBe(result.outputs.digest)
  })

  it('pushed every tag, each with the digest its repository serves', async () => {
    expect((await registry.tags(repository)).sort()).toEqual(['1', 'latest'])
    expect(await registry.tags(other)).toEqual(['1'])
    const metadata = JSON.parse(result.outputs.metadata)
    expect(metadata.pushed).toEqual([
      { tag: tags[0], digest: result.outputs.digest },
      { tag: tags[1], digest: result.outputs.digest },
      { tag: tags[2], digest: await registry.manifestDigest(other, '1') },
    ])
    expect(metadata.timings.pushMs).toBeGreaterThan(0)
    console.log(`push of the example to the loopback registry: ${metadata.timings.pushMs} ms`)
  })

  it('keeps the local tags, and leaves no temp dir', async () => {
    for (const tag of tags) expect(await imageExists(tag)).toBe(true)
    expect(result.outputs.image).toBe(tags[0])
    expectNothingLeftInTemp(result)
  })
})

describe('push: true, and nothing reaches the registry', () => {
  it('a failing smoke test pushes nothing and sets no digest', async () => {
    const repository = `eai-push/failing-${process.pid}`
    const tag = `${registry.host}/${repository}:1`
    const result = await run([tag], { 'expected-response': '{"predictions": [0]}' })
    expect(result.main.exitCode).toBe(1)
    expect(result.outputs['smoke-test']).toBe('failed')
    expect(result.outputs.digest).toBeUndefined()
    expect(result.main.stdout).not.toContain('::group::Push')
    expect(await registry.tags(repository)).toEqual([])
    expect(await registry.manifestDigest(repository, '1')).toBeUndefined()
    expect(await imageExists(tag)).toBe(false)
    expectNothingLeftInTemp(result)
  })

  it('a registry that is down fails the step with a clear message, the local tag kept', async () => {
    const host = `127.0.0.1:${await freePort()}`
    const tag = `${host}/eai-push/down:${process.pid}`
    const result = await run([tag])
    expect(result.main.exitCode).toBe(1)
    expect(result.outputs.digest).toBeUndefined()
    expect(result.outputs.image).toBeUndefined()
    const errors = errorsOf(result)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(
      `::error::Pushing ${tag} failed after 3 attempts: registry ${host} could not be reached or answered with a server error.`,
    )
    expect(errors[0]).toContain(`The image passed its smoke test, so its local tags stay (${tag})`)
    expect(errors[0]).toMatch(/connection refused/)
    expect(result.main.stdout).toMatch(/attempt 1 of 3: .*connection refused\); retrying in 2 s/)
    expect(await imageExists(tag)).toBe(true)
    expectNothingLeftInTemp(result)
  })

  it('push: true with smoke-test: false is refused before anything is built', async () => {
    const tag = `${registry.host}/eai-push/untested:${process.pid}`
    const result = await run([tag], { 'smoke-test': 'false' })
    expect(result.main.exitCode).toBe(1)
    expect(errorsOf(result)).toEqual([
      "::error::Input 'push': true needs 'smoke-test: true' (only an image that passed its smoke test is pushed)",
    ])
    expect(result.main.stdout).not.toContain('::group::')
    expect(await imageExists(tag)).toBe(false)
    expect(await registry.tags(`eai-push/untested`)).toEqual([])
    expect(result.outputs.digest).toBeUndefined()
  })
})
