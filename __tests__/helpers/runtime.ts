// Which node the tests start the action and the CLI on: the one jest runs on, or ACTION_NODE,
// which scripts/test.sh points at a Node 24 (the runtime of action.yml's `using: node24`) for a
// second pass, saying in ACTION_NODE_MAJOR which major that pass must find.
import { execFileSync } from 'node:child_process'
import { ACTION_NODE } from '../../scripts/run-action.mjs'

export { ACTION_NODE }

export function expectedMajor(): string {
  return process.env.ACTION_NODE_MAJOR ?? process.versions.node.split('.')[0]
}

/** `process.version` as the given node binary reports it. */
export function versionOf(node: string): string {
  return execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim()
}
