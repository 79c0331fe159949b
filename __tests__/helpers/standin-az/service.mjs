// The stand-in's "ACR agent" for one run (started by az.mjs, detached, in a process group of its
// own): builds the uploaded context with the test's second Docker engine, pushes to the
// loopback registry, and writes the run's log and status as ACR Tasks does. It outlives the
// client, as a real run outlives a broken log stream; `az acr task cancel-run` kills its group.
//   node service.mjs <state dir> <run id>
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'

const [stateDir, runId] = process.argv.slice(2)
const runs = path.join(stateDir, 'runs')
const runFile = path.join(runs, `${runId}.json`)
const logFile = path.join(runs, `${runId}.log`)
const started = Date.now()
// A run left stalled by a test that died stops by itself (ACR's own timeout is 8 hours).
const MAX_LIFETIME_MS = 10 * 60_000
setTimeout(() => finish('Timeout', 'failed', 'context deadline exceeded'), MAX_LIFETIME_MS).unref()

const readRun = () => JSON.parse(fs.readFileSync(runFile, 'utf8'))
function writeRun(fields) {
  const next = { ...readRun(), ...fields }
  fs.writeFileSync(`${runFile}.${process.pid}`, JSON.stringify(next))
  fs.renameSync(`${runFile}.${process.pid}`, runFile)
}

const stamp = () => new Date().toISOString().replace('T', ' ').slice(0, 19).replace(/-/g, '/')
const log = (line) => fs.appendFileSync(logFile, `${stamp()} ${line}\n`)
const raw = (text) => fs.appendFileSync(logFile, text)
const elapsed = () => `${Math.max(1, Math.round((Date.now() - started) / 1000))}s`

function finish(status, how, error) {
  raw(
    status === 'Succeeded'
      ? `\nRun ID: ${runId} was successful after ${elapsed()}\n`
      : `\nRun ID: ${runId} ${how} after ${elapsed()}. Error: ${error}\n`,
  )
  writeRun({ status, finishTime: new Date().toISOString() })
  process.exit(0)
}

function docker(args) {
  return new Promise((resolve) => {
    const child = spawn('docker', args, {
      env: {
        ...process.env,
        DOCKER_HOST: process.env.STANDIN_AZ_DOCKER_HOST,
        DOCKER_BUILDKIT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const take = (chunk) => {
      output += chunk
      raw(chunk)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    child.on('close', (code) => resolve({ code, output }))
  })
}

async function main() {
  const run = readRun()
  writeRun({ status: 'Running', pid: process.pid, startTime: new Date().toISOString() })
  log('Downloading source code...')
  log('Finished downloading source code')
  log(`Using acb_vol_${runId} as the home volume`)
  log('Setting up Docker configuration...')
  log('Successfully set up Docker configuration')
  log(`Logging in to registry: ${run.loginServer}`)
  log('Successfully logged in')
  log(
    "Executing step ID: build. Timeout(sec): 28800, Working directory: '', Network: 'acb_default_network'",
  )
  // A line no ASCII-only stdout can print (pip's own progress bars are of this kind).
  log('Scanning for dependencies… ✓')
  if (run.fault === 'stall') {
    log('Obtaining source code and scanning for dependencies...')
    await new Promise(() => undefined) // prints nothing more, and never ends
  }
  if (run.fault === 'run-failed') {
    log('failed to run step ID: build: exit status 1')
    finish('Failed', 'failed', 'failed during run, err: exit status 1')
  }
  if (run.fault === 'timeout') finish('Timeout', 'failed', 'context deadline exceeded')
  if (run.fault === 'canceled') finish('Canceled', 'was canceled', 'the run was canceled')
  const references = run.images.map((image) => `${run.loginServer}/${image}`)
  const built = await docker([
    'build',
    // The agent's network: the test's package index listens on this machine's loopback.
    '--network',
    'host',
    '-f',
    path.join(run.context, run.dockerfile),
    ...references.flatMap((reference) => ['-t', reference]),
    ...run.buildArgs.flatMap((arg) => ['--build-arg', arg]),
    run.context,
  ])
  if (built.code !== 0) {
    log('failed to run step ID: build: exit status 1')
    finish('Failed', 'failed', 'failed during run, err: exit status 1')
  }
  log('Successfully executed container: build')
  for (const reference of run.push ? references : []) {
    log(`Pushing image: ${reference}, attempt 1`)
    const pushed = await docker(['push', reference])
    if (pushed.code !== 0) finish('Failed', 'failed', `failed to push image ${reference}`)
    log(`Successfully pushed image: ${reference}`)
  }
  log('Step ID: build marked as successful')
  fs.rmSync(run.context, { recursive: true, force: true })
  finish('Succeeded')
}

main().catch((error) => finish('Error', 'failed', String(error)))
