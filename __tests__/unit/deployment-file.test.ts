// The `deployment` input: the Azure ML deployment YAML read into settings, each wrong value
// refused naming the input, the file, the key and the rule; and what it warns about.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseDocument } from 'yaml'
import { readDeployment } from '../../src/inputs/deployment-file.js'
import { environmentValue } from '../../src/inputs/deployment-env.js'
import { deploymentResources, deploymentWarnings } from '../../src/inputs/deployment-warnings.js'
import { instanceResources } from '../../src/inputs/instance-types.js'
import { getInputs } from '../../src/inputs/inputs.js'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'

let workspace: string
let outside: string

function write(relative: string, text: string): string {
  const file = path.join(workspace, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return relative
}

beforeAll(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-ws-')))
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-out-'))
  write('deploy/onlinescoring/score.py', 'def init(): pass\n')
  write('deploy/onlinescoring/sub/helper.py', '')
  write('code/score.py', '')
  write('model/w.bin', 'w')
  fs.writeFileSync(path.join(outside, 'score.py'), '')
})
afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true })
  fs.rmSync(outside, { recursive: true, force: true })
})
afterEach(() => {
  clearInputs()
  jest.restoreAllMocks()
})

function read(yaml: string, name = 'deploy/deployment.yml') {
  return readDeployment(workspace, write(name, yaml))
}

describe('readDeployment', () => {
  it("gives Azure ML's documented defaults for what the file leaves out", () => {
    expect(read('name: blue\nendpoint_name: e\n')).toEqual({
      file: 'deploy/deployment.yml',
      environmentVariables: [],
      livenessProbe: {
        initialDelay: 10,
        period: 10,
        timeout: 2,
        failureThreshold: 30,
        successThreshold: 1,
      },
      readinessProbe: {
        initialDelay: 10,
        period: 10,
        timeout: 2,
        failureThreshold: 30,
        successThreshold: 1,
      },
      requestTimeoutMs: 5000,
      maxConcurrentRequestsPerInstance: 1,
      instanceType: undefined,
      model: undefined,
      codeConfiguration: undefined,
      notes: [],
    })
  })

  it('reads every key it uses, and ignores the others', () => {
    const settings = read(
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json',
        'name: blue',
        'environment: {image: x, inference_config: {liveness_route: {port: 5001, path: /}}}',
        'instance_type: Standard_DS1_v2',
        'instance_count: 3',
        'model: azureml:sklearn-model:7',
        'code_configuration:',
        '  code: onlinescoring',
        '  scoring_script: sub/helper.py',
        'environment_variables:',
        '  GREETING: hi',
        '  WORKER_COUNT: 2',
        'request_settings: {request_timeout_ms: 90000, max_concurrent_requests_per_instance: 4}',
        'liveness_probe: {initial_delay: 1, period: 2, failure_threshold: 3, timeout: 4, success_threshold: 5}',
        'readiness_probe: {initial_delay: 6, success_threshold: "2"}',
      ].join('\n'),
    )
    expect(settings).toMatchObject({
      environmentVariables: [
        { key: 'GREETING', value: 'hi' },
        { key: 'WORKER_COUNT', value: '2' },
      ],
      livenessProbe: { initialDelay: 1, period: 2, failureThreshold: 3, timeout: 4 },
      readinessProbe: { initialDelay: 6, period: 10, successThreshold: 2 },
      requestTimeoutMs: 90000,
      maxConcurrentRequestsPerInstance: 4,
      instanceType: 'Standard_DS1_v2',
      model: { reference: 'azureml:sklearn-model:7', name: 'sklearn-model', version: '7' },
      codeConfiguration: {
        dir: path.join(workspace, 'deploy/onlinescoring'),
        folderName: 'onlinescoring',
        scoringScript: 'sub/helper.py',
      },
    })
    // Fixed at 1 by Azure ML: the given 5 is noted and not used.
    expect(settings.livenessProbe.successThreshold).toBe(1)
    expect(settings.notes).toEqual([
      'deploy/deployment.yml: liveness_probe.success_threshold is fixed at 1 by Azure ML; 5 is not used',
    ])
  })

  it.each([
    ['azureml:m:3', { name: 'm', version: '3' }],
    ['azureml:m@latest', { name: 'm', version: undefined }],
    ['azureml://registries/azureml/models/phi/versions/12', { name: 'phi', version: '12' }],
    ['{name: m, version: 2, path: ../model}', { name: 'm', version: '2' }],
    ['{path: ../model}', { name: undefined, reference: '../model' }],
  ])('model %s', (model, expected) => {
    expect(read(`model: ${model}\n`).model).toMatchObject(expected)
  })

  it('leaves a code asset it cannot fetch to the image, with a note', () => {
    const settings = read('code_configuration: {code: "azureml:code:1", scoring_script: s.py}\n')
    expect(settings.codeConfiguration).toBeUndefined()
    expect(settings.notes[0]).toMatch(/code_configuration.code is azureml:code:1, not a folder/)
  })

  it.each<[string, string, RegExp]>([
    ['malformed YAML', 'liveness_probe: {initial_delay: 1\n', /is not valid YAML: /],
    ['a list, not a mapping', '- a\n- b\n', /the file must be a mapping of deployment keys/],
    ['a duplicate key', 'name: a\nname: b\n', /is not valid YAML: Map keys must be unique/],
    [
      'request_timeout_ms above the limit',
      'request_settings: {request_timeout_ms: 180001}',
      /request_settings.request_timeout_ms must be at most 180000 \(Azure ML's limit\), got 180001/,
    ],
    [
      'request_timeout_ms not a number',
      'request_settings: {request_timeout_ms: fast}',
      /request_settings.request_timeout_ms must be a whole number of at least 1, got "fast"/,
    ],
    [
      'a fractional period',
      'liveness_probe: {period: 1.5}',
      /liveness_probe.period must be a whole number of at least 1, got 1.5/,
    ],
    [
      'initial_delay 0',
      'readiness_probe: {initial_delay: 0}',
      /readiness_probe.initial_delay must be a whole number of at least 1, got 0/,
    ],
    ['a probe that is a list', 'liveness_probe: [1]', /liveness_probe must be a mapping/],
    [
      'environment_variables as a list',
      'environment_variables: [A=1]',
      /environment_variables must be a mapping of names to values/,
    ],
    [
      'an environment variable without a value',
      'environment_variables: {A: }',
      /environment_variables.A must be a string, a number or a boolean/,
    ],
    [
      'a nested environment variable',
      'environment_variables: {A: {b: 1}}',
      /environment_variables.A must be a string, a number or a boolean/,
    ],
    [
      'an environment variable name with a space',
      'environment_variables: {"A B": x}',
      /environment_variables: key "A B" must match/,
    ],
    ['instance_type as a number', 'instance_type: 3', /instance_type must be a non-empty string/],
    [
      'code_configuration without scoring_script',
      'code_configuration: {code: onlinescoring}',
      /code_configuration needs both code and scoring_script/,
    ],
    [
      'a code folder that is not there',
      'code_configuration: {code: gone, scoring_script: score.py}',
      /code_configuration.code "[^"]*gone" does not exist/,
    ],
    [
      'a scoring script outside the code folder',
      'code_configuration: {code: onlinescoring, scoring_script: ../deployment.yml}',
      /code_configuration.scoring_script "..\/deployment.yml" must be a .py file inside the code folder/,
    ],
    [
      'a scoring script that is not there',
      'code_configuration: {code: onlinescoring, scoring_script: gone.py}',
      /code_configuration.scoring_script "[^"]*gone.py" does not exist/,
    ],
  ])('refuses %s, naming the input, the file and the key', (_name, yaml, rule) => {
    expect(() => read(yaml)).toThrow(rule)
    expect(() => read(yaml)).toThrow(/^Input 'deployment': deploy\/deployment.yml/)
  })

  it('refuses a code folder outside the workspace', () => {
    const relative = path.relative(path.join(workspace, 'deploy'), outside)
    expect(() =>
      read(`code_configuration: {code: "${relative}", scoring_script: score.py}`),
    ).toThrow(/code_configuration.code "[^"]*" resolves outside the workspace/)
  })

  it('refuses a file outside the workspace, or none', () => {
    expect(() => readDeployment(workspace, '../x.yml')).toThrow(/Input 'deployment': "..\/x.yml"/)
    expect(() => readDeployment(workspace, 'code')).toThrow(/is not a file/)
  })
})

describe('environment variable values: as the az CLI sends them (Python str of YAML 1.1)', () => {
  it.each([
    ['hello', 'hello'],
    ['"true"', 'true'],
    ['true', 'True'],
    ['yes', 'True'],
    ['off', 'False'],
    ['1', '1'],
    ['010', '8'],
    ['0x1F', '31'],
    ['1.0', '1.0'],
    ['1.50', '1.5'],
    ['-0.25', '-0.25'],
    ['0.00001', '1e-05'],
    ['1e3', '1e3'],
    ['12345678901234567.0', '1.2345678901234568e+16'],
    ['.inf', 'inf'],
    ["''", ''],
  ])('%s -> "%s"', (yaml, expected) => {
    const document = parseDocument(`v: ${yaml}\n`, { version: '1.1' })
    expect(environmentValue(document.get('v', true) as never)).toBe(expected)
  })
})

describe('instance types', () => {
  it.each([
    ['Standard_DS1_v2', 1, 3.5],
    ['STANDARD_DS3_V2', 4, 14],
    ['standard_f2s_v2', 2, 4],
    ['Standard_E64s_v3', 64, 432],
    ['Standard_NC4as_T4_v3', 4, 28],
  ])('%s: %d vCPUs, %d GiB', (name, cpus, gib) => {
    expect(instanceResources(name)).toEqual({ cpus, memoryBytes: gib * 1024 ** 3 })
  })

  it('knows no size it was not told of: no guess', () => {
    expect(instanceResources('Standard_DS9_v9')).toBeUndefined()
  })

  it('names its source for messages', () => {
    expect(deploymentResources(read('instance_type: Standard_DS1_v2\n'))).toEqual({
      cpus: 1,
      memoryBytes: 3.5 * 1024 ** 3,
      source: 'instance_type Standard_DS1_v2 (deploy/deployment.yml)',
    })
    expect(deploymentResources(read('instance_type: Standard_Nope\n'))).toBeUndefined()
  })
})

describe('deploymentWarnings', () => {
  it('says what the deployment changes over what the image has baked in', () => {
    const settings = read(
      [
        'instance_type: Standard_Nope',
        'model: {name: m, version: 3}',
        'code_configuration: {code: onlinescoring, scoring_script: score.py}',
        'environment_variables: {GREETING: deployed-s3cret, SAME: x, AZUREML_LOG_LEVEL: debug, AZUREML_MODEL_DIR: /m, PATH: /bin}',
      ].join('\n'),
    )
    const warnings = deploymentWarnings(settings, {
      env: [
        { key: 'GREETING', value: 'baked-s3cret' },
        { key: 'SAME', value: 'x' },
      ],
      codeDir: '/ws/code',
      modelDir: '/ws/model',
    })
    expect(warnings).toEqual([
      expect.stringMatching(
        /^deploy\/deployment.yml: environment_variables sets GREETING to another value than the 'env' input/,
      ),
      expect.stringMatching(/environment_variables sets AZUREML_MODEL_DIR, which replaces/),
      expect.stringMatching(/environment_variables sets PATH, which replaces/),
      "deploy/deployment.yml: model m is mounted by the deployment, which points AZUREML_MODEL_DIR at /var/azureml-app/azureml-models/m/3: init() will not read the model baked in from 'model-dir'",
      expect.stringMatching(
        /code_configuration mounts onlinescoring at \/var\/azureml-app\/onlinescoring and sets AML_APP_ROOT there and AZUREML_ENTRY_SCRIPT=score.py: the code baked in from 'code-dir' does not run/,
      ),
      expect.stringMatching(/instance_type Standard_Nope is not in the action's table/),
    ])
    // Values stay out of warnings: either side may be a secret.
    expect(warnings.join('\n')).not.toMatch(/s3cret/)
  })

  it('says nothing of a model or code when nothing is baked in', () => {
    const settings = read(
      'model: azureml:m:1\ncode_configuration: {code: onlinescoring, scoring_script: score.py}\n',
    )
    expect(deploymentWarnings(settings, { env: [] })).toEqual([])
  })
})

describe('getInputs with a deployment', () => {
  const base = { 'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest' }
  beforeAll(() => {
    process.env.GITHUB_WORKSPACE = workspace
  })
  afterAll(() => {
    delete process.env.GITHUB_WORKSPACE
  })

  it("waits the deployment's probe budget unless startup-timeout is given", () => {
    write('d/budget.yml', 'liveness_probe: {initial_delay: 2, period: 3, failure_threshold: 4}\n')
    setInputs({ ...base, deployment: 'd/budget.yml' })
    expect(getInputs()).toMatchObject({ startupTimeoutSeconds: 14, startupTimeoutGiven: false })
    setInputs({ ...base, deployment: 'd/budget.yml', 'startup-timeout': '60' })
    expect(getInputs()).toMatchObject({ startupTimeoutSeconds: 60, startupTimeoutGiven: true })
  })

  it('waits 300 s without either', () => {
    setInputs(base)
    expect(getInputs()).toMatchObject({ startupTimeoutSeconds: 300, startupTimeoutGiven: false })
  })

  it('warns before anything is built, and carries the instance size', () => {
    const printed: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk))
      return true
    })
    write('d/model.yml', 'model: azureml:m:1\ninstance_type: Standard_F2s_v2\n')
    setInputs({ ...base, deployment: 'd/model.yml', 'model-dir': 'model' })
    const inputs = getInputs()
    expect(inputs.deploymentResources).toEqual({
      cpus: 2,
      memoryBytes: 4 * 1024 ** 3,
      source: 'instance_type Standard_F2s_v2 (d/model.yml)',
    })
    expect(printed.join('')).toMatch(/^::warning::d\/model.yml: model azureml:m:1 is mounted/m)
  })
})
