// What a run may leave in RUNNER_TEMP. After its post step (action.yml has no post-if, so it
// always runs) nothing is left. Should a post-if skip it after a pass, only the work dir its
// `dockerfile` output names may stay (the runner empties RUNNER_TEMP at the end of the job); a
// build stages its contexts in a stable folder outside it (src/plan/staging-dir.ts).
import { expect } from '@jest/globals'
import * as path from 'node:path'
import type { ActionRun } from '../../scripts/run-action.mjs'

export function expectNothingLeftInTemp(run: ActionRun): void {
  if (run.post === undefined) {
    expect(run.main.exitCode).toBe(0)
    expect(run.leftInTemp).toEqual([path.basename(path.dirname(run.outputs.dockerfile))])
  } else {
    expect(run.post.exitCode).toBe(0)
    expect(run.leftInTemp).toEqual([])
  }
}
