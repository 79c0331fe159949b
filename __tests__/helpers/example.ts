// The bundled example (examples/minimal) as action inputs: the same as `npm run example`.
import * as path from 'node:path'
import { STANDIN_IMAGE } from './docker.js'
import { ROOT } from './local-pypi.js'

export const EXAMPLE = path.join(ROOT, 'examples/minimal')
export const EXAMPLE_RESPONSE = '{"predictions": [4.75, 0.25], "openmp": true}'

export function exampleInputs(
  indexUrl: string,
  tag: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'base-image': STANDIN_IMAGE,
    'apt-packages': 'libgomp1',
    requirements: 'requirements.txt',
    'code-dir': 'code',
    'entry-script': 'score.py',
    'model-dir': 'model',
    'pip-index-url': indexUrl,
    network: 'host',
    tags: tag,
    'sample-request': 'sample-request.json',
    'expected-response': EXAMPLE_RESPONSE,
    ...extra,
  }
}
