import type { ChildProcess } from 'node:child_process'

export declare const ACTION_ENTRY: string

export interface NodeRun {
  exitCode: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface ActionRun {
  main: NodeRun
  post?: NodeRun
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  runnerTemp: string
  /** What the action left in RUNNER_TEMP after its post step (should be nothing). */
  leftInTemp: string[]
}

export declare function parseFileCommands(text: string): Record<string, string>

export declare function runAction(options?: {
  inputs?: Record<string, string>
  workspace?: string
  env?: Record<string, string>
  onSpawn?: (child: ChildProcess) => void
  echo?: boolean
  post?: boolean
  /** A fixed RUNNER_TEMP (emptied afterwards), as a runner has; default: a new temp dir. */
  runnerTemp?: string
}): Promise<ActionRun>
