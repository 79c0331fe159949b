// The post step as the runner starts it (node dist/index.js with STATE_isPost), in its own
// process so that PATH really decides whether a docker CLI can be found: after a main step that
// ended normally it removes the work directory without running docker, and when a container was
// left behind it tries docker and only warns when it cannot.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ACTION_ENTRY, ACTION_NODE } from '../../scripts/run-action.mjs'

function postStep(state: Record<string, string>): { status: number | null; stdout: string } {
  // A PATH with no docker on it: any docker command would fail and be warned about.
  const noDocker = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-no-docker-'))
  try {
    const env: Record<string, string> = { PATH: noDocker, STATE_isPost: 'true' }
    for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value
    const result = spawnSync(ACTION_NODE, [ACTION_ENTRY], { env, encoding: 'utf8' })
    return { status: result.status, stdout: result.stdout }
  } finally {
    fs.rmSync(noDocker, { recursive: true, force: true })
  }
}

describe('the post step', () => {
  it('with only the work directory left: removes it, runs no docker, says nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-post-'))
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM x\n')
    const run = postStep({ containers: '[]', pendingTags: '[]', workDirs: JSON.stringify([dir]) })
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('')
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('with a container left: tries docker, and only warns when there is none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-post-'))
    const run = postStep({
      containers: JSON.stringify(['extend-azureml-image-left-behind']),
      workDirs: JSON.stringify([dir]),
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(
      /^::warning::The docker CLI could not be started \(docker: ENOENT\)/m,
    )
    expect(fs.existsSync(dir)).toBe(false)
  })
})
