// Fresh daemons that already hold the base image, as a new runner's engine after its pull
// (scenarios 5 and 5f). The pull itself is not measured, so it is done once per image: a daemon
// loads the image (`docker save | docker load`, about 65 s for the fat base here), and its data
// root is kept as a template. Every fresh daemon then starts on a copy of that template: the
// layers' files hard-linked (a daemon only reads a layer it did not create: a container writes to
// its own upper layer), the rest copied (the image store and the bolt databases, which a daemon
// writes in place). That copy takes well under a second where the load took a minute.

import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { startSecondDaemon } from '../scripts/second-daemon.mjs'

const execFileAsync = promisify(execFile)

/** `from` copied to `to`, the overlay2 layers as hard links (both on one file system). */
async function copyDataRoot(from, to) {
  fs.mkdirSync(to, { recursive: true })
  for (const entry of fs.readdirSync(from)) {
    const link = entry === 'overlay2' ? ['--link'] : []
    await execFileAsync('cp', ['-a', ...link, path.join(from, entry), path.join(to, entry)])
  }
}

/**
 * `start(image, dir)` gives a second daemon in `dir` holding `image`; `removeTemplates()` removes
 * the kept data roots (also registered with `onCleanup`, for a run that is stopped).
 */
export function freshDaemons({ tmp, bridge, cidr, onCleanup }) {
  const templates = new Map()

  const daemonIn = (dir) =>
    startSecondDaemon({ bridge, cidr, dir, detached: true, registerCleanup: onCleanup })

  async function prepare(image) {
    const template = path.join(tmp, `template-${templates.size}`)
    const unregister = onCleanup(`daemon template ${template}`, () =>
      fs.rmSync(template, { recursive: true, force: true }),
    )
    const daemon = await daemonIn(path.join(tmp, `loading-${templates.size}`))
    try {
      await daemon.copyImage(image)
      await daemon.stopEngine() // its files at rest before they are copied
      await copyDataRoot(daemon.dataRoot, template)
    } finally {
      await daemon.stop()
    }
    return { template, unregister }
  }

  return {
    async start(image, dir) {
      if (!templates.has(image)) templates.set(image, prepare(image))
      const { template } = await templates.get(image)
      await copyDataRoot(template, path.join(dir, 'data'))
      return daemonIn(dir)
    },
    async removeTemplates() {
      for (const prepared of templates.values()) {
        const { template, unregister } = await prepared.catch(() => ({}))
        if (!template) continue
        fs.rmSync(template, { recursive: true, force: true })
        unregister()
      }
      templates.clear()
    },
  }
}
