// A GPU image smoke-tested without a GPU: what it proves is limited, and on a GPU runner the
// gpus input gives the container the GPUs. The base image tells by its name or its environment.
import { Input } from '../step/constants.js'

const GPU_NAME = /gpu|cuda/i
const GPU_ENV = ['CUDA_VERSION', 'NVIDIA_VISIBLE_DEVICES']

/** Why the base image looks like a GPU image; undefined when it does not. */
export function gpuImageHint(baseImage: string, env: string[] | undefined): string | undefined {
  const why = GPU_NAME.test(baseImage)
    ? `its name has ${GPU_NAME.exec(baseImage)?.[0].toLowerCase()}`
    : GPU_ENV.filter((key) => (env ?? []).some((entry) => entry.startsWith(`${key}=`))).map(
        (key) => `its config sets ${key}`,
      )[0]
  if (!why) return undefined
  return `The base image looks like a GPU image (${why}), and the smoke test ran without a GPU: on a GPU runner, set '${Input.Gpus}: all' to give the container its GPUs`
}
