// Builds the candidate in the registry (`az acr build`) and settles how the run ended. The
// client's log stream is not the run: it can crash (a non-ASCII character under an ASCII locale)
// while the run goes on, and it gives up after 30 minutes without a new log line and exits 0
// without saying how the run ended. So only the run's own success line means success, the
// client's final "Run failed" / "Run timed out" / "Run was canceled" means failure, and anything
// else, once the run's id is known, is settled by asking for the run's status until it ends.
import * as core from '@actions/core'
import type { CommandResult } from '../../docker/command.js'
import { startRelay, showFolded } from '../../step/inert-log.js'
import { lastLines } from '../../step/text.js'
import type { AcrBuildRequest } from './az-args.js'
import type { AzClient } from './az.js'

const RUN_QUEUED = /Queued a build with ID: (\S+)/
const RUN_SUCCEEDED = /^Run ID: (\S+) was successful after /
const CLIENT_VERDICTS: Record<string, string> = {
  'Run failed': 'failed',
  'Run timed out': 'timed out (the run reached its timeout in ACR)',
  'Run was canceled': 'was canceled',
}
/** A run in any other status is still going (Queued, Started, Running). */
const FINISHED = ['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout']
const LOG_LINES_IN_MESSAGE = 30

type StreamOutcome =
  | { kind: 'succeeded' }
  | { kind: 'failed'; how: string }
  /** The stream ended without saying how the run ended. */
  | { kind: 'unsettled' }

/** What the client's output says of the run. @internal (exported for its unit tests) */
export function streamOutcome(result: CommandResult, lines: string[]): StreamOutcome {
  if (result.exitCode === 0 && lines.some((line) => RUN_SUCCEEDED.test(line.trim()))) {
    return { kind: 'succeeded' }
  }
  // az prints its error last, on stderr ("Run failed", with or without "ERROR: ").
  const last = result.stderr
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^ERROR: /, ''))
    .filter((line) => line !== '')
    .pop()
  const how = last === undefined ? undefined : CLIENT_VERDICTS[last]
  if (result.exitCode !== 0 && how !== undefined) return { kind: 'failed', how }
  return { kind: 'unsettled' }
}

export interface RunWatch {
  pollMs: number
  sleep(ms: number): Promise<void>
}

const DEFAULT_WATCH: RunWatch = {
  pollMs: 5000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export interface RegistryBuild {
  registry: string
  request: AcrBuildRequest
  /** Told the run's id as soon as az prints it: cancellation must be able to stop the run. */
  onRunId(runId: string): void
}

export async function buildInRegistry(
  az: AzClient,
  build: RegistryBuild,
  watch: RunWatch = DEFAULT_WATCH,
): Promise<string> {
  const recent: string[] = []
  const all: string[] = []
  let runId: string | undefined
  const title = `Build ${build.request.image} in ${build.registry} (ACR Tasks)`
  const result = await core.group(title, async () => {
    const relay = startRelay()
    try {
      return await az.build(build.request, (line) => {
        relay.line(line)
        all.push(line)
        recent.push(line)
        if (recent.length > LOG_LINES_IN_MESSAGE) recent.shift()
        const queued = runId === undefined ? RUN_QUEUED.exec(line) : null
        if (queued) {
          runId = queued[1]
          build.onRunId(runId)
        }
      })
    } finally {
      relay.end()
    }
  })
  const outcome = streamOutcome(result, all)
  if (outcome.kind === 'succeeded' && runId !== undefined) return runId
  if (runId === undefined) {
    throw new Error(
      `az acr build failed before a run was queued in ${build.registry} (exit ${result.exitCode}):\n${lastLines(result.stderr || result.stdout, 15)}`,
    )
  }
  if (outcome.kind === 'failed') {
    throw new Error(
      `The build of ${build.request.image} in ACR ${outcome.how} (run ${runId}; az acr task logs --registry ${build.registry} --run-id ${runId}). The end of its log:\n${recent.join('\n')}`,
    )
  }
  core.warning(
    `The log stream of run ${runId} ended without its result (az exited ${result.exitCode}); following the run by its status every ${watch.pollMs / 1000} s`,
  )
  return followRun(az, build, runId, watch)
}

/** Polls the run until it ends; then shows its whole log, which the stream may have cut short. */
async function followRun(
  az: AzClient,
  build: RegistryBuild,
  runId: string,
  watch: RunWatch,
): Promise<string> {
  let status = await az.runStatus(runId)
  while (!FINISHED.includes(status)) {
    await watch.sleep(watch.pollMs)
    status = await az.runStatus(runId)
  }
  const log = await az.runLogs(runId).catch((error: Error) => `(no log: ${error.message})`)
  await showFolded(`Log of run ${runId} (az acr task logs)`, log)
  if (status === 'Succeeded') return runId
  throw new Error(
    `The build of ${build.request.image} in ACR ended with status ${status} (run ${runId}; az acr task logs --registry ${build.registry} --run-id ${runId}). The end of its log:\n${lastLines(log, LOG_LINES_IN_MESSAGE)}`,
  )
}
