// Names that form the action's public interface (action.yml) and the serving contract of the
// Azure ML inference images (../shared/azureml-image-contract.md). One place, no stray literals.

export enum Input {
  BaseImage = 'base-image',
  AptPackages = 'apt-packages',
  Requirements = 'requirements',
  CodeDir = 'code-dir',
  EntryScript = 'entry-script',
  ModelDir = 'model-dir',
  Env = 'env',
  OverrideContractEnv = 'override-contract-env',
  Tags = 'tags',
  Labels = 'labels',
  Build = 'build',
  Network = 'network',
  PipIndexUrl = 'pip-index-url',
  PipExtraIndexUrl = 'pip-extra-index-url',
  SmokeTest = 'smoke-test',
  SampleRequest = 'sample-request',
  ExpectedStatus = 'expected-status',
  ExpectedResponse = 'expected-response',
  ScoreRequests = 'score-requests',
  Deployment = 'deployment',
  StartupTimeout = 'startup-timeout',
  ContainerPort = 'container-port',
  Memory = 'memory',
  Cpus = 'cpus',
  Gpus = 'gpus',
  Cache = 'cache',
  Push = 'push',
  Builder = 'builder',
  AcrName = 'acr-name',
  AcrResourceGroup = 'acr-resource-group',
}

export enum Output {
  Image = 'image',
  Tags = 'tags',
  ImageId = 'image-id',
  Dockerfile = 'dockerfile',
  Context = 'context',
  Metadata = 'metadata',
  SmokeTest = 'smoke-test',
  ScoreStatus = 'score-status',
  ScoreResponse = 'score-response',
  Digest = 'digest',
}

export enum State {
  IsPost = 'isPost',
  WorkDirs = 'workDirs',
  Containers = 'containers',
  PendingTags = 'pendingTags',
  /** Candidate images in an Azure container registry (JSON list of AcrCandidate). */
  AcrCandidates = 'acrCandidates',
  /** The engine the main step used ({host, context}), for the post step to reach it again. */
  Engine = 'engine',
}

/** The serving contract of the prebuilt images. */
export const Contract = {
  appRoot: '/var/azureml-app',
  modelDir: '/var/azureml-app/azureml-models',
  defaultUser: 'dockeruser',
  port: 5001,
  entryScriptEnv: 'AZUREML_ENTRY_SCRIPT',
  modelDirEnv: 'AZUREML_MODEL_DIR',
} as const

/** Environment keys the generated Dockerfile owns; a user must opt in to override them. */
export const CONTRACT_ENV_KEYS = [Contract.entryScriptEnv, Contract.modelDirEnv, 'PATH'] as const

/** Label put on every container the action starts, so cleanup and tests can find them. */
export const CONTAINER_LABEL = 'io.extend-azureml-image.run'

/** Label on every application image: the digest of the Dockerfile it was built from. */
export const RECIPE_LABEL = 'io.extend-azureml-image.recipe'
