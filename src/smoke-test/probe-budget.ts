// How long a deployment gives its container to start. Azure ML probes GET / (the images serve no
// separate readiness route, see the contract page) from `initial_delay` on, every `period`, and
// gives up after `failure_threshold` failures in a row. One formula for both probes:
//
//   budget = initial_delay + failure_threshold x period
//
// A container not live by its liveness budget is restarted (and starts over, so it never
// serves); one not ready by its readiness budget is marked unready and never gets traffic. The
// smoke test holds the start-up to the smaller of the two, and each GET / to the probe's timeout.
import type { DeploymentSettings, ProbeSettings } from '../inputs/deployment-file.js'

export interface ProbeBudget {
  probe: 'liveness' | 'readiness'
  seconds: number
  /** "10 s + 30 x 10 s = 310 s (deployment.yml)" */
  arithmetic: string
  /** How long one GET / may take: the smaller of the two probes' timeouts. */
  requestTimeoutSeconds: number
}

/** @internal (exported for its unit tests) */
export function budgetSeconds(probe: ProbeSettings): number {
  return probe.initialDelay + probe.failureThreshold * probe.period
}

function budgetOf(
  kind: ProbeBudget['probe'],
  probe: ProbeSettings,
  deployment: DeploymentSettings,
): ProbeBudget {
  const seconds = budgetSeconds(probe)
  return {
    probe: kind,
    seconds,
    arithmetic: `${probe.initialDelay} s + ${probe.failureThreshold} x ${probe.period} s = ${seconds} s (${deployment.file})`,
    requestTimeoutSeconds: Math.min(
      deployment.livenessProbe.timeout,
      deployment.readinessProbe.timeout,
    ),
  }
}

/** The budget that ends first (liveness on a tie: the restart is the worse outcome). */
export function startupBudget(deployment: DeploymentSettings): ProbeBudget {
  const liveness = budgetOf('liveness', deployment.livenessProbe, deployment)
  const readiness = budgetOf('readiness', deployment.readinessProbe, deployment)
  return readiness.seconds < liveness.seconds ? readiness : liveness
}

const secondsText = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

function consequence(budget: ProbeBudget): string {
  return budget.probe === 'liveness'
    ? 'the platform restarts a container that is not live by then'
    : 'a container not ready by then never gets traffic'
}

/** Why a server live after `liveAfterMs` fails its deployment; undefined when it is in time. */
export function overBudget(liveAfterMs: number, budget: ProbeBudget): string | undefined {
  if (liveAfterMs <= budget.seconds * 1000) return undefined
  const state = budget.probe === 'liveness' ? 'live' : 'ready'
  return `${state} after ${secondsText(liveAfterMs)}; the ${budget.probe} probe allows ${budget.arithmetic}: ${consequence(budget)}`
}

/** The wait for GET / ended after `waitedSeconds` without a 200. */
export function notLive(waitedSeconds: number, lastError?: string, budget?: ProbeBudget): string {
  const detail = `GET / never answered 200${lastError ? `; last error: ${lastError}` : ''}`
  const reason = `the server was not live after ${waitedSeconds} s (${detail})`
  // A startup-timeout shorter than the budget ended the wait, not the deployment's probe.
  if (!budget || waitedSeconds < budget.seconds) return reason
  return `${reason}; the ${budget.probe} probe allows ${budget.arithmetic}: ${consequence(budget)}`
}

/** How much of the budget the start-up used, for the summary and metadata. */
export function budgetUse(liveAfterMs: number, budget: ProbeBudget) {
  return {
    probe: budget.probe,
    budgetSeconds: budget.seconds,
    arithmetic: budget.arithmetic,
    usedPercent: Math.round((liveAfterMs / (budget.seconds * 1000)) * 100),
  }
}
