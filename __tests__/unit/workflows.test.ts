// The workflows users copy (examples/workflows/, and the same text in the README): what GitHub's
// schema (scripts/validate-workflows.mjs) cannot know is checked here against action.yml: the
// inputs each step of this action passes, the outputs later steps read, and that the README's
// copies are the files. Then the project's own workflows (.github/), which cannot run here: read
// access by default, pinned actions, the jobs the issue asks for, and the major-tag script run
// against a local git remote.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const WORKFLOW_DIR = 'examples/workflows'
/** How the README and the examples refer to this action. */
const THIS_ACTION = /^your-org\/extend-azureml-image@/
const OWN_WORKFLOW_DIR = '.github/workflows'
/** How the project's own workflows refer to this action: the checked-out repository. */
const LOCAL_ACTION = /^\.\/$/

interface ActionMetadata {
  inputs: Record<string, { required?: boolean }>
  outputs: Record<string, unknown>
}
interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
type Permissions = Record<string, string> | string
interface Job {
  'runs-on'?: string
  permissions?: Permissions
  needs?: string | string[]
  if?: string
  uses?: string
  strategy?: { matrix?: { include?: Record<string, string>[] } }
  steps?: Step[]
}
interface Workflow {
  on?: Record<string, unknown>
  permissions?: Permissions
  jobs: Record<string, Job>
}

function read(relative: string): string {
  return fs.readFileSync(path.join(ROOT, relative), 'utf8')
}

const action = parse(read('action.yml')) as ActionMetadata
const files = fs
  .readdirSync(path.join(ROOT, WORKFLOW_DIR))
  .filter((name) => name.endsWith('.yml'))
  .sort()
const workflows = new Map(
  files.map((name) => [name, parse(read(`${WORKFLOW_DIR}/${name}`)) as Workflow]),
)

function* stepsOfThisAction(
  workflow: Workflow,
  ours = THIS_ACTION,
): Generator<{ job: string; step: Step }> {
  for (const [job, { steps = [] }] of Object.entries(workflow.jobs)) {
    for (const step of steps) if (step.uses && ours.test(step.uses)) yield { job, step }
  }
}

/** Inputs a step of this action passes that action.yml lacks, and required ones it leaves out. */
function inputProblems(workflow: Workflow, metadata: ActionMetadata, ours = THIS_ACTION): string[] {
  const problems: string[] = []
  for (const { job, step } of stepsOfThisAction(workflow, ours)) {
    const given = Object.keys(step.with ?? {})
    for (const name of given) {
      if (!(name in metadata.inputs)) problems.push(`${job}: unknown input '${name}'`)
    }
    for (const [name, input] of Object.entries(metadata.inputs)) {
      if (input.required && !given.includes(name)) {
        problems.push(`${job}: required input '${name}' missing`)
      }
    }
  }
  return problems
}

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value
  else if (Array.isArray(value)) for (const item of value) yield* strings(item)
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) yield* strings(v)
}

// `steps.<id>.outputs.<name>` or `steps.<id>.outputs['<name>']`, in expressions and `if:`.
const OUTPUT_REFERENCE = /\bsteps\.([\w-]+)\.outputs(?:\.([\w-]+)|\[\s*'([^']+)'\s*\])/g

/**
 * References to a step id the job does not have, and to an output a step of this action does not
 * declare. Step ids are per job, so each job is read on its own.
 */
function outputProblems(
  workflow: Workflow,
  metadata: ActionMetadata,
  thisAction = THIS_ACTION,
): string[] {
  const problems: string[] = []
  for (const [job, definition] of Object.entries(workflow.jobs)) {
    const steps = definition.steps ?? []
    const ids = new Set(steps.flatMap((step) => (step.id ? [step.id] : [])))
    const ours = new Set(
      steps.flatMap((step) =>
        step.id && step.uses && thisAction.test(step.uses) ? [step.id] : [],
      ),
    )
    for (const text of strings(definition)) {
      for (const [, id, dotted, quoted] of text.matchAll(OUTPUT_REFERENCE)) {
        const name = dotted ?? quoted
        if (!ids.has(id)) problems.push(`${job}: no step '${id}'`)
        else if (ours.has(id) && !(name in metadata.outputs)) {
          problems.push(`${job}: unknown output '${name}' of step '${id}'`)
        }
      }
    }
  }
  return problems
}

/**
 * `uses:` references that are neither this action (`ours`) nor a local file (`./...`) and are not
 * pinned to a full commit SHA with the release in a comment, as `# vX.Y.Z`.
 */
function pinProblems(text: string, ours: RegExp): string[] {
  const problems: string[] = []
  for (const [, reference, comment] of text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)) {
    if (ours.test(reference) || reference.startsWith('./')) continue
    if (!/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(reference))
      problems.push(`not pinned: ${reference}`)
    else if (!/^ # v\d+\.\d+\.\d+$/.test(comment)) problems.push(`no version: ${reference}`)
  }
  return problems
}

/** Each pinned action with the commits it is pinned to, over several workflow texts. */
function pins(texts: string[]): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>()
  for (const text of texts) {
    for (const [, action, commit] of text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g)) {
      found.set(action, (found.get(action) ?? new Set()).add(commit))
    }
  }
  return found
}

/**
 * Where a workflow grants more than read access to the contents: at the top (which must be
 * exactly `contents: read`) and in any job not listed in `writers`.
 */
function permissionProblems(workflow: Workflow, writers: string[] = []): string[] {
  const problems: string[] = []
  if (JSON.stringify(workflow.permissions) !== JSON.stringify({ contents: 'read' })) {
    problems.push(`top: permissions ${JSON.stringify(workflow.permissions)}`)
  }
  for (const [job, { permissions }] of Object.entries(workflow.jobs)) {
    if (permissions !== undefined && !writers.includes(job)) {
      problems.push(`${job}: permissions ${JSON.stringify(permissions)}`)
    }
  }
  return problems
}

/** The fenced yaml blocks of a markdown text, each with its final newline. */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})yaml\n([\s\S]*?)^\1$/gm)].map(([, , body]) => body)
}

describe('the example workflows', () => {
  it('are the seven the README shows', () => {
    expect(files).toEqual([
      'acr-build.yml',
      'build-and-push.yml',
      'container-job.yml',
      'matrix.yml',
      'pr-check.yml',
      'remote-engine.yml',
      'use-outputs.yml',
    ])
  })

  it.each(files)('%s uses this action in a step with an id', (name) => {
    const steps = [...stepsOfThisAction(workflows.get(name)!)]
    expect(steps.length).toBeGreaterThan(0)
    for (const { step } of steps) expect(step.id).toEqual(expect.any(String))
  })

  it.each(files)('%s passes only inputs action.yml declares, and every required one', (name) => {
    expect(inputProblems(workflows.get(name)!, action)).toEqual([])
  })

  it.each(files)('%s reads only outputs action.yml declares', (name) => {
    expect(outputProblems(workflows.get(name)!, action)).toEqual([])
  })

  it('read the outputs the issue asks to show', () => {
    const text = read(`${WORKFLOW_DIR}/use-outputs.yml`)
    for (const output of ['image', 'image-id', 'smoke-test', 'score-status', 'score-response']) {
      expect(text).toContain(`steps.image.outputs.${output} }}`)
    }
    expect(text).toContain('fromJSON(steps.image.outputs.metadata).timings.buildMs')
    expect(read(`${WORKFLOW_DIR}/build-and-push.yml`)).toContain('steps.image.outputs.digest')
  })

  it.each(files)('%s pins every other action to a commit, with its version beside it', (name) => {
    expect(pinProblems(read(`${WORKFLOW_DIR}/${name}`), THIS_ACTION)).toEqual([])
  })

  it('are in the README word for word', () => {
    const blocks = yamlBlocks(read('README.md'))
    for (const name of files) expect(blocks).toContain(read(`${WORKFLOW_DIR}/${name}`))
  })
})

const ownFiles = fs
  .readdirSync(path.join(ROOT, OWN_WORKFLOW_DIR))
  .filter((name) => name.endsWith('.yml'))
  .sort()
const own = new Map(
  ownFiles.map((name) => [name, parse(read(`${OWN_WORKFLOW_DIR}/${name}`)) as Workflow]),
)
const ci = (): Workflow => own.get('ci.yml')!
const release = (): Workflow => own.get('release.yml')!

/** The CLI flags scripts/example.sh passes to `node dist/cli.js`, as input name -> value. */
function exampleFlags(): Record<string, string> {
  const script = read('scripts/example.sh')
  const command = script.slice(script.indexOf('node dist/cli.js')).replace(/\\\n/g, ' ')
  const flags: Record<string, string> = {}
  for (const [, name, value] of command.matchAll(/--([\w-]+) ('[^']*'|"[^"]*"|\S+)/g)) {
    flags[name] = value.replace(/^(['"])(.*)\1$/, '$2')
  }
  return flags
}

describe("the project's own workflows (.github/, not yet run on GitHub)", () => {
  it('are CI and release', () => {
    expect(ownFiles).toEqual(['ci.yml', 'release.yml'])
  })

  it.each(ownFiles)('%s reads the contents only, unless a job says otherwise', (name) => {
    const writers = name === 'release.yml' ? ['major-tag'] : []
    expect(permissionProblems(own.get(name)!, writers)).toEqual([])
  })

  it('pin every action to one commit, the one the examples use', () => {
    const texts = ownFiles.map((name) => read(`${OWN_WORKFLOW_DIR}/${name}`))
    for (const text of texts) expect(pinProblems(text, LOCAL_ACTION)).toEqual([])
    const examples = pins(files.map((name) => read(`${WORKFLOW_DIR}/${name}`)))
    const ours = pins(texts)
    expect([...ours.keys()].sort()).toEqual(['actions/checkout', 'actions/setup-node'])
    for (const [action, commits] of ours) {
      expect(commits.size).toBe(1)
      if (examples.has(action)) expect(commits).toEqual(examples.get(action))
    }
  })

  it("CI runs the README's test command on ubuntu-latest, on the .node-version Node", () => {
    const setUp = read('README.md').match(/## Set-up[\s\S]*?```sh\n([\s\S]*?)```/)![1]
    expect(setUp).toMatch(/^npm test\b/m)
    const test = ci().jobs.test
    expect(test['runs-on']).toBe('ubuntu-latest')
    const steps = test.steps ?? []
    expect(steps.map((step) => step.uses?.replace(/@.*/, '') ?? step.run)).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'npm test',
    ])
    expect(steps[1].with).toEqual({ 'node-version-file': '.node-version' })
    expect(fs.readFileSync(path.join(ROOT, '.node-version'), 'utf8').trim()).toMatch(/^\d+$/)
  })

  it('CI runs on pull requests, on pushes to main and when the release calls it', () => {
    expect(Object.keys(ci().on ?? {}).sort()).toEqual(['pull_request', 'push', 'workflow_call'])
    expect(ci().on?.push).toEqual({ branches: ['main'] })
  })

  it('the self-test runs this action on the real Microsoft images', () => {
    const job = ci().jobs['self-test']
    expect(job['runs-on']).toBe('ubuntu-latest')
    expect(job.strategy?.matrix?.include?.map((leg) => leg['base-image'])).toEqual([
      'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
      'mcr.microsoft.com/azureml/minimal-py312-inference:latest',
    ])
    const steps = [...stepsOfThisAction(ci(), LOCAL_ACTION)]
    expect(steps.map(({ job: name }) => name)).toEqual(['self-test'])
    expect(steps[0].step.with?.['base-image']).toBe('${{ matrix.base-image }}')
    expect(inputProblems(ci(), action, LOCAL_ACTION)).toEqual([])
    expect(outputProblems(ci(), action, LOCAL_ACTION)).toEqual([])
  })

  it("the self-test builds the example with example.sh's inputs, paths from the repository", () => {
    const given = [...stepsOfThisAction(ci(), LOCAL_ACTION)][0].step.with ?? {}
    const { workspace, ...flags } = exampleFlags()
    expect(workspace).toBe('examples/minimal')
    expect(Object.keys(flags)).toEqual(expect.arrayContaining(['network', 'expected-response']))
    // The base image (stand-in vs matrix), the index URL and the tag differ by design.
    const differ = ['base-image', 'pip-index-url', 'tags']
    const workspacePaths = ['requirements', 'code-dir', 'model-dir', 'sample-request', 'deployment']
    const kept = (entries: [string, unknown][]) =>
      Object.fromEntries(entries.filter(([name]) => !differ.includes(name)))
    const expected = Object.entries(flags).map(([name, value]): [string, string] => [
      name,
      workspacePaths.includes(name) ? `${workspace}/${value}` : value,
    ])
    expect(kept(Object.entries(given))).toEqual(kept(expected))
  })

  it("the self-test starts the example's package index itself and passes its URL", () => {
    const steps = ci().jobs['self-test'].steps ?? []
    const ours = steps.findIndex((step) => step.uses === './')
    const index = steps.findIndex((step) =>
      /python3 scripts\/local-pypi\.py --packages examples\/packages .*&$/m.test(
        (step.run ?? '').replace(/\\\n\s*/g, ''),
      ),
    )
    expect(index).toBeGreaterThanOrEqual(0)
    expect(index).toBeLessThan(ours)
    expect(steps[index].run).toMatch(/echo "url=\$url" >>"\$GITHUB_OUTPUT"/)
    expect(steps[ours].with?.['pip-index-url']).toBe(`\${{ steps.${steps[index].id}.outputs.url }}`)
  })

  it('the release runs CI on the release, then moves the major tag, the only job that writes', () => {
    const { on, jobs } = release()
    expect(on).toEqual({ release: { types: ['published'] } })
    expect(jobs.test.uses).toBe('./.github/workflows/ci.yml')
    const major = jobs['major-tag']
    expect(major.needs).toBe('test')
    expect(major.permissions).toEqual({ contents: 'write' })
    expect(major.if).toBe('${{ !github.event.release.prerelease }}')
  })
})

describe('the major-tag step of release.yml, against a local remote', () => {
  let dir: string
  const step = (release().jobs['major-tag'].steps ?? []).find(
    (candidate) => candidate.name === 'Move the major tag',
  )!
  const gitEnv = {
    PATH: process.env.PATH ?? '',
    HOME: '',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  }
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: path.join(dir, 'clone'), env: gitEnv, encoding: 'utf8' })
  const commit = (message: string): string => {
    git('commit', '--allow-empty', '-q', '-m', message)
    return git('rev-parse', 'HEAD').trim()
  }
  /** Releases `tag` at `sha` as GitHub would, then runs the step as the runner does (bash -e). */
  const releaseAs = (tag: string, sha: string) => {
    git('tag', tag, sha)
    git('push', '-q', 'origin', `refs/tags/${tag}`)
    const script = path.join(dir, 'step.sh')
    fs.writeFileSync(script, step.run!)
    // The step reads the tag from its env (the expression stays out of the script).
    expect(step.env).toEqual({ RELEASE_TAG: '${{ github.event.release.tag_name }}' })
    return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: path.join(dir, 'clone'),
      env: { ...gitEnv, RELEASE_TAG: tag, GITHUB_SHA: sha },
      encoding: 'utf8',
    })
  }
  const remoteTag = (name: string): string =>
    git('ls-remote', 'origin', `refs/tags/${name}`).split('\t')[0]

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'major-tag-'))
    gitEnv.HOME = dir
    execFileSync('git', ['init', '-q', '--bare', path.join(dir, 'origin.git')], { env: gitEnv })
    execFileSync('git', ['init', '-q', path.join(dir, 'clone')], { env: gitEnv })
    git('remote', 'add', 'origin', path.join(dir, 'origin.git'))
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('points v1 at v1.2.3, then moves it to v1.3.0; v2.0.0 makes v2', () => {
    const first = commit('one')
    expect(releaseAs('v1.2.3', first).status).toBe(0)
    expect(remoteTag('v1')).toBe(first)
    const second = commit('two')
    expect(releaseAs('v1.3.0', second).status).toBe(0)
    expect(remoteTag('v1')).toBe(second)
    const third = commit('three')
    expect(releaseAs('v2.0.0', third).status).toBe(0)
    expect([remoteTag('v1'), remoteTag('v2')]).toEqual([second, third])
  })

  it.each(['v1.4', 'v1.4.0-rc.1', '1.4.0', 'v1.4.0.1'])(
    'refuses the tag %s with an error and leaves v1 where it was',
    (tag) => {
      const first = commit('one')
      releaseAs('v1.2.3', first)
      const result = releaseAs(tag, commit('two'))
      expect(result.status).toBe(1)
      expect(result.stdout).toBe(
        '::error::the release tag is not vMAJOR.MINOR.PATCH; the major tag was not moved\n',
      )
      expect(remoteTag('v1')).toBe(first)
    },
  )
})

describe('dependabot (.github/dependabot.yml)', () => {
  interface Update {
    'package-ecosystem': string
    directory: string
    schedule: { interval: string }
  }
  const config = parse(read('.github/dependabot.yml')) as { version: number; updates: Update[] }

  it('is version 2 and updates npm and the actions weekly, from the root', () => {
    expect(config.version).toBe(2)
    expect(config.updates.map((update) => update['package-ecosystem']).sort()).toEqual([
      'github-actions',
      'npm',
    ])
    for (const update of config.updates) {
      expect(update.directory).toBe('/')
      expect(update.schedule.interval).toBe('weekly')
    }
  })
})

describe('the README on the project workflows', () => {
  const development = read('README.md').split('\n## Development\n')[1] ?? ''

  it('names each of them and says they have not run yet', () => {
    for (const name of [...ownFiles.map((file) => `${OWN_WORKFLOW_DIR}/${file}`)]) {
      expect(development).toContain(`\`${name}\``)
    }
    expect(development).toContain('`.github/dependabot.yml`')
    expect(development).toMatch(/not yet (been )?run/)
  })
})

describe('the checks themselves', () => {
  const workflow = (steps: Step[]): Workflow => ({ jobs: { build: { steps } } })
  const ours = 'your-org/extend-azureml-image@v1'

  it('find an unknown input and a missing required one', () => {
    const bad = workflow([{ id: 'image', uses: ours, with: { 'base-imgae': 'x', push: true } }])
    expect(inputProblems(bad, action)).toEqual([
      "build: unknown input 'base-imgae'",
      "build: required input 'base-image' missing",
    ])
  })

  it('leave inputs of other actions alone', () => {
    const other = workflow([{ uses: 'docker/login-action@v4', with: { registry: 'ghcr.io' } }])
    expect(inputProblems(other, action)).toEqual([])
  })

  it('find an unknown output, in either notation, and a step id the job lacks', () => {
    const bad = workflow([
      { id: 'image', uses: ours, with: { 'base-image': 'x' } },
      { with: { a: '${{ steps.image.outputs.image-digest }}' } },
      { with: { b: "${{ steps.image.outputs['imageid'] }}" } },
      { with: { c: '${{ fromJSON(steps.imgae.outputs.metadata).timings.buildMs }}' } },
      { with: { d: '${{ steps.image.outputs.image-id }} ${{ steps.image.outputs.digest }}' } },
    ])
    expect(outputProblems(bad, action)).toEqual([
      "build: unknown output 'image-digest' of step 'image'",
      "build: unknown output 'imageid' of step 'image'",
      "build: no step 'imgae'",
    ])
  })

  it('find an action not pinned to a commit, and a pin without its version', () => {
    const text = [
      '      - uses: actions/checkout@v7',
      '      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020',
      '      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0',
      '      - uses: ./',
      '    uses: ./.github/workflows/ci.yml',
    ].join('\n')
    expect(pinProblems(text, LOCAL_ACTION)).toEqual([
      'not pinned: actions/checkout@v7',
      'no version: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020',
    ])
  })

  it('find write access at the top, or in a job not allowed to write', () => {
    const bad: Workflow = {
      permissions: { contents: 'write' },
      jobs: { test: { permissions: 'write-all' }, tag: { permissions: { contents: 'write' } } },
    }
    expect(permissionProblems(bad, ['tag'])).toEqual([
      'top: permissions {"contents":"write"}',
      'test: permissions "write-all"',
    ])
    expect(permissionProblems({ jobs: {} })).toEqual(['top: permissions undefined'])
  })

  it('take a README block with its final newline, as the file has it', () => {
    const markdown =
      'text\n\n```yaml\na: 1\nb: 2\n```\n\n```sh\nx\n```\n\n````yaml\nc: |\n  ```\n````\n'
    expect(yamlBlocks(markdown)).toEqual(['a: 1\nb: 2\n', 'c: |\n  ```\n'])
  })
})
