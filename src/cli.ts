// Entry point of the command line (`npx extend-azureml-image`, `node dist/cli.js`): the action's
// pipeline run on this machine. See src/cli/ and the README's "Run it locally (CLI)".
import { runCli } from './cli/run-cli.js'

try {
  process.exitCode = await runCli(process.argv.slice(2))
} catch (error) {
  process.stderr.write(
    `extend-azureml-image: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exitCode = 1
}
