// Where the step's own files go: the runner's per-job temp dir when there is one (removed with
// the job), the system's otherwise. One rule, so the work dir and the cache archive agree.
import * as os from 'node:os'

export function tempRoot(): string {
  return process.env.RUNNER_TEMP || os.tmpdir()
}
