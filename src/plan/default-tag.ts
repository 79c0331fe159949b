// The image name of the default tag, from the repository name. GitHub allows names docker does
// not (`My..Repo`, `foo_-bar`, `a___b`, `.github`): the name is mapped onto docker's grammar,
// and checked with the same parser as every other reference, before anything is built.
import { Input } from '../step/constants.js'
import { parseReference } from '../docker/reference.js'

const FALLBACK_NAME = 'extend-azureml-image'
// What docker allows between two alphanumeric runs of a path component.
const SEPARATOR = /^(?:[._]|__|-+)$/

/** A path component for `owner/name` (or `name`); a name that is already one is kept as it is. */
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
