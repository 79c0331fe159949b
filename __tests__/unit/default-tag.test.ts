// The default tag's name, for every repository name GitHub allows: [A-Za-z0-9._-], 1 to 100
// characters, not '.' or '..'.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { defaultTag, defaultTagName } from '../../src/plan/default-tag.js'
import { parseReference } from '../../src/docker/reference.js'

// Docker's path component (distribution/reference), written out here rather than imported.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/

// Random names rarely hold runs of separators: half of them are drawn from separators mostly.
const legalRepositoryName = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/),
    fc.string({
      unit: fc.constantFrom('.', '_', '-', '.', '_', '-', 'a', 'Z', '7'),
      minLength: 1,
      maxLength: 100,
    }),
  )
  .filter((name) => name !== '.' && name !== '..')
const owner = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/)

describe('defaultTagName', () => {
  it('gives a name the reference parser takes whole, for every legal repository name', () => {
    fc.assert(
      fc.property(owner, legalRepositoryName, (org, repo) => {
        const name = defaultTagName(`${org}/${repo}`)
        expect(name).toMatch(PATH_COMPONENT)
        const tag = defaultTag('0123456789abcdef0123', `${org}/${repo}`)
        expect(parseReference(tag)).toEqual({ name, tag: '0123456789abcdef', digest: undefined })
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps a repository name that is already a valid image name', () => {
    fc.assert(
      fc.property(legalRepositoryName, (repo) => {
        fc.pre(PATH_COMPONENT.test(repo))
        expect(defaultTagName(`org/${repo}`)).toBe(repo)
      }),
    )
  })

  it.each([
    ['my..repo', 'my-repo'],
    ['foo_-bar', 'foo-bar'],
    ['a___b', 'a-b'],
    ['foo.-bar', 'foo-bar'],
    ['a__b', 'a__b'],
    ['a--b', 'a--b'],
    ['My.Repo_x', 'my.repo_x'],
    ['.github', 'github'],
    ['-_.', 'extend-azureml-image'],
  ])('%s -> %s', (repo, name) => {
    expect(defaultTagName(`org/${repo}`)).toBe(name)
  })

  it('falls back to the action name without a repository', () => {
    expect(defaultTagName(undefined)).toBe('extend-azureml-image')
  })

  it("refuses, naming 'tags', what no mapping makes valid (longer than docker's 255)", () => {
    expect(() => defaultTagName(`org/${'a'.repeat(256)}`)).toThrow(
      /gives no valid image name for the default tag: set 'tags'$/,
    )
  })
})
