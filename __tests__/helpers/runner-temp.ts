// What a run may leave in RUNNER_TEMP. After its post step (action.yml has no post-if, so it
// always runs) nothing is left. Should a post-if skip it after a pass, only the staged folder its
// `context` and `dockerfile` outputs name may stay: the runner empties RUNNER_TEMP at the end of
// the job.
import { expect } from '@jest/globals'
import * as path from 'node:path'
import type { ActionRun } from '../../scripts/run-action.mjs'

export function expectNothingLeftInTemp(run: ActionRun): void {
  if (run.post === undefined) {
    expect(run.main.exitCode).toBe(0)
    expect(run.leftInTemp).toEqual([path.basename(run.outputs.context)])
  } else {
    expect(run.post.exitCode).toBe(0)
    expect(run.leftInTemp).toEqual([])
  }
}
