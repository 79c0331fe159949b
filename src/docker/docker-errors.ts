// What docker's own words mean for the user: which pull and push failures are worth a retry,
// and what to try when a pull or a build fails. Pure, so each reading is pinned by a table test.
import { stripVTControlCharacters } from 'node:util'
import { Input } from '../step/constants.js'
import type { CommandResult } from './command.js'

/** The input value a build failure is about. */
export interface Culprit {
  input: Input.AptPackages | Input.Requirements
  value: string
}

/** A failed `docker build` whose log names the input value at fault. */
export class BuildFailure extends Error {
  constructor(
    message: string,
    readonly culprit?: Culprit,
  ) {
    super(message)
    this.name = 'BuildFailure'
  }
}

export type PullFailure = 'not-found' | 'denied' | 'transient' | 'other'

const NOT_FOUND = /not found|name unknown|manifest unknown|repository does not exist|no such image/i
const DENIED = /denied|unauthorized|authentication required|forbidden/i
// Network and registry trouble that may pass: connection-level errors, rate limits, 5xx.
const TRANSIENT =
  /timeout|timed out|connection reset|connection refused|network is unreachable|no route to host|no such host|temporary failure|too many requests|toomanyrequests|\b50[0234] (?:Internal|Bad Gateway|Service Unavailable|Gateway)|\bEOF\b/i

export function classifyPullFailure(output: string): PullFailure {
  // Docker Hub answers "pull access denied ... does not exist or may require 'docker login'"
  // for both: the denial is the part worth acting on.
  if (DENIED.test(output)) return 'denied'
  if (NOT_FOUND.test(output)) return 'not-found'
  if (TRANSIENT.test(output)) return 'transient'
  return 'other'
}

export type PushFailure = 'denied' | 'transient' | 'other'

// Registries that want a login say so in several ways; ECR and ACR say "no basic auth credentials".
const PUSH_DENIED = new RegExp(
  `${DENIED.source}|no basic auth credentials|insufficient_scope`,
  DENIED.flags,
)

export function classifyPushFailure(output: string): PushFailure {
  if (PUSH_DENIED.test(output)) return 'denied'
  if (TRANSIENT.test(output)) return 'transient'
  return 'other'
}

const PULL_ADVICE: Record<PullFailure, string> = {
  'not-found': `the registry has no such image. Check the name and tag in '${Input.BaseImage}'`,
  denied: `the registry refused access. Log in to it before this step (docker/login-action), or check the name in '${Input.BaseImage}'`,
  transient: `the registry could not be reached. Check the runner's network, proxy and DNS, or try again later`,
  other: `check '${Input.BaseImage}' and the Docker engine`,
}

export function pullFailureMessage(
  reference: string,
  kind: PullFailure,
  attempts: number,
  output: string,
): string {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  return `Pulling base image ${reference} failed${tries}: ${PULL_ADVICE[kind]}. docker said:\n${output}`
}

interface BuildAdvice {
  advice: string
  culprit?: Culprit
}

// The first match decides; each names what failed and what to try.
const BUILD_ADVICE: [RegExp, (match: RegExpExecArray) => string | BuildAdvice][] = [
  [
    /no space left on device/i,
    () =>
      'the Docker engine ran out of disk space (no space left on device). Free space on the runner (docker system prune, docker builder prune), use a runner with a larger disk, or make model-dir smaller',
  ],
  [
    /Unable to locate package (\S+)|Version '[^']*' for '([^']+)' was not found/,
    (match) => ({
      advice: `apt has no package "${match[1] ?? match[2]}". Check '${Input.AptPackages}' against the base image's distribution`,
      culprit: { input: Input.AptPackages, value: match[1] ?? match[2] },
    }),
  ],
  [
    /Release '([^']+)' for '([^']+)' was not found/,
    (match) => ({
      advice: `the base image's apt sources have no release "${match[1]}" for "${match[2]}". Check '${Input.AptPackages}': a /release must be a suite or codename of the image's distribution`,
      culprit: { input: Input.AptPackages, value: `${match[2]}/${match[1]}` },
    }),
  ],
  [
    /No matching distribution found for (\S+)|Could not find a version that satisfies the requirement (\S+)/,
    (match) => ({
      advice: `pip could not resolve "${match[1] ?? match[2]}". Check '${Input.Requirements}' and '${Input.PipIndexUrl}' (an index on the runner's loopback needs '${Input.Network}: host')`,
      culprit: { input: Input.Requirements, value: match[1] ?? match[2] },
    }),
  ],
  [
    /Temporary failure resolving|Could not resolve host|Failed to establish a new connection|Network is unreachable/i,
    () =>
      `a RUN step could not reach the network. Check the runner's network and proxy, or the '${Input.Network}' input`,
  ],
  [
    /Cannot connect to the Docker daemon|error during connect|connection reset by peer|unexpected EOF/i,
    () =>
      'the Docker engine stopped answering during the build. Check that it is running and try again',
  ],
  [
    /returned a non-zero code: 137|exit code: 137/,
    () => 'a RUN step was killed (exit 137, usually out of memory). Use a runner with more memory',
  ],
]

/** A failed build as an error that says what to try and names the input value at fault. */
export function buildFailure(title: string, result: CommandResult, logEnd: string[]): BuildFailure {
  // The legacy builder colours a RUN step's stderr on some clients: an annotation shows the
  // escape codes as text, and they split apt's "E: ..." lines.
  const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`)
  let found: BuildAdvice | undefined
  if (result.signal !== undefined) {
    found = {
      advice: `docker build was stopped by ${result.signal} before it finished (killed: out of memory, a timeout or a cancellation). Try again; nothing was tagged`,
    }
  } else {
    for (const [pattern, describe] of BUILD_ADVICE) {
      const match = pattern.exec(output)
      if (match) {
        const described = describe(match)
        found = typeof described === 'string' ? { advice: described } : described
        break
      }
    }
  }
  const exit =
    result.signal !== undefined
      ? `signal ${result.signal}, exit ${result.exitCode}`
      : `exit ${result.exitCode}`
  return new BuildFailure(
    `docker build failed (${title}, ${exit})${found ? `: ${found.advice}` : ''}. End of the build log:\n${stripVTControlCharacters(logEnd.join('\n'))}`,
    found?.culprit,
  )
}
