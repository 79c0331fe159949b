// What the smoke test changes to run the container the way the `deployment` file will: its
// environment variables on the container (not in the image), its code folder where the platform
// mounts it, and the budgets it is held to.
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { DeploymentSettings } from '../inputs/deployment-file.js'
import type { KeyValue } from '../inputs/parse.js'
import type { ContainerFiles } from '../docker/docker-args.js'
import { Contract } from '../step/constants.js'
import { startupBudget, type ProbeBudget } from './probe-budget.js'
import type { RequestTimeout } from './request-timeout.js'

export interface DeploymentRun {
  file: string
  env: KeyValue[]
  files: ContainerFiles[]
  budget: ProbeBudget
  requestTimeout: RequestTimeout
  maxConcurrentRequests: number
}

/** Where the platform mounts code_configuration.code, and AML_APP_ROOT with it. */
function mountedCodeRoot(folderName: string): string {
  return `${Contract.appRoot}/${folderName}`
}

/**
 * A copy of the code folder whose every file and folder anyone may read: `docker cp` makes
 * them root's in the container, keeping their modes, and the image's user is not root. Links
 * (checked to stay inside the workspace) are copied as what they point to; .git is left out.
 */
function stageReadable(source: string, target: string): void {
  fs.cpSync(source, target, {
    recursive: true,
    dereference: true,
    filter: (from) => path.basename(from) !== '.git',
  })
  const walk = (dir: string): void => {
    fs.chmodSync(dir, 0o755)
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else fs.chmodSync(full, fs.statSync(full).mode & 0o100 ? 0o755 : 0o644)
    }
  }
  walk(target)
}

export function deploymentRun(deployment: DeploymentSettings, workDir: string): DeploymentRun {
  const code = deployment.codeConfiguration
  const owned = code ? ['AML_APP_ROOT', Contract.entryScriptEnv] : []
  const env = deployment.environmentVariables.filter(({ key }) => !owned.includes(key))
  const files: ContainerFiles[] = []
  if (code) {
    const staged = path.join(workDir, 'deployment-code', code.folderName)
    stageReadable(code.dir, staged)
    const root = mountedCodeRoot(code.folderName)
    files.push({ source: staged, target: root })
    // The platform sets these itself for code_configuration, over the file's own.
    env.push(
      { key: 'AML_APP_ROOT', value: root },
      { key: Contract.entryScriptEnv, value: code.scoringScript },
    )
  }
  return {
    file: deployment.file,
    env,
    files,
    budget: startupBudget(deployment),
    requestTimeout: { ms: deployment.requestTimeoutMs, file: deployment.file },
    maxConcurrentRequests: deployment.maxConcurrentRequestsPerInstance,
  }
}
