// Talking to the real Docker engine from tests: argv only, output captured.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CONTAINER_LABEL } from '../../src/step/constants.js'

const execFileAsync = promisify(execFile)

export async function docker(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const { stdout } = await execFileAsync('docker', args, { env, maxBuffer: 64 * 1024 * 1024 })
  return stdout.trim()
}

/** Like docker(), but resolves with the exit code instead of throwing. */
export async function dockerStatus(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('docker', args, { maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' }
  }
}

/**
 * Removes the tags of images whose repository starts with `prefix`: what a test file's own
 * runs tagged, left by an earlier run that was stopped half-way.
 */
export async function removeImagesNamed(prefix: string): Promise<void> {
  const left = await docker([
    'image',
    'ls',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    `reference=${prefix}*`,
  ])
  const tags = left.split('\n').filter((line) => line !== '')
  if (tags.length > 0) await dockerStatus(['image', 'rm', ...tags])
}

export interface ImageConfig {
  Id: string
  Size: number
  RootFS: { Layers: string[] }
  Config: {
    User: string
    Env: string[]
    Labels: Record<string, string> | null
    Cmd: string[]
    WorkingDir: string
  }
}

export async function inspectImage(reference: string): Promise<ImageConfig> {
  return JSON.parse(await docker(['image', 'inspect', reference]))[0] as ImageConfig
}

export async function imageExists(reference: string): Promise<boolean> {
  return (await dockerStatus(['image', 'inspect', reference])).code === 0
}

/** Runs a command in a throwaway container of the image (as the image's user). */
export async function runInImage(image: string, command: string[]): Promise<string> {
  return docker(['run', '--rm', '--entrypoint', command[0], image, ...command.slice(1)])
}

/**
 * Containers the action started (running or not); with `runId`, only those of runs whose
 * GITHUB_RUN_ID was that (their names start extend-azureml-image-<runId>-), so a test is not
 * misled by another job on the same daemon.
 */
export async function actionContainers(runId?: string): Promise<string[]> {
  const out = await docker([
    'ps',
    '--all',
    '--filter',
    `label=${CONTAINER_LABEL}`,
    '--format',
    `{{.ID}} {{.Label "${CONTAINER_LABEL}"}}`,
  ])
  return out
    .split('\n')
    .filter((line) => line !== '')
    .filter((line) => runId === undefined || line.includes(` extend-azureml-image-${runId}-`))
    .map((line) => line.split(' ')[0])
}

export function envOf(config: ImageConfig): Record<string, string> {
  return Object.fromEntries(
    config.Config.Env.map((entry) => [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ]),
  )
}

export const STANDIN_IMAGE = 'azureml-standin/minimal-inference:latest'

/** Fails (never skips) when the engine or the stand-in is missing: tests rest on both. */
export async function requireEngineAndStandin(): Promise<void> {
  const version = await dockerStatus(['version', '--format', '{{.Server.Version}}'])
  if (version.code !== 0)
    throw new Error(`No Docker engine: ${version.stderr}. Run 'bash scripts/docker-engine.sh'.`)
  if (!(await imageExists(STANDIN_IMAGE)))
    throw new Error(`No ${STANDIN_IMAGE}: run 'bash standin/build.sh'.`)
}
