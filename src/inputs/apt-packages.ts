// One entry of 'apt-packages' in apt-get install's own syntax: name[:arch][=version] or
// name[:arch]/release. Each part has a closed alphabet, so an entry is one plain shell word that
// can only mean "install this": no option, no shell syntax, no removal.
import { Input } from '../step/constants.js'

export interface AptPackage {
  name: string
  /** A dpkg architecture (`i386`), or apt's `all`/`any`/`native`. */
  architecture?: string
  version?: string
  /** A suite or codename of the image's apt sources (`bookworm-backports`). */
  release?: string
}

// Debian policy for package names.
const NAME = /^[a-z0-9][a-z0-9+.-]+$/
// dpkg architecture names (`amd64`, `arm64`, `musl-linux-amd64`).
const ARCHITECTURE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const VERSION = /^[A-Za-z0-9.+~:-]+$/
// Debian and Ubuntu suite and codename names (`stable`, `jammy-backports`).
const RELEASE = /^[a-z0-9][a-z0-9.-]*$/
const ENTRY =
  /^(?<name>[^:=/]*)(?::(?<architecture>[^=/]*))?(?:=(?<version>.*)|\/(?<release>.*))?$/s
// apt's own words for architectures, not ones dpkg can add.
const PSEUDO_ARCHITECTURES = new Set(['all', 'any', 'native'])

const RULE =
  "is not an apt package: name[:arch][=version] or name[:arch]/release, with a Debian package name (lowercase letters, digits, '+', '-', '.'; at least two characters), a dpkg architecture (lowercase letters, digits, '-'), a version ([A-Za-z0-9.+~:-]) or a release (lowercase letters, digits, '.', '-')"

export function parseAptPackage(entry: string): AptPackage {
  const rule = `Input '${Input.AptPackages}': "${entry}" ${RULE}`
  const groups = ENTRY.exec(entry)?.groups
  if (!groups) throw new Error(rule)
  const { name, architecture, version, release } = groups
  if (
    !NAME.test(name) ||
    (architecture !== undefined && !ARCHITECTURE.test(architecture)) ||
    (version !== undefined && !VERSION.test(version)) ||
    (release !== undefined && !RELEASE.test(release))
  ) {
    throw new Error(rule)
  }
  // apt reads a trailing '-' on the whole word as "remove", a single trailing '+' as its marker.
  if (entry.endsWith('-') || (entry.endsWith('+') && !entry.endsWith('++'))) {
    throw new Error(`${rule}: a trailing '+' or '-' would change what apt does`)
  }
  return { name, architecture, version, release }
}

/** The architectures dpkg must know before `apt-get update` fetches their package lists. */
export function foreignArchitectures(entries: string[]): string[] {
  const architectures = entries
    .map((entry) => parseAptPackage(entry).architecture)
    .filter((architecture): architecture is string => architecture !== undefined)
    .filter((architecture) => !PSEUDO_ARCHITECTURES.has(architecture))
  return [...new Set(architectures)].sort()
}
