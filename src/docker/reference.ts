// Image references, checked against the grammar of distribution/reference (the one docker uses),
// so that a bad base-image or tag is refused before anything runs.

const alphaNumeric = '[a-z0-9]+'
const separator = '(?:[._]|__|-+)'
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`
const tag = '[\\w][\\w.-]{0,127}'
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'

const referencePattern = new RegExp(
  `^(?<name>(?:${domain}/)?${pathComponent}(?:/${pathComponent})*)(?::(?<tag>${tag}))?(?:@(?<digest>${digest}))?$`,
)

const MAX_NAME_LENGTH = 255

export interface ImageReference {
  name: string
  tag?: string
  digest?: string
}

/** Parses a reference or returns undefined when it does not follow the grammar. */
export function parseReference(text: string): ImageReference | undefined {
  const match = referencePattern.exec(text)
  if (!match?.groups) return undefined
  const { name, tag: tagPart, digest: digestPart } = match.groups
  // A first component that looks like a host must really be one: 'Foo/bar' is not valid.
  if (name.length > MAX_NAME_LENGTH) return undefined
  const [first, ...rest] = name.split('/')
  const firstIsDomain = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost')
  if (!firstIsDomain && /[A-Z]/.test(first)) return undefined
  return { name, tag: tagPart, digest: digestPart }
}

export const REFERENCE_RULE =
  'an image reference: lowercase [registry/]path components, optional :tag ([\\w][\\w.-]{0,127}) and optional @digest'
