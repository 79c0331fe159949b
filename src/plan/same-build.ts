// Whether the image under the default tag is already this very build, so that nothing needs
// building. The tag is a digest of every input (code, model, requirements, apt packages, env,
// labels, base image name), and the image carries a digest of the Dockerfile it was built from
// and of the id of the image that Dockerfile starts from: an action version that writes another
// Dockerfile, or a base or dependencies image that changed, never reuses an older image.
import { createHash } from 'node:crypto'
import { RECIPE_LABEL } from '../step/constants.js'
import type { LocalImage } from '../docker/docker.js'
import type { KeyValue } from '../inputs/parse.js'
import { renderApplicationDockerfile, type DockerfilePlan } from './dockerfile.js'

export interface ApplicationRecipe {
  /** The application Dockerfile, its own digest included as a label. */
  text: string
  digest: string
  /** The plan's labels with that digest, for the same recipe built in two steps. */
  labels: KeyValue[]
}

/**
 * `from` is what the Dockerfile's FROM names, and `fromId` that image's id now: a base image
 * rebuilt under the same name with other settings (env, command) and the same layers is another
 * recipe.
 */
export function applicationRecipe(
  plan: DockerfilePlan,
  from: string,
  fromId: string,
): ApplicationRecipe {
  const digest = createHash('sha256')
    .update(JSON.stringify({ dockerfile: renderApplicationDockerfile(plan, from), fromId }))
    .digest('hex')
  const labels = [...plan.labels, { key: RECIPE_LABEL, value: digest }]
  return { text: renderApplicationDockerfile({ ...plan, labels }, from), digest, labels }
}

/** Built from the same recipe, on exactly the layers of the image it starts from. */
export function isSameBuild(
  image: LocalImage | undefined,
  recipeDigest: string,
  from: LocalImage,
): image is LocalImage {
  return (
    image !== undefined &&
    image.labels[RECIPE_LABEL] === recipeDigest &&
    image.layers.length >= from.layers.length &&
    from.layers.every((layer, index) => image.layers[index] === layer)
  )
}
