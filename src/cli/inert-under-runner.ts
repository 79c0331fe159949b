// The CLI run as a workflow step (`run: npx extend-azureml-image ...`): the runner reads the
// step's stdout and stderr for workflow commands, and the CLI renders what it relays (the build
// log, the container log, case names, error details) as plain lines. There its whole output is
// one stop-commands span, so nothing it prints is obeyed; the action itself is the way to get
// annotations and outputs in a workflow.
import { randomUUID } from 'node:crypto'

/** Starts the span when run by a runner; returns what ends it (a no-op elsewhere). */
export function inertUnderRunner(
  write: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  if (env.GITHUB_ACTIONS !== 'true') return () => undefined
  const token = `extend-azureml-image-cli-${randomUUID()}`
  write(`::stop-commands::${token}\n`)
  let ended = false
  return () => {
    if (ended) return
    ended = true
    write(`::${token}::\n`)
  }
}
