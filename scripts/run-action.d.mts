import type { ChildProcess } from 'node:child_process'

export declare const ACTION_ENTRY: string
/** The node that runs the action: ACTION_NODE when set, else the current one. */
export declare const ACTION_NODE: string

export interface NodeRun {
  exitCode: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface ActionRun {
  main: NodeRun
  /** Unset when action.yml's post-if skipped the post step. */
  post?: NodeRun
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  runnerTemp: string
  /**
   * What the action left in RUNNER_TEMP after its steps: nothing after a failure; after a pass
   * (no post step), only the staged folder of the `context` output, which the runner empties.
   */
  leftInTemp: string[]
}

export declare function parseFileCommands(text: string): Record<string, string>

/** Whether the runner runs the post step after this main step, from action.yml's post-if. */
export declare function postRuns(main: Pick<NodeRun, 'exitCode' | 'signal'>): boolean

export declare function runAction(options?: {
  inputs?: Record<string, string>
  workspace?: string
  env?: Record<string, string>
  onSpawn?: (child: ChildProcess) => void
  echo?: boolean
  /** Run the post step always (true), never (false), or as action.yml's post-if says (default). */
  post?: boolean | 'post-if'
  /** A fixed RUNNER_TEMP (emptied afterwards), as a runner has; default: a new temp dir. */
  runnerTemp?: string
}): Promise<ActionRun>
