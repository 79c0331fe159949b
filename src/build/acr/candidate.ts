// The candidate: the image ACR built, under a tag of its own, until the smoke test passed. Then
// it is given the requested tags (`az acr import` inside the registry, no data leaves Azure) and
// its own tag is removed. A failed candidate is deleted, unless its manifest is also under
// another tag (an identical image a user already tagged): `az acr repository delete --image`
// deletes the manifest and every tag on it, so then only the candidate's tag is removed.
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { parseReference } from '../../docker/reference.js'
import type { RegistryCandidate } from '../../step/leftovers.js'
import { errorMessage } from '../../step/text.js'
import type { AzClient } from './az.js'

/** `repository:candidate-<run id>-<random>`, in the repository of the first tag. */
export function candidateTag(
  firstTag: string,
  runId = process.env.GITHUB_RUN_ID,
  random = randomBytes(4).toString('hex'),
): string {
  return `${repositoryOf(firstTag)}:candidate-${runId || 'local'}-${random}`
}

function repositoryOf(image: string): string {
  const reference = parseReference(image)
  if (!reference) throw new Error(`"${image}" is not an image reference`)
  return reference.name
}

function tagOf(image: string): string {
  return parseReference(image)?.tag ?? 'latest'
}

/** The candidate passed: every requested tag now names it, and its own tag is gone. */
export async function promote(
  az: AzClient,
  loginServer: string,
  candidate: string,
  tags: string[],
): Promise<void> {
  for (const tag of tags) await az.importImage(`${loginServer}/${candidate}`, tag)
  await az.untag(candidate)
}

// How az says that a repository is not there (nothing was pushed): nothing to remove.
const NOT_THERE = /NAME_UNKNOWN|not found|not known/i

/** Removes a candidate that did not pass: its run canceled first, if it may still be going. */
export async function discardCandidate(az: AzClient, candidate: RegistryCandidate): Promise<void> {
  if (candidate.runId !== undefined) {
    await az
      .cancelRun(candidate.runId)
      .catch((error: unknown) => core.debug(`cancel-run: ${errorMessage(error)}`))
  }
  let tags
  try {
    tags = await az.tags(repositoryOf(candidate.image))
  } catch (error) {
    if (NOT_THERE.test(errorMessage(error))) return
    throw error
  }
  const own = tags.find(({ name }) => name === tagOf(candidate.image))
  if (!own) return
  const shared = tags.some(({ name, digest }) => name !== own.name && digest === own.digest)
  if (shared) await az.untag(candidate.image)
  else await az.deleteImage(candidate.image)
}
