// Broken machines, against real engines: no docker CLI, no daemon, a base image that can't be
// pulled (for good, or for now), a full disk, a build killed or cancelled half-way, two runs at
// once. Each fault gives one clear error (what failed, docker's own words, what to try), no
// output naming an image, and leaves no container, image tag, process or temp dir behind.
// The shared engine is never stopped or filled: a second one (scripts/second-daemon.mjs) is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  docker,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  runInImage,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { startSecondDaemon, type SecondDaemon } from '../../scripts/second-daemon.mjs'
import {
  startHoldingServer,
  startStubRegistry,
  type HoldingServer,
  type RegistryFault,
  type StubRegistry,
} from '../helpers/fault-servers.js'
import { builderEnvironments } from '../helpers/builders.js'
import { startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { descendants, eventually, processesMentioning } from '../helpers/processes.js'
import { errorAnnotations } from '../helpers/workflow-commands.js'

let workspace: string
const createdTags: string[] = []
// Containers of these runs are named after it: checks see this file's runs, not another job's.
const RUN_ID = `faults-${process.pid}`
const EMPTY_PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'no-docker-'))
const { dispose: disposeBuilders, ...builders } = builderEnvironments(RUN_ID)
type BuilderName = keyof typeof builders

function appScore(marker: string): string {
  return `def init():\n    pass\n\n\ndef run(raw_data):\n    return {"app": "${marker}"}\n`
}

beforeAll(async () => {
  await requireEngineAndStandin()
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-faults-'))
  for (const app of ['app-a', 'app-b']) {
    fs.mkdirSync(path.join(workspace, app))
    fs.writeFileSync(path.join(workspace, app, 'score.py'), appScore(app))
  }
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'tinylinear==1.0.0\n')
}, 60_000)

afterAll(async () => {
  fs.rmSync(workspace, { recursive: true, force: true })
  disposeBuilders()
  fs.rmSync(EMPTY_PATH, { recursive: true, force: true })
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

// ---- what "nothing left" means, measured on an engine -----------------------------------------

// Another job may use the same daemon meanwhile (as on a self-hosted runner): what this run could
// leave is told apart by the tags it would create and by text only its containers hold.
interface Scope {
  host?: string
  /** Tags this run would create: none may exist afterwards. */
  tags: string[]
  /** Text in the `docker inspect` of a container of this run ('' for any: an engine of our own). */
  markers: string[]
  containersBefore: string[]
}

async function containerIds(host?: string): Promise<string[]> {
  const on = host ? ['--host', host] : []
  return (await docker([...on, 'ps', '--all', '--quiet', '--no-trunc'])).split('\n').filter(Boolean)
}

async function scope(tags: string[], markers: string[], host?: string): Promise<Scope> {
  for (const tag of tags) await dockerStatus(['image', 'rm', tag]) // absent before, or it proves nothing
  return { host, tags, markers: [RUN_ID, ...markers], containersBefore: await containerIds(host) }
}

/** Tags of the scope that exist, and new containers that hold one of its markers. */
async function leftBehind(of: Scope): Promise<{ tags: string[]; containers: string[] }> {
  const on = of.host ? ['--host', of.host] : []
  const tags: string[] = []
  for (const tag of of.tags) {
    if (
      await docker([...on, 'image', 'inspect', tag]).then(
        () => true,
        () => false,
      )
    )
      tags.push(tag)
  }
  const containers: string[] = []
  for (const id of await containerIds(of.host)) {
    if (of.containersBefore.includes(id)) continue
    const seen = await docker([...on, 'container', 'inspect', id]).catch(() => '')
    if (seen !== '' && of.markers.some((marker) => seen.includes(marker))) containers.push(id)
  }
  return { tags, containers }
}

function errors(run: ActionRun): string[] {
  return errorAnnotations(run.main.stdout).map((annotation) => annotation.message)
}

function expectNoImageOutputs(run: ActionRun): void {
  expect(run.outputs.image).toBeUndefined()
  expect(run.outputs.tags).toBeUndefined()
  expect(run.outputs['image-id']).toBeUndefined()
}

/**
 * The step failed with one error matching `message`, no output names an image, the post step
 * was quiet, and the engine (when it still answers: a scope given) has no tag or container of
 * this run.
 */
async function expectCleanFailure(
  run: ActionRun,
  message: RegExp,
  of: Scope | undefined,
): Promise<string> {
  expect(run.main.exitCode).toBe(1)
  const found = errors(run)
  expect(found).toHaveLength(1)
  expect(found[0]).toMatch(message)
  expectNoImageOutputs(run)
  expectNothingLeftInTemp(run)
  expect(run.post?.exitCode).toBe(0)
  expect(processesMentioning(run.runnerTemp)).toEqual([])
  if (of !== undefined) {
    // Containers of a stopped build are removed by the daemon shortly after: give it time.
    await eventually(async () => (await leftBehind(of)).containers.length === 0, 15_000)
    expect(await leftBehind(of)).toEqual({ tags: [], containers: [] })
  }
  return found[0]
}

// ---- no docker ---------------------------------------------------------------------------------

describe('no docker to talk to', () => {
  it('the docker CLI is not installed (not on PATH)', async () => {
    const before = await scope(['eai-fault/no-cli:1'], [])
    const run = await runAction({
      inputs: { 'base-image': STANDIN_IMAGE, tags: 'eai-fault/no-cli:1' },
      workspace,
      env: { ...builders.legacy, PATH: EMPTY_PATH },
    })
    await expectCleanFailure(
      run,
      /^The docker CLI could not be started \(docker: ENOENT\). Install Docker .* or put the docker CLI on PATH$/,
      before,
    )
  })

  it('the daemon is not running (DOCKER_HOST: a socket nobody listens on)', async () => {
    const before = await scope(['eai-fault/no-daemon:1'], [])
    const socket = path.join(EMPTY_PATH, 'nobody.sock')
    const run = await runAction({
      inputs: { 'base-image': STANDIN_IMAGE, tags: 'eai-fault/no-daemon:1' },
      workspace,
      env: { ...builders.legacy, DOCKER_HOST: `unix://${socket}` },
    })
    await expectCleanFailure(
      run,
      new RegExp(
        `^The Docker daemon is not reachable: .*Cannot connect to the Docker daemon at unix://${socket}.*\\. Start the Docker engine \\(or check DOCKER_HOST\\) and try again$`,
        's',
      ),
      before,
    )
  })
})

// ---- pulling the base image -------------------------------------------------------------------

describe('a base image that cannot be pulled', () => {
  let registry: StubRegistry | undefined
  afterAll(async () => {
    await registry?.stop()
  })

  async function pullFrom(fault: RegistryFault): Promise<{ run: ActionRun; before: Scope }> {
    await registry?.stop()
    registry = await startStubRegistry(fault)
    const reference = `${registry.host}/azureml/minimal-inference:latest`
    const before = await scope([`eai-fault/pull-${fault}:1`, reference], [registry.host])
    const started = Date.now()
    const run = await runAction({
      inputs: { 'base-image': reference, tags: `eai-fault/pull-${fault}:1` },
      workspace,
      env: builders.legacy,
    })
    expect(Date.now() - started).toBeLessThan(60_000)
    return { run, before }
  }

  it('name unknown: one attempt, no retry, and what to check', async () => {
    const { run, before } = await pullFrom('name-unknown')
    await expectCleanFailure(
      run,
      /^Pulling base image 127\.0\.0\.1:\d+\/azureml\/minimal-inference:latest failed: the registry has no such image\. Check the name and tag in 'base-image'\. docker said:\n.*name unknown/s,
      before,
    )
    expect(registry?.daemonPulls()).toHaveLength(1)
    expect(run.main.stdout).not.toContain('retrying')
  })

  it('access denied: one attempt, and a hint to log in', async () => {
    const { run, before } = await pullFrom('denied')
    await expectCleanFailure(
      run,
      /failed: the registry refused access\. Log in to it before this step \(docker\/login-action\), or check the name in 'base-image'\. docker said:\n.*denied/s,
      before,
    )
    expect(registry?.daemonPulls()).toHaveLength(1)
  })

  it('registry unavailable (503): three attempts with backoff, then the error', async () => {
    const { run, before } = await pullFrom('unavailable')
    await expectCleanFailure(
      run,
      /failed after 3 attempts: the registry could not be reached\. Check the runner's network, proxy and DNS, or try again later\. docker said:\n.*503 Service Unavailable/s,
      before,
    )
    const pulls = registry?.daemonPulls() ?? []
    expect(pulls).toHaveLength(3)
    // Backoff: about 2 s, then about 4 s, between attempts.
    expect(pulls[1].at - pulls[0].at).toBeGreaterThanOrEqual(1900)
    expect(pulls[2].at - pulls[1].at).toBeGreaterThanOrEqual(3900)
    expect(run.main.stdout).toMatch(/failed \(attempt 1 of 3: .*503.*\); retrying in 2 s/)
    expect(run.main.stdout).toMatch(/failed \(attempt 2 of 3: .*503.*\); retrying in 4 s/)
  })

  it('network down (connection refused): three attempts, then the error', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo
        probe.close(() => resolve(free))
      })
    })
    const reference = `127.0.0.1:${port}/azureml/minimal-inference:latest`
    const before = await scope(['eai-fault/pull-refused:1', reference], [`127.0.0.1:${port}`])
    const run = await runAction({
      inputs: { 'base-image': reference, tags: 'eai-fault/pull-refused:1' },
      workspace,
      env: builders.legacy,
    })
    await expectCleanFailure(
      run,
      /failed after 3 attempts: the registry could not be reached\..*connection refused/s,
      before,
    )
    expect(run.main.stdout.match(/; retrying in \d s/g)).toEqual([
      '; retrying in 2 s',
      '; retrying in 4 s',
    ])
  })
})

// ---- a build stopped half-way -------------------------------------------------------------------

describe('a build stopped half-way (pip hangs on an index that never answers)', () => {
  let holding: HoldingServer | undefined
  afterAll(async () => {
    await holding?.stop()
  })

  it.each<[string, BuilderName, 'kill docker build' | NodeJS.Signals]>([
    ['docker build killed (SIGKILL), legacy builder', 'legacy', 'kill docker build'],
    ['docker build killed (SIGKILL), BuildKit', 'buildkit', 'kill docker build'],
    ['the step cancelled with SIGTERM during the build, legacy builder', 'legacy', 'SIGTERM'],
    ['the step cancelled with SIGINT during the build, BuildKit', 'buildkit', 'SIGINT'],
  ])('%s', async (_case, builder, fault) => {
    await holding?.stop()
    holding = await startHoldingServer()
    const tag = `eai-fault/stopped-${builder}-${fault.replace(/\W+/g, '-').toLowerCase()}:1`
    const before = await scope([tag], [`127.0.0.1:${holding.port}`])
    let main: ChildProcess | undefined
    const running = runAction({
      inputs: {
        'base-image': STANDIN_IMAGE,
        requirements: 'requirements.txt',
        'pip-index-url': `http://127.0.0.1:${holding.port}/simple/`,
        network: 'host',
        tags: tag,
      },
      workspace,
      env: builders[builder],
      onSpawn: (child) => (main ??= child),
    })
    // pip has connected: the build is in the middle of its RUN step.
    const ended = await Promise.race([
      holding.firstConnection.then(() => false),
      running.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 180_000).unref()),
    ])
    if (ended) throw new Error(`The build never reached pip:\n${(await running).main.stdout}`)

    const build = descendants(main!.pid!).filter((process) => process.argv[1] === 'build')
    expect(build).toHaveLength(1)
    // What that build would tag (the dependencies image) must never appear.
    build[0].argv.forEach((arg, at) => arg === '--tag' && before.tags.push(build[0].argv[at + 1]))
    expect(before.tags.length).toBeGreaterThan(1)
    if (fault === 'kill docker build') {
      process.kill(build[0].pid, 'SIGKILL')
    } else {
      main!.kill(fault)
    }
    const run = await running

    if (fault === 'kill docker build') {
      await expectCleanFailure(
        run,
        /^docker build failed \(.*signal SIGKILL, exit 137\): docker build was stopped by SIGKILL before it finished .*Try again; nothing was tagged\. End of the build log:\n/s,
        before,
      )
    } else {
      expect(run.main.exitCode).toBe(fault === 'SIGINT' ? 130 : 143)
      expect(run.main.stdout).toContain(
        `Received ${fault}: stopping docker and removing what this step created`,
      )
      expectNoImageOutputs(run)
      expectNothingLeftInTemp(run)
      expect(run.post?.exitCode).toBe(0)
    }
    // The build itself was stopped: no docker process of this run is left, pip's connection
    // was dropped with its container, and no tag appears afterwards.
    expect(await eventually(() => processesMentioning(run.runnerTemp).length === 0, 5000)).toBe(
      true,
    )
    expect(await eventually(() => holding!.open() === 0, 15_000)).toBe(true)
    expect(
      await eventually(async () => (await leftBehind(before)).containers.length === 0, 15_000),
    ).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(await imageExists(tag)).toBe(false)
    expect(await leftBehind(before)).toEqual({ tags: [], containers: [] })
    expect(await actionContainers(RUN_ID)).toEqual([])
  })
})

describe('cancelled during the base image pull (a registry that never answers)', () => {
  let holding: HoldingServer | undefined
  afterAll(async () => {
    await holding?.stop()
  })

  it('SIGTERM: the pull is stopped, nothing is left', async () => {
    holding = await startHoldingServer()
    const reference = `127.0.0.1:${holding.port}/azureml/never-answers:1`
    const before = await scope(
      ['eai-fault/pull-cancelled:1', reference],
      [`127.0.0.1:${holding.port}`],
    )
    let main: ChildProcess | undefined
    const running = runAction({
      inputs: { 'base-image': reference, tags: 'eai-fault/pull-cancelled:1' },
      workspace,
      env: builders.legacy,
      onSpawn: (child) => (main ??= child),
    })
    await holding.firstConnection
    expect(descendants(main!.pid!).filter((p) => p.argv.includes(reference))).toHaveLength(1)
    main!.kill('SIGTERM')
    const run = await running
    expect(run.main.exitCode).toBe(143)
    expectNoImageOutputs(run)
    expectNothingLeftInTemp(run)
    expect(run.post?.exitCode).toBe(0)
    expect(processesMentioning(reference)).toEqual([])
    expect(await eventually(() => holding!.open() === 0, 15_000)).toBe(true)
    expect(await leftBehind(before)).toEqual({ tags: [], containers: [] })
  })
})

// ---- two runs at once ---------------------------------------------------------------------------

describe('two invocations at once on one daemon (a matrix on a self-hosted runner)', () => {
  let index: LocalIndex
  beforeAll(async () => {
    index = await startLocalIndex()
  })
  afterAll(() => index?.stop())

  it('both pass, each with its own image, sharing the same dependencies', async () => {
    const leg = (app: string) =>
      runAction({
        inputs: {
          'base-image': STANDIN_IMAGE,
          requirements: 'requirements.txt',
          'pip-index-url': index.url,
          network: 'host',
          'code-dir': app,
          'entry-script': 'score.py',
          'sample-request': '{}',
          'expected-response': JSON.stringify({ app }),
          'startup-timeout': '60',
        },
        workspace,
        env: { ...builders.legacy, GITHUB_REPOSITORY: 'org/eai-parallel' },
      })
    const [a, b] = await Promise.all([leg('app-a'), leg('app-b')])
    for (const run of [a, b]) {
      if (run.outputs.image) createdTags.push(run.outputs.image)
      const dependencies = run.outputs.metadata && JSON.parse(run.outputs.metadata).dependencies
      if (dependencies?.image) createdTags.push(dependencies.image)
    }
    for (const [run, app] of [
      [a, 'app-a'],
      [b, 'app-b'],
    ] as const) {
      expect(errors(run)).toEqual([])
      expect(run.main.exitCode).toBe(0)
      expect(run.outputs['smoke-test']).toBe('passed')
      expect(JSON.parse(run.outputs['score-response'])).toEqual({ app })
      expectNothingLeftInTemp(run)
      expect(await runInImage(run.outputs.image, ['cat', '/var/azureml-app/score.py'])).toBe(
        appScore(app).trimEnd(),
      )
    }
    expect(a.outputs.image).toMatch(/^eai-parallel:[0-9a-f]{16}$/)
    expect(b.outputs.image).toMatch(/^eai-parallel:[0-9a-f]{16}$/)
    expect(a.outputs.image).not.toBe(b.outputs.image)
    expect(a.outputs['image-id']).not.toBe(b.outputs['image-id'])
    expect(await actionContainers(RUN_ID)).toEqual([])
  })
})

// ---- a second engine: full disk, then stopped ----------------------------------------------------

describe('a second engine with a small disk', () => {
  let engine: SecondDaemon | undefined
  let bigModel: string

  beforeAll(async () => {
    engine = await startSecondDaemon({
      bridge: 'eai-fault0',
      cidr: '192.168.234.1/24', // on this machine's own bridge only: never a target
      diskMb: 400,
      maxSeconds: 900, // gone by itself even if jest is killed
    })
    await engine.copyImage(STANDIN_IMAGE)
    // Bigger than what is left of the 400 MB once the stand-in is in.
    bigModel = path.join(workspace, 'big-model')
    fs.mkdirSync(bigModel)
    const chunk = Buffer.alloc(16 * 1024 * 1024, 1)
    const fd = fs.openSync(path.join(bigModel, 'weights.bin'), 'w')
    for (let written = 0; written < 300; written += 16) fs.writeSync(fd, chunk)
    fs.closeSync(fd)
  }, 180_000)

  afterAll(async () => {
    await engine?.stop()
  }, 60_000)

  it.each<BuilderName>(['legacy', 'buildkit'])(
    'disk full during the build (%s): says no space left, and what to try',
    async (builder) => {
      const host = engine!.host
      // The engine is ours alone: any new container counts.
      const before = await scope([`eai-fault/disk-full-${builder}:1`], [''], host)
      const run = await runAction({
        inputs: {
          'base-image': STANDIN_IMAGE,
          'model-dir': 'big-model',
          tags: `eai-fault/disk-full-${builder}:1`,
          'smoke-test': 'false',
        },
        workspace,
        env: { ...builders[builder], DOCKER_HOST: host },
      })
      await expectCleanFailure(
        run,
        /^docker build failed \(.*\): the Docker engine ran out of disk space \(no space left on device\)\. Free space on the runner .*End of the build log:\n.*no space left on device/s,
        before,
      )
    },
  )

  it('the engine stopped: says so, and what to try', async () => {
    await engine!.stopEngine()
    const run = await runAction({
      inputs: { 'base-image': STANDIN_IMAGE, tags: 'eai-fault/engine-stopped:1' },
      workspace,
      env: { ...builders.legacy, DOCKER_HOST: engine!.host },
    })
    await expectCleanFailure(
      run,
      /^The Docker daemon is not reachable: .*Cannot connect to the Docker daemon.*Start the Docker engine \(or check DOCKER_HOST\) and try again$/s,
      undefined,
    )
    // Stopping a second engine must not take the shared one's bridge with it.
    expect(await docker(['run', '--rm', STANDIN_IMAGE, 'true'])).toBe('')
  })
})
