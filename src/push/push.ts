// Pushes the tags of an image that passed its smoke test, and reads back the digest each
// registry now serves under them. Login is not this action's business: docker/login-action
// before this step writes the credentials docker push uses.
import * as core from '@actions/core'
import { Input } from '../step/constants.js'
import type { CommandResult } from '../docker/command.js'
import { classifyPushFailure, type PushFailure } from '../docker/docker-errors.js'
import { type DockerClient } from '../docker/docker.js'
import { printInert, startRelay } from '../step/inert-log.js'
import { parseReference } from '../docker/reference.js'
import { retryRegistryCommand, type RetryOptions } from '../docker/retry.js'
import { lastLines } from '../step/text.js'

export interface PushedTag {
  tag: string
  /** The manifest digest the registry serves for the tag (`sha256:...`). */
  digest: string
}

const PUSH_ATTEMPTS = 3
const DOCKER_HUB = 'docker.io'

interface Repository {
  /** The registry host as written in the tag; undefined when the tag names none (Docker Hub). */
  host?: string
  /** `host/path`, as docker resolves it: `myimage` is `docker.io/library/myimage`. */
  canonical: string
}

function nameOf(reference: string): string {
  const parsed = parseReference(reference)
  if (parsed) return parsed.name
  // A RepoDigests entry docker printed: name@digest.
  const at = reference.lastIndexOf('@')
  return at === -1 ? reference : reference.slice(0, at)
}

/** Where docker sends a reference: its host (or Docker Hub) and the full repository name. @internal (exported for its unit tests) */
export function repositoryOf(reference: string): Repository {
  const name = nameOf(reference)
  const [first, ...rest] = name.split('/')
  const host = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost') ? first : undefined
  let domain = host ?? DOCKER_HUB
  let path = host === undefined ? name : rest.join('/')
  if (domain === 'index.docker.io') domain = DOCKER_HUB
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`
  return { host, canonical: `${domain}/${path}` }
}

function digestsIn(repository: string, repoDigests: string[]): string[] {
  const found = repoDigests
    .filter((entry) => entry.includes('@'))
    .filter((entry) => repositoryOf(entry).canonical === repository)
    .map((entry) => entry.slice(entry.lastIndexOf('@') + 1))
  return [...new Set(found)]
}

/**
 * The digest a push of `tag` produced, from the image's RepoDigests after the push. An image
 * pushed to one repository before may carry more than one digest there; then the one the push
 * added is it.
 * @internal (exported for its unit tests)
 */
export function pushedDigest(tag: string, after: string[], before: string[] = []): string {
  const repository = repositoryOf(tag).canonical
  const candidates = digestsIn(repository, after)
  if (candidates.length === 1) return candidates[0]
  const earlier = new Set(digestsIn(repository, before))
  const added = candidates.filter((digest) => !earlier.has(digest))
  if (added.length === 1) return added[0]
  const seen = after.length > 0 ? after.join(', ') : 'none'
  throw new Error(
    candidates.length === 0
      ? `docker push ${tag} succeeded, but the image has no digest for ${repository} (RepoDigests: ${seen})`
      : `docker push ${tag} succeeded, but the image has several digests for ${repository} and none is new (${candidates.join(', ')}); cannot tell which one the registry serves`,
  )
}

/** Where the push went, in words: a tag without a host goes to Docker Hub. */
function destination(tag: string): string {
  const { host, canonical } = repositoryOf(tag)
  if (host !== undefined) return `registry ${host}`
  return `Docker Hub (the tag names no registry host, so docker pushes it to ${canonical}; to push elsewhere, start the tag in '${Input.Tags}' with the registry, e.g. ghcr.io/owner/name:1)`
}

function advice(tag: string, kind: PushFailure): string {
  const { host } = repositoryOf(tag)
  switch (kind) {
    case 'denied':
      return `${destination(tag)} refused the push. Log in to ${host ?? DOCKER_HUB} with docker/login-action before this step, and check that the account may push to ${repositoryOf(tag).canonical}`
    case 'transient':
      return `${destination(tag)} could not be reached or answered with a server error. Check the registry address, the runner's network, proxy and DNS, or try again later`
    case 'other':
      return `check the tag in '${Input.Tags}' and ${destination(tag)}`
  }
}

interface PushFailureContext {
  attempts: number
  /** Every tag of the image: all of them stay in the daemon. */
  localTags: string[]
  /** Tags pushed before this one failed. */
  pushed: string[]
}

function pushFailureMessage(
  tag: string,
  result: CommandResult,
  context: PushFailureContext,
): string {
  const output = lastLines(result.stderr || result.stdout, 5)
  const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : ''
  const reason =
    result.signal !== undefined
      ? `docker push was stopped by ${result.signal} (a cancellation or a timeout)`
      : advice(tag, classifyPushFailure(output))
  const already = context.pushed.length > 0 ? ` Already pushed: ${context.pushed.join(', ')}.` : ''
  return `Pushing ${tag} failed${tries}: ${reason}. The image passed its smoke test, so its local tags stay (${context.localTags.join(', ')}).${already} docker said:\n${output}`
}

export interface PushOptions {
  /** For tests: the retry's wait. */
  sleep?: RetryOptions['sleep']
}

/** Pushes one tag, retrying network and registry trouble; a refusal fails at once. */
async function pushOne(
  docker: DockerClient,
  tag: string,
  context: Omit<PushFailureContext, 'attempts'>,
  options: PushOptions,
): Promise<void> {
  await retryRegistryCommand({
    doing: `Pushing ${tag}`,
    attempts: PUSH_ATTEMPTS,
    run: async () => {
      const relay = startRelay()
      try {
        return await docker.push(tag, (line) => relay.line(line))
      } finally {
        relay.end()
      }
    },
    isTransient: (result, output) =>
      result.signal === undefined && classifyPushFailure(output) === 'transient',
    failure: (result, _output, attempt) =>
      new Error(pushFailureMessage(tag, result, { ...context, attempts: attempt })),
    sleep: options.sleep,
  })
}

/**
 * Pushes every tag in order, each in a folded group with its log relayed inert, and returns the
 * digest each registry serves for it, read from the image's RepoDigests (not from the push log).
 */
export async function pushTags(
  docker: DockerClient,
  tags: string[],
  options: PushOptions = {},
): Promise<PushedTag[]> {
  const pushed: PushedTag[] = []
  for (const tag of tags) {
    const digest = await core.group(`Push ${tag}`, async () => {
      const before = await docker.repoDigests(tag)
      await pushOne(
        docker,
        tag,
        { localTags: tags, pushed: pushed.map((item) => item.tag) },
        options,
      )
      const found = pushedDigest(tag, await docker.repoDigests(tag), before)
      printInert(`Pushed ${tag}: ${found}`)
      return found
    })
    pushed.push({ tag, digest })
  }
  return pushed
}
