// What a runner provides to a step, provided in-process: INPUT_* variables, the workspace, and
// the files outputs, state and the job summary go to, in a private temp dir that the CLI removes
// at the end. RUNNER_TEMP points there too, so the run's own work dir goes with it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Input } from '../step/constants.js'
import { parseFileCommands } from './file-commands.js'
import { inputEnvName, type RunOptions } from './options.js'

export interface RunFiles {
  dir: string
  output: string
  state: string
  summary: string
}

export function prepareEnvironment(
  options: RunOptions,
  env: NodeJS.ProcessEnv = process.env,
): RunFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'extend-azureml-image-cli-'))
  const files: RunFiles = {
    dir,
    output: path.join(dir, 'output'),
    state: path.join(dir, 'state'),
    summary: path.join(dir, 'summary.md'),
  }
  for (const file of [files.output, files.state, files.summary]) fs.writeFileSync(file, '')
  // Inputs and state come from this command line only, never from the calling shell.
  for (const key of Object.keys(env)) {
    if (key.startsWith('INPUT_') || key.startsWith('STATE_')) delete env[key]
  }
  for (const [name, value] of Object.entries(options.inputs)) env[inputEnvName(name)] = value
  // Outside a runner there is no GitHub Actions cache service: without one, caching
  // would only archive the dependencies image (docker save) for nothing. Asked for, it stays on.
  if (options.inputs[Input.Cache] === undefined && !cacheServiceReachable(env))
    env[inputEnvName(Input.Cache)] = 'false'
  env.GITHUB_WORKSPACE = options.workspace
  env.GITHUB_OUTPUT = files.output
  env.GITHUB_STATE = files.state
  env.GITHUB_STEP_SUMMARY = files.summary
  env.RUNNER_TEMP = dir
  if (options.verbose) env.RUNNER_DEBUG = '1'
  return files
}

/** What @actions/cache's isFeatureAvailable() looks for (service v2, then v1). @internal (exported for its unit tests) */
export function cacheServiceReachable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RESULTS_URL || env.ACTIONS_CACHE_URL)
}

/** The post step's view of the state: STATE_<name> variables, as the runner sets them. */
export function provideState(files: RunFiles, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of parseFileCommands(fs.readFileSync(files.state, 'utf8')))
    env[`STATE_${name}`] = value
}

export function readOutputs(files: RunFiles): Map<string, string> {
  return parseFileCommands(fs.readFileSync(files.output, 'utf8'))
}
