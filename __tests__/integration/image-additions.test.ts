// What the image adds, on real images: the example (apt libgomp1, pip tinylinear from the local
// index) built on the stand-in with each builder, its summary and metadata listing the packages
// it added against the base and the layers over it, sized as the engine sizes the image. A
// second run of the same inputs builds nothing and reads no image again: the inventories are
// remembered by image id, so "nothing changed" stays cheap.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { builderEnvironments } from '../helpers/builders.js'
import {
  actionContainers,
  docker,
  dockerStatus,
  inspectImage,
  requireEngineAndStandin,
  runInImage,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'

const RUN_ID = `image-additions-${process.pid}`
const { dispose: disposeBuilders, ...builders } = builderEnvironments(RUN_ID)
const REPOSITORY = 'eai-additions-test'
let index: LocalIndex
let workspace: string
const images = new Set<string>()

interface Adds {
  apt?: { name: string; base?: string; version?: string }[]
  pip?: { name: string; base?: string; version?: string; server: boolean }[]
  layers?: { step: string; bytes: number }[]
  notes: string[]
}

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex()
  // A copy of its own: the default tag and the staging folder are this file's alone.
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-additions-'))
  fs.cpSync(EXAMPLE, workspace, { recursive: true })
}, 120_000)

afterAll(async () => {
  index?.stop()
  disposeBuilders()
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true })
  if (images.size > 0) await dockerStatus(['image', 'rm', ...images])
})

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

/** The example under the default tag, so that the second run finds this very build. */
async function run(builder: keyof typeof builders): Promise<ActionRun & { started: number }> {
  const inputs = exampleInputs(index.url, '')
  delete inputs.tags
  const started = Date.now() / 1000
  const result = await runAction({
    inputs,
    workspace,
    env: { ...builders[builder], GITHUB_REPOSITORY: `org/${REPOSITORY}-${builder}` },
  })
  if (result.outputs.image) images.add(result.outputs.image)
  return { ...result, started }
}

/** The containers this file's runs created between `since` and now, by name. */
async function containersCreatedSince(since: number): Promise<string[]> {
  const names = await docker([
    'events',
    '--since',
    since.toFixed(3),
    '--until',
    (Date.now() / 1000).toFixed(3),
    '--filter',
    'type=container',
    '--filter',
    'event=create',
    '--format',
    '{{.Actor.Attributes.name}}',
  ])
  return names.split('\n').filter((name) => name.includes(`extend-azureml-image-${RUN_ID}-`))
}

function addsOf(result: ActionRun): Adds {
  return (JSON.parse(result.outputs.metadata) as { adds: Adds }).adds
}

describe.each(Object.keys(builders) as (keyof typeof builders)[])('%s builder', (builder) => {
  let first: ActionRun & { started: number }
  let second: ActionRun & { started: number }

  beforeAll(async () => {
    first = await run(builder)
    second = await run(builder)
  }, 600_000)

  it('lists the packages the example added against the base, in the metadata', async () => {
    expect(first.main.exitCode).toBe(0)
    const adds = addsOf(first)
    expect(adds.notes).toEqual([])
    // tinylinear is new (no base version) and no distribution the server runs on changed.
    expect(adds.pip).toEqual([{ name: 'tinylinear', version: '1.0.0', server: false }])
    // libgomp1 at the version dpkg has in the image, and not in the base.
    const version = await runInImage(first.outputs.image, [
      'dpkg-query',
      '-W',
      '-f',
      '${Version}',
      'libgomp1',
    ])
    expect(version.trim()).toMatch(/^\d/)
    expect(adds.apt).toContainEqual({ name: 'libgomp1', version: version.trim() })
    const inBase = await dockerStatus([
      'run',
      '--rm',
      '--entrypoint',
      'dpkg-query',
      STANDIN_IMAGE,
      '-W',
      'libgomp1',
    ])
    expect(inBase.code).not.toBe(0)
  })

  it('lists the layers over the base, with the step that made each and the bytes the image grew by', async () => {
    const { layers = [] } = addsOf(first)
    const steps = layers.map((layer) => layer.step)
    expect(steps[0]).toMatch(/^RUN apt-get update .*libgomp1/)
    expect(steps).toContainEqual(expect.stringMatching(/^RUN .*pip install .*-r requirements\.txt/))
    expect(steps).toContainEqual(expect.stringMatching(/^COPY .*\/var\/azureml-app\/$/))
    expect(steps.join('\n')).not.toContain(index.url) // build args are left out
    const image = await inspectImage(first.outputs.image)
    const base = await inspectImage(STANDIN_IMAGE)
    const bytes = layers.reduce((sum, layer) => sum + layer.bytes, 0)
    expect(bytes).toBe(image.Size - base.Size)
  })

  it('shows them in the job summary and counts them in the log', () => {
    const { summary } = first
    expect(summary).toContain('<h4>What the image adds</h4>')
    expect(summary).toContain(
      '<tr><td><code>tinylinear</code></td><td>pip</td><td>– (added)</td><td><code>1.0.0</code></td><td>–</td></tr>',
    )
    expect(summary).toMatch(
      /<tr><td><code>libgomp1<\/code><\/td><td>apt<\/td><td>– \(added\)<\/td>/,
    )
    expect(summary).toMatch(
      /<tr><td><code>RUN apt-get update [^<]*libgomp1[^<]*<\/code><\/td><td>[\d.]+ [kM]?B<\/td><\/tr>/,
    )
    // Gathered before the smoke test started, not during it.
    const line = first.main.stdout.indexOf('What the image adds:')
    expect(line).toBeGreaterThan(first.main.stdout.indexOf('Built sha256:'))
    expect(line).toBeLessThan(first.main.stdout.indexOf('::group::Smoke test'))
    const apt = addsOf(first).apt?.length
    expect(first.main.stdout).toMatch(
      new RegExp(
        `^What the image adds: apt packages: ${apt} added, 0 changed, 0 removed; pip distributions: 1 added, 0 changed, 0 removed \\(0 the server depends on\\); \\d+ layers over the base`,
        'm',
      ),
    )
  })

  it('a second run that builds nothing tells the same, without reading an image again', async () => {
    expect(second.main.exitCode).toBe(0)
    expect(JSON.parse(second.outputs.metadata).reused).toBe(true)
    expect(addsOf(second)).toEqual(addsOf(first))
    const created = await containersCreatedSince(second.started)
    // The smoke test's container only: no inventory was read.
    expect(created.filter((name) => name.includes('-inventory-'))).toEqual([])
    expect(created.length).toBeGreaterThan(0) // the events were read
  })
})

describe('a base image without dpkg', () => {
  const base = `${REPOSITORY}/no-dpkg:${process.pid}`
  const tag = `${REPOSITORY}/no-dpkg-app:${process.pid}`
  let result: ActionRun
  let dir: string

  beforeAll(async () => {
    // The stand-in with dpkg-query taken away, ending as its own user (whatever that is).
    const user = (await inspectImage(STANDIN_IMAGE)).Config.User
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-no-dpkg-'))
    const dockerfile = [`FROM ${STANDIN_IMAGE}`, 'USER root', 'RUN rm /usr/bin/dpkg-query']
    if (user) dockerfile.push(`USER ${user}`)
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `${dockerfile.join('\n')}\n`)
    await docker(['build', '--quiet', '--tag', base, dir])
    images.add(base)
    // Requirements only: apt needs dpkg. Without libgomp1 the model answers without OpenMP.
    const inputs = exampleInputs(index.url, tag, {
      'base-image': base,
      'apt-packages': '',
      'expected-response': '{"predictions": [4.75, 0.25]}',
    })
    result = await runAction({ inputs, workspace, env: builders.legacy })
    images.add(tag)
  }, 300_000)

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('passes, lists the pip packages and layers, and leaves the apt ones out with a note', () => {
    expect(result.main.exitCode).toBe(0)
    const adds = addsOf(result)
    expect(adds.apt).toBeUndefined()
    expect(adds.notes).toEqual(['apt packages left out: no dpkg in the image'])
    expect(adds.pip).toEqual([{ name: 'tinylinear', version: '1.0.0', server: false }])
    expect(adds.layers?.map((layer) => layer.step)).toContainEqual(
      expect.stringMatching(/pip install/),
    )
    expect(result.summary).toContain('<p>apt packages left out: no dpkg in the image</p>')
    expect(result.main.stdout).toMatch(
      /^What the image adds: pip distributions: 1 added, .* \(apt packages left out: no dpkg in the image\)$/m,
    )
  })
})
