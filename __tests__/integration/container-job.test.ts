// The action in a container job, as GitHub runs one (`jobs.<id>.container`): a job container
// with only the host's docker socket mounted (no docker of its own), on a network of its own,
// the workspace, the runner's temp dir and the node that runs actions bind-mounted, each step
// `docker exec`'d into it with the GITHUB_* variables. A port published on the host's loopback
// cannot be reached from in there: the smoke-test container must join the job's network.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseFileCommands } from '../../scripts/run-action.mjs'
import {
  actionContainers,
  docker,
  dockerStatus,
  requireEngineAndStandin,
} from '../helpers/docker.js'
import { EXAMPLE, EXAMPLE_RESPONSE, exampleInputs } from '../helpers/example.js'
import { ROOT, startLocalIndex, type LocalIndex } from '../helpers/local-pypi.js'

const RUN_ID = `container-job-${process.pid}`
const JOB_IMAGE = `eai-test/container-job:${process.pid}`
const NETWORK = `eai-job-${process.pid}`
const JOB = `eai-job-${process.pid}`
const TAG = `eai-test/container-job:built-${process.pid}`
// Where GitHub's runner puts them in a job container.
const IN_JOB = {
  workspace: '/__w/app/app',
  temp: '/__w/_temp',
  action: '/__w/_actions/owner/extend-azureml-image/v1',
  node: '/__e/node20/bin/node',
}

let index: LocalIndex
let scratch: string
let runnerTemp: string
let jobId: string
let main: { code: number; stdout: string }
let post: { code: number; stdout: string }
let outputs: Record<string, string>

/** One step: `docker exec` into the job container with the runner's variables, as the runner does. */
async function step(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const files = {
    GITHUB_OUTPUT: '_output',
    GITHUB_STATE: '_state',
    GITHUB_STEP_SUMMARY: '_summary',
  }
  for (const name of Object.values(files)) fs.writeFileSync(path.join(runnerTemp, name), '')
  const all: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: RUN_ID,
    GITHUB_WORKSPACE: IN_JOB.workspace,
    RUNNER_TEMP: IN_JOB.temp,
    ...Object.fromEntries(
      Object.entries(files).map(([key, name]) => [key, `${IN_JOB.temp}/${name}`]),
    ),
    ...env,
  }
  const args = Object.entries(all).flatMap(([key, value]) => ['--env', `${key}=${value}`])
  const result = await dockerStatus([
    'exec',
    ...args,
    JOB,
    IN_JOB.node,
    `${IN_JOB.action}/dist/index.js`,
  ])
  return { code: result.code, stdout: result.stdout }
}

beforeAll(async () => {
  await requireEngineAndStandin()
  index = await startLocalIndex() // the build runs with network host: the engine's loopback
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-container-job-'))
  runnerTemp = path.join(scratch, 'temp')
  fs.mkdirSync(runnerTemp)
  // A Debian image with a docker client and nothing else of docker: the socket comes mounted.
  const context = path.join(scratch, 'image')
  fs.mkdirSync(context)
  fs.copyFileSync('/usr/local/bin/docker', path.join(context, 'docker'))
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    'FROM azureml-standin/rootfs:bookworm\nCOPY docker /usr/local/bin/docker\n',
  )
  await docker(['build', '--quiet', '--tag', JOB_IMAGE, context])
  await docker(['network', 'create', NETWORK])
  jobId = await docker([
    ...['run', '--detach', '--name', JOB, '--network', NETWORK],
    ...['--volume', '/var/run/docker.sock:/var/run/docker.sock'],
    ...['--volume', `${EXAMPLE}:${IN_JOB.workspace}:ro`],
    ...['--volume', `${runnerTemp}:${IN_JOB.temp}`],
    ...['--volume', `${ROOT}:${IN_JOB.action}:ro`],
    ...['--volume', `${process.execPath}:${IN_JOB.node}:ro`],
    ...[JOB_IMAGE, 'tail', '-f', '/dev/null'],
  ])
  const inputs = exampleInputs(index.url, TAG, { 'startup-timeout': '60' })
  main = await step(
    Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  )
  outputs = parseFileCommands(fs.readFileSync(path.join(runnerTemp, '_output'), 'utf8'))
  const state = parseFileCommands(fs.readFileSync(path.join(runnerTemp, '_state'), 'utf8'))
  post = await step(
    Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])),
  )
}, 900_000)

afterAll(async () => {
  index?.stop()
  await dockerStatus(['rm', '--force', JOB])
  await dockerStatus(['network', 'rm', NETWORK])
  await dockerStatus(['image', 'rm', TAG, JOB_IMAGE])
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
  expect((await dockerStatus(['network', 'inspect', NETWORK])).code).not.toBe(0)
}, 120_000)

describe('the action in a container job (only the docker socket mounted)', () => {
  it("passes its smoke test, reaching the container on the job container's network", async () => {
    expect(main.code).toBe(0)
    expect(outputs['smoke-test']).toBe('passed')
    expect(outputs['score-response']).toBe(EXAMPLE_RESPONSE)
    expect(main.stdout).toContain(
      `The action runs in container ${jobId.slice(0, 12)} of the engine: the smoke-test container joins its network ${NETWORK}`,
    )
    // Probed at its own address on that network, on the container port itself.
    const subnet = JSON.parse(
      await docker(['network', 'inspect', '--format', '{{json .IPAM.Config}}', NETWORK]),
    )[0].Subnet as string
    const prefix = subnet.split('.').slice(0, 2).join('.')
    expect(main.stdout).toMatch(
      new RegExp(`waiting for GET http://${prefix.replace('.', '\\.')}\\.\\d+\\.\\d+:5001/`),
    )
  })

  it('leaves no container behind, and its post step passes', async () => {
    expect(post.code).toBe(0)
    expect(post.stdout).not.toContain('::warning::')
    expect(await actionContainers(RUN_ID)).toEqual([])
    expect(fs.readdirSync(runnerTemp).filter((name) => !name.startsWith('_'))).toEqual([])
  })
})
