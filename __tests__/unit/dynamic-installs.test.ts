// AZUREML_EXTRA_REQUIREMENTS_TXT, in the `env` input or the deployment file's
// environment_variables, makes the image pip-install at every start: warned before anything is
// built, with the advice to use `requirements`, and without the value.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readDeployment } from '../../src/inputs/deployment-file.js'
import { getInputs } from '../../src/inputs/inputs.js'
import { DYNAMIC_INSTALL_ENV, dynamicInstallWarnings } from '../../src/inputs/dynamic-installs.js'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'

const base = { 'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest' }
// A value a PR could write: neither its text nor a command in it may reach the output.
const HOSTILE = 'reqs-s3cret.txt ::error::injected'
let workspace: string

beforeAll(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dynamic-ws-')))
  fs.mkdirSync(path.join(workspace, 'd'))
  fs.writeFileSync(
    path.join(workspace, 'd/dynamic.yml'),
    `environment_variables:\n  ${DYNAMIC_INSTALL_ENV}: "${HOSTILE}"\n`,
  )
  fs.writeFileSync(
    path.join(workspace, 'd/other.yml'),
    `environment_variables:\n  AZUREML_EXTRA_REQUIREMENTS: x\n  ${DYNAMIC_INSTALL_ENV}: ""\n`,
  )
  process.env.GITHUB_WORKSPACE = workspace
})
afterEach(() => {
  clearInputs()
  jest.restoreAllMocks()
})
afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true })
  delete process.env.GITHUB_WORKSPACE
})

/** The step's output while getInputs runs (core.warning writes to stdout). */
function printedBy(inputs: Record<string, string>): string {
  const printed: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk))
    return true
  })
  setInputs({ ...base, ...inputs })
  getInputs()
  jest.restoreAllMocks()
  return printed.join('')
}

const ADVICE =
  "the image's start script then pip-installs that file at every container start, before the server starts: start-up waits for pip, and fails where no package index is reachable. List the packages in the 'requirements' input instead: they are installed once, into the image"

describe('dynamic installs at start', () => {
  it("warns when the 'env' input sets AZUREML_EXTRA_REQUIREMENTS_TXT, without its value", () => {
    const printed = printedBy({ env: `GREETING=hi\n${DYNAMIC_INSTALL_ENV}=${HOSTILE}` })
    expect(printed.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual([
      `::warning::Input 'env' sets ${DYNAMIC_INSTALL_ENV}: ${ADVICE}`,
    ])
    expect(printed).not.toContain('s3cret')
    expect(printed).not.toContain('::error::')
  })

  it("warns when the deployment file's environment_variables set it, naming the file", () => {
    const printed = printedBy({ deployment: 'd/dynamic.yml' })
    expect(printed.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual([
      `::warning::d/dynamic.yml: environment_variables sets ${DYNAMIC_INSTALL_ENV}: ${ADVICE}`,
    ])
    expect(printed).not.toContain('s3cret')
    expect(printed).not.toContain('::error::')
  })

  it('warns once for each place that sets it', () => {
    const env = [{ key: DYNAMIC_INSTALL_ENV, value: 'requirements.txt' }]
    const deployment = readDeployment(workspace, 'd/dynamic.yml')
    expect(dynamicInstallWarnings(env, deployment)).toEqual([
      expect.stringMatching(/^Input 'env' sets AZUREML_EXTRA_REQUIREMENTS_TXT: /),
      expect.stringMatching(/^d\/dynamic.yml: environment_variables sets /),
    ])
  })

  it('says nothing for an empty value (the start script skips it) or another name', () => {
    const printed = printedBy({
      env: `${DYNAMIC_INSTALL_ENV}=\nAZUREML_EXTRA_REQUIREMENTS_TXT_OLD=x`,
      deployment: 'd/other.yml',
    })
    expect(printed).not.toContain(DYNAMIC_INSTALL_ENV)
  })
})
