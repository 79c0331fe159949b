// The model in an image of its own, for the legacy builder. That builder sends its whole context
// to the engine on every build, before it looks at its cache: with the model in the application's
// context, a code change sends the whole model again (2 s for 300 MiB here). Built apart, the
// model is sent once per change of the model, and a code change sends the code alone. BuildKit
// sends only what changed since the last run (plan/staging-dir.ts): it builds in one step.
//
// The model image is untagged: it lives as the parent of the application images built on it,
// and goes with the last of them. Its id is remembered next to the stable staging folder, under
// a key of the recipe, the image it is built on and the model's content.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Builder } from '../docker/docker-args.js'
import type { DockerClient } from '../docker/docker.js'
import type { TreeSnapshot } from '../inputs/code-snapshot.js'
import { treeDigest } from '../plan/content-hash.js'
import type { FileDigest } from '../plan/digest-cache.js'
import { renderModelDockerfile, type DockerfilePlan } from '../plan/dockerfile.js'
import { readMemoFile, writeMemoFile } from '../plan/memo-file.js'
import { printInert } from '../step/inert-log.js'
import type { Leftovers } from '../step/leftovers.js'
import { buildImage } from './build-image.js'

const VERSION = 1

/** What a run needs to build the model apart; without a memo file it is built in one step. */
export interface ModelImageSource {
  /** Where the model image's id is remembered (next to the stable staging folder). */
  memoFile: string
  snapshot: TreeSnapshot
  fileDigest?: FileDigest
}

export interface ModelImageRequest {
  plan: DockerfilePlan
  /** The image the model goes on: the dependencies image, or the base. */
  from: { reference: string; id: string }
  /** The staged model folder: the build's whole context. */
  context: string
  workDir: string
  source: ModelImageSource
}

/** Whether this run builds its model apart: the legacy builder, a model, somewhere to remember it. */
export function buildsModelApart(
  builder: Builder,
  plan: DockerfilePlan,
  source: ModelImageSource | undefined,
): source is ModelImageSource {
  return builder === 'legacy' && plan.model && source !== undefined
}

interface Memo {
  key: string
  image: string
}

function readMemo(file: string): Memo | undefined {
  const memo = readMemoFile(file, VERSION)
  const { key, image } = memo ?? {}
  return typeof key === 'string' && typeof image === 'string' ? { key, image } : undefined
}

/** Unwritten, the next run builds the model image again. */
function writeMemo(file: string, key: string, image: string): void {
  writeMemoFile(file, VERSION, { key, image } satisfies Memo)
}

/**
 * The model image's id: the one remembered when it still exists and has the same key, else one
 * built now (removed at the end unless the step succeeds).
 */
export async function modelImage(
  docker: DockerClient,
  leftovers: Leftovers,
  request: ModelImageRequest,
): Promise<string> {
  const { plan, from, source } = request
  const text = renderModelDockerfile(plan, from.reference)
  const model = await treeDigest(source.snapshot, source.fileDigest)
  const key = createHash('sha256')
    .update(JSON.stringify({ dockerfile: text, fromId: from.id, model }))
    .digest('hex')
  const memo = readMemo(source.memoFile)
  // An image id is a digest of its content and parents: if it is still there, it is that build.
  if (memo?.key === key && (await docker.localImage(memo.image))) {
    printInert(`Model image ${memo.image}: the model did not change, it is not sent again`)
    return memo.image
  }
  const dockerfile = path.join(request.workDir, 'model.Dockerfile')
  fs.writeFileSync(dockerfile, text)
  const image = await buildImage(
    docker,
    'Build the model image',
    {
      builder: 'legacy',
      dockerfile,
      context: request.context,
      tags: [],
      secrets: [],
      buildArgs: [],
    },
    request.workDir,
  )
  leftovers.addPendingImage(image)
  writeMemo(source.memoFile, key, image)
  printInert(`Built the model image ${image} (untagged: the application is built on it)`)
  return image
}
