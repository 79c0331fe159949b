import { describe, expect, it } from '@jest/globals'
import { parseReference } from '../../src/docker/reference.js'

describe('parseReference', () => {
  it.each([
    [
      'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
      'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference',
      'latest',
    ],
    [
      'mcr.microsoft.com/azureml/curated/sklearn-1.5:12',
      'mcr.microsoft.com/azureml/curated/sklearn-1.5',
      '12',
    ],
    ['azureml-standin/minimal-inference:latest', 'azureml-standin/minimal-inference', 'latest'],
    ['localhost:5000/team/model__x', 'localhost:5000/team/model__x', undefined],
    ['Registry.Example.com/a/b:Tag_1.x-y', 'Registry.Example.com/a/b', 'Tag_1.x-y'],
  ])('accepts %s', (text, name, tag) => {
    expect(parseReference(text)).toMatchObject({ name, tag })
  })

  it('accepts a digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    expect(parseReference(`mcr.microsoft.com/azureml/x@${digest}`)?.digest).toBe(digest)
  })

  it.each([
    ['', 'empty'],
    ['Upper/case', 'uppercase path without a registry'],
    ['name:tag with space', 'space'],
    ['name\nFROM evil', 'newline'],
    ['name:-tag', 'tag starting with -'],
    [`name:${'a'.repeat(129)}`, 'tag too long'],
    ['name@sha256:abc', 'short digest'],
    ['name//double', 'empty component'],
    ['-leading/dash', 'leading dash'],
    ['trailing./dot', 'trailing separator'],
  ])('refuses %j (%s)', (text) => {
    expect(parseReference(text)).toBeUndefined()
  })
})
