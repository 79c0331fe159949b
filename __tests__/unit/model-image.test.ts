// The legacy builder's model image (build/model-image.ts) through buildApplication, on a fake
// engine: which builds run with which context, when the remembered model image is used, and
// that a model image built for a run that fails is removed with the run's tags.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { buildApplication, type ApplicationRequest } from '../../src/build/build-application.js'
import type { BuildRequest } from '../../src/docker/docker-args.js'
import type { LocalImage } from '../../src/docker/docker.js'
import { wholeTreeSnapshot } from '../../src/inputs/code-snapshot.js'
import type { DockerfilePlan } from '../../src/plan/dockerfile.js'
import { applicationRecipe } from '../../src/plan/same-build.js'
import { RECIPE_LABEL } from '../../src/step/constants.js'
import { Leftovers } from '../../src/step/leftovers.js'
import { fakeDocker } from '../helpers/fake-docker.js'

const plan: DockerfilePlan = {
  baseImage: 'base:1',
  user: 'dockeruser',
  aptPackages: ['libgomp1'],
  requirements: false,
  pipConfig: 'none',
  model: true,
  code: true,
  entryScript: 'score.py',
  env: [],
  labels: [],
}
const from = { reference: 'deps:key', id: 'sha256:deps' }

let dir: string
let model: string
let builds: { dockerfile: string; text: string; context: string; tags: string[] }[]
let images: Map<string, LocalImage>
let failApplication: boolean

function engine() {
  return fakeDocker({
    build: async (request: BuildRequest) => {
      const text = fs.readFileSync(request.dockerfile, 'utf8')
      builds.push({
        dockerfile: path.basename(request.dockerfile),
        text,
        context: request.context,
        tags: request.tags,
      })
      const isModel = path.basename(request.dockerfile) === 'model.Dockerfile'
      if (!isModel && failApplication) return { exitCode: 1, stdout: '', stderr: 'COPY failed' }
      const id = isModel ? `sha256:model${builds.length}` : 'sha256:app'
      fs.writeFileSync(request.iidFile, id)
      images.set(id, { id, layers: [], user: '', labels: {}, sizeBytes: 0 })
      return { exitCode: 0, stdout: '', stderr: '' }
    },
    localImage: async (reference: string) => images.get(reference),
  })
}

function request(builder: 'legacy' | 'buildkit', leftovers: Leftovers): ApplicationRequest {
  const contexts = {
    dependencies: path.join(dir, 'dependencies'),
    application: path.join(dir, 'application'),
  }
  return {
    plan,
    from,
    tags: ['app:tag'],
    builder,
    contexts,
    workDir: dir,
    model: {
      leftovers,
      source: { memoFile: path.join(dir, 'memo.json'), snapshot: wholeTreeSnapshot(model) },
    },
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-image-unit-'))
  model = path.join(dir, 'workspace-model')
  fs.mkdirSync(model)
  fs.writeFileSync(path.join(model, 'weights.bin'), 'one')
  for (const folder of ['application/model', 'application/code']) {
    fs.mkdirSync(path.join(dir, folder), { recursive: true })
  }
  builds = []
  images = new Map()
  failApplication = false
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('the legacy builder', () => {
  it('builds the model image on the dependencies, then the application on it from the code folder', async () => {
    const docker = engine()
    const leftovers = new Leftovers(docker)
    const application = await buildApplication(docker, request('legacy', leftovers))
    expect(application.imageId).toBe('sha256:app')
    expect(
      builds.map((build) => [build.dockerfile, path.relative(dir, build.context), build.tags]),
    ).toEqual([
      ['model.Dockerfile', 'application/model', []],
      ['application.Dockerfile', 'application/code', ['app:tag']],
    ])
    expect(builds[0].text).toMatch(/^FROM deps:key$/m)
    expect(builds[1].text).toMatch(/^FROM sha256:model1$/m)
    expect(builds[1].text).not.toContain('azureml-models/\n')
    // The one-step recipe's digest: a later run knows this build whichever way it was made.
    const digest = applicationRecipe(plan, from.reference, from.id).digest
    expect(builds[1].text).toContain(`"${RECIPE_LABEL}"="${digest}"`)
  })

  it('uses the remembered model image while the model and what it sits on are the same', async () => {
    const docker = engine()
    const leftovers = new Leftovers(docker)
    await buildApplication(docker, request('legacy', leftovers))
    builds = []
    await buildApplication(docker, request('legacy', leftovers))
    expect(builds.map((build) => build.dockerfile)).toEqual(['application.Dockerfile'])
    expect(builds[0].text).toMatch(/^FROM sha256:model1$/m)

    // Gone from the engine (pruned with its last application image): built again.
    images.delete('sha256:model1')
    builds = []
    await buildApplication(docker, request('legacy', leftovers))
    expect(builds.map((build) => build.dockerfile)).toEqual([
      'model.Dockerfile',
      'application.Dockerfile',
    ])
  })

  it('builds the model image again when the model changed', async () => {
    const docker = engine()
    const leftovers = new Leftovers(docker)
    await buildApplication(docker, request('legacy', leftovers))
    fs.writeFileSync(path.join(model, 'weights.bin'), 'two')
    builds = []
    await buildApplication(docker, request('legacy', leftovers))
    expect(builds.map((build) => build.dockerfile)).toEqual([
      'model.Dockerfile',
      'application.Dockerfile',
    ])
  })

  it('removes a model image built for an application build that failed', async () => {
    const docker = engine()
    const leftovers = new Leftovers(docker)
    failApplication = true
    await expect(buildApplication(docker, request('legacy', leftovers))).rejects.toThrow(
      /docker build failed \(Build app:tag/,
    )
    await leftovers.cleanup()
    expect(docker.calls).toContain('untag sha256:model1')
  })
})

it('BuildKit builds the application in one step, from the whole application context', async () => {
  const docker = engine()
  await buildApplication(docker, request('buildkit', new Leftovers(docker)))
  expect(builds.map((build) => [build.dockerfile, path.relative(dir, build.context)])).toEqual([
    ['application.Dockerfile', 'application'],
  ])
  expect(builds[0].text).toMatch(/^COPY model\/ \/var\/azureml-app\/azureml-models\/$/m)
})
