// Child processes with timed, line-split output, a docker CLI helper, and the one cleanup list
// the benchmark unwinds on success, on failure and on Ctrl-C/SIGTERM.
import { execFile, spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

// ---- cleanup -----------------------------------------------------------------------------------

const cleanups = []
const running = new Set()

/** Registers `fn` to run at the end (last registered runs first); returns an unregister. */
export function onCleanup(label, fn) {
  const entry = { label, fn }
  cleanups.push(entry)
  return () => {
    const at = cleanups.indexOf(entry)
    if (at >= 0) cleanups.splice(at, 1)
  }
}

let cleaning
let interruptedBy
/** The signal that stopped the run, if one did. */
export const interrupted = () => interruptedBy

export function cleanupAll() {
  cleaning ??= (async () => {
    // Children first: an action or baseline still running owns containers and temp files.
    await Promise.all([...running].map((child) => stopChild(child)))
    while (cleanups.length > 0) {
      const { label, fn } = cleanups.pop()
      try {
        await fn()
      } catch (error) {
        console.error(`[bench] cleanup of ${label} failed: ${error.message}`)
      }
    }
  })()
  return cleaning
}

function signalChild(child, signal) {
  try {
    // A detached child leads its own process group: signal all of it (bash and its docker CLI).
    process.kill(child.eaiGroup ? -child.pid : child.pid, signal)
  } catch {
    // already gone
  }
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  signalChild(child, 'SIGTERM') // the action and the baseline remove their container on SIGTERM
  const timer = setTimeout(() => signalChild(child, 'SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}

/** Ctrl-C / SIGTERM: clean up, then exit. A second signal while cleaning is only reported. */
export function exitOnSignals(log) {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.on(signal, () => {
      if (cleaning) {
        log(`${signal} again: still cleaning up, please wait`)
        return
      }
      interruptedBy = signal
      log(`${signal}: stopping and cleaning up`)
      void cleanupAll().finally(() => process.exit(code))
    })
  }
}

// ---- processes ---------------------------------------------------------------------------------

/** Calls onLine(text, atEpochMs) for each complete line of a stream, stamped when it arrived. */
function splitLines(stream, onLine) {
  let rest = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    const at = Date.now()
    const parts = (rest + chunk).split('\n')
    rest = parts.pop()
    for (const part of parts) onLine(part.replace(/\r$/, ''), at)
  })
  stream.on('end', () => {
    if (rest !== '') onLine(rest, Date.now())
  })
}

/**
 * Runs a command to its end. `detached`: its own process group, so a Ctrl-C in the terminal
 * reaches only the benchmark, which then stops it (`signalGroup`: the whole group) and cleans up. Returns exit code, wall time (spawn to exit, ms) and every output
 * line with the wall-clock time it reached this process.
 */
export function run(
  command,
  args,
  { env, cwd, detached = false, signalGroup = false, onLine } = {},
) {
  return new Promise((resolve, reject) => {
    const lines = []
    const startedAt = Date.now()
    const started = performance.now()
    const child = spawn(command, args, { env, cwd, detached, stdio: ['ignore', 'pipe', 'pipe'] })
    child.eaiGroup = detached && signalGroup
    running.add(child)
    let exitMs
    const record = (stream) => (text, at) => {
      const line = { at, stream, text }
      lines.push(line)
      onLine?.(line)
    }
    splitLines(child.stdout, record('out'))
    splitLines(child.stderr, record('err'))
    child.once('error', (error) => {
      running.delete(child)
      reject(error)
    })
    child.once('exit', () => (exitMs = performance.now() - started))
    child.once('close', (code, signal) => {
      running.delete(child)
      resolve({
        code: code ?? -1,
        signal,
        startedAt,
        ms: exitMs ?? performance.now() - started,
        lines,
      })
    })
  })
}

/** Starts a long-running child that cleanupAll() stops. */
export function start(command, args, options = {}) {
  const child = spawn(command, args, options)
  child.eaiGroup = Boolean(options.detached)
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

export function stop(child) {
  return stopChild(child)
}

/** The last `count` lines of a run, for error messages. */
export function tailOf(result, count = 40) {
  return result.lines
    .slice(-count)
    .map((line) => `    | ${line.text}`)
    .join('\n')
}

// ---- docker ------------------------------------------------------------------------------------

/** docker CLI; `host` targets another daemon. Resolves with trimmed stdout, rejects with stderr. */
export async function docker(args, { host } = {}) {
  const env = { ...process.env }
  if (host) env.DOCKER_HOST = host
  try {
    return (await execFileAsync('docker', args, { env, maxBuffer: 64 * 1024 * 1024 })).stdout.trim()
  } catch (error) {
    throw new Error(`docker ${args.join(' ')}: ${(error.stderr || error.message).trim()}`, {
      cause: error,
    })
  }
}

/** docker, but a failure is only a resolved `undefined` (for cleanup and "is it there?"). */
export function dockerQuiet(args, options) {
  return docker(args, options).catch(() => undefined)
}
