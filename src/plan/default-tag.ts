// The default tag: an image name from the repository name, and a digest of every input. GitHub allows names docker does
// not (`My..Repo`, `foo_-bar`, `a___b`, `.github`): the name is mapped onto docker's grammar,
// and checked with the same parser as every other reference, before anything is built.
import type { StagedRequirements } from '../dependencies/dependencies.js'
import { parseReference } from '../docker/reference.js'
import type { Inputs } from '../inputs/inputs.js'
import type { KeyValue } from '../inputs/parse.js'
import { Input } from '../step/constants.js'
import { contentHash } from './content-hash.js'
import type { FileDigest } from './digest-cache.js'
import { publicIndexes } from './pip-config.js'

const FALLBACK_NAME = 'extend-azureml-image'
// What docker allows between two alphanumeric runs of a path component.
const SEPARATOR = /^(?:[._]|__|-+)$/

/** A path component for `owner/name` (or `name`); a name that is already one is kept as it is. @internal (exported for its unit tests) */
export function defaultTagName(repository: string | undefined): string {
  const name = (repository?.split('/').pop() ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, (run) => (SEPARATOR.test(run) ? run : '-'))
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
  const derived = name || FALLBACK_NAME
  if (parseReference(derived)?.name !== derived) {
    throw new Error(
      `The repository name ${JSON.stringify(repository)} gives no valid image name for the default tag: set '${Input.Tags}'`,
    )
  }
  return derived
}

/** name:tag from the repository name and a digest of every build input. @internal (exported for its unit tests) */
export function defaultTag(hash: string, repository = process.env.GITHUB_REPOSITORY): string {
  return `${defaultTagName(repository)}:${hash.slice(0, 16)}`
}

/** The tags to build: the user's, or the default tag, a digest of every build input. */
export async function imageTags(
  inputs: Inputs,
  labels: KeyValue[],
  requirements: StagedRequirements | undefined,
  fileDigest?: FileDigest,
): Promise<string[]> {
  if (inputs.tags.length > 0) return inputs.tags
  // Checked before the digest reads every file: a name docker refuses fails here, not later.
  defaultTagName(process.env.GITHUB_REPOSITORY)
  const hash = await contentHash(
    {
      baseImage: inputs.baseImage,
      aptPackages: inputs.aptPackages,
      entryScript: inputs.entryScript ?? null,
      env: inputs.env,
      labels,
      pipIndexes: publicIndexes(inputs),
      requirementsFile: requirements?.file ?? null,
    },
    {},
    {
      requirements: requirements?.snapshot,
      code: inputs.codeSnapshot,
      model: inputs.modelSnapshot,
    },
    fileDigest,
  )
  return [defaultTag(hash)]
}
