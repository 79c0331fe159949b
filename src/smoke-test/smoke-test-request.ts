// What the smoke test is asked to do, from the inputs: one place, whichever builder made the
// image, so a limit or a setting added later reaches every path.
import type { Inputs } from '../inputs/inputs.js'
import type { SmokeTestRequest } from './smoke-test.js'

export function smokeTestRequest(inputs: Inputs, image: string): SmokeTestRequest {
  return {
    image,
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
