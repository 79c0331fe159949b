// A candidate in a registry left by a main step: removed by the step's own cleanup (failure,
// cancellation) through the discard it was registered with, and by the post step from the saved
// state when the main step was killed, with the user's `az` (here a recording script on PATH).
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { cleanup } from '../../src/post.js'
import { Leftovers, type RegistryCandidate } from '../../src/step/leftovers.js'
import { fakeDocker } from '../helpers/fake-docker.js'

const savedPath = process.env.PATH
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('STATE_')) delete process.env[key]
  process.env.PATH = savedPath
})

describe('Leftovers with a registry candidate', () => {
  it('discards it on cleanup with what it knows then (the run id), once', async () => {
    const discarded: RegistryCandidate[] = []
    const leftovers = new Leftovers(fakeDocker())
    const candidate = { registry: 'myregistry', image: 'model:candidate-1' }
    leftovers.addRegistryCandidate(candidate, async (left) => void discarded.push(left))
    leftovers.updateRegistryCandidate('model:candidate-1', 'ca7')
    await leftovers.cleanup()
    await leftovers.cleanup()
    expect(discarded).toEqual([{ ...candidate, runId: 'ca7' }])
  })

  it('leaves a promoted candidate alone', async () => {
    const discarded: RegistryCandidate[] = []
    const leftovers = new Leftovers(fakeDocker())
    leftovers.addRegistryCandidate(
      { registry: 'myregistry', image: 'model:c' },
      async (left) => void discarded.push(left),
    )
    leftovers.forgetRegistryCandidate('model:c')
    await leftovers.cleanup()
    expect(discarded).toEqual([])
  })
})

describe('the post step', () => {
  it("cancels the run and deletes the candidate the state names, with the user's az", async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'az-bin-'))
    const log = path.join(bin, 'calls.log')
    // Answers show-tags with the candidate alone; records every call.
    fs.writeFileSync(
      path.join(bin, 'az'),
      `#!/bin/sh\necho "$*" >> '${log}'\ncase "$*" in *show-tags*) echo '[{"name":"candidate-1","digest":"sha256:a"}]';; esac\n`,
      { mode: 0o755 },
    )
    process.env.PATH = `${bin}:${savedPath}`
    process.env.STATE_acrCandidates = JSON.stringify([
      { registry: 'myregistry', resourceGroup: 'rg', image: 'model:candidate-1', runId: 'ca3' },
    ])
    await cleanup(fakeDocker())
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'acr task cancel-run --registry myregistry --resource-group rg --run-id ca3',
      'acr repository show-tags --name myregistry --repository model --detail --output json',
      'acr repository delete --name myregistry --image model:candidate-1 --yes',
    ])
    fs.rmSync(bin, { recursive: true })
  })
})
