#!/usr/bin/env node
// The benchmark of issue 5: the action against the hand-written way (bench/baseline.sh with
// bench/baseline.Dockerfile), scenario by scenario, in one process and one run. See
// bench/README.md for what each scenario measures.
//
//   node bench/benchmark.mjs [--repetitions N] [--model-mib N] [--quick] [--json FILE]
//                            [--only 1,2,...] [--logs DIR]
//
// BENCH_ACTION_DIST=DIR measures the action build in DIR (a whole `dist/` folder, e.g. the one
// before a change, for an A/B) instead of this repository's dist/; action.yml (post-if) and the
// rest of the benchmark stay this repository's. The JSON records it as machine.actionDist.
//
// Everything it starts (containers, images, a second dockerd and its bridge, the package index,
// the cache service, temp dirs and the big model file) is removed at the end, also on failure
// and on Ctrl-C.
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { runAction } from './action-runner.mjs'
import { loadCacheService } from './cache-service.mjs'
import { startDiskSampler } from './disk.mjs'
import { freshDaemons } from './fresh-daemon.mjs'
import {
  APT_PACKAGES,
  BASE_IMAGE,
  EXPECTED_PREDICTIONS,
  Project,
  ROOT,
  treeBytes,
  writePackages,
} from './project.mjs'
import {
  cleanupAll,
  docker,
  dockerQuiet,
  exitOnSignals,
  interrupted,
  onCleanup,
  run,
  start,
  stop,
  tailOf,
} from './proc.mjs'
import { divide, gib, median, millis, ratio, seconds, table, verdict } from './report.mjs'

const BASELINE_SCRIPT = path.join(ROOT, 'bench', 'baseline.sh')
const FLOOR_SCRIPT = path.join(ROOT, 'bench', 'floor.sh')
const ACTION_DIST = path.resolve(process.env.BENCH_ACTION_DIST || path.join(ROOT, 'dist'))
const ACTION_ENTRY = path.join(ACTION_DIST, 'index.js')
// Issue 16's targets: against the recipe, the floor (e), the cold run, or the stand-in's figure.
const TARGETS = {
  cold: 1.0,
  unchangedVsFloor: 1.1,
  code: 0.4,
  model: 1.0,
  restored: 0.35,
  contextFactor: 1.02,
  fatSaveVsSmall: 1.1,
}
const BUILDERS = ['legacy', 'buildkit']
// Debian's 20.10 client runs BuildKit itself; the 28.x one on PATH would want the buildx plugin.
const BUILDKIT_CLI = '/usr/bin/docker'
const TARGET_LIVE_MS = 100
const TARGET_OVERHEAD_MS = 150
// Issue 15: a typo in the scoring script reported within 2 s of the base image being present.
const TARGET_FAILURE_MS = 2000

// ---- options and logging -----------------------------------------------------------------------

const { values: args } = parseArgs({
  options: {
    repetitions: { type: 'string' },
    'model-mib': { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    only: { type: 'string' },
    builders: { type: 'string' },
    'code-model-mib': { type: 'string' },
    'fat-mib': { type: 'string' },
    logs: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (args.help) {
  console.log(
    'node bench/benchmark.mjs [--repetitions N (3)] [--model-mib N (1024)] [--code-model-mib N (300)]\n' +
      '  [--fat-mib N (2048)] [--builders legacy,buildkit] [--quick] [--json FILE] [--only 1,1f,2,...,5,5f,7,8] [--logs DIR]',
  )
  process.exit(0)
}
const positive = (text, name) => {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} wants a positive integer`)
  return value
}
const options = {
  repetitions: args.repetitions ? positive(args.repetitions, 'repetitions') : args.quick ? 1 : 3,
  modelMib: args['model-mib'] ? positive(args['model-mib'], 'model-mib') : args.quick ? 64 : 1024,
  // The model in place for every scenario but 4 (the code-only change is measured with it).
  codeModelMib: args['code-model-mib']
    ? positive(args['code-model-mib'], 'code-model-mib')
    : args.quick
      ? 16
      : 300,
  // What the fat base (1f, 5f) adds to the stand-in's layers, in two layers of random bytes.
  fatMib: args['fat-mib'] ? positive(args['fat-mib'], 'fat-mib') : args.quick ? 256 : 2048,
  builders: (args.builders ?? BUILDERS.join(',')).split(',').map((item) => {
    const builder = item.trim()
    if (!BUILDERS.includes(builder))
      throw new Error(`--builders: ${builder} is not one of ${BUILDERS}`)
    return builder
  }),
  quick: args.quick,
  // A smoke run must not overwrite the results of a full one.
  json: path.resolve(
    args.json ?? path.join(ROOT, 'bench', args.quick ? 'results-quick.json' : 'results.json'),
  ),
  only: args.only ? new Set(args.only.split(',').map((item) => item.trim())) : undefined,
  logs: args.logs ? path.resolve(args.logs) : undefined,
}
const wanted = (scenario) => !options.only || options.only.has(String(scenario))

const clock = performance.now()
function log(message) {
  const elapsed = ((performance.now() - clock) / 1000).toFixed(1).padStart(6)
  console.log(`[bench ${elapsed} s] ${message}`)
}

// ---- the run's names: everything it creates carries the run id ------------------------------

const runId = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`
const ACTION_REPOSITORY = `eai-bench-${runId}` // the action's default tag is <repo>:<digest>
const ACTION_RUN_ID = `bench-${runId}` // the action's container names carry GITHUB_RUN_ID
const BASELINE_TAG = `eai-bench-${runId}-baseline:latest`
const BASELINE_CONTAINER = `eai-bench-${runId}-baseline-`

// ---- helpers -----------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const DEPS_TAG = /extend-azureml-image\/dependencies:[0-9a-f]{32}/
const CONTEXT_SENT = /Sending build context to Docker daemon\s+(\S+)/
const USING_CACHE = /---> Using cache/
const STEP = /^Step \d+\/\d+ : (\S+)/
// BuildKit's plain progress: `#7 [2/5] RUN ...`, then `#7 CACHED` when it came from its cache.
const BUILDKIT_STEP = /^#(\d+) \[[^\]]*\d+\/\d+\] (\S+)/
const BUILDKIT_CACHED = /^#(\d+) CACHED$/

/**
 * The legacy builder's steps that came from its cache and did work when built (RUN, COPY, ADD).
 * Metadata steps (USER, ENV, ARG) right after FROM can match any image built on the same base.
 */
function cachedWork(lines) {
  const cached = []
  const buildkitSteps = new Map()
  let step
  for (const { text } of lines) {
    const buildkitStep = BUILDKIT_STEP.exec(text)
    if (buildkitStep) buildkitSteps.set(buildkitStep[1], { instruction: buildkitStep[2], text })
    const buildkitCached = buildkitSteps.get(BUILDKIT_CACHED.exec(text)?.[1])
    if (buildkitCached && ['RUN', 'COPY', 'ADD'].includes(buildkitCached.instruction))
      cached.push(buildkitCached.text.slice(0, 120))
    const match = STEP.exec(text)
    if (match) step = { instruction: match[1].toUpperCase(), text }
    else if (USING_CACHE.test(text) && step && ['RUN', 'COPY', 'ADD'].includes(step.instruction)) {
      cached.push(step.text.slice(0, 120))
    }
  }
  return cached
}

function firstAt(lines, pattern, from = 0) {
  const line = lines.slice(from).find((candidate) => pattern.test(candidate.text))
  return line?.at
}

/** --logs DIR: each run's output, every line with its milliseconds since the run started. */
function saveLog(label, startedAt, ...parts) {
  if (!options.logs || !label) return
  fs.mkdirSync(options.logs, { recursive: true })
  const text = parts
    .flat()
    .map(
      (line) =>
        `${String(line.at - startedAt).padStart(7)} ${line.stream === 'err' ? '!' : ' '} ${line.text}`,
    )
    .join('\n')
  fs.writeFileSync(path.join(options.logs, `${label}.log`), `${text}\n`)
}

/** Checks a /score answer; returns its init_done_ms. */
function checkScore(body, revision, who) {
  let answer
  try {
    answer = JSON.parse(body)
  } catch {
    throw new Error(`${who}: POST /score answered something that is not JSON: ${body}`)
  }
  if (JSON.stringify(answer.predictions) !== JSON.stringify(EXPECTED_PREDICTIONS)) {
    throw new Error(`${who}: unexpected predictions in ${body}`)
  }
  // The image must serve the code as it is now: a stale layer would be a wrong measurement.
  if (answer.revision !== revision) {
    throw new Error(`${who}: served REVISION ${answer.revision}, the project has ${revision}`)
  }
  return answer.init_done_ms
}

/** Files under `staged` that are not hard links of the same file under `source`. */
function stagedCopies(staged, source) {
  let copies = 0
  for (const entry of fs.readdirSync(staged, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    const original = path.join(source, path.relative(staged, file))
    const a = fs.statSync(file)
    const b = fs.statSync(original)
    if (a.dev !== b.dev || a.ino !== b.ino) copies++
  }
  return copies
}

// ---- the two sides -------------------------------------------------------------------------

class ActionSide {
  constructor(context) {
    this.context = context
    this.current = undefined // the app image of the last main-daemon run
    this.images = new Set()
    this.depsTags = new Set()
  }

  inputs(extra = {}) {
    return {
      'base-image': this.context.baseImage,
      'apt-packages': APT_PACKAGES.join(' '),
      requirements: 'requirements.txt',
      'code-dir': 'code',
      'entry-script': 'score.py',
      'model-dir': 'model',
      'pip-index-url': this.context.indexUrl,
      network: 'host',
      'sample-request': 'sample-request.json',
      'expected-response': JSON.stringify({ predictions: EXPECTED_PREDICTIONS }),
      ...extra,
    }
  }

  env({ host, cacheEnv, tmp } = {}) {
    return {
      ...this.context.builderEnv,
      // The action's stable staging folder (os.tmpdir()) goes with the benchmark's temp dir.
      TMPDIR: tmp ?? this.context.actionTmp,
      GITHUB_REPOSITORY: `eai/${ACTION_REPOSITORY}`,
      GITHUB_RUN_ID: ACTION_RUN_ID,
      ...(cacheEnv ?? {}),
      ...(host ? { DOCKER_HOST: host } : {}),
    }
  }

  /** One measured run; `host` set: a fresh daemon whose images go with it. */
  async run({ host, cacheEnv, inspectContext = false, label } = {}) {
    const { project } = this.context
    // A fresh daemon stands for a new runner: an empty temp dir too, so nothing the action
    // remembers next to its staging folder (digests, inventories, the model image) is found.
    const tmp = host ? fs.mkdtempSync(path.join(this.context.actionTmp, 'new-runner-')) : undefined
    const result = await runAction({
      entry: ACTION_ENTRY,
      inputs: this.inputs(),
      workspace: project.dir,
      runnerTemp: this.context.runnerTemp,
      env: this.env({ host, cacheEnv, tmp }),
      inspect: inspectContext
        ? (outputs) => {
            const application = path.join(outputs.context, 'application')
            return {
              bytes: treeBytes(application),
              copies: stagedCopies(
                path.join(application, 'model'),
                path.join(project.dir, 'model'),
              ),
            }
          }
        : undefined,
    })
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true }) // (else gone with actionTmp)
    saveLog(label && `${label}-action`, result.startedAt, result.lines, result.postLines)
    for (const line of result.lines) {
      const tag = DEPS_TAG.exec(line.text)?.[0]
      if (tag && !host) this.depsTags.add(tag)
    }
    if (result.code !== 0) {
      throw new Error(`the action failed (exit ${result.code}):\n${tailOf(result)}`)
    }
    if (result.outputs['smoke-test'] !== 'passed')
      throw new Error('the action did not pass its smoke test')
    const initDoneMs = checkScore(result.outputs['score-response'], project.revision, 'action')
    if (!host) await this.track(result.outputs['image-id'])

    const lines = result.lines
    const at = (pattern, from) => {
      const value = firstAt(lines, pattern, from)
      return value === undefined ? undefined : value - result.startedAt
    }
    const prepareAt = lines.findIndex((line) => line.text === '::group::Prepare')
    const prepared = at(/^::endgroup::$/, Math.max(prepareAt, 0))
    const depsReady = at(/^Base image user: /)
    // A run on unchanged inputs finds its image under the tag instead of building it.
    const built = at(/^Built sha256:| already holds this build /)
    const live = at(/^Live after \d+ ms/)
    // The cache phase starts where the main step waits for `docker save`, then uploads.
    const saveStart = at(
      /^Waiting for the archive of the dependencies|^::group::Save the dependencies/,
    )
    const firstOutput = lines.length > 0 ? lines[0].at - result.startedAt : undefined
    const mainEnd = result.mainMs
    const dependencies = result.metadata?.dependencies
    return {
      ms: result.ms,
      mainMs: result.mainMs,
      postMs: result.postMs,
      dependencies: dependencies?.source,
      cacheSavedBytes: dependencies?.cacheSavedBytes,
      cachedWork: cachedWork(lines),
      contextSent: lines.map((line) => CONTEXT_SENT.exec(line.text)?.[1]).filter(Boolean),
      context: result.inspected,
      liveDetectMs: live === undefined ? undefined : result.startedAt + live - initDoneMs,
      segments: {
        'node start-up': firstOutput,
        'prepare (docker checks, input digest, staging)': prepared - firstOutput,
        'dependencies (find, restore or build)': depsReady - prepared,
        'application build': built - depsReady,
        'container start to live': live - built,
        'score, container log, removal': (saveStart ?? mainEnd) - live,
        'cache save': saveStart === undefined ? 0 : mainEnd - saveStart,
        'post step': result.postMs,
      },
    }
  }

  /**
   * A run that must fail on the scoring script's typo (scenario 8): the time the annotation on
   * score.py reached the benchmark, and the main step's end (the build stopped, cleaned up).
   */
  async runFailing({ cacheEnv, label, line }) {
    const result = await runAction({
      entry: ACTION_ENTRY,
      inputs: this.inputs(),
      workspace: this.context.project.dir,
      runnerTemp: this.context.runnerTemp,
      env: this.env({ cacheEnv }),
    })
    saveLog(label && `${label}-action`, result.startedAt, result.lines, result.postLines)
    const annotation = new RegExp(`^::error .*file=code/score\\.py,line=${line}\\b`)
    const reported = firstAt(result.lines, annotation)
    if (result.code !== 1 || reported === undefined)
      throw new Error(
        `the run with a typo in score.py did not fail on score.py line ${line} (exit ${result.code}):\n${tailOf(result)}`,
      )
    const prepareAt = result.lines.findIndex((entry) => entry.text === '::group::Prepare')
    const prepared = firstAt(result.lines, /^::endgroup::$/, Math.max(prepareAt, 0))
    return {
      // The base image is in the engine before the step starts: from the start bounds it.
      reportedMs: reported - result.startedAt,
      preparedMs: prepared === undefined ? undefined : prepared - result.startedAt,
      mainMs: result.mainMs,
      ms: result.ms,
      // What the stopped dependencies build would have tagged: it must not exist.
      dependenciesTags: [
        ...new Set(result.lines.map((entry) => DEPS_TAG.exec(entry.text)?.[0]).filter(Boolean)),
      ],
    }
  }

  /** Keeps the daemon to the current image: the one a changed input replaced is removed. */
  async track(imageId) {
    this.images.add(imageId)
    if (this.current && this.current !== imageId) {
      await dockerQuiet(['image', 'rm', '--force', this.current])
      this.images.delete(this.current)
    }
    this.current = imageId
  }

  async removeImages() {
    if (this.images.size > 0) await dockerQuiet(['image', 'rm', '--force', ...this.images])
    this.images.clear()
    this.current = undefined
  }

  async removeDependencies() {
    if (this.depsTags.size > 0) await dockerQuiet(['image', 'rm', ...this.depsTags])
    this.depsTags.clear()
  }

  /**
   * build: false, main step and post step timed apart (scenario 7). The post step is run here
   * although post-if skips it after a pass: this is what it costs after a failure.
   */
  async overhead() {
    const result = await runAction({
      entry: ACTION_ENTRY,
      inputs: this.inputs({ build: 'false' }),
      workspace: this.context.project.dir,
      runnerTemp: this.context.runnerTemp,
      env: this.env(),
      post: true,
    })
    if (result.code !== 0) throw new Error(`the action (build: false) failed:\n${tailOf(result)}`)
    return { mainMs: result.mainMs, postMs: result.postMs }
  }
}

class BaselineSide {
  constructor(context) {
    this.context = context
    this.current = undefined
    this.images = new Set()
    this.count = 0
  }

  async run({ label } = {}) {
    const { project, indexUrl } = this.context
    const port = await freePort()
    const name = `${BASELINE_CONTAINER}${++this.count}`
    const env = { ...process.env }
    delete env.DOCKER_BUILDKIT
    Object.assign(env, this.context.builderEnv)
    const result = await run(
      'bash',
      [
        BASELINE_SCRIPT,
        project.dir,
        BASELINE_TAG,
        name,
        String(port),
        indexUrl,
        this.context.baseImage,
      ],
      { env, detached: true, signalGroup: true },
    )
    saveLog(label && `${label}-baseline`, result.startedAt, result.lines)
    if (result.code !== 0)
      throw new Error(`the baseline failed (exit ${result.code}):\n${tailOf(result)}`)
    await this.track(await docker(['image', 'inspect', '--format', '{{.Id}}', BASELINE_TAG]))

    const scoreLine = result.lines.find((line) => line.text.startsWith('BASELINE score '))
    const initDoneMs = checkScore(
      scoreLine.text.slice('BASELINE score '.length),
      project.revision,
      'baseline',
    )
    const at = (marker) =>
      firstAt(result.lines, new RegExp(`^BASELINE ${marker}$`)) - result.startedAt
    const started = at('run')
    const live = at('live')
    return {
      ms: result.ms,
      cachedWork: cachedWork(result.lines),
      contextSent: result.lines.map((line) => CONTEXT_SENT.exec(line.text)?.[1]).filter(Boolean),
      liveDetectMs: result.startedAt + live - initDoneMs,
      segments: {
        'docker build': started,
        'container start to live': live - started,
        'score, removal': result.ms - live,
      },
    }
  }

  async track(imageId) {
    this.images.add(imageId)
    if (this.current && this.current !== imageId) {
      await dockerQuiet(['image', 'rm', this.current]) // untagged by the new build
      this.images.delete(this.current)
    }
    this.current = imageId
  }

  async removeImages() {
    await dockerQuiet(['image', 'rm', '--force', BASELINE_TAG, ...this.images])
    this.images.clear()
    this.current = undefined
  }
}

/**
 * The least any tool can take here for one smoke test of an image that exists (bench/floor.sh:
 * docker run, GET / every 20 ms, one POST /score, docker rm -f), alone and with node started
 * twice before and after it, as an action's main and post steps are.
 */
async function measureFloor(context, label) {
  const { project } = context
  const started = performance.now()
  const bareNode = async () => {
    const result = await run(process.execPath, ['-e', '0'])
    if (result.code !== 0) throw new Error('node -e 0 failed')
  }
  await bareNode()
  const engineStarted = performance.now()
  const result = await run(
    'bash',
    [
      FLOOR_SCRIPT,
      BASELINE_TAG,
      `${BASELINE_CONTAINER}floor-${label}`,
      String(await freePort()),
      path.join(project.dir, 'sample-request.json'),
    ],
    { detached: true, signalGroup: true },
  )
  const engineMs = performance.now() - engineStarted
  saveLog(`${label}-floor`, result.startedAt, result.lines)
  if (result.code !== 0)
    throw new Error(`the floor run failed (exit ${result.code}):\n${tailOf(result)}`)
  await bareNode()
  return { engineMs, withNodeMs: performance.now() - started }
}

// ---- set-up ------------------------------------------------------------------------------------

async function preflight() {
  await docker(['version', '--format', '{{.Server.Version}}']).catch((error) => {
    throw new Error(
      `no Docker engine answers (${error.message}); start one: bash scripts/docker-engine.sh`,
    )
  })
  if (!fs.existsSync(ACTION_ENTRY)) throw new Error(`${ACTION_ENTRY} is missing: npm run build`)
  if (!(await dockerQuiet(['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE]))) {
    log(`${BASE_IMAGE} is missing: building it (bash standin/build.sh)`)
    const built = await run('bash', [path.join(ROOT, 'standin/build.sh')])
    if (built.code !== 0) throw new Error(`standin/build.sh failed:\n${tailOf(built)}`)
  }
  // The baseline's Dockerfile is hand-written: make sure it installs what the action is given.
  const dockerfile = fs.readFileSync(path.join(ROOT, 'bench', 'baseline.Dockerfile'), 'utf8')
  if (!dockerfile.includes(`install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`)) {
    throw new Error(
      'bench/baseline.Dockerfile does not install the apt packages of bench/project.mjs',
    )
  }
}

async function machine() {
  const osRelease = fs.readFileSync('/etc/os-release', 'utf8')
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1]
  return {
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: pretty,
    kernel: os.release(),
    node: process.version,
    dockerServer: await docker(['version', '--format', '{{.Server.Version}}']),
    dockerClient: await docker(['version', '--format', '{{.Client.Version}}']),
    builders: options.builders
      .map((builder) =>
        builder === 'buildkit'
          ? `buildkit (DOCKER_BUILDKIT=1 ${BUILDKIT_CLI})`
          : 'legacy (DOCKER_BUILDKIT unset, no buildx plugin)',
      )
      .join(' and '),
    // Which action was measured: src/ and dist/ change under this benchmark.
    actionDist: ACTION_DIST,
    distSha256: createHash('sha256')
      .update(fs.readFileSync(ACTION_ENTRY))
      .digest('hex')
      .slice(0, 16),
    gitHead: (await run('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])).lines[0]?.text,
    loadAverageAtStart: os.loadavg().map((value) => Number(value.toFixed(2))),
  }
}

async function startIndex(packages) {
  // Detached: a Ctrl-C would leave it waiting for its --max-seconds timer; it stops on SIGTERM.
  const child = start(
    'python3',
    [path.join(ROOT, 'scripts/local-pypi.py'), '--packages', packages, '--max-seconds', '3600'],
    { stdio: ['ignore', 'pipe', 'ignore'], detached: true },
  )
  onCleanup('package index', () => stop(child))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the package index did not start in 30 s')),
      30_000,
    )
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the package index exited with ${code}`)))
    createInterface({ input: child.stdout }).once('line', (url) => {
      clearTimeout(timer)
      resolve(url)
    })
  })
}

// ---- scenarios -----------------------------------------------------------------------------

/** Both sides, the order swapped every repetition so neither always goes first. */
function sidesInOrder(context, repetition) {
  const pair = [
    ['action', context.action],
    ['baseline', context.baseline],
  ]
  return repetition % 2 === 0 ? pair : pair.reverse()
}

function describe(result) {
  const deps = result.dependencies ? `, dependencies ${result.dependencies}` : ''
  const live =
    result.liveDetectMs === undefined ? '' : `, live noticed after ${millis(result.liveDetectMs)}`
  return `${seconds(result.ms)}${deps}${live}`
}

/**
 * A build stopped half-way (Ctrl-C) leaves the legacy builder's finished steps as untagged
 * images, which a later "cold" build would reuse. Nothing else in the project installs this
 * package, so an untagged leaf image with it in its history is the benchmark's.
 */
const LEFTOVER_MARKER = 'libopenblas0-pthread'
async function removeLeftoverSteps() {
  let removed = 0
  const ids = await dockerQuiet(['image', 'ls', '--all', '--quiet', '--filter', 'dangling=true'])
  for (const id of new Set(ids ? ids.split('\n') : [])) {
    const history = await dockerQuiet([
      'image',
      'history',
      '--no-trunc',
      '--format',
      '{{.CreatedBy}}',
      id,
    ])
    if (
      history?.includes(LEFTOVER_MARKER) &&
      (await dockerQuiet(['image', 'rm', id])) !== undefined
    )
      removed++
  }
  return removed
}

/** Removes every image either side built (and the build cache), keeping the base image. */
async function emptyDaemonCache(context) {
  await context.action.removeImages()
  await context.baseline.removeImages()
  await context.action.removeDependencies()
  await removeLeftoverSteps()
  await docker(['builder', 'prune', '--all', '--force'])
}

async function newCacheService(context) {
  if (!context.startCacheService) return undefined
  const service = await context.startCacheService()
  const unregister = onCleanup('cache service', () => service.stop())
  return {
    env: service.env,
    entries: () => service.entries(),
    async stop() {
      await service.stop()
      unregister()
    },
  }
}

async function scenarioCold(context, results, key = 'cold', number = '1') {
  const runs = { action: [], baseline: [] }
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    for (const [name, side] of sidesInOrder(context, repetition)) {
      await emptyDaemonCache(context)
      // A first run on a runner: empty daemon and empty Actions cache (the action saves to it).
      // The last one is kept: scenario 5f restores from it.
      if (name === 'action') {
        await context.cacheService?.stop()
        context.cacheService = await newCacheService(context)
      }
      log(`${number} cold, ${repetition + 1}/${options.repetitions}: ${name}...`)
      const result = await side.run({
        cacheEnv: name === 'action' ? context.cacheService?.env : undefined,
        label: `${context.builder}-${number}-cold-${repetition + 1}`,
      })
      if (result.cachedWork.length > 0) {
        context.warnings.push(
          `${context.builder} scenario ${number}: a cold ${name} run took steps from the cache: ${result.cachedWork.join('; ')}`,
        )
      }
      if (name === 'action' && result.dependencies !== 'built') {
        throw new Error(`cold action run: dependencies were ${result.dependencies}, not built`)
      }
      log(`${number} cold, ${repetition + 1}/${options.repetitions}: ${name} ${describe(result)}`)
      runs[name].push(result)
    }
  }
  results.scenarios[key] = runs
}

/**
 * 8: time to failure. A typo in score.py on a cold daemon (apt and pip have all their work
 * ahead), against a full cold build of the same inputs with the typo fixed (timeToFailureCold).
 * Each failing run gets a new, empty cache service, as scenario 1's runs do: nothing may be saved.
 */
async function scenarioTimeToFailure(context, results) {
  const { project } = context
  const runs = { failed: [] }
  const line = project.typoLine()
  project.breakCode()
  try {
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      await emptyDaemonCache(context)
      const service = await newCacheService(context)
      try {
        log(`8 time to failure, ${repetition + 1}/${options.repetitions}: action...`)
        const result = await context.action.runFailing({
          cacheEnv: service?.env,
          label: `${context.builder}-8-failure-${repetition + 1}`,
          line,
        })
        await checkNothingLeft(context, result, service, '8 time to failure')
        log(
          `8 time to failure, ${repetition + 1}/${options.repetitions}: reported after ${seconds(result.reportedMs)}, step ended after ${seconds(result.mainMs)}`,
        )
        runs.failed.push(result)
      } finally {
        await service?.stop()
      }
    }
  } finally {
    project.fixCode()
  }
  results.scenarios.timeToFailure = runs
}

/** 8's cold build: scenario 1's action runs (run after 8), or cold runs of its own without 1. */
async function timeToFailureCold(context, results) {
  const runs = results.scenarios.timeToFailure
  if (results.scenarios.cold) {
    log("8 time to failure: its cold build is scenario 1's (the same inputs)")
    runs.cold = results.scenarios.cold.action
    runs.coldFrom = 'scenario 1'
    return
  }
  const cold = { action: [], baseline: [] }
  await scenarioColdAction(context, cold)
  runs.cold = cold.action
  runs.coldFrom = 'its own'
}

/** Cold action runs only (scenario 8 without scenario 1): the same set-up as scenario 1's. */
async function scenarioColdAction(context, runs) {
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    await emptyDaemonCache(context)
    const service = await newCacheService(context)
    try {
      log(`8 cold (typo fixed), ${repetition + 1}/${options.repetitions}: action...`)
      const result = await context.action.run({
        cacheEnv: service?.env,
        label: `${context.builder}-8-cold-${repetition + 1}`,
      })
      if (result.dependencies !== 'built')
        throw new Error(`8 cold action run: dependencies were ${result.dependencies}, not built`)
      log(`8 cold, ${repetition + 1}/${options.repetitions}: action ${describe(result)}`)
      runs.action.push(result)
    } finally {
      await service?.stop()
    }
  }
}

/** After a failed run: no container of the action, no dependencies image, nothing cached. */
async function checkNothingLeft(context, result, service, label) {
  const containers = await dockerQuiet([
    'ps',
    '--all',
    '--quiet',
    '--filter',
    `name=extend-azureml-image-${ACTION_RUN_ID}-`,
  ])
  if (containers) throw new Error(`${label}: the failed run left containers: ${containers}`)
  for (const tag of result.dependenciesTags) {
    if (await dockerQuiet(['image', 'inspect', '--format', '{{.Id}}', tag]))
      throw new Error(`${label}: the stopped dependencies build left ${tag}`)
  }
  if (service && service.entries().length > 0)
    throw new Error(`${label}: the failed run saved to the cache`)
  const steps = await removeLeftoverSteps()
  if (steps > 0)
    context.warnings.push(
      `${context.builder} ${label}: the stopped build left ${steps} untagged step image(s) (removed)`,
    )
}

/** Brings both sides up to date with the project, unmeasured. */
async function warmUp(context, why, key) {
  for (const [name, side] of sidesInOrder(context, 0)) {
    log(`warm-up (${why}): ${name}...`)
    const result = await side.run({
      cacheEnv: context.cacheService?.env,
      label: `${context.builder}-warm-up-${key}`,
    })
    log(`warm-up (${why}): ${name} ${seconds(result.ms)}`)
  }
}

/**
 * Runs `runOnce` for a side; for the action, a run must find its dependencies in the daemon. On
 * this shared engine another process (an integration run's teardown) may have removed them: that
 * run is not counted, the change is made again and the run repeated, once.
 */
async function runReusingDependencies(context, name, runOnce, change, label) {
  const result = await runOnce()
  if (name !== 'action' || result.dependencies === 'daemon') return result
  context.warnings.push(
    `${context.builder} ${label}: the dependencies image was gone (${result.dependencies}); that run was run again`,
  )
  log(`${label}: dependencies ${result.dependencies}, not from the daemon: running it again`)
  change?.()
  const again = await runOnce()
  if (again.dependencies !== 'daemon')
    throw new Error(`${label}: dependencies were ${again.dependencies}, not reused from the daemon`)
  return again
}

async function scenarioRebuild(context, results, key, label, change) {
  const runs = { action: [], baseline: [] }
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    change?.()
    for (const [name, side] of sidesInOrder(context, repetition)) {
      const runOnce = () =>
        side.run({
          cacheEnv: context.cacheService?.env,
          label: `${context.builder}-${key}-${repetition + 1}`,
        })
      const result = await runReusingDependencies(context, name, runOnce, change, label)
      log(`${label}, ${repetition + 1}/${options.repetitions}: ${name} ${describe(result)}`)
      runs[name].push(result)
    }
    if (key === 'unchanged') {
      const floor = await measureFloor(context, `${context.builder}-${key}-${repetition + 1}`)
      log(`${label}, ${repetition + 1}/${options.repetitions}: floor ${seconds(floor.engineMs)}`)
      ;(runs.floor ??= []).push(floor)
    }
  }
  results.scenarios[key] = runs
}

async function scenarioModel(context, results) {
  const { project } = context
  log(`4: writing a ${options.modelMib} MiB model file`)
  project.writeWeights(options.modelMib)
  const unregister = onCleanup('model file', () => project.removeWeights())
  await warmUp(context, `${options.modelMib} MiB model in place`, 'model')

  // The default tag digests every input, the model included: what build: false costs with it.
  const overheadWithModel = []
  for (let index = 0; index < Math.min(3, options.repetitions); index++) {
    overheadWithModel.push((await context.action.overhead()).mainMs)
  }
  log(
    `7b: build: false with the ${options.modelMib} MiB model: ${millis(median(overheadWithModel))}`,
  )

  const runs = { action: [], baseline: [] }
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    project.changeModel()
    const modelBytes = project.modelBytes()
    for (const [name, side] of sidesInOrder(context, repetition)) {
      const runOnce = async () => {
        const sampler = startDiskSampler(context.dockerRoot)
        let result
        try {
          result = await side.run({
            cacheEnv: context.cacheService?.env,
            inspectContext: true,
            label: `${context.builder}-model-${repetition + 1}`,
          })
        } finally {
          result ??= {}
          result.disk = sampler.stop()
        }
        return result
      }
      const change = () => project.changeModel()
      const result = await runReusingDependencies(context, name, runOnce, change, '4 model change')
      result.modelBytes = modelBytes
      // What each side's build context holds: the staged context (action), the project (baseline).
      if (name === 'baseline') result.context = { bytes: project.projectBytes(), copies: 0 }
      log(
        `4 model change, ${repetition + 1}/${options.repetitions}: ${name} ${describe(result)}, ` +
          `context ${gib(result.context.bytes)} (docker: ${result.contextSent.join(' + ')}), ` +
          `staged copies ${result.context.copies}, peak extra disk ${gib(result.disk.peakExtraBytes)}`,
      )
      runs[name].push(result)
    }
  }
  results.scenarios.model = { modelMib: options.modelMib, ...runs }
  results.scenarios.overheadWithModel = { modelMib: options.modelMib, mainMs: overheadWithModel }

  // The big images are not needed any more; the other scenarios have the smaller model.
  await context.action.removeImages()
  await context.baseline.removeImages()
  project.writeWeights(options.codeModelMib)
  unregister()
}

/**
 * Restored on a fresh daemon (5, and 5f with the fat base): a new runner's first job after
 * another job saved the dependencies. Its cache is the one of the last cold action run before
 * it (scenario 1's, or 1f's), and its ratio is against those cold runs, on the main daemon:
 * with an empty build cache and the base only, as a new runner's, and not slower than a fresh
 * daemon's (so the ratio is no easier for it). Each daemon holds the base already, as after
 * the runner's pull (not measured: fresh-daemon.mjs).
 */
async function scenarioRestored(context, results, { number, key, image }) {
  const service = context.cacheService
  if (!service || process.getuid?.() !== 0) {
    const before = number === '5f' ? '1f' : '1'
    context.warnings.push(
      `scenario ${number} skipped: it needs root and scenario ${before} before it`,
    )
    log(`${number}: skipped`)
    return
  }
  const runs = { restored: [] }
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    const step = `${number} restored on a fresh daemon, ${repetition + 1}/${options.repetitions}`
    log(`${step}: starting a daemon`)
    const daemon = await context.freshDaemons.start(
      image,
      path.join(context.tmp, `${key[0]}${repetition}`),
    )
    try {
      const result = await context.action.run({
        host: daemon.host,
        cacheEnv: service.env,
        label: `${context.builder}-${number}-restored-${repetition + 1}`,
      })
      if (result.dependencies !== 'cache')
        throw new Error(`scenario ${number}: dependencies were ${result.dependencies}, not cache`)
      log(`${step}: ${describe(result)}`)
      runs.restored.push(result)
    } finally {
      await daemon.stop()
    }
  }
  results.scenarios[key] = runs
}

/** The stand-in with `mib` MiB more in two layers of random bytes (nothing compresses). */
async function buildFatBase(context) {
  const tag = `eai-bench-${runId}-fatbase:latest`
  const dir = path.join(context.tmp, 'fatbase')
  fs.mkdirSync(dir, { recursive: true })
  const half = Math.ceil(options.fatMib / 2)
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    `FROM ${BASE_IMAGE}\nUSER root\n` +
      `RUN head -c ${half}M /dev/urandom > /opt/fat-1.bin\n` +
      `RUN head -c ${half}M /dev/urandom > /opt/fat-2.bin\n` +
      `USER ${await docker(['image', 'inspect', '--format', '{{.Config.User}}', BASE_IMAGE])}\n`,
  )
  log(`building the fat base (${BASE_IMAGE} + ${2 * half} MiB)`)
  const env = { ...process.env }
  delete env.DOCKER_BUILDKIT
  const built = await run('docker', ['build', '--quiet', '--tag', tag, dir], { env })
  if (built.code !== 0) throw new Error(`building the fat base failed:\n${tailOf(built)}`)
  context.fatBaseId = await docker(['image', 'inspect', '--format', '{{.Id}}', tag])
  return tag
}

async function scenarioOverhead(context, results) {
  const count = options.quick ? 5 : 10
  const bare = []
  const action = []
  const post = []
  const inspect = []
  for (let index = 0; index < count; index++) {
    bare.push((await run(process.execPath, ['-e', '0'])).ms)
    const { mainMs, postMs } = await context.action.overhead()
    action.push(mainMs)
    post.push(postMs)
    // The one docker call build: false makes (the base image's user): how much of it is docker.
    inspect.push(
      (await run('docker', ['image', 'inspect', '--format', '{{.Config.User}}', BASE_IMAGE])).ms,
    )
  }
  results.scenarios.overhead = {
    bareNodeMs: bare,
    actionMainMs: action,
    postMs: post,
    dockerInspectMs: inspect,
  }
  log(
    `7 overhead: node -e 0 ${millis(median(bare))}, action (build: false) ${millis(median(action))}, ` +
      `post ${millis(median(post))}, docker image inspect ${millis(median(inspect))}`,
  )
}

// ---- summary -------------------------------------------------------------------------------

/** One builder's table: every scenario against the recipe and the floor, PASS/MISS per target. */
function summarize(s, builder) {
  const rows = [
    ['scenario', 'action', 'recipe', 'vs recipe', 'above floor (e)', 'target', 'result'],
  ]
  const summary = {}
  const floorMs = s.unchanged?.floor && median(s.unchanged.floor.map((r) => r.withNodeMs))
  const aboveFloor = (ms) =>
    ms === undefined || floorMs === undefined ? '–' : `+${seconds(ms - floorMs)}`
  const judge = (measured, target) =>
    target === undefined || measured === undefined ? undefined : measured <= target
  const push = (label, action, recipe, measured, target, pass, floor = true) =>
    rows.push([
      label,
      seconds(action),
      seconds(recipe),
      ratio(measured),
      floor ? aboveFloor(action) : '',
      target === undefined ? '–' : `≤ ${target.toFixed(2)}x`,
      verdict(pass),
    ])
  const timeRow = (key, label, target) => {
    if (!s[key]) return
    const action = median(s[key].action.map((r) => r.ms))
    const baseline = median(s[key].baseline.map((r) => r.ms))
    const measured = divide(action, baseline)
    const pass = judge(measured, target)
    summary[key] = { actionMs: action, baselineMs: baseline, ratio: measured, target, pass }
    push(label, action, baseline, measured, target, pass)
  }
  // The cold run also saves the dependencies to the Actions cache; how it compares without that.
  const saveOf = (runs) => median(runs.map((r) => r.segments['cache save']))
  const withoutSave = (runs) => median(runs.map((r) => r.ms - r.segments['cache save']))
  const coldRows = (key, label) => {
    if (!s[key]) return
    timeRow(key, label, TARGETS.cold)
    const action = withoutSave(s[key].action)
    const baseline = median(s[key].baseline.map((r) => r.ms))
    summary[`${key}WithoutSave`] = { actionMs: action, ratio: divide(action, baseline) }
    summary[`${key}SaveMs`] = saveOf(s[key].action)
    push(
      '  without its cache save (d)',
      action,
      baseline,
      divide(action, baseline),
      undefined,
      undefined,
    )
    rows.push(['  its cache save (d)', seconds(saveOf(s[key].action)), '', '', '', '–', ''])
  }
  coldRows('cold', '1 cold build + smoke test')
  timeRow('unchanged', '2 nothing changed', undefined)
  if (s.unchanged?.floor) {
    const engine = median(s.unchanged.floor.map((r) => r.engineMs))
    const action = median(s.unchanged.action.map((r) => r.ms))
    const baseline = median(s.unchanged.baseline.map((r) => r.ms))
    const measured = divide(action, floorMs)
    const pass = judge(measured, TARGETS.unchangedVsFloor)
    summary.floor = { engineMs: engine, withNodeMs: floorMs }
    summary.unchangedVsFloor = { ratio: measured, target: TARGETS.unchangedVsFloor, pass }
    rows.push([
      '  vs the floor + node twice (e)',
      seconds(action),
      seconds(floorMs),
      `${ratio(measured)} of floor`,
      aboveFloor(action),
      `≤ ${TARGETS.unchangedVsFloor.toFixed(2)}x`,
      verdict(pass),
    ])
    push(
      '  floor: the engine alone (e)',
      engine,
      baseline,
      divide(engine, baseline),
      undefined,
      undefined,
      false,
    )
    push(
      '  floor + node twice (e)',
      floorMs,
      baseline,
      divide(floorMs, baseline),
      undefined,
      undefined,
      false,
    )
  }
  timeRow('code', `3 code-only change (${options.codeModelMib} MiB model)`, TARGETS.code)
  if (s.model) {
    timeRow('model', `4 model-only change (${s.model.modelMib} MiB)`, TARGETS.model)
    const factor = (side) => median(s.model[side].map((r) => r.context.bytes / r.modelBytes))
    const copies = Math.max(...s.model.action.map((r) => r.context.copies))
    const actionFactor = factor('action')
    const pass = actionFactor <= TARGETS.contextFactor && copies === 0
    summary.modelContext = {
      actionFactor,
      baselineFactor: factor('baseline'),
      stagedCopies: copies,
      pass,
    }
    rows.push([
      '  context bytes / model size',
      `${actionFactor.toFixed(4)}x, ${copies} copies`,
      `${factor('baseline').toFixed(4)}x`,
      `${actionFactor.toFixed(4)}x`,
      '',
      `≤ ${TARGETS.contextFactor}x, no copy`,
      verdict(pass),
    ])
    const disk = (side) => median(s.model[side].map((r) => r.disk.peakExtraBytes))
    summary.modelDisk = { actionBytes: disk('action'), baselineBytes: disk('baseline') }
    rows.push([
      '  peak extra disk',
      gib(disk('action')),
      gib(disk('baseline')),
      ratio(divide(disk('action'), disk('baseline'))),
      '',
      '–',
      '',
    ])
  }
  const restoredRow = (label, restoredRuns, coldRuns, key) => {
    const restored = median(restoredRuns.map((r) => r.ms))
    const cold = median(coldRuns.map((r) => r.ms))
    const measured = divide(restored, cold)
    const pass = judge(measured, TARGETS.restored)
    summary[key] = {
      restoredMs: restored,
      coldMs: cold,
      ratio: measured,
      target: TARGETS.restored,
      pass,
    }
    rows.push([
      label,
      seconds(restored),
      seconds(cold),
      `${ratio(measured)} of cold`,
      aboveFloor(restored),
      `≤ ${TARGETS.restored.toFixed(2)}x`,
      verdict(pass),
    ])
  }
  if (s.freshDaemon && s.cold) {
    restoredRow(
      '5 fresh daemon: restored / 1 cold (a)',
      s.freshDaemon.restored,
      s.cold.action,
      'freshDaemon',
    )
  }
  coldRows('coldFat', `1f cold, fat base (+${options.fatMib} MiB)`)
  if (s.coldFat && s.cold) {
    const fat = saveOf(s.coldFat.action)
    const small = saveOf(s.cold.action)
    const measured = divide(fat, small)
    const pass = judge(measured, TARGETS.fatSaveVsSmall)
    summary.fatSave = {
      fatMs: fat,
      smallMs: small,
      ratio: measured,
      target: TARGETS.fatSaveVsSmall,
      pass,
    }
    rows.push([
      '  cache save: fat / stand-in (d)',
      seconds(fat),
      seconds(small),
      ratio(measured),
      '',
      `≤ ${TARGETS.fatSaveVsSmall.toFixed(2)}x`,
      verdict(pass),
    ])
  }
  if (s.freshDaemonFat && s.coldFat)
    restoredRow(
      '5f fat base: restored / 1f cold (f)',
      s.freshDaemonFat.restored,
      s.coldFat.action,
      'freshDaemonFat',
    )
  const allRuns = (side) =>
    ['cold', 'unchanged', 'code', 'model', 'coldFat']
      .flatMap((key) => s[key]?.[side] ?? [])
      .concat(
        side === 'action'
          ? [...(s.freshDaemon?.restored ?? []), ...(s.freshDaemonFat?.restored ?? [])]
          : [],
      )
      .map((r) => r.liveDetectMs)
  const liveRuns = allRuns('action').filter(Number.isFinite)
  if (liveRuns.length > 0) {
    const action = median(liveRuns)
    const baseline = median(allRuns('baseline'))
    const pass = action < TARGET_LIVE_MS
    summary.liveDetect = { actionMs: action, baselineMs: baseline, samples: liveRuns.length, pass }
    rows.push([
      `6 live to noticed (b), n=${liveRuns.length}`,
      millis(action),
      millis(baseline),
      millis(action),
      '',
      `< ${TARGET_LIVE_MS} ms`,
      verdict(pass),
    ])
  }
  if (s.overheadWithModel) {
    const value = median(s.overheadWithModel.mainMs)
    summary.overheadWithModel = { mainMs: value, modelMib: s.overheadWithModel.modelMib }
    rows.push([
      `7b build: false, ${s.overheadWithModel.modelMib} MiB model`,
      millis(value),
      '',
      '',
      '',
      '–',
      '',
    ])
  }
  if (s.timeToFailure?.cold) {
    const reported = median(s.timeToFailure.failed.map((r) => r.reportedMs))
    const cold = median(s.timeToFailure.cold.map((r) => r.ms))
    const measured = divide(reported, cold)
    const pass = reported <= TARGET_FAILURE_MS
    summary.timeToFailure = {
      reportedMs: reported,
      stepMs: median(s.timeToFailure.failed.map((r) => r.mainMs)),
      coldMs: cold,
      coldFrom: s.timeToFailure.coldFrom,
      ratio: measured,
      targetMs: TARGET_FAILURE_MS,
      pass,
    }
    rows.push([
      '8 time to failure (typo) (g)',
      seconds(reported),
      `${seconds(cold)} cold`,
      `${ratio(measured)} of cold`,
      '',
      `≤ ${seconds(TARGET_FAILURE_MS)}`,
      verdict(pass),
    ])
  }
  return { summary, text: `${builder}:\n${table(rows)}` }
}

/** Scenario 7 (builder-independent: build: false builds nothing). */
function summarizeOverhead(overhead) {
  const action = median(overhead.actionMainMs)
  const bare = median(overhead.bareNodeMs)
  const pass = action - bare < TARGET_OVERHEAD_MS
  const summary = { actionMainMs: action, bareNodeMs: bare, overheadMs: action - bare, pass }
  const rows = [
    ['scenario', 'action', 'node -e 0', 'measured', 'target', 'result'],
    [
      '7 build: false vs node -e 0 (c)',
      millis(action),
      millis(bare),
      `+${millis(action - bare)}`,
      `< ${TARGET_OVERHEAD_MS} ms`,
      verdict(pass),
    ],
  ]
  return { summary, text: table(rows) }
}

const NOTES = [
  'Medians of the repetitions; "vs recipe" is action / recipe (bench/baseline.*) unless noted; "above floor" is the',
  "action's time minus the floor + node twice (e): its own share above what any tool needs for the smoke test.",
  '(a) action restored from the Actions cache on a fresh daemon (the base image in it, as after a pull), from the',
  "    cache of scenario 1's last cold run, against 1's cold runs; the recipe has no cache to restore from.",
  '(b) from init() returning (timestamp it printed) to the line saying it is live reaching the',
  '    benchmark: the action\'s "Live after N ms", the recipe\'s curl loop; over all runs above.',
  '(c) wall time of `node dist/index.js` (main step) with build: false, minus a bare `node -e 0`.',
  "(d) the run's time minus its cache save: the wait for `docker save` to end after the smoke test, then the upload",
  '    (the part of the save that runs alongside the application build and smoke test is not taken out).',
  '(e) the least any tool can take for that smoke test here: bench/floor.sh (docker run -d -p, GET / every 20 ms,',
  "    one POST /score, docker rm -f) on the recipe's image, alone and with `node -e 0` before and after it",
  "    (a JavaScript action's main and post steps each start node).",
  "(f) the fat base restored on a fresh daemon from 1f's cache, against 1f's cold runs on the main daemon.",
  "(g) a typo in score.py on a cold daemon: from the step's start (the base image is in the engine before it) to",
  "    the annotation on score.py, against the action's full cold build of the same inputs, typo fixed (scenario 1's runs; without 1, its own).",
]

function breakdown(s, builder) {
  const columns = [
    ['cold', 'cold'],
    ['unchanged', 'unchanged'],
    ['code', 'code'],
    ['model', 'model'],
    ['coldFat', 'fat cold'],
  ].filter(([key]) => s[key])
  const sections = []
  for (const side of ['action', 'baseline']) {
    const cols = [...columns]
    if (side === 'action' && s.freshDaemon) cols.push(['freshDaemon.restored', 'restored'])
    if (side === 'action' && s.freshDaemonFat)
      cols.push(['freshDaemonFat.restored', 'fat restored'])
    const runsOf = (key) => {
      const [top, sub] = key.split('.')
      return sub ? s[top][sub] : s[top][side]
    }
    if (cols.length === 0) continue
    const names = Object.keys(runsOf(cols[0][0])[0].segments)
    const rows = [
      [
        `${builder}, ${side === 'action' ? 'action' : 'recipe'}: where the time goes (median s)`,
        ...cols.map(([, label]) => label),
      ],
    ]
    for (const name of names) {
      rows.push([
        name,
        ...cols.map(([key]) =>
          (median(runsOf(key).map((r) => r.segments[name])) / 1000).toFixed(2),
        ),
      ])
    }
    rows.push([
      'total',
      ...cols.map(([key]) => (median(runsOf(key).map((r) => r.ms)) / 1000).toFixed(2)),
    ])
    sections.push(table(rows))
  }
  return sections.join('\n\n')
}

async function writeJson(file, data) {
  let text = `${JSON.stringify(data, null, 2)}\n`
  // Formatted the way the project's format check expects, when prettier is at hand.
  try {
    const prettier = await import('prettier')
    const config = (await prettier.resolveConfig(file)) ?? {}
    text = await prettier.format(text, { ...config, parser: 'json' })
  } catch {
    // unformatted then
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

// ---- main ------------------------------------------------------------------------------------

/** The environment both sides run with, per builder (set in main: it needs the temp dir). */
let builderEnv = () => ({})

async function main() {
  exitOnSignals(log)
  log(
    `run ${runId}: ${options.repetitions} repetition(s), ${options.modelMib} MiB model` +
      (options.only ? `, scenarios ${[...options.only].join(',')}` : ''),
  )
  await preflight()
  const results = {
    date: new Date().toISOString(),
    options,
    machine: await machine(),
    scenarios: {},
    builders: {},
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-bench-'))
  onCleanup('temp dir', () => fs.rmSync(tmp, { recursive: true, force: true }))
  // The 20.10 client as `docker` on PATH, for the BuildKit runs of both sides.
  const shims = path.join(tmp, 'buildkit-cli')
  fs.mkdirSync(shims)
  fs.symlinkSync(BUILDKIT_CLI, path.join(shims, 'docker'))
  builderEnv = (builder) =>
    builder === 'buildkit'
      ? { DOCKER_BUILDKIT: '1', PATH: `${shims}${path.delimiter}${process.env.PATH}` }
      : {}
  const project = new Project(path.join(tmp, 'project'))
  const context = {
    tmp,
    project,
    runnerTemp: path.join(tmp, 'runner-temp'),
    actionTmp: path.join(tmp, 'action-tmp'),
    baseImage: BASE_IMAGE,
    dockerRoot: (await docker(['info', '--format', '{{.DockerRootDir}}'])) || '/',
    warnings: [],
  }
  if (!fs.existsSync(context.dockerRoot)) context.dockerRoot = '/'
  // No iptables rules there: the builds use the host network, and published ports on loopback
  // go through docker-proxy.
  context.freshDaemons = freshDaemons({
    tmp,
    bridge: 'eai-bench0',
    cidr: '192.168.231.1/24',
    onCleanup,
  })
  context.action = new ActionSide(context)
  context.baseline = new BaselineSide(context)
  // Everything the run created in the main daemon, whatever state it stopped in.
  onCleanup('containers and images', async () => {
    for (const prefix of [`extend-azureml-image-${ACTION_RUN_ID}-`, BASELINE_CONTAINER]) {
      const ids = await dockerQuiet(['ps', '--all', '--quiet', '--filter', `name=${prefix}`])
      if (ids) await dockerQuiet(['rm', '--force', '--volumes', ...ids.split('\n')])
    }
    await context.action.removeImages()
    await context.baseline.removeImages()
    const leftovers = await dockerQuiet([
      'image',
      'ls',
      '--quiet',
      '--filter',
      `reference=eai-bench-${runId}*`,
    ])
    if (leftovers) await dockerQuiet(['image', 'rm', '--force', ...new Set(leftovers.split('\n'))])
    await context.action.removeDependencies()
    // After the dependencies images built on it (they are its children).
    if (context.fatBaseId) await dockerQuiet(['image', 'rm', '--force', context.fatBaseId])
    await removeLeftoverSteps()
    // Stopped during a build: the daemon may still commit the step it was in for a moment.
    for (let pass = 0; !context.finished && pass < 5; pass++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      if ((await removeLeftoverSteps()) === 0 && pass > 0) break
    }
  })
  await removeLeftoverSteps() // of an earlier run that was stopped half-way

  log('writing the project and the package index')
  const packages = path.join(tmp, 'packages')
  writePackages(packages)
  project.write()
  project.writeWeights(options.codeModelMib)
  fs.mkdirSync(context.actionTmp, { recursive: true })
  context.indexUrl = await startIndex(packages)
  context.startCacheService = await loadCacheService(path.join(tmp, 'cache-service'))
  log(
    `index ${context.indexUrl}; cache service ${context.startCacheService ? 'ready' : 'not available'}`,
  )

  if (wanted(7)) await scenarioOverhead(context, results)
  for (const builder of options.builders) {
    log(`---- builder: ${builder}`)
    Object.assign(context, { builder, builderEnv: builderEnv(builder), baseImage: BASE_IMAGE })
    const perBuilder = { scenarios: {} }
    results.builders[builder] = perBuilder
    // 8's failing runs first: they leave the daemon empty, which scenario 1 wants anyway.
    if (wanted(8)) await scenarioTimeToFailure(context, perBuilder)
    // 5 restores from the cache of 1's last cold run, and is measured against 1's cold runs.
    if (wanted(1) || wanted(5)) await scenarioCold(context, perBuilder)
    if (wanted(8)) await timeToFailureCold(context, perBuilder)
    if (wanted(2) || wanted(3) || wanted(6)) {
      await warmUp(context, 'after the cold runs', 'rebuild')
      if (wanted(2) || wanted(6))
        await scenarioRebuild(context, perBuilder, 'unchanged', '2 nothing changed')
      if (wanted(3) || wanted(6)) {
        await scenarioRebuild(context, perBuilder, 'code', '3 code change', () =>
          project.changeCode(),
        )
      }
    }
    if (wanted(4)) await scenarioModel(context, perBuilder)
    if (wanted(5)) {
      await scenarioRestored(context, perBuilder, {
        number: '5',
        key: 'freshDaemon',
        image: BASE_IMAGE,
      })
    }
    if (wanted('1f') || wanted('5f')) {
      context.fatBase ??= await buildFatBase(context)
      context.baseImage = context.fatBase
      await scenarioCold(context, perBuilder, 'coldFat', '1f')
      if (wanted('5f')) {
        await scenarioRestored(context, perBuilder, {
          number: '5f',
          key: 'freshDaemonFat',
          image: context.fatBase,
        })
      }
      await emptyDaemonCache(context)
    }
    await context.cacheService?.stop()
    context.cacheService = undefined
  }

  await context.freshDaemons.removeTemplates()
  context.finished = true
  results.machine.loadAverageAtEnd = os.loadavg().map((value) => Number(value.toFixed(2)))
  results.warnings = context.warnings
  const texts = []
  const details = []
  results.summary = {}
  for (const [builder, { scenarios }] of Object.entries(results.builders)) {
    const { summary, text } = summarize(scenarios, builder)
    results.summary[builder] = summary
    texts.push(text)
    details.push(breakdown(scenarios, builder))
  }
  if (results.scenarios.overhead) {
    const { summary, text } = summarizeOverhead(results.scenarios.overhead)
    results.summary.overhead = summary
    texts.push(text)
  }
  const per = Object.values(results.summary).flatMap((summary) =>
    Object.values(summary).filter((entry) => typeof entry?.pass === 'boolean'),
  )
  results.summary.pass = per.filter((entry) => entry.pass).length
  results.summary.miss = per.filter((entry) => !entry.pass).length
  const text = [...texts, NOTES.join('\n')].join('\n\n')
  const detail = details.filter(Boolean).join('\n\n')
  results.durationS = Math.round((performance.now() - clock) / 1000)
  await writeJson(options.json, results)

  const m = results.machine
  console.log('')
  console.log(
    `extend-azureml-image benchmark, ${results.date.slice(0, 10)}: ${m.cpus} cores / ${m.memoryGiB} GiB, ` +
      `${m.os}, docker ${m.dockerServer} (client ${m.dockerClient}), ${m.builders}, node ${m.node}; ` +
      `${options.repetitions} repetition(s), ${results.durationS} s; ` +
      `load average ${m.loadAverageAtStart[0]} at the start, ${m.loadAverageAtEnd[0]} at the end`,
  )
  if (process.env.BENCH_ACTION_DIST) console.log(`action measured: ${m.actionDist}/index.js`)
  console.log('')
  console.log(text)
  if (detail) console.log(`\n${detail}`)
  for (const warning of context.warnings) console.log(`WARNING: ${warning}`)
  console.log(`\nJSON: ${options.json}`)
}

let failed = false
try {
  await main()
} catch (error) {
  failed = true
  if (!interrupted()) console.error(`[bench] FAILED: ${error.stack ?? error}`)
} finally {
  log('cleaning up')
  await cleanupAll()
  log('done')
}
process.exit(failed ? 1 : 0)
