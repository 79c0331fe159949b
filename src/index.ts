// Entry point for both steps of the action: the runner sets state isPost once the main step ran.
// Each step loads only its own modules: the post step usually has nothing to do but remove a
// work directory, and loading the toolkit (@actions/core alone is ~55 ms) would be most of its
// time.
import { State } from './step/constants.js'
import { readState } from './step/step-state.js'

if (readState(State.IsPost) === 'true') {
  const { cleanup } = await import('./post.js')
  await cleanup()
} else {
  const [core, { run }] = await Promise.all([import('@actions/core'), import('./main.js')])
  core.saveState(State.IsPost, 'true')
  await run()
}
