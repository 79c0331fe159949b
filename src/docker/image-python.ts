// A Python program run by an image's own interpreter, through the engine: the source as `-c`,
// its input on stdin of a throwaway container (no network, capped memory, nothing of the
// runner's files mounted), so a remote engine works too. `python` is tried first (the conda
// env's, first on PATH in the real images), then `python3`: never a path of one image.
import { randomBytes } from 'node:crypto'
import type { DockerClient } from './docker.js'
import { CONTAINER_LABEL } from '../step/constants.js'
import type { Leftovers } from '../step/leftovers.js'
import { lastLines } from '../step/text.js'

const PYTHONS = ['python', 'python3'] as const
const MEMORY = '512m'
const TIMEOUT_MS = 60_000

export interface ImagePythonRequest {
  /** The image, best by id: exactly what was built or pulled. */
  image: string
  /** The program's source, run with `python <flags> -c`. */
  source: string
  /** Interpreter flags, e.g. `-I -S` for a program that needs nothing installed. */
  flags?: string[]
  input: string
  /** In the container's name, for whoever reads `docker ps`. */
  role: string
}

function containerName(role: string): string {
  return `extend-azureml-image-${process.env.GITHUB_RUN_ID ?? 'local'}-${role}-${randomBytes(4).toString('hex')}`
}

/** docker's answer when the entrypoint is not on the image's PATH. */
function notFound(result: { exitCode: number; stderr: string }): boolean {
  return (
    result.exitCode === 127 &&
    /executable file not found|no such file or directory/i.test(result.stderr)
  )
}

/**
 * The program's stdout. Rejects when no Python is on the image's PATH, when it exits non-zero
 * (with the end of its stderr), or after a minute; the container is removed in every case.
 */
export async function runImagePython(
  docker: DockerClient,
  leftovers: Leftovers,
  request: ImagePythonRequest,
): Promise<string> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS)
  for (const python of PYTHONS) {
    const name = containerName(request.role)
    leftovers.addContainer(name)
    const result = await docker
      .runWithInput(
        {
          image: request.image,
          name,
          labels: [{ key: CONTAINER_LABEL, value: name }],
          entrypoint: python,
          args: [...(request.flags ?? []), '-c', request.source],
          memory: MEMORY,
        },
        request.input,
        timeout,
      )
      .finally(() => leftovers.removeContainer(name).catch(() => undefined))
    if (timeout.aborted) throw new Error(`it took over ${TIMEOUT_MS / 1000} s`)
    if (notFound(result)) continue
    if (result.exitCode !== 0) {
      throw new Error(`${python} exited ${result.exitCode}:\n${lastLines(result.stderr, 10)}`)
    }
    return result.stdout
  }
  throw new Error(`neither ${PYTHONS.join(' nor ')} is on the image's PATH`)
}
