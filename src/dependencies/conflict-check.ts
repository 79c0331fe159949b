// The requirements checked against the inference server's own dependencies, once the
// dependencies image is there and before the application is built on it. An image that breaks
// the server is untagged at once, and the cache save starts only after a pass, so an image found
// in the daemon or the cache under a (v3) key never broke it. A reused one is judged again all
// the same, for its warnings: from the inventories remembered next to the staging folder
// (inventory-memo.ts), without a container, else read again (1.5 to 4.5 s of pip here; the
// "nothing changed" floor is a few seconds, so the memo matters). The base's inventory is read
// while the dependencies build, so a cold build waits only for the dependencies image's read.
import * as core from '@actions/core'
import * as path from 'node:path'
import type { DockerClient } from '../docker/docker.js'
import type { Inputs } from '../inputs/inputs.js'
import { requirementsLineAnnotation } from '../report/annotations.js'
import type { Leftovers } from '../step/leftovers.js'
import { printInert } from '../step/inert-log.js'
import { errorMessage } from '../step/text.js'
import { ServerConflictFailure } from './conflict-failure.js'
import type { InventoryMemo } from './inventory-memo.js'
import type { Dependencies } from './get-dependencies.js'
import {
  SERVER_DISTRIBUTION,
  normaliseName,
  readInventory,
  type Inventory,
} from './python-inventory.js'
import { readRequirementLines } from './requirement-lines.js'
import {
  describeBroken,
  describeConflict,
  judgeConflicts,
  serverConflictMessage,
  type ConflictVerdict,
} from './server-conflicts.js'

/** An image's inventory, or why it could not be read. */
export interface InventoryRead {
  inventory?: Inventory
  error?: string
}

/** An image's inventory, read once, on the first call; the promise never rejects. */
export function inventoryReader(
  docker: DockerClient,
  leftovers: Leftovers,
  image: string,
  memo?: InventoryMemo,
): () => Promise<InventoryRead> {
  let read: Promise<InventoryRead> | undefined
  const readIn = (): Promise<Inventory> =>
    memo ? memo.read(docker, leftovers, image) : readInventory(docker, leftovers, image)
  return () => {
    read ??= readIn().then(
      (inventory) => ({ inventory }),
      (error: unknown) => ({ error: errorMessage(error) }),
    )
    return read
  }
}

export interface ConflictCheckRequest {
  inputs: Pick<Inputs, 'workspace' | 'requirements'>
  dependencies: Dependencies
  baseInventory: () => Promise<InventoryRead>
  /** Where the dependencies image's inventory is kept for what the image adds. */
  memo?: InventoryMemo
}

const CANNOT_CHECK = "Could not check the requirements against the inference server's dependencies"

/**
 * Throws a ServerConflictFailure when the requirements broke what the server needs; warns of
 * other new conflicts, notes the base's own. The dependencies image's inventory, when read.
 */
export async function checkServerConflicts(
  docker: DockerClient,
  leftovers: Leftovers,
  request: ConflictCheckRequest,
): Promise<Inventory | undefined> {
  const { dependencies } = request
  const started = Date.now()
  const after = await inventoryReader(docker, leftovers, dependencies.from.id, request.memo)()
  const before = await request.baseInventory()
  if (!after.inventory || !before.inventory) {
    const which = after.inventory ? 'base image' : 'dependencies image'
    core.warning(`${CANNOT_CHECK}: reading the ${which} failed: ${after.error ?? before.error}`)
    return after.inventory
  }
  if (after.inventory.pipCheck === undefined || before.inventory.pipCheck === undefined) {
    core.warning(`${CANNOT_CHECK}: pip check could not run in the image`)
    return after.inventory
  }
  const verdict = judgeConflicts(
    before.inventory,
    after.inventory,
    dependencies.resolverConflicts ?? [],
    readRequirementLines(request.inputs.requirements),
  )
  try {
    report(verdict, after.inventory, request)
  } catch (error) {
    // Not to be found by the next run: it would build on it without a word.
    await docker.untag([dependencies.from.reference]).catch((untag: unknown) => {
      core.warning(`Could not remove ${dependencies.from.reference}: ${errorMessage(untag)}`)
    })
    throw error
  }
  if (verdict.server.length === 0) {
    const server = after.inventory.distributions.get(normaliseName(SERVER_DISTRIBUTION))
    const which = dependencies.source === 'built' ? 'Requirements' : 'Reused dependencies'
    // The version is the distribution's metadata: printed inert.
    printInert(
      server
        ? `${which} checked against ${SERVER_DISTRIBUTION} ${server.version} and its dependencies in ${Date.now() - started} ms: nothing it needs is broken`
        : `No ${SERVER_DISTRIBUTION} distribution in the image: the requirements' conflicts only warn`,
    )
  }
  return after.inventory
}

function requirementsLabel(inputs: ConflictCheckRequest['inputs']): string | undefined {
  if (!inputs.requirements) return undefined
  return path.relative(inputs.workspace, inputs.requirements).split(path.sep).join('/')
}

/** Every message is built here: what pip and package metadata say is data in them, never a command. */
function report(verdict: ConflictVerdict, after: Inventory, request: ConflictCheckRequest): void {
  const label = requirementsLabel(request.inputs)
  if (verdict.inBase.length > 0) {
    const lines = verdict.inBase.map((conflict) => describeBroken(conflict, after))
    core.notice(
      `The base image already has ${verdict.inBase.length} broken requirement(s) (pip check); they come from the base image, not from ${label ?? 'the dependencies'}:\n${lines.join('\n')}`,
    )
  }
  for (const conflict of verdict.other) {
    core.warning(
      `${describeConflict(conflict, after, label)}: pip check reports it broken`,
      requirementsLineAnnotation(
        request.inputs,
        `${conflict.dependent} has a requirement that is not met`,
        conflict.blame?.line,
      ),
    )
  }
  if (verdict.unparsed.length > 0) {
    core.warning(`pip check in the dependencies image also says:\n${verdict.unparsed.join('\n')}`)
  }
  const [first] = verdict.server
  if (first) {
    throw new ServerConflictFailure(
      serverConflictMessage(verdict.server, after, label),
      first.blame?.line,
      `${first.required} breaks ${SERVER_DISTRIBUTION}`,
    )
  }
}
