// Entry point for both steps of the action: the runner sets state isPost once the main step ran.
import * as core from '@actions/core'
import { State } from './constants.js'
import { run } from './main.js'
import { cleanup } from './post.js'

if (core.getState(State.IsPost) === 'true') {
  await cleanup()
} else {
  core.saveState(State.IsPost, 'true')
  await run()
}
