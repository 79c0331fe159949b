import { describe, expect, it } from '@jest/globals'
import {
  buildArgs,
  copyArgs,
  createArgs,
  historyArgs,
  oomEventsArgs,
  runArgs,
  throwawayRunArgs,
  type BuildRequest,
  type RunRequest,
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
  const run = {
    image: 'sha256:1',
    name: 'c1',
    labels: [{ key: 'l', value: 'c1' }],
    containerPort: 5001,
  }
  const start = ['run', '--detach', '--name', 'c1', '--label', 'l=c1']
  it.each<[string, RunRequest['reach'], string[]]>([
    [
      'a loopback port picked here',
      { kind: 'publish', hostIp: '127.0.0.1', hostPort: 40123 },
      ['--publish', '127.0.0.1:40123:5001'],
    ],
    [
      "the engine host's address, the port left to the engine",
      { kind: 'publish', hostIp: '10.1.2.3' },
      ['--publish', '10.1.2.3::5001'],
    ],
    [
      'an IPv6 address, bracketed',
      { kind: 'publish', hostIp: 'fd00::7' },
      ['--publish', '[fd00::7]::5001'],
    ],
    [
      "the job container's network, nothing published",
      { kind: 'network', network: 'github_network_1' },
      ['--network', 'github_network_1'],
    ],
  ])('%s', (_case, reach, argv) => {
    expect(runArgs({ ...run, reach })).toEqual([...start, ...argv, 'sha256:1'])
  })
})

describe('runArgs resources', () => {
  const run: RunRequest = {
    image: 'sha256:img',
    name: 'c1',
    labels: [],
    containerPort: 5001,
    reach: { kind: 'publish', hostIp: '127.0.0.1', hostPort: 40001 },
  }
  const publish = ['--publish', '127.0.0.1:40001:5001', 'sha256:img']
  it.each<[string, RunRequest['resources'], string[]]>([
    ['none', undefined, []],
    ['nothing set', {}, []],
    // The limit holds swap too: a deployment has none.
    [
      'memory, swap equal to it',
      { memoryBytes: 157286400 },
      ['--memory', '157286400b', '--memory-swap', '157286400b'],
    ],
    ['cpus', { cpus: 1.5 }, ['--cpus', '1.5']],
    ['gpus', { gpus: 'all' }, ['--gpus', 'all']],
    [
      'gpus with a quoted list, one argv element',
      { gpus: '"device=0,1"' },
      ['--gpus', '"device=0,1"'],
    ],
    [
      'all three',
      { memoryBytes: 2 * 1024 ** 3, cpus: 2, gpus: '2' },
      ['--memory', '2147483648b', '--memory-swap', '2147483648b', '--cpus', '2', '--gpus', '2'],
    ],
  ])('%s', (_case, resources, argv) => {
    expect(runArgs({ ...run, resources })).toEqual([
      'run',
      '--detach',
      '--name',
      'c1',
      ...argv,
      ...publish,
    ])
  })
})

describe('oomEventsArgs', () => {
  it("follows the container's oom events from the given time", () => {
    expect(oomEventsArgs('c1', 1700000000.1234)).toEqual([
      'events',
      '--filter',
      'container=c1',
      '--filter',
      'event=oom',
      '--since',
      '1700000000.123',
      '--format',
      '{{.Action}} {{.Time}}',
    ])
  })
})

describe('a container run as a deployment runs it', () => {
  const base = {
    image: 'sha256:1',
    name: 'c1',
    labels: [],
    containerPort: 5001,
    reach: { kind: 'publish', hostIp: '127.0.0.1', hostPort: 40123 },
  } satisfies RunRequest

  it.each<[string, { key: string; value: string }[], string[]]>([
    ['none', [], []],
    [
      'each as one argument, whatever it holds',
      [
        { key: 'A', value: '1' },
        { key: 'B', value: 'x=y; $(id) "q"\nline' },
        { key: 'EMPTY', value: '' },
      ],
      ['--env', 'A=1', '--env', 'B=x=y; $(id) "q"\nline', '--env', 'EMPTY='],
    ],
  ])('env: %s', (_case, env, flags) => {
    expect(runArgs({ ...base, env })).toEqual([
      'run',
      '--detach',
      '--name',
      'c1',
      ...flags,
      '--publish',
      '127.0.0.1:40123:5001',
      'sha256:1',
    ])
  })

  it('creates with the same flags, then copies a folder’s contents in', () => {
    const request = { ...base, env: [{ key: 'A', value: '1' }] }
    expect(createArgs(request)).toEqual(['create', ...runArgs(request).slice(2)])
    expect(createArgs(request)[0]).toBe('create')
    expect(copyArgs('c1', { source: '/w/code', target: '/var/azureml-app/code' })).toEqual([
      'cp',
      '/w/code/.',
      'c1:/var/azureml-app/code',
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

describe('historyArgs', () => {
  it('lists every step whole, one JSON object a line, sizes in bytes', () => {
    expect(historyArgs('sha256:abc')).toEqual([
      'history',
      '--no-trunc',
      '--human=false',
      '--format',
      '{{json .}}',
      'sha256:abc',
    ])
  })
})
