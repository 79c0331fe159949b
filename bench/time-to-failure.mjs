// Time to failure: how soon a typo in the scoring script fails the step while apt and pip still
// have minutes of work, against a full cold build of the same inputs with the typo fixed (issue
// "Fail in seconds, with the reason"). The example (examples/minimal: libgomp1 from apt,
// tinylinear from the local index) plus a requirement whose setup.py sleeps, standing in for a
// heavy pip install. The base image is in the engine from the start, so the step's whole time
// bounds the time from "base image present" to the failure. Runs alone, on dist/:
//
//   node bench/time-to-failure.mjs [--sleep-seconds 20] [--json results.json]
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runAction } from '../scripts/run-action.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const EXAMPLE = path.join(ROOT, 'examples/minimal')
const BASE = 'azureml-standin/minimal-inference:latest'
const TARGET_MS = 2000

const { values: args } = parseArgs({
  options: { 'sleep-seconds': { type: 'string', default: '20' }, json: { type: 'string' } },
})
const sleepSeconds = Number(args['sleep-seconds'])

function startIndex() {
  const child = spawn(
    'python3',
    [
      path.join(ROOT, 'scripts/local-pypi.py'),
      '--packages',
      path.join(EXAMPLE, '..', 'packages'),
      '--max-seconds',
      '1800',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  )
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`local index exited with ${code}`)))
    createInterface({ input: child.stdout }).once('line', (url) =>
      resolve({ url, stop: () => child.kill() }),
    )
  })
}

/** A workspace with the example, the slow requirement, and the entry script given. */
function workspace(nonce, scoreSource) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-ttf-'))
  fs.cpSync(EXAMPLE, dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'code/score.py'), scoreSource)
  fs.mkdirSync(path.join(dir, 'slowpkg'))
  fs.writeFileSync(
    path.join(dir, 'slowpkg/setup.py'),
    `import time\nfrom setuptools import setup\ntime.sleep(${sleepSeconds})  # ${nonce}\nsetup(name="slowpkg", version="1.0", py_modules=[])\n`,
  )
  fs.appendFileSync(path.join(dir, 'requirements.txt'), './slowpkg\n')
  return dir
}

async function timedRun(dir, index, tag) {
  const inputs = {
    'base-image': BASE,
    'apt-packages': 'libgomp1',
    requirements: 'requirements.txt',
    'code-dir': 'code',
    'entry-script': 'score.py',
    'model-dir': 'model',
    'pip-index-url': index.url,
    network: 'host',
    tags: tag,
    cache: 'false',
    'sample-request': 'sample-request.json',
  }
  const started = performance.now()
  const run = await runAction({ inputs, workspace: dir })
  return { run, ms: Math.round(performance.now() - started) }
}

const index = await startIndex()
const nonce = randomBytes(6).toString('hex')
const good = fs.readFileSync(path.join(EXAMPLE, 'code/score.py'), 'utf8')
const typo = good.replace('def run(raw_data):', 'def run(raw_data)') // a missing colon
const tag = `eai-bench-ttf-${nonce}:latest`
const dirs = [workspace(nonce, typo), workspace(nonce, good)]
const images = [tag]
try {
  const failed = await timedRun(dirs[0], index, tag)
  if (
    failed.run.main.exitCode !== 1 ||
    !/::error .*file=code\/score\.py,line=\d+/.test(failed.run.main.stdout)
  )
    throw new Error(
      `the run with the typo did not fail on score.py:\n${failed.run.main.stdout.slice(-3000)}`,
    )
  const cold = await timedRun(dirs[1], index, tag)
  if (cold.run.main.exitCode !== 0)
    throw new Error(`the cold build failed:\n${cold.run.main.stdout.slice(-3000)}`)
  // The dependencies image it built: removed with the tag, so a next run is cold again.
  images.push(
    ...new Set(
      cold.run.main.stdout.match(/extend-azureml-image\/dependencies:[0-9a-f]{32}/g) ?? [],
    ),
  )
  const ratio = failed.ms / cold.ms
  const row = {
    timeToFailureMs: failed.ms,
    coldBuildMs: cold.ms,
    ratio: Number(ratio.toFixed(3)),
    targetMs: TARGET_MS,
    pipSleepSeconds: sleepSeconds,
  }
  console.log(
    `time to failure (syntax error, slow dependencies): ${(failed.ms / 1000).toFixed(1)} s vs full cold build ${(cold.ms / 1000).toFixed(1)} s = ${ratio.toFixed(3)} (target: the failure within ${TARGET_MS / 1000} s of the base image; here the whole step, node start-up included)`,
  )
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(row, null, 2)}\n`)
} finally {
  index.stop()
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
  await new Promise((resolve) =>
    spawn('docker', ['image', 'rm', ...images], { stdio: 'ignore' }).once('exit', resolve),
  )
}
