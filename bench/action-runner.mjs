// Runs the action as a GitHub runner does (`node dist/index.js` with INPUT_* variables and the
// runner's file commands, then the post step with the saved state), like
// scripts/run-action.mjs, but timed, with every output line stamped as this process receives it,
// and with a pause between main and post to look at the build context before the post step
// removes it.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ACTION_ENTRY, parseFileCommands, postRuns } from '../scripts/run-action.mjs'
import { run } from './proc.mjs'

// Variables a runner sets per job; inherited ones (the benchmark run inside CI) must not leak in.
const RUNNER_PREFIXES = ['INPUT_', 'STATE_', 'GITHUB_', 'ACTIONS_', 'RUNNER_']

function inheritedEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      // DOCKER_BUILDKIT off for both sides: this machine's builder is the legacy one.
      ([key]) =>
        !RUNNER_PREFIXES.some((prefix) => key.startsWith(prefix)) && key !== 'DOCKER_BUILDKIT',
    ),
  )
}

function emptyDir(dir) {
  for (const name of fs.readdirSync(dir))
    fs.rmSync(path.join(dir, name), { recursive: true, force: true })
}

/**
 * One run of the action (`entry`: its dist/index.js, this repository's by default). `runnerTemp`
 * is a fixed folder (the cache version depends on the archive's path, as on a runner); it is
 * emptied afterwards. `inspect(outputs)` runs between main and post and its result is returned
 * as `inspected`.
 */
export async function runAction({
  entry = ACTION_ENTRY,
  inputs,
  workspace,
  runnerTemp,
  env = {},
  inspect,
  post = 'post-if',
}) {
  fs.mkdirSync(runnerTemp, { recursive: true })
  emptyDir(runnerTemp)
  const files = {
    GITHUB_OUTPUT: path.join(runnerTemp, '_output'),
    GITHUB_STATE: path.join(runnerTemp, '_state'),
    GITHUB_STEP_SUMMARY: path.join(runnerTemp, '_summary'),
  }
  for (const file of Object.values(files)) fs.writeFileSync(file, '')
  const mainEnv = {
    ...inheritedEnv(),
    ...files,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    ...env,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  }
  try {
    const main = await run(process.execPath, [entry], { env: mainEnv, detached: true })
    const outputs = parseFileCommands(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8'))
    const state = parseFileCommands(fs.readFileSync(files.GITHUB_STATE, 'utf8'))
    const inspected = main.code === 0 && inspect ? await inspect(outputs) : undefined
    let postRun
    const signal = main.signal ?? null
    if (post === true || (post === 'post-if' && postRuns({ exitCode: main.code, signal }))) {
      fs.writeFileSync(files.GITHUB_STATE, '')
      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
      postRun = await run(process.execPath, [entry], {
        env: { ...mainEnv, ...stateEnv },
        detached: true,
      })
    }
    const metadata = outputs.metadata ? JSON.parse(outputs.metadata) : undefined
    return {
      code: main.code !== 0 ? main.code : (postRun?.code ?? 0),
      startedAt: main.startedAt,
      mainMs: main.ms,
      postMs: postRun?.ms ?? 0,
      ms: main.ms + (postRun?.ms ?? 0),
      lines: main.lines,
      postLines: postRun?.lines ?? [],
      outputs,
      metadata,
      inspected,
    }
  } finally {
    emptyDir(runnerTemp)
  }
}
