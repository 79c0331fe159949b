// Requirements against the inference server's own dependencies, on real builds: the stand-in's
// server distribution (azureml-inference-server-http) requires pydantic>=1.9,<1.11, and the local
// index serves fakes of pydantic 2.5.0 and 1.10.9 and a package that pulls in pydantic 2. The
// stand-in's server never imports pydantic, so only the check can catch a broken range: the
// container would start. A second base, the stand-in plus one distribution of its own
// (base-tool, requiring colorama<0.5 and a package that is not installed), gives a conflict
// outside the server's closure and one the base already had.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import {
  actionContainers,
  docker,
  dockerStatus,
  imageExists,
  inspectImage,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import { EXAMPLE, exampleInputs } from '../helpers/example.js'
import { startCacheService, type CacheService } from '../helpers/cache-service.js'
import { ROOT, startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import { errorAnnotations, obeyedCommands, type Command } from '../helpers/workflow-commands.js'

const FIXTURES = path.join(ROOT, '__tests__/fixtures/server-conflicts')
const RUN_ID = `conflicts${process.pid}`
const ENV = { GITHUB_RUN_ID: RUN_ID }
const TOOL_BASE = `eai-test/server-conflicts-base:tool-${process.pid}`
const TAG = (name: string): string => `eai-test/server-conflicts:${name}-${process.pid}`

let index: LocalIndex
let workspace: string
let packages: string
let serverVersion: string

/** Writes a requirements file of its own folder in the workspace; its workspace path. */
function requirements(name: string, lines: string[]): string {
  const file = path.join(workspace, name, 'requirements.txt')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, `${lines.join('\n')}\n`)
  return `${name}/requirements.txt`
}

function run(
  name: string,
  file: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction({
    inputs: exampleInputs(index.url, TAG(name), {
      'base-image': STANDIN_IMAGE,
      requirements: file,
      ...extra,
    }),
    workspace,
    env: { ...ENV, ...env },
  })
}

function commands(output: string, name: string): Command[] {
  return obeyedCommands(output).filter((command) => command.name === name)
}

/** A distribution written straight into the image's purelib, as an installer would leave it. */
function distInfo(name: string, version: string, requires: string[]): Record<string, string> {
  const info = `${name.replace(/-/g, '_')}-${version}.dist-info`
  const metadata = [`Metadata-Version: 2.1`, `Name: ${name}`, `Version: ${version}`]
  return {
    [`${info}/METADATA`]: [...metadata, ...requires.map((r) => `Requires-Dist: ${r}`), ''].join(
      '\n',
    ),
    [`${info}/INSTALLER`]: 'pip\n',
    [`${info}/RECORD`]: `${info}/METADATA,,\n${info}/INSTALLER,,\n${info}/RECORD,,\n`,
  }
}

/** `from` plus `files` in its purelib, placed by the image's own Python. */
async function derivedBase(
  from: string,
  tag: string,
  files: Record<string, string>,
): Promise<void> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-conflicts-base-'))
  try {
    for (const [relative, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(context, 'add', relative)), { recursive: true })
      fs.writeFileSync(path.join(context, 'add', relative), text)
    }
    const copy =
      "import shutil, sysconfig; shutil.copytree('/tmp/add', sysconfig.get_paths()['purelib'], dirs_exist_ok=True)"
    // Written as root, as pip writes in the dependencies build; the base's user given back.
    const user = (await inspectImage(from)).Config.User || 'root'
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM ${from}\nCOPY add /tmp/add\nUSER root\nRUN python -c "${copy}" && rm -r /tmp/add\nUSER ${user}\n`,
    )
    await docker(['build', '-q', '-t', tag, context])
  } finally {
    fs.rmSync(context, { recursive: true, force: true })
  }
}

function readServerVersion(image: string): Promise<string> {
  const program =
    'from importlib.metadata import version; print(version("azureml-inference-server-http"))'
  return docker(['run', '--rm', '--entrypoint', 'python', image, '-c', program])
}

beforeAll(async () => {
  await requireEngineAndStandin()
  // Fails (never skips) on a stand-in whose server is not a distribution: nothing could conflict.
  serverVersion = await readServerVersion(STANDIN_IMAGE).catch((error: Error) => {
    throw new Error(
      `${STANDIN_IMAGE} has no azureml-inference-server-http distribution: rebuild it (bash standin/build.sh). ${error.message}`,
    )
  })
  await derivedBase(
    STANDIN_IMAGE,
    TOOL_BASE,
    distInfo('base-tool', '1.0', ['colorama<0.5', 'not-installed-thing']),
  )
  packages = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-conflicts-packages-'))
  fs.cpSync(path.join(ROOT, 'examples/packages'), packages, { recursive: true })
  fs.cpSync(path.join(FIXTURES, 'packages'), packages, { recursive: true })
  index = await startLocalIndex(packages)
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-conflicts-'))
  for (const name of ['code', 'model', 'sample-request.json']) {
    fs.cpSync(path.join(EXAMPLE, name), path.join(workspace, name), { recursive: true })
  }
}, 180_000)

afterAll(async () => {
  index?.stop()
  for (const name of ['incompatible', 'allowed', 'transitive', 'other'])
    await dockerStatus(['image', 'rm', TAG(name)])
  await dockerStatus(['image', 'rm', TOOL_BASE])
  for (const folder of [workspace, packages])
    if (folder) fs.rmSync(folder, { recursive: true, force: true })
})

afterEach(async () => {
  expect(await actionContainers(RUN_ID)).toEqual([])
})

describe('a requirement pinning a server dependency out of its range', () => {
  let first: ActionRun
  let file: string
  let service: CacheService

  beforeAll(async () => {
    file = requirements('incompatible', ['tinylinear', 'pydantic==2.5.0'])
    // With a cache service: the conflicting dependencies must not be archived, nor saved.
    service = await startCacheService()
    first = await run('incompatible', file, {}, service.env)
  }, 600_000)

  afterAll(() => service?.stop())

  it("fails the step before the application is built, on that line, with the server's range", async () => {
    expect(first.main.exitCode).toBe(1)
    const errors = errorAnnotations(first.main.stdout)
    expect(errors).toHaveLength(1)
    expect(errors[0].properties).toMatchObject({ file, line: '2' })
    expect(errors[0].message).toBe(
      `${file} line 2: pydantic==2.5.0 installs pydantic 2.5.0, but azureml-inference-server-http ${serverVersion} requires pydantic<1.11,>=1.9: the server would not start`,
    )
    expect(first.main.stdout).not.toContain(`Build ${TAG('incompatible')}`)
    expect(await imageExists(TAG('incompatible'))).toBe(false)
    expect(first.outputs.image).toBeUndefined()
    expectNothingLeftInTemp(first)
  })

  it('saves nothing to the cache', () => {
    expect(first.main.stdout).toContain('Build the dependencies (apt, pip)')
    expect(service.entries()).toEqual([])
    expect(first.main.stdout).not.toContain('archive of the dependencies')
  })

  it('leaves no dependencies image behind: the next run builds them again and fails the same way', async () => {
    const dependencies = /extend-azureml-image\/dependencies:[0-9a-f]{32}/.exec(
      first.main.stdout,
    )?.[0]
    expect(dependencies).toBeDefined()
    expect(await imageExists(dependencies!)).toBe(false)
    const again = await run('incompatible', file)
    expect(again.main.exitCode).toBe(1)
    expect(again.main.stdout).not.toContain('already in the daemon')
    expect(again.main.stdout).toContain('Build the dependencies (apt, pip)')
    expect(errorAnnotations(again.main.stdout)).toEqual(errorAnnotations(first.main.stdout))
    expect(await imageExists(dependencies!)).toBe(false)
    expect(await imageExists(TAG('incompatible'))).toBe(false)
    expectNothingLeftInTemp(again)
  }, 600_000)
})

describe('the same pin within the range', () => {
  it('passes, smoke test included, with no conflict reported', async () => {
    const passed = await run('allowed', requirements('allowed', ['tinylinear', 'pydantic==1.10.9']))
    expect(errorAnnotations(passed.main.stdout)).toEqual([])
    expect(passed.main.exitCode).toBe(0)
    expect(passed.outputs['smoke-test']).toBe('passed')
    expect(commands(passed.main.stdout, 'warning')).toEqual([])
    // Kept for the next run: it passed.
    const metadata = JSON.parse(passed.outputs.metadata) as { dependencies: { image: string } }
    expect(await imageExists(metadata.dependencies.image)).toBe(true)
    expect(passed.main.stdout).toContain(
      `Requirements checked against azureml-inference-server-http ${serverVersion} and its dependencies`,
    )
  }, 600_000)
})

describe('a requirement that pulls an incompatible version in', () => {
  it('is blamed on its own line', async () => {
    const file = requirements('transitive', [
      '# pulls in pydantic 2',
      'tinylinear',
      'needs-pydantic2',
    ])
    const failed = await run('transitive', file)
    expect(failed.main.exitCode).toBe(1)
    const errors = errorAnnotations(failed.main.stdout)
    expect(errors).toHaveLength(1)
    expect(errors[0].properties).toMatchObject({ file, line: '3' })
    expect(errors[0].message).toBe(
      `${file} line 3: needs-pydantic2 pulls in pydantic 2.5.0, but azureml-inference-server-http ${serverVersion} requires pydantic<1.11,>=1.9: the server would not start`,
    )
    expect(await imageExists(TAG('transitive'))).toBe(false)
    expectNothingLeftInTemp(failed)
  }, 600_000)
})

describe('a conflict outside the server, on a base with a conflict of its own', () => {
  it("warns on the requirement's line, notes the base's conflict once, and passes", async () => {
    const file = requirements('other', ['tinylinear', 'colorama==0.5.0'])
    const passed = await run('other', file, { 'base-image': TOOL_BASE })
    expect(errorAnnotations(passed.main.stdout)).toEqual([])
    expect(passed.main.exitCode).toBe(0)
    expect(passed.outputs['smoke-test']).toBe('passed')
    const warnings = commands(passed.main.stdout, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0].properties).toMatchObject({ file, line: '2' })
    expect(warnings[0].data).toBe(
      `${file} line 2: colorama==0.5.0 installs colorama 0.5.0, but base-tool 1.0 requires colorama<0.5: pip check reports it broken`,
    )
    const notices = commands(passed.main.stdout, 'notice')
    expect(notices.map((notice) => notice.data)).toEqual([
      `The base image already has 1 broken requirement(s) (pip check); they come from the base image, not from ${file}:\nbase-tool 1.0 requires not-installed-thing, but not-installed-thing is not installed`,
    ])
  }, 600_000)
})
