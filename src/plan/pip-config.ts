// Private pip indexes: what pip needs (index, extra indexes, trusted plain-http hosts) as a pip
// config file for a BuildKit secret, or as build args for the legacy builder, which has no
// secrets and therefore is only allowed URLs without credentials.
import { Input } from '../step/constants.js'
import type { Builder } from '../docker/docker-args.js'
import type { Inputs } from '../inputs/inputs.js'
import type { KeyValue } from '../inputs/parse.js'
import type { PipConfigMode } from './dockerfile.js'

export interface PipIndexes {
  indexUrl?: string
  extraIndexUrls: string[]
}

function urls(indexes: PipIndexes): string[] {
  return [...(indexes.indexUrl ? [indexes.indexUrl] : []), ...indexes.extraIndexUrls]
}

function hasPipIndexes(indexes: PipIndexes): boolean {
  return urls(indexes).length > 0
}

/** @internal (exported for its unit tests) */
export function hasCredentials(indexes: PipIndexes): boolean {
  return urls(indexes).some((url) => {
    const parsed = new URL(url)
    return parsed.username !== '' || parsed.password !== ''
  })
}

/** pip refuses plain-http indexes unless their host is trusted. */
function trustedHosts(indexes: PipIndexes): string[] {
  const hosts = urls(indexes)
    .map((url) => new URL(url))
    .filter((url) => url.protocol === 'http:')
    .map((url) => url.host)
  return [...new Set(hosts)]
}

export function renderPipConf(indexes: PipIndexes): string {
  const lines = ['[global]']
  if (indexes.indexUrl) lines.push(`index-url = ${indexes.indexUrl}`)
  if (indexes.extraIndexUrls.length > 0) {
    lines.push(`extra-index-url = ${indexes.extraIndexUrls.join('\n    ')}`)
  }
  const hosts = trustedHosts(indexes)
  if (hosts.length > 0) lines.push(`trusted-host = ${hosts.join('\n    ')}`)
  return lines.join('\n') + '\n'
}

export function pipBuildArgs(indexes: PipIndexes): KeyValue[] {
  if (hasCredentials(indexes)) {
    throw new Error(
      `Inputs '${Input.PipIndexUrl}'/'${Input.PipExtraIndexUrl}' carry credentials, and the legacy Docker builder has no build secrets: they would be stored in the image history. Use BuildKit (docker buildx, or DOCKER_BUILDKIT=1) or an index without credentials`,
    )
  }
  const args: KeyValue[] = []
  if (indexes.indexUrl) args.push({ key: 'PIP_INDEX_URL', value: indexes.indexUrl })
  if (indexes.extraIndexUrls.length > 0) {
    args.push({ key: 'PIP_EXTRA_INDEX_URL', value: indexes.extraIndexUrls.join(' ') })
  }
  const hosts = trustedHosts(indexes)
  if (hosts.length > 0) args.push({ key: 'PIP_TRUSTED_HOST', value: hosts.join(' ') })
  return args
}

/** The indexes the inputs name. */
export function pipIndexesOf(inputs: Inputs): PipIndexes {
  return { indexUrl: inputs.pipIndexUrl, extraIndexUrls: inputs.pipExtraIndexUrls }
}

/** How the indexes reach pip: a BuildKit secret, or build args on the legacy builder. */
export function pipConfigMode(inputs: Inputs, builder: Builder | undefined): PipConfigMode {
  if (!inputs.requirements || !hasPipIndexes(pipIndexesOf(inputs))) return 'none'
  return builder === 'legacy' ? 'build-args' : 'secret'
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url)
  parsed.username = ''
  parsed.password = ''
  return parsed.toString()
}

/** Index URLs without credentials: where packages come from is part of what they are. */
export function publicIndexes(inputs: Inputs): string[] {
  return urls(pipIndexesOf(inputs)).map(withoutCredentials)
}
