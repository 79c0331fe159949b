// What the smoke test is asked to do, from the inputs: one place, whichever builder made the
// image, so a limit or a setting added later reaches every path.
import type { Inputs } from '../inputs/inputs.js'
import { deploymentRun } from './deployment-run.js'
import type { SmokeTestRequest } from './smoke-test.js'

/** `workDir` holds what the container is given (the deployment's code, staged readable). */
export function smokeTestRequest(inputs: Inputs, image: string, workDir: string): SmokeTestRequest {
  return {
    image,
    deployment: inputs.deployment && deploymentRun(inputs.deployment, workDir),
    containerPort: inputs.containerPort,
    startupTimeoutSeconds: inputs.startupTimeoutSeconds,
    cases: inputs.scoringCases,
    scoreRequests: inputs.scoreRequests,
    limits: {
      memoryBytes: inputs.memoryBytes,
      cpus: inputs.cpus,
      gpus: inputs.gpus,
      deployment: inputs.deploymentResources,
    },
  }
}
