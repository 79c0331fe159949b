// One docker build, its log folded and relayed inert (it prints what the user's files and
// packages print); a failure carries the end of the log. The image id is read from --iidfile.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { BuildRequest } from '../docker/docker-args.js'
import type { DockerClient } from '../docker/docker.js'
import { buildFailure } from '../docker/docker-errors.js'
import { startRelay } from '../step/inert-log.js'

const BUILD_LOG_LINES_IN_MESSAGE = 30
// The legacy builder names the container of each RUN step in its log.
const LEGACY_STEP_CONTAINER = /^\s*---> Running in ([0-9a-f]{12,64})\s*$/

export async function buildImage(
  docker: DockerClient,
  title: string,
  request: Omit<BuildRequest, 'iidFile'>,
  workDir: string,
  signal?: AbortSignal,
  /** Sees every line of the build's log too (e.g. for pip's resolver warnings). */
  observe?: (line: string) => void,
): Promise<string> {
  const iidFile = path.join(workDir, `${path.basename(request.dockerfile)}.iid`)
  const recent: string[] = []
  const stepContainers: string[] = []
  const build = await core.group(title, async () => {
    const relay = startRelay()
    try {
      return await docker.build(
        { ...request, iidFile },
        (line) => {
          relay.line(line)
          observe?.(line)
          const container = LEGACY_STEP_CONTAINER.exec(line)?.[1]
          if (container) stepContainers.push(container)
          recent.push(line)
          if (recent.length > BUILD_LOG_LINES_IN_MESSAGE) recent.shift()
        },
        signal,
      )
    } finally {
      relay.end()
    }
  })
  if (signal?.aborted) {
    // The daemon stops the step's container once the client is gone, and removes it a moment
    // later: removed here, the step ends with nothing of the build left.
    for (const container of stepContainers) await docker.remove(container).catch(() => undefined)
    signal.throwIfAborted() // stopped on purpose: the reason is the caller's, not the log's
  }
  if (build.exitCode !== 0) throw buildFailure(title, build, recent)
  return fs.readFileSync(iidFile, 'utf8').trim()
}
