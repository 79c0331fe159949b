// The scoring script check, run alongside the slow stages: started once the base image is in the
// engine, it races the dependencies build, and a failure stops that build at once (its own
// docker command only, by its signal) rather than after apt and pip are done.
import * as core from '@actions/core'
import * as path from 'node:path'
import type { DockerClient, LocalImage } from '../docker/docker.js'
import type { Inputs } from '../inputs/inputs.js'
import type { Leftovers } from '../step/leftovers.js'
import { failureOf, runChecker, type ScriptCheckFailure } from './script-check.js'

export interface ScriptCheck {
  /**
   * What `work` gives, unless the check fails first: then `work`'s signal is aborted, `work`
   * is waited for (so nothing it started is left running), and the check's failure is thrown.
   */
  alongside<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>
  /** Resolves once the check passed (or could not run); rejects with its failure. */
  passed(): Promise<void>
  /**
   * Nothing will be built (the image under the tag is reused): its verdict is not needed and
   * nothing is printed for it. Resolves once its container is gone. The check is let run to its
   * end, not killed: a `docker run` killed while the engine creates its container leaves that
   * container behind, created and never started (seen in CI).
   */
  forget(): Promise<void>
  /** Starts a deferred check (the dependencies are being built after all); else nothing. */
  start(): void
}

const NOTHING_TO_CHECK: ScriptCheck = {
  start: () => undefined,
  alongside: (work) => work(new AbortController().signal),
  passed: async () => undefined,
  forget: async () => undefined,
}

/**
 * `deferred`: the image under the default tag is likely this very build (it exists), so the
 * check waits until something is built (`start`, or `passed`): a reused image starts no check
 * container, which would compete with the smoke test's for the engine (0.4-0.5 s here).
 */
export function startScriptCheck(
  docker: DockerClient,
  leftovers: Leftovers,
  inputs: Pick<Inputs, 'workspace' | 'codeDir' | 'codeSnapshot' | 'entryScript'>,
  base: LocalImage,
  deferred = false,
): ScriptCheck {
  const { codeSnapshot: code, entryScript, codeDir } = inputs
  if (!code || !entryScript || !codeDir) return NOTHING_TO_CHECK
  const codeDirLabel = path.relative(inputs.workspace, codeDir).split(path.sep).join('/') || '.'
  let forgotten = false
  const request = { image: base.id, code, entryScript, codeDirLabel }
  let failure: Promise<ScriptCheckFailure | undefined> | undefined
  let begun: () => void = () => undefined
  const started = new Promise<void>((resolve) => (begun = resolve))
  const start = (): Promise<ScriptCheckFailure | undefined> => {
    if (failure) return failure
    const startedAt = Date.now()
    failure = runChecker(docker, leftovers, request, () => forgotten).then((verdict) => {
      if (!verdict || forgotten) return undefined
      const failed = failureOf(verdict, codeDirLabel)
      if (!failed) {
        core.info(
          `Scoring script checked with the base image's Python ${verdict.python} in ${Date.now() - startedAt} ms: every .py file compiles, init and run are there`,
        )
      }
      return failed
    })
    begun()
    return failure
  }
  if (!deferred) void start()
  return {
    start: () => void start(),
    async alongside(work) {
      const controller = new AbortController()
      const running = work(controller.signal)
      // Never settles when the check passes (or never starts): then only `running` ends the race.
      const failed = started
        .then(start)
        .then((found) => (found ? found : new Promise<never>(() => undefined)))
      const first = await Promise.race([running.then(() => undefined), failed])
      if (first === undefined) return running
      controller.abort(first)
      await running.catch(() => undefined)
      throw first
    },
    async passed() {
      const found = await start()
      if (found) throw found
    },
    async forget() {
      forgotten = true
      await failure
    },
  }
}
