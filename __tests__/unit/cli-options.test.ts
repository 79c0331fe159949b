// The CLI's command line and the runner environment it provides in-process: every action input is
// an option (from the Input enum), values reach core.getInput and src/inputs/inputs.ts unchanged, the
// state saved by the main step reaches the post step as STATE_* variables.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  cacheServiceReachable,
  prepareEnvironment,
  provideState,
  readOutputs,
  type RunFiles,
} from '../../src/cli/environment.js'
import { parseFileCommands } from '../../src/cli/file-commands.js'
import {
  CLI_OPTIONS,
  closestOption,
  helpText,
  inputEnvName,
  inputNames,
  parseCommandLine,
  UsageError,
  type RunOptions,
} from '../../src/cli/options.js'
import { Input } from '../../src/step/constants.js'
import { getInputs } from '../../src/inputs/inputs.js'

const CWD = os.tmpdir()

function runOptions(argv: string[], cwd = CWD): RunOptions {
  const command = parseCommandLine(argv, cwd)
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`)
  return command.options
}

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv, CWD)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error(`${argv.join(' ')} was accepted`)
}

describe('parseCommandLine', () => {
  it('has one option per action input, named as the input', () => {
    for (const name of Object.values(Input)) {
      expect(runOptions([`--${name}`, 'value']).inputs).toEqual({ [name]: 'value' })
    }
    expect(inputNames()).toEqual(Object.values(Input))
  })

  it('no input shares its name with an option of the CLI', () => {
    for (const name of Object.keys(CLI_OPTIONS)) expect(inputNames()).not.toContain(name)
  })

  it('passes values as given, --name=value too, and leaves out what was not given', () => {
    const options = runOptions([
      '--base-image',
      'mcr.microsoft.com/azureml/minimal-py312-inference:latest',
      '--smoke-test=false',
      '--expected-response',
      '{"a": [1, 2]}',
      '--apt-packages',
      '',
    ])
    expect(options.inputs).toEqual({
      'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest',
      'smoke-test': 'false',
      'expected-response': '{"a": [1, 2]}',
      'apt-packages': '',
    })
    expect(options.verbose).toBe(false)
    expect(options.summary).toBeUndefined()
  })

  it('joins a repeated option into a multi-line value, as a YAML block would', () => {
    expect(runOptions(['--env', 'A=1', '--env', 'B=two words']).inputs.env).toBe('A=1\nB=two words')
  })

  it('resolves the workspace and the summary file against the current directory', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-options-'))
    try {
      fs.mkdirSync(path.join(cwd, 'app'))
      expect(runOptions([], cwd).workspace).toBe(cwd)
      const options = runOptions(['--workspace', 'app', '--summary', 'out/summary.md'], cwd)
      expect(options.workspace).toBe(path.join(cwd, 'app'))
      expect(options.summary).toBe(path.join(cwd, 'out/summary.md'))
      expect(usageError(['--workspace', path.join(cwd, 'missing')])).toMatch(
        /--workspace: .*missing is not a directory/,
      )
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  })

  it('answers --help and -h with the help', () => {
    expect(parseCommandLine(['--help'], CWD)).toEqual({ kind: 'help' })
    expect(parseCommandLine(['-h', '--base-image', 'x'], CWD)).toEqual({ kind: 'help' })
  })

  it.each([
    [['--base_image', 'x'], /^unknown option --base_image \(did you mean --base-image\?\)$/],
    [['--frobnicate'], /^unknown option --frobnicate$/],
    [['--base-image'], /--base-image <value>' argument missing/],
    [['--base-image', '--tags', 'x'], /argument is ambiguous/],
    [['build.Dockerfile'], /Unexpected argument 'build.Dockerfile'/],
    [['--verbose=yes'], /--verbose' does not take an argument/],
  ])('refuses %j', (argv, message) => {
    expect(usageError(argv)).toMatch(message)
  })
})

describe('closestOption', () => {
  it('suggests a near name only', () => {
    expect(closestOption('--entry_script', inputNames())).toBe('--entry-script')
    expect(closestOption('--smoketest', inputNames())).toBe('--smoke-test')
    expect(closestOption('--docker', inputNames())).toBeUndefined()
  })
})

describe('helpText', () => {
  it('lists every input and the options of the CLI, and points to the README', () => {
    const help = helpText()
    for (const name of Object.values(Input)) expect(help).toContain(`--${name}`)
    for (const name of Object.keys(CLI_OPTIONS)) expect(help).toContain(`--${name}`)
    expect(help).toContain('Inputs table in the README')
    for (const line of helpText(60)
      .split('\n')
      .filter((line) => line.startsWith('  --')))
      expect(line.length).toBeLessThanOrEqual(100)
  })
})

describe('the runner environment, in-process', () => {
  const saved = { ...process.env }
  let files: RunFiles | undefined

  afterEach(() => {
    if (files) fs.rmSync(files.dir, { recursive: true, force: true })
    files = undefined
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  })

  it('names the variables as the runner does, and core.getInput reads them', () => {
    expect(inputEnvName('base-image')).toBe('INPUT_BASE-IMAGE')
    expect(inputEnvName('some input')).toBe('INPUT_SOME_INPUT')
    files = prepareEnvironment(runOptions(['--apt-packages', 'curl jq', '--smoke-test', 'no']))
    expect(core.getInput(Input.AptPackages)).toBe('curl jq')
    expect(core.getInput(Input.SmokeTest)).toBe('no')
  })

  it('drops INPUT_* and STATE_* variables of the calling shell', () => {
    process.env.INPUT_TAGS = 'from-the-shell:1'
    process.env.STATE_containers = '["x"]'
    files = prepareEnvironment(runOptions(['--base-image', 'x']))
    expect(process.env.INPUT_TAGS).toBeUndefined()
    expect(process.env.STATE_containers).toBeUndefined()
  })

  it('gives src/inputs/inputs.ts what a workflow would: same values, same rules', () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-workspace-'))
    try {
      files = prepareEnvironment(
        runOptions(
          ['--base-image', 'base:1', '--smoke-test', 'false', '--tags', 'a:1', '--tags', 'b:2'],
          workspace,
        ),
      )
      const inputs = getInputs()
      expect(inputs).toMatchObject({
        workspace: fs.realpathSync(workspace),
        baseImage: 'base:1',
        smokeTest: false,
        tags: ['a:1', 'b:2'],
      })
      fs.rmSync(files.dir, { recursive: true, force: true })
      files = prepareEnvironment(runOptions(['--base-image', 'base:1', '--smoke-test', 'maybe']))
      expect(() => getInputs()).toThrow(/Input 'smoke-test' must be true or false, got "maybe"/)
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true })
    }
  })

  it('points the file commands and RUNNER_TEMP at a private temp dir', () => {
    files = prepareEnvironment(runOptions(['--base-image', 'x']))
    expect(process.env.GITHUB_OUTPUT).toBe(files.output)
    expect(process.env.GITHUB_STATE).toBe(files.state)
    expect(process.env.GITHUB_STEP_SUMMARY).toBe(files.summary)
    expect(process.env.RUNNER_TEMP).toBe(files.dir)
    expect(process.env.GITHUB_WORKSPACE).toBe(CWD)
    expect(fs.statSync(files.dir).mode & 0o077).toBe(0)
    core.setOutput('image', 'eai:1')
    core.setOutput('tags', 'eai:1\neai:latest')
    expect(readOutputs(files)).toEqual(
      new Map([
        ['image', 'eai:1'],
        ['tags', 'eai:1\neai:latest'],
      ]),
    )
  })

  it('hands the state saved by the main step to the post step as STATE_* variables', () => {
    files = prepareEnvironment(runOptions(['--base-image', 'x']))
    core.saveState('containers', JSON.stringify(['extend-azureml-image-1-abc']))
    core.saveState('workDirs', '["/tmp/a"]')
    expect(core.getState('containers')).toBe('')
    provideState(files)
    expect(core.getState('containers')).toBe('["extend-azureml-image-1-abc"]')
    expect(core.getState('workDirs')).toBe('["/tmp/a"]')
  })

  it('turns the cache off where there is no cache service, unless asked for', () => {
    delete process.env.ACTIONS_RESULTS_URL
    delete process.env.ACTIONS_CACHE_URL
    files = prepareEnvironment(runOptions(['--base-image', 'x']))
    expect(core.getInput(Input.Cache)).toBe('false')
    fs.rmSync(files.dir, { recursive: true, force: true })
    files = prepareEnvironment(runOptions(['--base-image', 'x', '--cache', 'true']))
    expect(core.getInput(Input.Cache)).toBe('true')
    expect(cacheServiceReachable({ ACTIONS_RESULTS_URL: 'https://results' })).toBe(true)
    expect(cacheServiceReachable({})).toBe(false)
  })
})

describe('parseFileCommands', () => {
  it('reads heredoc blocks and name=value lines', () => {
    const text =
      'image<<ghadelimiter_1\neai:1\nghadelimiter_1\nplain=a=b\nmulti<<EOF\nx\n\ny\nEOF\n'
    expect(parseFileCommands(text)).toEqual(
      new Map([
        ['image', 'eai:1'],
        ['plain', 'a=b'],
        ['multi', 'x\n\ny'],
      ]),
    )
  })
})
