// Python distributions made up for a test (a dist-info folder each, on PYTHONPATH), and the
// inventory program run over them under this machine's python3, as the action runs it in an
// image (`python -c <inventory>`).
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { INVENTORY_SOURCE } from '../../src/dependencies/inventory-source.js'
import { parseInventory, type Inventory } from '../../src/dependencies/python-inventory.js'

export function distInfo(
  site: string,
  name: string,
  version: string,
  requires: string[] = [],
): void {
  const folder = path.join(site, `${name.replace(/-/g, '_')}-${version}.dist-info`)
  fs.mkdirSync(folder, { recursive: true })
  const lines = ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`]
  for (const requirement of requires) lines.push(`Requires-Dist: ${requirement}`)
  fs.writeFileSync(path.join(folder, 'METADATA'), lines.join('\n') + '\n')
  fs.writeFileSync(path.join(folder, 'RECORD'), '')
}

/** What the inventory program reads with `site` first on the path (this machine's own included). */
export function inventoryOfSite(site: string): Inventory {
  const stdout = execFileSync('python3', ['-c', INVENTORY_SOURCE], {
    env: { ...process.env, PYTHONPATH: site },
    encoding: 'utf8',
  })
  return parseInventory(stdout)
}
