// The two builders the action meets, as environments for runAction. BuildKit here comes from
// Debian's own docker client (20.10, BuildKit built in) put first on PATH with DOCKER_BUILDKIT=1:
// the 28.x client on PATH has no buildx plugin.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export interface BuilderEnvironments {
  legacy: Record<string, string>
  buildkit: Record<string, string>
  /** Removes the PATH folder that holds the BuildKit client. */
  dispose(): void
}

/** `runId` (GITHUB_RUN_ID) names the containers, so a file's checks see only its own runs. */
export function builderEnvironments(runId?: string): BuilderEnvironments {
  const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildkit-client-'))
  fs.symlinkSync('/usr/bin/docker', path.join(clientDir, 'docker'))
  const run: Record<string, string> = runId === undefined ? {} : { GITHUB_RUN_ID: runId }
  return {
    legacy: { DOCKER_BUILDKIT: '0', ...run },
    buildkit: { DOCKER_BUILDKIT: '1', ...run, PATH: `${clientDir}:${process.env.PATH}` },
    dispose: () => fs.rmSync(clientDir, { recursive: true, force: true }),
  }
}
