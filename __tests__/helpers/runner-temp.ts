// What a run may leave in RUNNER_TEMP. The post step runs only after a failed or cancelled main
// step (action.yml `post-if`) and then removes everything; a passing run leaves only the staged
// folder its `context` and `dockerfile` outputs name, for later steps, and the runner empties
// RUNNER_TEMP at the end of the job.
import { expect } from '@jest/globals'
import * as path from 'node:path'
import type { ActionRun } from '../../scripts/run-action.mjs'

export function expectNothingLeftInTemp(run: ActionRun): void {
  if (run.main.exitCode === 0) {
    expect(run.post).toBeUndefined()
    expect(run.outputs.context).toBeDefined()
    expect(run.leftInTemp).toEqual([path.basename(run.outputs.context)])
  } else {
    expect(run.post?.exitCode).toBe(0)
    expect(run.leftInTemp).toEqual([])
  }
}
