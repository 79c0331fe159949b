// What a deployment file changes that the user may not expect, said as warnings before anything
// is built: values that differ from the `env` input, variables that replace the image's own,
// a model or code the platform mounts over what the image has baked in, a size the action does
// not know.
import type { DeploymentSettings } from './deployment-file.js'
import { instanceResources } from './instance-types.js'
import type { KeyValue } from './parse.js'
import { Contract } from '../step/constants.js'
import type { DeploymentResources } from '../smoke-test/container-resources.js'

export interface BakedIn {
  env: KeyValue[]
  codeDir?: string
  modelDir?: string
}

/** The instance type's vCPUs and memory (an upper bound for the container), if the table has it. */
export function deploymentResources(
  deployment: DeploymentSettings,
): DeploymentResources | undefined {
  const type = deployment.instanceType
  const resources = type === undefined ? undefined : instanceResources(type)
  if (!type || !resources) return undefined
  return { ...resources, source: `instance_type ${type} (${deployment.file})` }
}

/**
 * What the images and the generated Dockerfile set, so a deployment value replaces theirs. Other
 * AZUREML_* names (AZUREML_LOG_LEVEL, ...) are the server's settings, set nowhere else.
 */
const IMAGE_OWNED_KEYS: string[] = [
  'PATH',
  'AML_APP_ROOT',
  Contract.entryScriptEnv,
  Contract.modelDirEnv,
  'AZUREML_CONDA_ENVIRONMENT_PATH',
]

function envWarnings(deployment: DeploymentSettings, env: KeyValue[]): string[] {
  const file = deployment.file
  const warnings: string[] = []
  for (const { key, value } of deployment.environmentVariables) {
    const baked = env.find((pair) => pair.key === key)
    // Values stay out of the message: either may be a secret.
    if (baked && baked.value !== value) {
      warnings.push(
        `${file}: environment_variables sets ${key} to another value than the 'env' input bakes into the image; the deployment's value is what the container gets there, and in the smoke test`,
      )
    }
    if (IMAGE_OWNED_KEYS.includes(key)) {
      warnings.push(
        `${file}: environment_variables sets ${key}, which replaces the image's own value (${key === 'PATH' ? "the Python environment's bin folder comes first in it" : 'the server finds the code, the model or Python by it'}); the smoke test runs with it, as the deployment will`,
      )
    }
  }
  return warnings
}

export function deploymentWarnings(deployment: DeploymentSettings, baked: BakedIn): string[] {
  const file = deployment.file
  const warnings = [...deployment.notes, ...envWarnings(deployment, baked.env)]
  const model = deployment.model
  if (model && baked.modelDir) {
    const where = `${Contract.modelDir}/${model.name ?? '<name>'}/${model.version ?? '<version>'}`
    warnings.push(
      `${file}: model ${model.reference} is mounted by the deployment, which points ${Contract.modelDirEnv} at ${where}: init() will not read the model baked in from 'model-dir'`,
    )
  }
  const code = deployment.codeConfiguration
  if (code && baked.codeDir) {
    warnings.push(
      `${file}: code_configuration mounts ${code.folderName} at ${Contract.appRoot}/${code.folderName} and sets AML_APP_ROOT there and ${Contract.entryScriptEnv}=${code.scoringScript}: the code baked in from 'code-dir' does not run; the smoke test runs the deployment's code, as the platform will`,
    )
  }
  const type = deployment.instanceType
  if (type && !instanceResources(type)) {
    warnings.push(
      `${file}: instance_type ${type} is not in the action's table of managed online endpoint sizes: the smoke test does not know its memory and CPUs`,
    )
  }
  return warnings
}
