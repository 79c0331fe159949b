// builder: acr without Azure: the az argv for each command (pinned by a table, each argument one
// the Azure CLI documents for that command), how the log stream's end is read, the fallback to
// the run's status when the stream breaks, and how a candidate is promoted or removed.
import { describe, expect, it } from '@jest/globals'
import {
  buildArgs,
  cancelRunArgs,
  deleteArgs,
  importArgs,
  loginServerArgs,
  runLogsArgs,
  runStatusArgs,
  tagsArgs,
  untagArgs,
} from '../../src/build/acr/az-args.js'
import { buildInRegistry, streamOutcome } from '../../src/build/acr/acr-run.js'
import { azEnvironment, type AzClient, type RegistryTag } from '../../src/build/acr/az.js'
import { candidateTag, discardCandidate, promote } from '../../src/build/acr/candidate.js'
import type { CommandResult } from '../../src/docker/command.js'

const target = { name: 'myregistry', resourceGroup: 'rg' }
const bare = { name: 'myregistry' }

describe('az argv', () => {
  it.each([
    [
      'show (login server)',
      loginServerArgs(target),
      'acr show --name myregistry --resource-group rg --query loginServer --output tsv',
    ],
    [
      'build',
      buildArgs(target, {
        image: 'model:candidate-1-ab',
        file: '/w/Dockerfile',
        context: '/w',
        buildArgs: [{ key: 'PIP_INDEX_URL', value: 'https://x/simple' }],
      }),
      'acr build --registry myregistry --resource-group rg --image model:candidate-1-ab --file /w/Dockerfile --build-arg PIP_INDEX_URL=https://x/simple /w',
    ],
    [
      'task show-run',
      runStatusArgs(bare, 'cb1'),
      'acr task show-run --registry myregistry --run-id cb1 --query status --output tsv',
    ],
    ['task logs', runLogsArgs(bare, 'cb1'), 'acr task logs --registry myregistry --run-id cb1'],
    [
      'task cancel-run',
      cancelRunArgs(target, 'cb1'),
      'acr task cancel-run --registry myregistry --resource-group rg --run-id cb1',
    ],
    [
      'import',
      importArgs(target, 'myregistry.azurecr.io/model:candidate', 'model:1'),
      'acr import --name myregistry --resource-group rg --source myregistry.azurecr.io/model:candidate --image model:1 --force',
    ],
    // The repository commands: no resource group (az hides and deprecates it there).
    [
      'repository untag',
      untagArgs(target, 'model:c'),
      'acr repository untag --name myregistry --image model:c',
    ],
    [
      'repository show-tags',
      tagsArgs(target, 'model'),
      'acr repository show-tags --name myregistry --repository model --detail --output json',
    ],
    [
      'repository delete',
      deleteArgs(target, 'model:c'),
      'acr repository delete --name myregistry --image model:c --yes',
    ],
  ])('%s', (_name, argv, expected) => {
    expect(argv.join(' ')).toBe(expected)
  })

  it('never secret-build-arg: the value would be a build argument in the image history', () => {
    const argv = buildArgs(target, { image: 'm:1', file: 'f', context: 'c', buildArgs: [] })
    expect(argv).not.toContain('--secret-build-arg')
  })

  it("runs az with Python's output in UTF-8, keeping the rest of the environment", () => {
    expect(azEnvironment({ PATH: '/bin', PYTHONIOENCODING: 'ascii' })).toEqual({
      PATH: '/bin',
      PYTHONIOENCODING: 'utf-8',
    })
  })
})

const done = (exitCode: number, stderr = '', stdout = ''): CommandResult => ({
  exitCode,
  stdout,
  stderr,
})

describe('the end of the log stream', () => {
  it('succeeded only with the run success line and exit 0', () => {
    const lines = ['Queued a build with ID: cb1', 'Run ID: cb1 was successful after 5s']
    expect(streamOutcome(done(0), lines)).toEqual({ kind: 'succeeded' })
    // The client gives up on a stalled stream after 30 minutes and exits 0, saying nothing.
    expect(streamOutcome(done(0), lines.slice(0, 1))).toEqual({ kind: 'unsettled' })
  })

  it.each([
    ['Run failed', 'failed'],
    ['ERROR: Run timed out', 'timed out'],
    ['Run was canceled', 'was canceled'],
  ])('"%s" on stderr, exit 1: the run %s', (line, how) => {
    const outcome = streamOutcome(done(1, `some log\n${line}\n`), [])
    expect(outcome.kind).toBe('failed')
    expect(outcome.kind === 'failed' && outcome.how).toMatch(how)
  })

  it('a crash (a traceback) settles nothing', () => {
    const crash = "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9'"
    expect(streamOutcome(done(1, crash), [])).toEqual({ kind: 'unsettled' })
  })
})

/** A plain-object az: `build` prints the given lines and ends with `result`. */
function fakeAz(
  lines: string[],
  result: CommandResult,
  statuses: string[] = [],
  tags: RegistryTag[] | Error = [],
): AzClient & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    loginServer: async () => 'myregistry.azurecr.io',
    build: async (_request, onLine) => {
      lines.forEach(onLine)
      return result
    },
    runStatus: async (id) => {
      calls.push(`show-run ${id}`)
      return statuses.shift() ?? 'Running'
    },
    runLogs: async (id) => {
      calls.push(`logs ${id}`)
      return 'the whole log\nRun ID: cb1 was successful after 9s'
    },
    cancelRun: async (id) => void calls.push(`cancel-run ${id}`),
    importImage: async (source, image) => void calls.push(`import ${source} ${image}`),
    untag: async (image) => void calls.push(`untag ${image}`),
    tags: async () => {
      if (tags instanceof Error) throw tags
      return tags
    },
    deleteImage: async (image) => void calls.push(`delete ${image}`),
    stop: async () => undefined,
  }
}

const request = { image: 'model:candidate', file: 'Dockerfile', context: '.', buildArgs: [] }
const watch = { pollMs: 1, sleep: async () => undefined }

describe('buildInRegistry', () => {
  it('tells the run id as soon as it is queued, and returns it on success', async () => {
    const ids: string[] = []
    const az = fakeAz(
      [
        'Packing source code into tar to upload...',
        'Queued a build with ID: cb1',
        'Run ID: cb1 was successful after 5s',
      ],
      done(0),
    )
    const build = { registry: 'myregistry', request, onRunId: (id: string) => ids.push(id) }
    await expect(buildInRegistry(az, build, watch)).resolves.toBe('cb1')
    expect(ids).toEqual(['cb1'])
    expect(az.calls).toEqual([]) // nothing polled
  })

  it('"Run failed": fails at once, naming the run and showing the end of its log', async () => {
    const az = fakeAz(
      ['Queued a build with ID: cb2', 'pip: No matching distribution'],
      done(1, 'Run failed'),
    )
    const build = { registry: 'myregistry', request, onRunId: () => undefined }
    await expect(buildInRegistry(az, build, watch)).rejects.toThrow(
      /in ACR failed \(run cb2; az acr task logs --registry myregistry --run-id cb2\)[^]*No matching distribution/,
    )
  })

  it('a crashed stream: follows the run by its status until it ends, then shows its log', async () => {
    const az = fakeAz(['Queued a build with ID: cb3'], done(1, 'UnicodeEncodeError'), [
      'Running',
      'Running',
      'Succeeded',
    ])
    const build = { registry: 'myregistry', request, onRunId: () => undefined }
    await expect(buildInRegistry(az, build, watch)).resolves.toBe('cb3')
    expect(az.calls).toEqual(['show-run cb3', 'show-run cb3', 'show-run cb3', 'logs cb3'])
  })

  it('a crashed stream of a run that then fails: fails with the status', async () => {
    const az = fakeAz(['Queued a build with ID: cb4'], done(1, 'Traceback'), ['Timeout'])
    const build = { registry: 'myregistry', request, onRunId: () => undefined }
    await expect(buildInRegistry(az, build, watch)).rejects.toThrow(
      'ended with status Timeout (run cb4',
    )
  })

  it('no run queued (not logged in): fails with what az said', async () => {
    const az = fakeAz([], done(1, "ERROR: Please run 'az login' to setup account."))
    const build = { registry: 'myregistry', request, onRunId: () => undefined }
    await expect(buildInRegistry(az, build, watch)).rejects.toThrow(
      /before a run was queued in myregistry \(exit 1\):\nERROR: Please run 'az login'/,
    )
  })
})

describe('the candidate', () => {
  it('is a tag of its own in the first tag repository, per run', () => {
    expect(candidateTag('team/model:1', '42', 'ab12cd34')).toBe('team/model:candidate-42-ab12cd34')
  })

  it('passed: every requested tag imported from it, then its own tag removed', async () => {
    const az = fakeAz([], done(0))
    await promote(az, 'myregistry.azurecr.io', 'model:candidate-1', ['model:1', 'other:2'])
    expect(az.calls).toEqual([
      'import myregistry.azurecr.io/model:candidate-1 model:1',
      'import myregistry.azurecr.io/model:candidate-1 other:2',
      'untag model:candidate-1',
    ])
  })

  it('failed: its run canceled, then its manifest deleted', async () => {
    const az = fakeAz([], done(0), [], [{ name: 'candidate-1', digest: 'sha256:a' }])
    await discardCandidate(az, { registry: 'myregistry', image: 'model:candidate-1', runId: 'cb5' })
    expect(az.calls).toEqual(['cancel-run cb5', 'delete model:candidate-1'])
  })

  it('failed, on a manifest another tag names too: only its tag is removed', async () => {
    const az = fakeAz(
      [],
      done(0),
      [],
      [
        { name: 'candidate-1', digest: 'sha256:a' },
        { name: '1', digest: 'sha256:a' },
      ],
    )
    await discardCandidate(az, { registry: 'myregistry', image: 'model:candidate-1' })
    expect(az.calls).toEqual(['untag model:candidate-1'])
  })

  it('never pushed (no repository, or no such tag): nothing to remove', async () => {
    const missing = new Error('(NAME_UNKNOWN) repository name not known to registry')
    const none = fakeAz([], done(0), [], missing)
    await discardCandidate(none, { registry: 'myregistry', image: 'model:candidate-1' })
    const other = fakeAz([], done(0), [], [{ name: '1', digest: 'sha256:a' }])
    await discardCandidate(other, { registry: 'myregistry', image: 'model:candidate-1' })
    expect([...none.calls, ...other.calls]).toEqual([])
  })

  it('a registry that cannot be asked: the failure is told, not swallowed', async () => {
    const az = fakeAz([], done(0), [], new Error('AuthorizationFailed'))
    await expect(
      discardCandidate(az, { registry: 'myregistry', image: 'model:candidate-1' }),
    ).rejects.toThrow('AuthorizationFailed')
  })
})
