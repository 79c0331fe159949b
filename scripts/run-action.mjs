// Runs the action the way a GitHub runner does: `node dist/index.js` with INPUT_* variables and
// the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then the post step with the
// saved state as STATE_* variables when action.yml's `post-if` says so. Used by the example
// command, the end-to-end tests and the benchmark.
//
//   node scripts/run-action.mjs --input base-image=... --input code-dir=... [--workspace DIR]
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const ACTION_ENTRY = path.join(root, 'dist', 'index.js')
/**
 * The node that runs the action: this one, or ACTION_NODE (the test command sets it to a Node 24,
 * the runtime GitHub gives `using: node24`, to run the same tests again on it).
 */
export const ACTION_NODE = process.env.ACTION_NODE || process.execPath

/**
 * Whether the runner runs the post step after this main step, from action.yml's `post-if`
 * (none: always). Only `always()` and `failure() || cancelled()` are understood; any other is an
 * error, not a guess. This models the step's own result, while the runner evaluates post-if
 * against the job's status (a later failing step, or continue-on-error, changes it).
 */
export function postRuns(main) {
  const condition = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')).runs['post-if']
  const failedOrCancelled = main.exitCode !== 0 || Boolean(main.signal)
  if (condition === undefined || condition === 'always()') return true
  if (condition === 'failure() || cancelled()') return failedOrCancelled
  throw new Error(`run-action does not understand post-if: ${condition}`)
}

/** Parses a runner file-command file (`name<<DELIMITER` ... `DELIMITER`, or `name=value`). */
export function parseFileCommands(text) {
  const values = {}
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[index])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body = []
      while (++index < lines.length && lines[index] !== delimiter) body.push(lines[index])
      values[name] = body.join('\n')
    } else if (lines[index].includes('=')) {
      const at = lines[index].indexOf('=')
      values[lines[index].slice(0, at)] = lines[index].slice(at + 1)
    }
  }
  return values
}

function runNode(entry, env, { onSpawn, echo }) {
  return new Promise((resolve) => {
    const child = spawn(ACTION_NODE, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      if (echo) process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (echo) process.stderr.write(chunk)
    })
    child.on('close', (code, signal) => resolve({ exitCode: code ?? -1, signal, stdout, stderr }))
  })
}

/**
 * Runs main then post. `inputs` maps input names to values; `env` adds variables. Returns the
 * exit codes, the logs, the outputs, the saved state and the summary.
 */
export async function runAction({
  inputs = {},
  workspace,
  env = {},
  onSpawn,
  echo = false,
  post = 'post-if',
  runnerTemp: givenRunnerTemp,
} = {}) {
  // A runner's temp dir has the same path on every run; pass one to model that (the cache
  // version depends on it). It is emptied, not removed, afterwards.
  const runnerTemp = givenRunnerTemp ?? fs.mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'))
  fs.mkdirSync(runnerTemp, { recursive: true })
  const files = {
    GITHUB_OUTPUT: path.join(runnerTemp, '_output'),
    GITHUB_STATE: path.join(runnerTemp, '_state'),
    GITHUB_STEP_SUMMARY: path.join(runnerTemp, '_summary'),
  }
  for (const file of Object.values(files)) fs.writeFileSync(file, '')
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('INPUT_') && !key.startsWith('STATE_'),
    ),
  )
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  )
  const mainEnv = {
    ...base,
    ...files,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace ?? process.cwd(),
    ...env,
    ...inputEnv,
  }
  try {
    const main = await runNode(ACTION_ENTRY, mainEnv, { onSpawn, echo })
    const state = parseFileCommands(fs.readFileSync(files.GITHUB_STATE, 'utf8'))
    const outputs = parseFileCommands(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8'))
    const summary = fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
    let postResult
    if (post === true || (post === 'post-if' && postRuns(main))) {
      const stateEnv = Object.fromEntries(
        Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]),
      )
      fs.writeFileSync(files.GITHUB_STATE, '')
      postResult = await runNode(ACTION_ENTRY, { ...mainEnv, ...stateEnv }, { echo })
    }
    const leftInTemp = fs.readdirSync(runnerTemp).filter((name) => !name.startsWith('_'))
    return { main, post: postResult, outputs, state, summary, runnerTemp, leftInTemp }
  } finally {
    if (givenRunnerTemp === undefined) fs.rmSync(runnerTemp, { recursive: true, force: true })
    else
      for (const name of fs.readdirSync(runnerTemp))
        fs.rmSync(path.join(runnerTemp, name), { recursive: true, force: true })
  }
}

async function cli(argv) {
  const inputs = {}
  let workspace
  for (let index = 0; index < argv.length; index++) {
    if (argv[index] === '--input') {
      const pair = argv[++index]
      const at = pair.indexOf('=')
      inputs[pair.slice(0, at)] = pair.slice(at + 1)
    } else if (argv[index] === '--workspace') {
      workspace = path.resolve(argv[++index])
    } else {
      throw new Error(`unknown argument ${argv[index]}`)
    }
  }
  const result = await runAction({ inputs, workspace, echo: true })
  console.log('\nOutputs:')
  for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name}: ${value}`)
  process.exitCode = result.main.exitCode
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await cli(process.argv.slice(2))
}
