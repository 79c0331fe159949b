// The DockerfilePlan: made once, from the validated inputs and what Prepare and the base image
// told (the builder's pip config mode, the labels, the base image's user). Nothing patches it
// afterwards.
import type { Inputs } from '../inputs/inputs.js'
import type { KeyValue } from '../inputs/parse.js'
import { Contract } from '../step/constants.js'
import type { DockerfilePlan, PipConfigMode } from './dockerfile.js'

// A user as docker prints it: name or uid, optional group. Anything else is not trusted into
// the Dockerfile's USER line.
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/

/** The user the image ends as: the base image's own, never root (`0`, `00`, `root:x` ...). */
export function baseUserOrDefault(user: string): string {
  if (user === '' || /^(root|0+)(:|$)/.test(user)) return Contract.defaultUser
  if (!USER.test(user)) {
    throw new Error(`The base image's user "${user}" is not a user name docker accepts`)
  }
  return user
}

/** OCI labels from the GitHub context; the user's labels win on the same key. */
export function imageLabels(inputs: Inputs, env: NodeJS.ProcessEnv = process.env): KeyValue[] {
  const labels = new Map<string, string>()
  if (env.GITHUB_REPOSITORY) {
    labels.set(
      'org.opencontainers.image.source',
      `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`,
    )
  }
  if (env.GITHUB_SHA) labels.set('org.opencontainers.image.revision', env.GITHUB_SHA)
  labels.set('org.opencontainers.image.base.name', inputs.baseImage)
  for (const { key, value } of inputs.labels) labels.set(key, value)
  return [...labels].map(([key, value]) => ({ key, value }))
}

export function makePlan(
  inputs: Inputs,
  facts: { user: string; pipConfig: PipConfigMode; labels: KeyValue[] },
): DockerfilePlan {
  return {
    baseImage: inputs.baseImage,
    user: facts.user,
    aptPackages: inputs.aptPackages,
    requirements: inputs.requirements !== undefined,
    requirementsFile: inputs.requirementFiles?.top,
    pipConfig: facts.pipConfig,
    model: inputs.modelDir !== undefined,
    code: inputs.codeDir !== undefined,
    entryScript: inputs.entryScript,
    env: inputs.env,
    labels: facts.labels,
  }
}
