// The integration run leaves the daemon's dependencies images as it found them. The action keeps
// `extend-azureml-image/dependencies:<key>` images for the next run by design, and each test's
// package index has its own port, so its key: without this, every test run would add a dozen.
import { execFileSync } from 'node:child_process'

const REPOSITORY = 'extend-azureml-image/dependencies'

export function dependenciesTags() {
  const out = execFileSync(
    'docker',
    ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', REPOSITORY],
    {
      encoding: 'utf8',
    },
  )
  return out.split('\n').filter((line) => line !== '')
}

export function removeTags(tags) {
  if (tags.length === 0) return
  try {
    execFileSync('docker', ['image', 'rm', ...tags], { stdio: 'ignore' })
  } catch {
    // One still in use keeps its tag; the others are removed all the same.
  }
}
