// The inputs of `builder: acr` (the image is built in an Azure container registry by ACR Tasks),
// and the rules the other inputs must follow there. All checked before anything is built.
import { parseReference } from '../docker/reference.js'
import { Input } from '../step/constants.js'

export type BuilderChoice = 'docker' | 'acr'

export interface AcrTarget {
  /** The registry's resource name (`myregistry`, not its login server). */
  name: string
  resourceGroup?: string
}

// Azure's rule for a registry's resource name: 5 to 50 alphanumerics. `az` wants it in lower
// case ("It should be specified in lower case"), as the login server has it: lower-cased here.
const ACR_NAME = /^[A-Za-z0-9]{5,50}$/
// Azure's rule for a resource group name: 1 to 90 of letters, digits, '_', '-', '.', '(' and
// ')', not ending in '.'.
const RESOURCE_GROUP = /^[\p{L}\p{N}_().-]{0,89}[\p{L}\p{N}_()-]$/u

export function parseBuilder(raw: string): BuilderChoice {
  const value = raw.trim().toLowerCase()
  if (value === '' || value === 'docker') return 'docker'
  if (value === 'acr') return 'acr'
  throw new Error(`Input '${Input.Builder}' must be docker or acr, got "${raw}"`)
}

function checkAcrName(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') {
    throw new Error(
      `Input '${Input.AcrName}' is required with '${Input.Builder}: acr' (the registry's name, e.g. myregistry for myregistry.azurecr.io)`,
    )
  }
  const name = raw.trim()
  if (!ACR_NAME.test(name)) {
    throw new Error(
      `Input '${Input.AcrName}': "${name}" is not a registry name: 5 to 50 letters and digits (the name, not the login server: myregistry, not myregistry.azurecr.io)`,
    )
  }
  return name.toLowerCase()
}

function checkResourceGroup(raw: string | undefined): string | undefined {
  const value = raw?.trim()
  if (value === undefined || value === '') return undefined
  if (!RESOURCE_GROUP.test(value)) {
    throw new Error(
      `Input '${Input.AcrResourceGroup}': "${value}" is not a resource group name: 1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'`,
    )
  }
  return value
}

/**
 * With `builder: acr` a tag names a repository in that registry: `model:1`, or in full
 * `myregistry.azurecr.io/model:1` (the host is dropped: the registry's own login server, which
 * `az acr show` gives, is put back in the outputs). Another registry's host is refused: the image
 * is built and tagged inside the one registry.
 */
export function repositoryTag(acrName: string, tag: string): string {
  const reference = parseReference(tag)
  const [first, ...rest] = tag.split('/')
  const hasHost = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost')
  if (!reference || !hasHost) return tag
  if (first.toLowerCase() === `${acrName}.azurecr.io`) return rest.join('/')
  throw new Error(
    `Input '${Input.Tags}': "${tag}" names the registry ${first}; with '${Input.Builder}: acr' a tag names a repository in '${Input.AcrName}' ${acrName} (model:1, or ${acrName}.azurecr.io/model:1)`,
  )
}

export interface AcrInputChecks {
  push: boolean
  network?: string
  /** pip-index-url and pip-extra-index-url, already checked to be http(s) URLs. */
  pipIndexUrls: string[]
}

/**
 * The rules of `builder: acr` for the other inputs. Credentials in an index URL are refused: the
 * only way `az acr build` hands a value to the build is a build argument, and build arguments
 * (`--secret-build-arg` too: it only hides the value from the run's API) are written into the
 * image history of the step that uses them.
 */
export function checkAcrInputs(checks: AcrInputChecks): void {
  if (checks.push) {
    throw new Error(
      `Input '${Input.Push}': with '${Input.Builder}: acr' the image is built in the registry and given its tags there after the smoke test; leave '${Input.Push}' off`,
    )
  }
  if (checks.network !== undefined) {
    throw new Error(
      `Input '${Input.Network}' names a network of the local Docker engine; with '${Input.Builder}: acr' the build runs in Azure, which has no such network`,
    )
  }
  const credentials = checks.pipIndexUrls.some((url) => {
    const parsed = new URL(url)
    return parsed.username !== '' || parsed.password !== ''
  })
  if (credentials) {
    throw new Error(
      `Inputs '${Input.PipIndexUrl}'/'${Input.PipExtraIndexUrl}' carry credentials, and with '${Input.Builder}: acr' they could only reach pip as a build argument, which is stored in the image history (az acr build --secret-build-arg too). Use an index without credentials, or '${Input.Builder}: docker' with BuildKit (a build secret)`,
    )
  }
}

export function acrTarget(name: string | undefined, resourceGroup: string | undefined): AcrTarget {
  return { name: checkAcrName(name), resourceGroup: checkResourceGroup(resourceGroup) }
}
