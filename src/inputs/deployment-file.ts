// The `deployment` input: the Azure ML managed online deployment YAML (the file of
// `az ml online-deployment create -f`), read for what changes how the container runs there.
// Keys and defaults: "CLI (v2) managed online deployment YAML schema",
// learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online
// (RequestSettings: request_timeout_ms 5000, at most 180000; max_concurrent_requests_per_instance
// 1. ProbeSettings: initial_delay 10, period 10, timeout 2, success_threshold 1 (fixed at 1 for
// the liveness probe), failure_threshold 30). Keys the smoke test has no use for are ignored; a
// key it uses with a wrong type or value is refused, naming the key and the rule.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isAlias, isMap, parseDocument, type Document, type Node } from 'yaml'
import { Input } from '../step/constants.js'
import { environmentValue } from './deployment-env.js'
import type { KeyValue } from './parse.js'
import { checkDirectory, checkNamesUtf8, isInside, resolveInWorkspace } from './workspace-paths.js'

export interface ProbeSettings {
  initialDelay: number
  period: number
  timeout: number
  failureThreshold: number
  successThreshold: number
}

interface DeploymentModel {
  /** As the file writes it (a reference, or the inline model's name or path). */
  reference: string
  name?: string
  version?: string
}

interface DeploymentCode {
  /** The code folder on the runner (absolute, inside the workspace). */
  dir: string
  /** Its name: the platform mounts it at /var/azureml-app/<name>. */
  folderName: string
  /** The scoring script relative to the code folder, with forward slashes. */
  scoringScript: string
}

export interface DeploymentSettings {
  /** The file, relative to the workspace with forward slashes: how messages name it. */
  file: string
  environmentVariables: KeyValue[]
  livenessProbe: ProbeSettings
  readinessProbe: ProbeSettings
  requestTimeoutMs: number
  maxConcurrentRequestsPerInstance: number
  instanceType?: string
  model?: DeploymentModel
  codeConfiguration?: DeploymentCode
  /** What the smoke test cannot do as the platform does, for warnings. */
  notes: string[]
}

const DEFAULTS: ProbeSettings = {
  initialDelay: 10,
  period: 10,
  timeout: 2,
  failureThreshold: 30,
  successThreshold: 1,
}
const REQUEST_TIMEOUT_DEFAULT_MS = 5000
const REQUEST_TIMEOUT_MAX_MS = 180_000
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/

type Plain = Record<string, unknown>

class DeploymentReader {
  readonly notes: string[] = []

  constructor(
    readonly file: string,
    readonly document: Document,
  ) {}

  fail(key: string, rule: string, cause?: unknown): Error {
    return new Error(`Input '${Input.Deployment}': ${this.file}: ${key} ${rule}`, { cause })
  }

  map(value: unknown, key: string): Plain | undefined {
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw this.fail(key, `must be a mapping of keys to values, got ${describe(value)}`)
    }
    return value as Plain
  }

  text(value: unknown, key: string): string | undefined {
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string' || value.trim() === '' || /\p{Cc}/u.test(value)) {
      throw this.fail(key, `must be a non-empty string on one line, got ${describe(value)}`)
    }
    return value.trim()
  }

  /** A whole number (the CLI also takes one written as a string), at least `min`. */
  integer(value: unknown, key: string, fallback: number, min: number, max?: number): number {
    if (value === undefined || value === null) return fallback
    const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min) {
      throw this.fail(key, `must be a whole number of at least ${min}, got ${describe(value)}`)
    }
    if (max !== undefined && number > max) {
      throw this.fail(key, `must be at most ${max} (Azure ML's limit), got ${number}`)
    }
    return number
  }

  probe(value: unknown, key: string): ProbeSettings {
    const probe = this.map(value, key) ?? {}
    const settings: ProbeSettings = {
      initialDelay: this.integer(
        probe.initial_delay,
        `${key}.initial_delay`,
        DEFAULTS.initialDelay,
        1,
      ),
      period: this.integer(probe.period, `${key}.period`, DEFAULTS.period, 1),
      timeout: this.integer(probe.timeout, `${key}.timeout`, DEFAULTS.timeout, 1),
      failureThreshold: this.integer(
        probe.failure_threshold,
        `${key}.failure_threshold`,
        DEFAULTS.failureThreshold,
        1,
      ),
      successThreshold: this.integer(
        probe.success_threshold,
        `${key}.success_threshold`,
        DEFAULTS.successThreshold,
        1,
      ),
    }
    if (key === 'liveness_probe' && settings.successThreshold !== 1) {
      this.notes.push(
        `${this.file}: liveness_probe.success_threshold is fixed at 1 by Azure ML; ${settings.successThreshold} is not used`,
      )
      settings.successThreshold = 1
    }
    return settings
  }

  environment(): KeyValue[] {
    const node = this.document.get('environment_variables', true) as Node | null | undefined
    if (node === undefined || node === null) return []
    if (!isMap(node)) {
      throw this.fail('environment_variables', 'must be a mapping of names to values')
    }
    return node.items.map((pair) => {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key)
      if (!ENV_KEY.test(key)) {
        throw this.fail(`environment_variables: key "${key}"`, `must match ${ENV_KEY.source}`)
      }
      const raw = isAlias(pair.value) ? pair.value.resolve(this.document) : pair.value
      const value = environmentValue((raw ?? null) as Node | null)
      if (value === undefined) {
        throw this.fail(
          `environment_variables.${key}`,
          'must be a string, a number or a boolean (an empty value or a nested one has no text to set)',
        )
      }
      return { key, value }
    })
  }

  model(value: unknown): DeploymentModel | undefined {
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string') return modelReference(this.text(value, 'model') as string)
    const model = this.map(value, 'model') as Plain
    const name = this.text(model.name, 'model.name')
    const version =
      typeof model.version === 'number'
        ? String(model.version)
        : this.text(model.version, 'model.version')
    const modelPath = this.text(model.path, 'model.path')
    if (name === undefined && modelPath === undefined) {
      throw this.fail('model', 'needs a name or a path')
    }
    return { reference: name ?? (modelPath as string), name, version }
  }

  code(value: unknown, workspace: string): DeploymentCode | undefined {
    const config = this.map(value, 'code_configuration')
    if (config === undefined) return undefined
    const code = this.text(config.code, 'code_configuration.code')
    const script = this.text(config.scoring_script, 'code_configuration.scoring_script')
    if (code === undefined || script === undefined) {
      throw this.fail('code_configuration', 'needs both code and scoring_script')
    }
    if (/^(azureml:|[a-z][a-z0-9+.-]*:\/\/)/i.test(code)) {
      this.notes.push(
        `${this.file}: code_configuration.code is ${code}, not a folder here: the smoke test cannot fetch it and runs the code in the image`,
      )
      return undefined
    }
    const fileDir = path.dirname(path.resolve(workspace, this.file))
    const dir = this.inWorkspace(
      workspace,
      path.resolve(fileDir, code),
      'code_configuration.code',
      'dir',
    )
    checkNamesUtf8(Input.Deployment, dir)
    checkDirectory(workspace, Input.Deployment, dir)
    const scriptFile = path.resolve(dir, script)
    const scoringScript = path.relative(dir, scriptFile)
    if (!isInside(dir, scriptFile) || !scoringScript.endsWith('.py')) {
      throw this.fail(
        'code_configuration.scoring_script',
        `"${script}" must be a .py file inside the code folder`,
      )
    }
    this.inWorkspace(workspace, scriptFile, 'code_configuration.scoring_script', 'file')
    return {
      dir,
      folderName: path.basename(dir),
      scoringScript: scoringScript.split(path.sep).join('/'),
    }
  }

  private inWorkspace(
    workspace: string,
    absolute: string,
    key: string,
    kind: 'file' | 'dir',
  ): string {
    try {
      return resolveInWorkspace(
        workspace,
        Input.Deployment,
        path.relative(workspace, absolute),
        kind,
      )
    } catch (error) {
      throw this.fail(key, (error as Error).message.replace(/^Input '[^']+': /, ''), error)
    }
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value !== null && typeof value === 'object') return 'a mapping'
  return JSON.stringify(value)
}

/** `azureml:name:version`, `azureml:name@label`, or an asset id ending `models/name/versions/v`. */
function modelReference(reference: string): DeploymentModel {
  const asset = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(reference)
  if (asset) return { reference, name: asset[1], version: asset[2] }
  const short = /^azureml:([^:@/]+)(?::([^:@/]+)|@[^:@/]+)?$/.exec(reference)
  if (short) return { reference, name: short[1], version: short[2] }
  return { reference }
}

/** Reads and checks the file; throws naming the input, the file, the key and the rule. */
export function readDeployment(workspace: string, raw: string): DeploymentSettings {
  const absolute = resolveInWorkspace(workspace, Input.Deployment, raw.trim(), 'file')
  const realWorkspace = fs.realpathSync(workspace)
  const file = path.relative(realWorkspace, absolute).split(path.sep).join('/')
  // YAML 1.1, as PyYAML (which the az CLI uses) reads it.
  const document = parseDocument(fs.readFileSync(absolute, 'utf8'), { version: '1.1' })
  const problem = document.errors[0]
  if (problem) {
    throw new Error(
      `Input '${Input.Deployment}': ${file} is not valid YAML: ${problem.message.split('\n')[0]}`,
    )
  }
  const reader = new DeploymentReader(file, document)
  let top: unknown
  try {
    top = document.toJS({ maxAliasCount: 100 })
  } catch (error) {
    throw new Error(
      `Input '${Input.Deployment}': ${file} is not valid YAML: ${(error as Error).message}`,
      { cause: error },
    )
  }
  if (top === null || typeof top !== 'object' || Array.isArray(top)) {
    throw reader.fail(
      'the file',
      `must be a mapping of deployment keys (as for az ml online-deployment create -f), got ${describe(top)}`,
    )
  }
  const settings = top as Plain
  const requests = reader.map(settings.request_settings, 'request_settings') ?? {}
  return {
    file,
    environmentVariables: reader.environment(),
    livenessProbe: reader.probe(settings.liveness_probe, 'liveness_probe'),
    readinessProbe: reader.probe(settings.readiness_probe, 'readiness_probe'),
    requestTimeoutMs: reader.integer(
      requests.request_timeout_ms,
      'request_settings.request_timeout_ms',
      REQUEST_TIMEOUT_DEFAULT_MS,
      1,
      REQUEST_TIMEOUT_MAX_MS,
    ),
    maxConcurrentRequestsPerInstance: reader.integer(
      requests.max_concurrent_requests_per_instance,
      'request_settings.max_concurrent_requests_per_instance',
      1,
      1,
    ),
    instanceType: reader.text(settings.instance_type, 'instance_type'),
    model: reader.model(settings.model),
    codeConfiguration: reader.code(settings.code_configuration, realWorkspace),
    notes: reader.notes,
  }
}
