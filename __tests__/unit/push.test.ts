// Pushing with a fake DockerClient: the digest read back from RepoDigests for tags on several
// registries, which failures retry and which fail at once, and what the error says.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { CommandResult } from '../../src/docker/command.js'
import { classifyPushFailure, type PushFailure } from '../../src/docker/docker-errors.js'
import type { LineSink } from '../../src/docker/docker.js'
import { getInputs } from '../../src/inputs/inputs.js'
import { pushTags, pushedDigest, repositoryOf } from '../../src/push/push.js'
import { fakeDocker } from '../helpers/fake-docker.js'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`
const C = `sha256:${'c'.repeat(64)}`

let printed: string
beforeEach(() => {
  printed = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk)
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  clearInputs()
})

describe('repositoryOf', () => {
  it.each([
    ['myimage:1', undefined, 'docker.io/library/myimage'],
    ['owner/model:1', undefined, 'docker.io/owner/model'],
    ['docker.io/library/myimage:1', 'docker.io', 'docker.io/library/myimage'],
    ['index.docker.io/owner/model', 'index.docker.io', 'docker.io/owner/model'],
    ['ghcr.io/owner/model:1', 'ghcr.io', 'ghcr.io/owner/model'],
    ['127.0.0.1:5000/team/model:v2', '127.0.0.1:5000', '127.0.0.1:5000/team/model'],
    ['localhost/model:1', 'localhost', 'localhost/model'],
    ['myacr.azurecr.io/model@' + A, 'myacr.azurecr.io', 'myacr.azurecr.io/model'],
  ])('%s: host %s, repository %s', (reference, host, canonical) => {
    expect(repositoryOf(reference)).toEqual({ host, canonical })
  })
})

describe('pushedDigest', () => {
  // As `docker image inspect` prints them: Docker Hub names in their short form.
  const repoDigests = [
    `127.0.0.1:5000/team/model@${A}`,
    `ghcr.io/owner/model@${B}`,
    `myimage@${C}`,
    `owner/other@${A}`,
  ]

  it.each([
    ['127.0.0.1:5000/team/model:v1', A],
    ['127.0.0.1:5000/team/model:latest', A],
    ['ghcr.io/owner/model:1', B],
    ['myimage:1', C],
    ['docker.io/library/myimage:1', C],
    ['docker.io/owner/other:2', A],
  ])('%s -> its repository digest', (tag, digest) => {
    expect(pushedDigest(tag, repoDigests)).toBe(digest)
  })

  it('never takes a digest of another repository on the same registry', () => {
    expect(() => pushedDigest('127.0.0.1:5000/team/other:1', repoDigests)).toThrow(
      'docker push 127.0.0.1:5000/team/other:1 succeeded, but the image has no digest for 127.0.0.1:5000/team/other',
    )
    // A different port is a different registry.
    expect(() => pushedDigest('127.0.0.1:5001/team/model:1', repoDigests)).toThrow(/no digest/)
  })

  it('with several digests in the repository, takes the one the push added', () => {
    const before = [`ghcr.io/owner/model@${A}`]
    const after = [`ghcr.io/owner/model@${A}`, `ghcr.io/owner/model@${B}`]
    expect(pushedDigest('ghcr.io/owner/model:1', after, before)).toBe(B)
  })

  it('refuses to guess when several digests are there and none is new', () => {
    const both = [`ghcr.io/owner/model@${A}`, `ghcr.io/owner/model@${B}`]
    expect(() => pushedDigest('ghcr.io/owner/model:1', both, both)).toThrow(
      /several digests for ghcr.io\/owner\/model and none is new/,
    )
  })
})

describe('classifyPushFailure', () => {
  // docker push's own words (20.10 engine; Docker Hub, GHCR, ACR/ECR, a loopback registry).
  it.each<[string, PushFailure]>([
    ['denied: requested access to the resource is denied', 'denied'],
    ['unauthorized: authentication required', 'denied'],
    ['unauthorized: unauthorized to access repository: owner/model, action: push', 'denied'],
    ['no basic auth credentials', 'denied'],
    ['denied: installation not allowed to Create organization package', 'denied'],
    [
      'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
      'transient',
    ],
    ['received unexpected HTTP status: 500 Internal Server Error', 'transient'],
    ['received unexpected HTTP status: 502 Bad Gateway', 'transient'],
    ['Put "https://r.example/v2/x/blobs/uploads/1": net/http: TLS handshake timeout', 'transient'],
    ['dial tcp 10.0.0.1:443: i/o timeout', 'transient'],
    ['An image does not exist locally with the tag: 127.0.0.1:5000/team/model', 'other'],
    ['invalid reference format', 'other'],
  ])('%s -> %s', (output, kind) => {
    expect(classifyPushFailure(output)).toBe(kind)
  })
})

const ok: CommandResult = { exitCode: 0, stdout: 'pushed\n', stderr: '' }
const failed = (stderr: string, signal?: NodeJS.Signals): CommandResult => ({
  exitCode: signal ? 143 : 1,
  signal,
  stdout: 'The push refers to repository [x]\n',
  stderr,
})

/** A fake whose pushes answer in turn from `answers`; RepoDigests follow the pushed tags. */
function registryFake(answers: CommandResult[], initialDigests: string[] = []) {
  const pushes: string[] = []
  let digests = [...initialDigests]
  const docker = fakeDocker({
    push: async (tag: string, onLine: LineSink) => {
      pushes.push(tag)
      const answer = answers.shift() ?? ok
      for (const line of answer.stdout.split('\n').filter(Boolean)) onLine(line)
      if (answer.exitCode === 0) {
        const name = tag.replace(/:[\w][\w.-]*$/, '')
        digests = [...digests.filter((entry) => !entry.startsWith(`${name}@`)), `${name}@${A}`]
      }
      return answer
    },
    repoDigests: async () => digests,
  })
  return { docker, pushes }
}

describe('pushTags', () => {
  const noWait = async (): Promise<void> => undefined

  it('pushes every tag in order and returns the digest each registry serves', async () => {
    const { docker, pushes } = registryFake([])
    const tags = ['127.0.0.1:5000/team/model:1', '127.0.0.1:5000/team/model:latest', 'model:1']
    await expect(pushTags(docker, tags, { sleep: noWait })).resolves.toEqual([
      { tag: tags[0], digest: A },
      { tag: tags[1], digest: A },
      { tag: tags[2], digest: A },
    ])
    expect(pushes).toEqual(tags)
    expect(printed).toContain('::group::Push 127.0.0.1:5000/team/model:1')
  })

  it('relays the push log with workflow commands switched off', async () => {
    const { docker } = registryFake([
      { exitCode: 0, stdout: '::set-output name=digest::sha256:evil\n', stderr: '' },
    ])
    await pushTags(docker, ['ghcr.io/owner/model:1'])
    const token = /::stop-commands::(\S+)/.exec(printed)?.[1]
    expect(token).toBeDefined()
    const start = printed.indexOf(`::stop-commands::${token}`)
    const line = printed.indexOf('::set-output name=digest::sha256:evil')
    const end = printed.indexOf(`::${token}::`)
    expect(start).toBeLessThan(line)
    expect(line).toBeLessThan(end)
  })

  it('retries a registry that is down or answers 5xx, 2 s then 4 s apart', async () => {
    const waits: number[] = []
    const { docker, pushes } = registryFake([
      failed('received unexpected HTTP status: 503 Service Unavailable'),
      failed('dial tcp 127.0.0.1:5000: connect: connection refused'),
      ok,
    ])
    const pushed = await pushTags(docker, ['127.0.0.1:5000/team/model:1'], {
      sleep: async (ms) => void waits.push(ms),
    })
    expect(pushed).toEqual([{ tag: '127.0.0.1:5000/team/model:1', digest: A }])
    expect(pushes).toHaveLength(3)
    expect(waits).toEqual([2000, 4000])
    expect(printed).toContain(
      'Pushing 127.0.0.1:5000/team/model:1 failed (attempt 1 of 3: received unexpected HTTP status: 503 Service Unavailable); retrying in 2 s',
    )
  })

  it.each([
    ['legacy', '##[error]forged by the registry', '##[error]forged by the registry'],
    ['indented, after a CR', 'layer 1/3\r  ::error::forged', 'layer 1/3\n  ::error::forged'],
  ])(
    'shows the registry line (%s) in the retry notice, obeying none of it',
    async (_, line, shown) => {
      const { docker } = registryFake([
        failed(`received unexpected HTTP status: 503 Service Unavailable\n${line}`),
        ok,
      ])
      await pushTags(docker, ['ghcr.io/owner/model:1'], { sleep: noWait })
      expect(obeyedCommands(printed).map((command) => command.name)).toEqual(['group', 'endgroup'])
      expect(printed).toContain(
        `Pushing ghcr.io/owner/model:1 failed (attempt 1 of 3: ${shown}); retrying in 2 s`,
      )
    },
  )

  it('gives up after three attempts, saying the local tags stay', async () => {
    const refused = failed(
      'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
    )
    const { docker, pushes } = registryFake([
      failed('connection refused'),
      failed('connection refused'),
      refused,
    ])
    const tags = ['127.0.0.1:1/team/model:1', '127.0.0.1:1/team/model:2']
    const error = pushTags(docker, tags, { sleep: noWait })
    await expect(error).rejects.toThrow(
      'Pushing 127.0.0.1:1/team/model:1 failed after 3 attempts: registry 127.0.0.1:1 could not be reached or answered with a server error.',
    )
    await expect(error).rejects.toThrow(
      'The image passed its smoke test, so its local tags stay (127.0.0.1:1/team/model:1, 127.0.0.1:1/team/model:2). docker said:\nGet "http://127.0.0.1:1/v2/"',
    )
    expect(pushes).toHaveLength(3)
  })

  it('fails at once when the registry refuses, saying to log in with docker/login-action', async () => {
    const { docker, pushes } = registryFake([failed('unauthorized: authentication required')])
    await expect(pushTags(docker, ['ghcr.io/owner/model:1'], { sleep: noWait })).rejects.toThrow(
      'Pushing ghcr.io/owner/model:1 failed: registry ghcr.io refused the push. Log in to ghcr.io with docker/login-action before this step, and check that the account may push to ghcr.io/owner/model.',
    )
    expect(pushes).toHaveLength(1)
  })

  it('says that a tag without a registry host went to Docker Hub', async () => {
    const { docker } = registryFake([failed('denied: requested access to the resource is denied')])
    await expect(pushTags(docker, ['model:1'], { sleep: noWait })).rejects.toThrow(
      "Docker Hub (the tag names no registry host, so docker pushes it to docker.io/library/model; to push elsewhere, start the tag in 'tags' with the registry, e.g. ghcr.io/owner/name:1) refused the push. Log in to docker.io with docker/login-action",
    )
  })

  it('names the tags already pushed when a later one fails', async () => {
    const { docker, pushes } = registryFake([ok, failed('no basic auth credentials')])
    await expect(
      pushTags(docker, ['ghcr.io/owner/model:1', 'myacr.azurecr.io/model:1'], { sleep: noWait }),
    ).rejects.toThrow(/Already pushed: ghcr\.io\/owner\/model:1\. docker said:/)
    expect(pushes).toEqual(['ghcr.io/owner/model:1', 'myacr.azurecr.io/model:1'])
  })

  it('does not retry a push stopped by a signal', async () => {
    const { docker, pushes } = registryFake([failed('context canceled: timeout', 'SIGTERM')])
    await expect(pushTags(docker, ['ghcr.io/owner/model:1'], { sleep: noWait })).rejects.toThrow(
      'Pushing ghcr.io/owner/model:1 failed: docker push was stopped by SIGTERM',
    )
    expect(pushes).toHaveLength(1)
  })
})

describe("the 'push' input", () => {
  const base = {
    'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest',
    tags: 'ghcr.io/owner/model:1',
  }

  it.each([
    ['', false],
    ['false', false],
    ['yes', true],
    ['1', true],
    ['TRUE', true],
  ])('%j -> %s', (value, push) => {
    setInputs({ ...base, push: value })
    expect(getInputs().push).toBe(push)
  })

  it('is true or false, nothing else', () => {
    setInputs({ ...base, push: 'please' })
    expect(() => getInputs()).toThrow(`Input 'push' must be true or false, got "please"`)
  })

  it.each([
    ['smoke-test', "Input 'push': true needs 'smoke-test: true'"],
    ['build', "Input 'push': true needs 'build: true'"],
  ])('is refused with %s off: only an image that passed is pushed', (input, message) => {
    setInputs({ ...base, push: 'true', [input]: 'false' })
    expect(() => getInputs()).toThrow(message)
  })

  it("is refused without 'tags': the default tag has no registry host (Docker Hub)", () => {
    setInputs({ ...base, tags: '', push: 'true' })
    expect(() => getInputs()).toThrow(
      "Input 'push': true needs 'tags' with the registry to push to (e.g. ghcr.io/owner/model:1); the default tag names no registry host",
    )
  })

  it("takes 'tags' without a registry host: the user chose Docker Hub", () => {
    setInputs({ ...base, tags: 'owner/model:1', push: 'true' })
    expect(getInputs().push).toBe(true)
  })
})
