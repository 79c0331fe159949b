// The `deployment` input end to end, on real containers of images built FROM the stand-in: the
// smoke test runs the container as the Azure ML deployment file says (its environment
// variables, its code folder, its probe budget and request timeout), and says in the file's
// terms what would fail there.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  dockerStatus,
  imageExists,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

// The action names its containers after the run id: checks see this file's runs only.
const RUN_ID = `deployment-${process.pid}`
process.env.GITHUB_RUN_ID = RUN_ID

let workspace: string
let recorder: string
const createdTags: string[] = []

// Short probe budgets keep the tests fast: 1 s + 2 x 1 s = 3 s.
const SHORT_PROBES = [
  'liveness_probe: {initial_delay: 1, period: 1, failure_threshold: 2, timeout: 1}',
  'readiness_probe: {initial_delay: 1, period: 1, failure_threshold: 5, timeout: 1}',
]

// init() and run() sleep as long as their variables say; init() needs MODEL_GREETING.
const SLEEPY_PY = `import os
import time


def init():
    global greeting
    greeting = os.environ["MODEL_GREETING"]
    time.sleep(float(os.environ.get("INIT_SECONDS", "0")))


def run(raw_data):
    time.sleep(float(os.environ.get("RUN_SECONDS", "0")))
    return {"greeting": greeting, "debug": os.environ.get("DEBUG_FLAG")}
`

// What the container was given: its cgroup's memory limit (v1, else v2) and CPU quota.
const LIMITS_PY = `def read(*paths):
    for path in paths:
        try:
            with open(path) as handle:
                return handle.read().strip()
        except OSError:
            pass


def init():
    pass


def run(raw_data):
    return {
        "memory": read("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max"),
        "quota": read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu.max"),
    }
`

const BAKED_PY = `def init():
    pass


def run(raw_data):
    return {"code": "baked"}
`

// The deployment's own code: what must answer when code_configuration mounts it.
const MOUNTED_PY = `import os


def init():
    pass


def run(raw_data):
    return {
        "code": "mounted",
        "app_root": os.environ["AML_APP_ROOT"],
        "entry": os.environ["AZUREML_ENTRY_SCRIPT"],
    }
`

function write(relative: string, text: string, mode = 0o644): void {
  const file = path.join(workspace, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text, { mode })
  fs.chmodSync(file, mode)
}

function deploymentFile(name: string, lines: string[]): string {
  write(`deploy/${name}`, [...lines, ''].join('\n'))
  return `deploy/${name}`
}

/** The real docker CLI behind a script that notes each call: to prove there was none. */
function installRecorder(): void {
  const real = (process.env.PATH ?? '')
    .split(':')
    .map((dir) => path.join(dir, 'docker'))
    .find((file) => fs.existsSync(file))
  if (!real) throw new Error('no docker CLI on PATH')
  fs.writeFileSync(
    path.join(recorder, 'docker'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> "$EAI_DOCKER_CALLS"\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  )
}

beforeAll(async () => {
  await requireEngineAndStandin()
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-ws-'))
  recorder = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-recorder-'))
  installRecorder()
  write('sleepy/score.py', SLEEPY_PY)
  write('baked/score.py', BAKED_PY)
  write('limits/score.py', LIMITS_PY)
  write('model/weights.json', '{"w": 1}')
  // Owner-only, as a strict umask leaves a checkout: the container's user is not its owner.
  write('deploy/mounted/score.py', MOUNTED_PY, 0o600)
  fs.chmodSync(path.join(workspace, 'deploy/mounted'), 0o700)
}, 60_000)

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

afterAll(async () => {
  fs.rmSync(workspace, { recursive: true, force: true })
  fs.rmSync(recorder, { recursive: true, force: true })
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { 'base-image': STANDIN_IMAGE, 'sample-request': '{"data": [1]}', ...inputs },
    workspace,
    env: { DOCKER_BUILDKIT: '0', ...env },
  })
}

function sleepy(tag: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  createdTags.push(tag)
  return run({ 'code-dir': 'sleepy', 'entry-script': 'score.py', tags: tag, ...extra })
}

/** The step failed with one error, no output names an image, and the tag is gone. */
async function expectFailure(run: ActionRun, tag: string, message: RegExp): Promise<string> {
  expect(run.main.exitCode).toBe(1)
  const errors = obeyedCommands(run.main.stdout).filter((command) => command.name === 'error')
  expect(errors).toHaveLength(1)
  expect(errors[0].data).toMatch(message)
  expect(run.outputs.image).toBeUndefined()
  expect(await imageExists(tag)).toBe(false)
  expectNothingLeftInTemp(run)
  return errors[0].data
}

function warnings(run: ActionRun): string[] {
  return obeyedCommands(run.main.stdout)
    .filter((command) => command.name === 'warning')
    .map((command) => command.data)
}

describe('environment_variables', () => {
  const file = () =>
    deploymentFile('needs-env.yml', [
      ...SHORT_PROBES,
      'environment_variables:',
      '  MODEL_GREETING: hello from the deployment',
      '  DEBUG_FLAG: true',
    ])

  it('without the file, init() misses what the deployment sets, and the smoke test fails', async () => {
    const tag = 'eai-deploy/needs-env:without'
    const result = await sleepy(tag, { 'startup-timeout': '60' })
    await expectFailure(result, tag, /the container exited with code \d+ during start-up/)
    expect(result.main.stdout).toContain("KeyError: 'MODEL_GREETING'")
  })

  it('with it, they reach init() and run() as the platform sets them, and are not baked in', async () => {
    const tag = 'eai-deploy/needs-env:with'
    const result = await sleepy(tag, { deployment: file() })
    expect(result.main.exitCode).toBe(0)
    // YAML's `true` arrives as the az CLI sends it: Python's str(True).
    expect(JSON.parse(result.outputs['score-response'])).toEqual({
      greeting: 'hello from the deployment',
      debug: 'True',
    })
    const env = (await dockerStatus(['image', 'inspect', '--format', '{{json .Config.Env}}', tag]))
      .stdout
    expect(env).not.toContain('MODEL_GREETING')
    // The start-up is reported against the deployment's probe budget.
    const metadata = JSON.parse(result.outputs.metadata)
    expect(metadata.startup).toMatchObject({
      probe: 'liveness',
      budgetSeconds: 3,
      arithmetic: '1 s + 2 x 1 s = 3 s (deploy/needs-env.yml)',
    })
    expect(metadata.startup.usedPercent).toBeGreaterThan(0)
    expect(result.summary).toMatch(
      /live after \d+\.\d s: \d+% of the liveness probe's budget \(1 s \+ 2 x 1 s = 3 s \(deploy\/needs-env.yml\)\)/,
    )
  })
})

describe('the probe budget', () => {
  const file = () =>
    deploymentFile('slow-init.yml', [
      ...SHORT_PROBES,
      'environment_variables: {MODEL_GREETING: hi, INIT_SECONDS: 5}',
    ])

  it('an init() slower than the budget fails, with the arithmetic and the file', async () => {
    const tag = 'eai-deploy/slow-init:given'
    // startup-timeout given: the wait goes on, so the message can say when it was live.
    const result = await sleepy(tag, { deployment: file(), 'startup-timeout': '60' })
    const message = await expectFailure(
      result,
      tag,
      /^Smoke test failed: live after \d+\.\d s; the liveness probe allows 1 s \+ 2 x 1 s = 3 s \(deploy\/slow-init.yml\): the platform restarts a container that is not live by then/,
    )
    // init() sleeps 5 s: live no sooner (how much later depends on the runner's load).
    expect(Number(/live after (\d+\.\d) s/.exec(message)?.[1])).toBeGreaterThanOrEqual(5)
  })

  it('without startup-timeout, the wait is the budget', async () => {
    const tag = 'eai-deploy/slow-init:budget'
    const result = await sleepy(tag, { deployment: file() })
    await expectFailure(
      result,
      tag,
      /^Smoke test failed: the server was not live after 3 s \(GET \/ never answered 200[^)]*\); the liveness probe allows 1 s \+ 2 x 1 s = 3 s \(deploy\/slow-init.yml\)/,
    )
  })
})

describe('request_settings.request_timeout_ms', () => {
  it('a run() slower than it fails, naming the case, the time and the setting', async () => {
    const tag = 'eai-deploy/slow-run:1'
    const file = deploymentFile('slow-run.yml', [
      ...SHORT_PROBES,
      'environment_variables: {MODEL_GREETING: hi, RUN_SECONDS: 2.5}',
      'request_settings: {request_timeout_ms: 1000}',
    ])
    const result = await sleepy(tag, { deployment: file })
    await expectFailure(
      result,
      tag,
      /^Smoke test failed: case sample-request: POST \/score answered after 2\.\d s; request_settings.request_timeout_ms is 1000 \(deploy\/slow-run.yml\)$/,
    )
  })
})

describe('instance_type', () => {
  it("runs the container with the size's memory and CPUs, capped at the engine's", async () => {
    const tag = 'eai-deploy/instance:1'
    createdTags.push(tag)
    const engineCpus = Number((await dockerStatus(['info', '--format', '{{.NCPU}}'])).stdout.trim())
    const file = deploymentFile('instance.yml', [...SHORT_PROBES, 'instance_type: Standard_DS3_v2'])
    const result = await run({
      'code-dir': 'limits',
      'entry-script': 'score.py',
      deployment: file,
      tags: tag,
    })
    expect(result.main.exitCode).toBe(0)
    // Standard_DS3_v2: 4 vCPUs, 14 GiB.
    const source = 'instance_type Standard_DS3_v2 (deploy/instance.yml)'
    const cpus = Math.min(4, engineCpus)
    const limits = JSON.parse(result.outputs['score-response'])
    expect(limits.memory).toBe(String(14 * 1024 ** 3))
    expect(limits.quota).toMatch(new RegExp(`^${cpus * 100000}( 100000)?$`))
    expect(JSON.parse(result.outputs.metadata).resources).toMatchObject({
      memoryBytes: 14 * 1024 ** 3,
      memorySource: source,
      cpus,
      cpusSource: source,
      ...(engineCpus < 4 ? { cpusRequested: 4 } : {}),
    })
    if (engineCpus < 4) expect(result.summary).toContain(`CPUs ${engineCpus}: capped`)
  })
})

describe('model', () => {
  it('next to a baked model: warned that init() will not read it', async () => {
    const file = deploymentFile('model.yml', ['model: azureml:sklearn-model:3'])
    const result = await run({
      'code-dir': 'baked',
      'entry-script': 'score.py',
      'model-dir': 'model',
      deployment: file,
      build: 'false',
    })
    expect(result.main.exitCode).toBe(0)
    expect(warnings(result)).toContain(
      "deploy/model.yml: model azureml:sklearn-model:3 is mounted by the deployment, which points AZUREML_MODEL_DIR at /var/azureml-app/azureml-models/sklearn-model/3: init() will not read the model baked in from 'model-dir'",
    )
    // The runner would show it: a workflow command line of its own.
    expect(result.main.stdout).toMatch(
      /^::warning::deploy\/model.yml: model azureml:sklearn-model:3/m,
    )
  })
})

describe('a malformed deployment file', () => {
  it('is refused before anything is built, naming the input, the file and the key', async () => {
    const tag = 'eai-deploy/malformed:1'
    await dockerStatus(['image', 'rm', tag])
    const file = deploymentFile('malformed.yml', [
      'request_settings:',
      '  request_timeout_ms: 240000',
    ])
    const calls = path.join(recorder, 'malformed.calls')
    const result = await run(
      { 'code-dir': 'baked', 'entry-script': 'score.py', deployment: file, tags: tag },
      { PATH: `${recorder}:${process.env.PATH}`, EAI_DOCKER_CALLS: calls },
    )
    await expectFailure(
      result,
      tag,
      /^Input 'deployment': deploy\/malformed.yml: request_settings.request_timeout_ms must be at most 180000 \(Azure ML's limit\), got 240000$/,
    )
    expect(result.outputs).toEqual({})
    // Nothing was asked of docker: no build, no container, no tag.
    expect(fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '').toBe('')
  })

  it('that is not YAML is refused the same way', async () => {
    const tag = 'eai-deploy/malformed:2'
    // A tag there beforehand would make its absence afterwards prove nothing.
    await dockerStatus(['image', 'rm', tag])
    const file = deploymentFile('not-yaml.yml', ['liveness_probe: {initial_delay: 1', 'x'])
    const calls = path.join(recorder, 'not-yaml.calls')
    const result = await run(
      { 'code-dir': 'baked', 'entry-script': 'score.py', deployment: file, tags: tag },
      { PATH: `${recorder}:${process.env.PATH}`, EAI_DOCKER_CALLS: calls },
    )
    await expectFailure(
      result,
      tag,
      /^Input 'deployment': deploy\/not-yaml.yml is not valid YAML: /,
    )
    expect(fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '').toBe('')
  })
})

describe('code_configuration', () => {
  it("runs the deployment's code where the platform mounts it, not the baked code", async () => {
    const tag = 'eai-deploy/code:1'
    createdTags.push(tag)
    const file = deploymentFile('code.yml', [
      ...SHORT_PROBES,
      'code_configuration:',
      '  code: mounted',
      '  scoring_script: score.py',
    ])
    const result = await run({
      'code-dir': 'baked',
      'entry-script': 'score.py',
      deployment: file,
      tags: tag,
    })
    expect(result.main.exitCode).toBe(0)
    expect(JSON.parse(result.outputs['score-response'])).toEqual({
      code: 'mounted',
      app_root: '/var/azureml-app/mounted',
      entry: 'score.py',
    })
    expect(warnings(result)).toContainEqual(
      expect.stringMatching(
        /^deploy\/code.yml: code_configuration mounts mounted at \/var\/azureml-app\/mounted .* the code baked in from 'code-dir' does not run/,
      ),
    )
    // The image itself still holds the baked code: the deployment's is the container's only.
    const baked = await dockerStatus(['run', '--rm', tag, 'cat', '/var/azureml-app/score.py'])
    expect(baked.stdout).toContain('"baked"')
    expect(await imageExists(tag)).toBe(true)
  })
})
