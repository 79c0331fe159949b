// The `az acr` commands the ACR builder runs, as argv arrays: pure, one function per command,
// each with only the arguments the Azure CLI documents for it (a table test pins them). The
// `acr repository` commands take no resource group (az has it hidden and deprecated there).
import type { KeyValue } from '../../inputs/parse.js'
import type { AcrTarget } from '../../inputs/acr-inputs.js'

function resourceGroup(target: AcrTarget): string[] {
  return target.resourceGroup ? ['--resource-group', target.resourceGroup] : []
}

/** The registry's login server (myregistry.azurecr.io in Azure's public cloud). */
export function loginServerArgs(target: AcrTarget): string[] {
  return [
    'acr',
    'show',
    '--name',
    target.name,
    ...resourceGroup(target),
    '--query',
    'loginServer',
    '--output',
    'tsv',
  ]
}

export interface AcrBuildRequest {
  /** repository:tag inside the registry. */
  image: string
  /** The Dockerfile; az packs it into the uploaded context itself. */
  file: string
  context: string
  buildArgs: KeyValue[]
}

/** A quick run: the context uploaded, the image built and pushed, the log streamed. */
export function buildArgs(target: AcrTarget, request: AcrBuildRequest): string[] {
  return [
    'acr',
    'build',
    '--registry',
    target.name,
    ...resourceGroup(target),
    '--image',
    request.image,
    '--file',
    request.file,
    ...request.buildArgs.flatMap(({ key, value }) => ['--build-arg', `${key}=${value}`]),
    request.context,
  ]
}

/** The run's status alone: Queued, Started, Running, Succeeded, Failed, Canceled, Error, Timeout. */
export function runStatusArgs(target: AcrTarget, runId: string): string[] {
  return [
    'acr',
    'task',
    'show-run',
    '--registry',
    target.name,
    ...resourceGroup(target),
    '--run-id',
    runId,
    '--query',
    'status',
    '--output',
    'tsv',
  ]
}

export function runLogsArgs(target: AcrTarget, runId: string): string[] {
  return [
    'acr',
    'task',
    'logs',
    '--registry',
    target.name,
    ...resourceGroup(target),
    '--run-id',
    runId,
  ]
}

export function cancelRunArgs(target: AcrTarget, runId: string): string[] {
  return [
    'acr',
    'task',
    'cancel-run',
    '--registry',
    target.name,
    ...resourceGroup(target),
    '--run-id',
    runId,
  ]
}

/** Gives `source` (login server/repository:tag) the tag `image`, inside the registry. */
export function importArgs(target: AcrTarget, source: string, image: string): string[] {
  return [
    'acr',
    'import',
    '--name',
    target.name,
    ...resourceGroup(target),
    '--source',
    source,
    '--image',
    image,
    '--force',
  ]
}

/** Removes a tag only: the manifest, and every other tag on it, stay. */
export function untagArgs(target: AcrTarget, image: string): string[] {
  return ['acr', 'repository', 'untag', '--name', target.name, '--image', image]
}

/** Every tag of the repository with the digest it names (JSON). */
export function tagsArgs(target: AcrTarget, repository: string): string[] {
  return [
    'acr',
    'repository',
    'show-tags',
    '--name',
    target.name,
    '--repository',
    repository,
    '--detail',
    '--output',
    'json',
  ]
}

/** Deletes the manifest the tag names, and with it every tag on that manifest. */
export function deleteArgs(target: AcrTarget, image: string): string[] {
  return ['acr', 'repository', 'delete', '--name', target.name, '--image', image, '--yes']
}
