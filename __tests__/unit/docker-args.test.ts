import { describe, expect, it } from '@jest/globals'
import { buildArgs, runArgs, type BuildRequest } from '../../src/docker-args.js'

const request: BuildRequest = {
  builder: 'legacy',
  dockerfile: '/t/Dockerfile',
  context: '/t/context',
  iidFile: '/t/iid',
  tags: ['repo:abc'],
  labels: [],
  secrets: [],
  buildArgs: [],
}

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
      'tags, labels with spaces and =, network, build args',
      {
        tags: ['a:1', 'b:2'],
        labels: [{ key: 'x.y', value: 'a b=c' }],
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
        '--label',
        'x.y=a b=c',
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
  it('publishes on a random loopback port only and labels the container', () => {
    expect(
      runArgs({
        image: 'sha256:1',
        name: 'c1',
        labels: [{ key: 'l', value: 'c1' }],
        containerPort: 5001,
      }),
    ).toEqual([
      'run',
      '--detach',
      '--name',
      'c1',
      '--label',
      'l=c1',
      '--publish',
      '127.0.0.1::5001',
      'sha256:1',
    ])
  })
})
