// The runtime the action is tested on. GitHub runs it on Node 24 (`using: node24`); the test
// command runs the files that start dist/index.js (and the CLI's) a second time on a Node 24
// (ACTION_NODE, ACTION_NODE_MAJOR=24), and this file makes sure that pass really is on it.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { runAction } from '../../scripts/run-action.mjs'
import { ROOT } from '../helpers/local-pypi.js'
import { ACTION_NODE, expectedMajor, versionOf } from '../helpers/runtime.js'

describe('the node the action runs on', () => {
  it("is the runner's: action.yml says node24, and an ACTION_NODE pass expects that major", () => {
    const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
    expect(action.runs.using).toBe('node24')
    if (process.env.ACTION_NODE_MAJOR !== undefined) {
      expect(action.runs.using).toBe(`node${process.env.ACTION_NODE_MAJOR}`)
      expect(process.env.ACTION_NODE).toBeTruthy()
    }
  })

  it('is the one runAction starts dist/index.js on, of the expected major', async () => {
    let spawned: string | undefined
    // No base-image: the main step fails at once, but it ran (its error is the action's).
    const run = await runAction({ inputs: {}, onSpawn: (child) => (spawned = child.spawnfile) })
    expect(run.main.exitCode).toBe(1)
    expect(run.main.stdout).toMatch(/^::error::Input 'base-image'/m)
    expect(spawned).toBe(ACTION_NODE)
    expect(versionOf(ACTION_NODE)).toMatch(new RegExp(`^v${expectedMajor()}\\.`))
  })
})
