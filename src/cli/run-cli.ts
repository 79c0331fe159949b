// The CLI's one run: the action's main step (run() from src/main.ts) and then its post step
// (cleanup() from src/post.ts), in this process, with the runner's environment provided by
// environment.ts and the workflow commands on stdout rendered for a terminal or a log file.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DockerCli } from '../docker/docker.js'
import { run } from '../main.js'
import { cleanup } from '../post.js'
import { CONTAINER_LOG_GROUP } from '../smoke-test/smoke-test.js'
import { captureWrites } from './capture.js'
import { prepareEnvironment, provideState, readOutputs, type RunFiles } from './environment.js'
import { inertUnderRunner } from './inert-under-runner.js'
import { helpText, parseCommandLine, PROGRAM, UsageError, type RunOptions } from './options.js'
import { outputsBlock } from './outputs-block.js'
import { formatDuration, Renderer } from './render.js'
import { colorEnabled } from './style.js'
import { passVerdict } from './verdict.js'

/** @internal (exported for its unit tests) */
export const EXIT = { passed: 0, failed: 1, usage: 2 } as const

/** Lines of the build log followed on a terminal, above the status line. */
const BUILD_TAIL_LINES = 5

export async function runCli(argv: string[], cwd = process.cwd()): Promise<number> {
  let command
  try {
    command = parseCommandLine(argv, cwd)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`${PROGRAM}: ${error.message}\nRun '${PROGRAM} --help' for the options.\n`)
    return EXIT.usage
  }
  if (command.kind === 'help') {
    process.stdout.write(helpText(process.stdout.columns || 80))
    return EXIT.passed
  }
  return runPipelineHere(command.options, cwd)
}

async function runPipelineHere(options: RunOptions, cwd: string): Promise<number> {
  // Before anything is printed; ended after the last line (finish()).
  const endInertSpan = inertUnderRunner((text) => process.stdout.write(text))
  const files = prepareEnvironment(options)
  const renderer = new Renderer({
    out: (text) => capture.original(text),
    err: (text) => process.stderr.write(text),
    color: { out: colorEnabled(process.stdout), err: colorEnabled(process.stderr) },
    verbose: options.verbose,
    progress: process.stdout.isTTY === true,
    // --verbose shows everything as it comes; otherwise the build is followed in a few lines
    // on a terminal, and the container log is shown only if the run fails.
    tailLines: options.verbose ? 0 : BUILD_TAIL_LINES,
    holdGroup: options.verbose
      ? undefined
      : (title) => title.startsWith(`${CONTAINER_LOG_GROUP} (`),
    columns: () => process.stdout.columns || 80,
    resolveFile: (file) => path.relative(cwd, path.resolve(options.workspace, file)) || file,
  })
  const capture = captureWrites(process.stdout, (text) => renderer.write(text))

  // main.ts ends the process itself on SIGINT/SIGTERM (after stopping docker and removing the
  // container); whichever way the process ends, the screen is tidied and the temp dir goes.
  let finished = false
  const finish = (): void => {
    if (finished) return
    finished = true
    renderer.finish()
    capture.restore()
    fs.rmSync(files.dir, { recursive: true, force: true })
    endInertSpan()
  }
  process.once('exit', finish)
  // Outside run() (which has its own handler), a signal ends the CLI at once.
  let pipelineRunning = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!pipelineRunning) process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const started = Date.now()
  try {
    renderer.startTicking()
    pipelineRunning = true
    try {
      // The host may be macOS or Windows: the engine's OS is what is checked (docker.ts).
      await run(new DockerCli(), { requireLinuxRunner: false })
    } finally {
      pipelineRunning = false
    }
    // run() reports a failure the way a step does: the error annotation and the exit code.
    const failed = Number(process.exitCode ?? 0) !== 0
    process.exitCode = undefined

    provideState(files)
    await cleanup()

    if (!failed) renderer.discardHeld()
    const outputs = readOutputs(files)
    for (const line of outputsBlock(outputs, options.verbose, renderer.styles.out))
      renderer.print(line)
    if (options.summary) copySummary(files, options.summary, renderer)
    const took = formatDuration(Date.now() - started)
    if (failed) {
      const style = renderer.styles.err
      renderer.print(style.red(`${PROGRAM}: failed after ${took}`), 'err')
      return EXIT.failed
    }
    renderer.print(renderer.styles.out.green(`${PROGRAM}: passed in ${took}`))
    for (const line of passVerdict(outputs)) renderer.print(`  ${line}`)
    return EXIT.passed
  } finally {
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('exit', finish)
    finish()
  }
}

function copySummary(files: RunFiles, target: string, renderer: Renderer): void {
  try {
    fs.copyFileSync(files.summary, target)
    renderer.print(`Job summary written to ${target}`)
  } catch (error) {
    const style = renderer.styles.err
    renderer.print(
      `${style.yellow('warning:')} could not write the job summary to ${target}: ${(error as Error).message}`,
      'err',
    )
  }
}
