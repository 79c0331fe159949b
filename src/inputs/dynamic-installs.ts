// The images' start script pip-installs the file AZUREML_EXTRA_REQUIREMENTS_TXT names at every
// container start, before the server starts: each start waits for pip, and a start where no
// package index is reachable fails. The `requirements` input installs the same file once, into
// the image. Said as warnings before anything is built.
import type { DeploymentSettings } from './deployment-file.js'
import type { KeyValue } from './parse.js'
import { Input } from '../step/constants.js'

/** @internal (exported for its unit tests) */
export const DYNAMIC_INSTALL_ENV = 'AZUREML_EXTRA_REQUIREMENTS_TXT'

const CONSEQUENCE = `the image's start script then pip-installs that file at every container start, before the server starts: start-up waits for pip, and fails where no package index is reachable. List the packages in the '${Input.Requirements}' input instead: they are installed once, into the image`

// The start script skips the install for an empty value, so only a value counts.
function setsIt(pairs: KeyValue[]): boolean {
  return pairs.some(({ key, value }) => key === DYNAMIC_INSTALL_ENV && value !== '')
}

/** One warning per place that sets it; the value (a file name from a PR, maybe) is not in them. */
export function dynamicInstallWarnings(
  env: KeyValue[],
  deployment: DeploymentSettings | undefined,
): string[] {
  const warnings: string[] = []
  if (setsIt(env)) warnings.push(`Input '${Input.Env}' sets ${DYNAMIC_INSTALL_ENV}: ${CONSEQUENCE}`)
  if (deployment && setsIt(deployment.environmentVariables)) {
    warnings.push(
      `${deployment.file}: environment_variables sets ${DYNAMIC_INSTALL_ENV}: ${CONSEQUENCE}`,
    )
  }
  return warnings
}
