// The inventory program run under this machine's python3 as the action runs it in an image
// (`python -c <inventory>`), over distributions made up for the test on PYTHONPATH: what it
// reads of their metadata, what pip check says of them, and the server's closure from it.
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  normaliseName,
  parseInventory,
  serverClosure,
} from '../../src/dependencies/python-inventory.js'
import { distInfo, inventoryOfSite } from '../helpers/made-up-site.js'

describe('the inventory program', () => {
  // The made-up site is read once, here, and removed as soon as it is read.
  const inventory = ((): ReturnType<typeof inventoryOfSite> => {
    const site = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-inventory-'))
    try {
      distInfo(site, 'azureml-inference-server-http', '0.8.4', [
        'flask<2.3.0',
        'eai-test-schema~=1.5',
        'eai-test-windows; sys_platform == "win32"',
        'eai-test-extra; extra == "dev"',
      ])
      distInfo(site, 'Flask', '2.3.3', ['Eai_Test.Werk>=2.3'])
      distInfo(site, 'eai_test.werk', '3.0.0')
      distInfo(site, 'eai-test-schema', '1.8.0+standin')
      distInfo(site, 'eai-test-unrelated', '1.0', ['eai-test-missing>=1'])
      return inventoryOfSite(site)
    } finally {
      fs.rmSync(site, { recursive: true, force: true })
    }
  })()

  it('lists each distribution once, by normalised name, with what it requires here', () => {
    const server = inventory.distributions.get('azureml-inference-server-http')
    expect(server?.version).toBe('0.8.4')
    // The marker for another platform and the extra are left out.
    expect(server?.requires).toEqual([
      { name: 'flask', specifier: '<2.3.0' },
      { name: 'eai-test-schema', specifier: '~=1.5' },
    ])
    expect(inventory.distributions.get('flask')?.requires).toEqual([
      { name: 'eai-test-werk', specifier: '>=2.3' },
    ])
    expect(inventory.python).toMatch(/^3\.\d+\.\d+$/)
  })

  it("carries pip check's lines about what is broken", () => {
    const ours = (inventory.pipCheck ?? []).filter((line) => /eai|azureml|flask/i.test(line))
    expect(ours).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^azureml-inference-server-http 0\.8\.4 has requirement flask<2\.3\.0, but you have flask 2\.3\.3/i,
        ),
        expect.stringMatching(
          /^eai-test-unrelated 1\.0 requires eai-test-missing, which is not installed/i,
        ),
      ]),
    )
    expect(ours).toHaveLength(2)
  })

  it("names this Debian machine's packages as apt-get takes them: the native architecture left out", () => {
    const native = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim()
    const names = (inventory.apt ?? []).map((item) => item.name)
    // libc6 is Multi-Arch "same": dpkg's binary:Package would say libc6:<native>.
    expect(names).toContain('libc6')
    expect(names.filter((name) => name.endsWith(`:${native}`))).toEqual([])
  })

  it("gives the server's closure among what is installed", () => {
    expect(serverClosure(inventory).sort()).toEqual(
      ['azureml-inference-server-http', 'eai-test-schema', 'eai-test-werk', 'flask'].sort(),
    )
  })
})

describe('parseInventory', () => {
  it('refuses an answer that is not an inventory', () => {
    expect(() => parseInventory('{"python": 3}')).toThrow(/something else/)
    expect(() =>
      parseInventory('{"python": "3.9.1", "distributions": [{"name": "x", "version": 1}]}'),
    ).toThrow(/should not list/)
  })

  it('leaves pip check and apt out when the image could not run them', () => {
    const parsed = parseInventory(
      '{"python": "3.9.1", "distributions": [], "pipCheck": null, "apt": null}',
    )
    expect(parsed.pipCheck).toBeUndefined()
    expect(parsed.apt).toBeUndefined()
    expect(serverClosure(parsed)).toEqual([])
  })
})

describe('normaliseName', () => {
  it.each([
    ['Flask', 'flask'],
    ['zope.interface', 'zope-interface'],
    ['Azureml_Inference__Server-http', 'azureml-inference-server-http'],
  ])('%s is %s', (name, normal) => expect(normaliseName(name)).toBe(normal))
})
