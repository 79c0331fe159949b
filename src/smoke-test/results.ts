// What a smoke test measured and how it failed: the types the stages and the report share.
import type { ContainerResources } from './container-resources.js'
import type { LatencySummary } from './latency.js'
import type { MemoryReport } from './memory-usage.js'
import type { PythonFailure } from './traceback.js'

export interface CaseResult {
  name: string
  request: string
  expectedStatus: number
  status?: number
  response?: string
  /** The answer was longer than the client keeps (1 MiB): `response` is its beginning. */
  responseCut?: boolean
  ms?: number
  /** Why the case failed; undefined when it passed. */
  problem?: string
  /** The exception run() raised, from the container log, when the server said it raised. */
  python?: PythonFailure
}

export interface SmokeTestResult {
  liveAfterMs: number
  cases: CaseResult[]
  latency?: LatencySummary
  /** What /swagger.json says run() declares, and how the cases fit it. */
  swagger?: SwaggerReport
  /** With a deployment file: how much of its probe budget the start-up used. */
  startup?: StartupBudgetUse
  /** With a deployment's max_concurrent_requests_per_instance: the calls sent at once. */
  concurrent?: { requests: number; maxMs: number }
  /** The memory limit and CPUs the container ran with, and where they came from. */
  resources?: ContainerResources
  /** docker's --gpus value the container ran with. */
  gpus?: string
  /** The container's memory when it became live and over the whole smoke test. */
  memory?: MemoryReport
}

interface StartupBudgetUse {
  probe: 'liveness' | 'readiness'
  budgetSeconds: number
  /** "10 s + 30 x 10 s = 310 s (deployment.yml)" */
  arithmetic: string
  usedPercent: number
}

/** A failed smoke test; `result` keeps what was measured, `python` the user's exception. */
export class SmokeTestFailure extends Error {
  constructor(
    message: string,
    readonly result: Partial<SmokeTestResult>,
    readonly python?: PythonFailure,
  ) {
    super(message)
    this.name = 'SmokeTestFailure'
  }
}

/** What /swagger.json says run() declares, and how the cases fit it. */
export interface SwaggerReport {
  /** run() declares a schema; undefined when the server served no document to tell. */
  declared?: boolean
  /** The versions answered with an OpenAPI document that has POST /score. */
  versions: string[]
  /** Requests and answers checked against the declared schemas. */
  checked: { requests: number; answers: number }
  /** Why the documents themselves fail the smoke test (a declared schema needs them). */
  problem?: string
  /** What the check could not do, for a warning; it fails nothing. */
  warning?: string
}
