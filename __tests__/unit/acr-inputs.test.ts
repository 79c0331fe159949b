// builder: acr and its inputs, through the real core.getInput: each mistake refused by the
// input's name and the rule, before anything is built.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { getInputs } from '../../src/inputs/inputs.js'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'

let workspace: string
beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'acr-ws-'))
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'numpy\n')
  process.env.GITHUB_WORKSPACE = workspace
})
afterEach(() => clearInputs())
afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true })
  delete process.env.GITHUB_WORKSPACE
})

const acr = {
  'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest',
  builder: 'acr',
  'acr-name': 'myregistry',
}

describe('builder', () => {
  it('is docker by default: no registry, and acr inputs are refused without it', () => {
    setInputs({ 'base-image': acr['base-image'] })
    expect(getInputs().acr).toBeUndefined()
    setInputs({ 'base-image': acr['base-image'], 'acr-name': 'myregistry' })
    expect(() => getInputs()).toThrow("Input 'acr-name' needs 'builder: acr'")
  })

  it('refuses a builder it does not know, by name', () => {
    setInputs({ ...acr, builder: 'kaniko' })
    expect(() => getInputs()).toThrow(`Input 'builder' must be docker or acr, got "kaniko"`)
  })

  it('acr reads the registry (lower-cased, as az wants it) and the resource group', () => {
    setInputs({ ...acr, 'acr-name': 'MyRegistry01', 'acr-resource-group': 'rg-ml.images(1)' })
    expect(getInputs().acr).toEqual({ name: 'myregistry01', resourceGroup: 'rg-ml.images(1)' })
  })
})

describe('acr-name and acr-resource-group', () => {
  it('acr-name is required with builder acr', () => {
    setInputs({ ...acr, 'acr-name': '' })
    expect(() => getInputs()).toThrow("Input 'acr-name' is required with 'builder: acr'")
  })

  it.each([
    ['abcd', 'four characters'],
    ['a'.repeat(51), 'fifty-one characters'],
    ['my-registry', 'a dash'],
    ['myregistry.azurecr.io', 'the login server'],
    ['my registry', 'a space'],
  ])('refuses %s (%s): 5 to 50 letters and digits', (name) => {
    setInputs({ ...acr, 'acr-name': name })
    expect(() => getInputs()).toThrow(
      /^Input 'acr-name': ".*" is not a registry name: 5 to 50 letters and digits/,
    )
  })

  it.each(['rg.', 'rg/x', 'a'.repeat(91), 'rg;rm'])('refuses the resource group %s', (group) => {
    setInputs({ ...acr, 'acr-resource-group': group })
    expect(() => getInputs()).toThrow(/^Input 'acr-resource-group': ".*" is not a resource group/)
  })
})

describe('tags with builder acr', () => {
  it('name repositories in the registry: its own host is dropped, the tag kept', () => {
    setInputs({ ...acr, tags: 'model:1\nmyregistry.azurecr.io/team/model:2' })
    expect(getInputs().tags).toEqual(['model:1', 'team/model:2'])
  })

  it("refuses another registry's host, naming the tag and the rule", () => {
    setInputs({ ...acr, tags: 'model:1,ghcr.io/o/model:1' })
    expect(() => getInputs()).toThrow(
      `Input 'tags': "ghcr.io/o/model:1" names the registry ghcr.io; with 'builder: acr' a tag names a repository in 'acr-name' myregistry`,
    )
  })

  it('refuses another registry whose name only starts like this one', () => {
    setInputs({ ...acr, tags: 'myregistry.azurecr.io.evil.example/model:1' })
    expect(() => getInputs()).toThrow("Input 'tags'")
  })
})

describe('what builder acr cannot do', () => {
  it('refuses an index URL with credentials, naming both inputs and why', () => {
    setInputs({
      ...acr,
      requirements: 'requirements.txt',
      'pip-extra-index-url': 'https://user:s3cret@pkgs.example.com/simple',
    })
    let message = ''
    try {
      getInputs()
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain("Inputs 'pip-index-url'/'pip-extra-index-url' carry credentials")
    expect(message).toContain('stored in the image history')
    expect(message).not.toContain('s3cret')
  })

  it('takes an index URL without credentials', () => {
    setInputs({ ...acr, 'pip-index-url': 'https://pkgs.example.com/simple' })
    expect(getInputs().pipIndexUrl).toBe('https://pkgs.example.com/simple')
  })

  it('refuses push (the tags are given in the registry) and network (a local one)', () => {
    setInputs({ ...acr, tags: 'model:1', push: 'true' })
    expect(() => getInputs()).toThrow("Input 'push': with 'builder: acr'")
    setInputs({ ...acr, network: 'host' })
    expect(() => getInputs()).toThrow("Input 'network' names a network of the local Docker engine")
  })
})

describe('smoke-test, given or left to its default', () => {
  it.each([
    [undefined, true, false],
    ['true', true, true],
    ['false', false, false],
  ])('smoke-test %s: runs %s, required %s', (given, runs, required) => {
    setInputs(given === undefined ? acr : { ...acr, 'smoke-test': given })
    expect(getInputs()).toMatchObject({ smokeTest: runs, smokeTestRequired: required })
  })
})
