import { describe, expect, it } from '@jest/globals'
import {
  buildArgs,
  runArgs,
  throwawayRunArgs,
  type BuildRequest,
} from '../../src/docker/docker-args.js'

const request: BuildRequest = {
  builder: 'legacy',
  dockerfile: '/t/Dockerfile',
  context: '/t/context',
  iidFile: '/t/iid',
  tags: ['repo:abc'],
  secrets: [],
  buildArgs: [],
}

// The argv is matched whole: image labels are LABEL lines of the Dockerfile, never --label (the
// legacy builder makes each --label a build step of its own).
describe('buildArgs', () => {
  it.each<[string, Partial<BuildRequest>, string[]]>([
    [
      'legacy, one tag',
      {},
      [
        'build',
        '--file',
        '/t/Dockerfile',
        '--iidfile',
        '/t/iid',
        '--force-rm',
        '--tag',
        'repo:abc',
        '/t/context',
      ],
    ],
    [
      'BuildKit prints plain progress and takes secrets',
      { builder: 'buildkit', secrets: [{ id: 'pip-config', file: '/t/s/pip' }] },
      [
        'build',
        '--file',
        '/t/Dockerfile',
        '--iidfile',
        '/t/iid',
        '--progress',
        'plain',
        '--tag',
        'repo:abc',
        '--secret',
        'id=pip-config,src=/t/s/pip',
        '/t/context',
      ],
    ],
    [
      'tags, network, build args',
      {
        tags: ['a:1', 'b:2'],
        network: 'host',
        buildArgs: [{ key: 'PIP_INDEX_URL', value: 'http://127.0.0.1:1/simple/' }],
      },
      [
        'build',
        '--file',
        '/t/Dockerfile',
        '--iidfile',
        '/t/iid',
        '--force-rm',
        '--tag',
        'a:1',
        '--tag',
        'b:2',
        '--network',
        'host',
        '--build-arg',
        'PIP_INDEX_URL=http://127.0.0.1:1/simple/',
        '/t/context',
      ],
    ],
  ])('%s', (_case, change, argv) => {
    expect(buildArgs({ ...request, ...change })).toEqual(argv)
  })
})

describe('runArgs', () => {
  it('publishes on the given loopback port only and labels the container', () => {
    expect(
      runArgs({
        image: 'sha256:1',
        name: 'c1',
        labels: [{ key: 'l', value: 'c1' }],
        containerPort: 5001,
        hostPort: 40123,
      }),
    ).toEqual([
      'run',
      '--detach',
      '--name',
      'c1',
      '--label',
      'l=c1',
      '--publish',
      '127.0.0.1:40123:5001',
      'sha256:1',
    ])
  })
})

describe('throwawayRunArgs', () => {
  it('runs in the foreground with stdin, removed, offline, capped, as the image user, no mounts', () => {
    expect(
      throwawayRunArgs({
        image: 'sha256:base',
        name: 'extend-azureml-image-local-check-1',
        labels: [
          { key: 'io.extend-azureml-image.run', value: 'extend-azureml-image-local-check-1' },
        ],
        entrypoint: 'python',
        args: ['-I', '-S', '-c', 'print(1)'],
        memory: '512m',
      }),
    ).toEqual([
      'run',
      '--rm',
      '--interactive',
      '--network',
      'none',
      '--name',
      'extend-azureml-image-local-check-1',
      '--label',
      'io.extend-azureml-image.run=extend-azureml-image-local-check-1',
      '--memory',
      '512m',
      '--pids-limit',
      '64',
      '--entrypoint',
      'python',
      'sha256:base',
      '-I',
      '-S',
      '-c',
      'print(1)',
    ])
  })
})
