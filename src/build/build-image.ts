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

export async function buildImage(
  docker: DockerClient,
  title: string,
  request: Omit<BuildRequest, 'iidFile'>,
  workDir: string,
): Promise<string> {
  const iidFile = path.join(workDir, `${path.basename(request.dockerfile)}.iid`)
  const recent: string[] = []
  const build = await core.group(title, async () => {
    const relay = startRelay()
    try {
      return await docker.build({ ...request, iidFile }, (line) => {
        relay.line(line)
        recent.push(line)
        if (recent.length > BUILD_LOG_LINES_IN_MESSAGE) recent.shift()
      })
    } finally {
      relay.end()
    }
  })
  if (build.exitCode !== 0) throw buildFailure(title, build, recent)
  return fs.readFileSync(iidFile, 'utf8').trim()
}
