// What crosses the network to an engine on another machine: the CLI sends every build context
// and every `docker load` archive to it, and `docker save` streams the whole image back (base
// layers too, even those the cache then drops). Counted where the CLI is driven, reported by
// the pipeline when the engine is remote.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { humanBytes } from '../step/text.js'

export interface EngineTraffic {
  /** Build contexts sent (the files of the context folder: at most what the CLI sends). */
  buildContextBytes: number
  builds: number
  /** Archives sent with `docker load` (a restored cache entry). */
  loadedBytes: number
  /** Archives received from `docker save` (the dependencies image, for the cache). */
  savedBytes: number
}

export function noTraffic(): EngineTraffic {
  return { buildContextBytes: 0, builds: 0, loadedBytes: 0, savedBytes: 0 }
}

/** The size of the files under `dir` (links not followed). */
export function directoryBytes(dir: string): number {
  let total = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) total += directoryBytes(full)
    else total += fs.lstatSync(full).size
  }
  return total
}

/** `archive` passed on unchanged, its bytes counted into `count` as they flow. */
export function counting(archive: Readable, count: (bytes: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count(chunk.length)
      done(null, chunk)
    },
  })
  archive.once('error', (error) => counter.destroy(error))
  return archive.pipe(counter)
}

/** One line for the log and the summary; undefined when nothing crossed. */
export function describeTraffic(traffic: EngineTraffic): string | undefined {
  const parts: string[] = []
  if (traffic.builds > 0)
    parts.push(
      `sent ${humanBytes(traffic.buildContextBytes)} of build context (${traffic.builds} build${traffic.builds > 1 ? 's' : ''})`,
    )
  if (traffic.loadedBytes > 0)
    parts.push(`sent the cache archive (${humanBytes(traffic.loadedBytes)})`)
  if (traffic.savedBytes > 0)
    parts.push(`received the dependencies image for the cache (${humanBytes(traffic.savedBytes)})`)
  return parts.length > 0 ? parts.join('; ') : undefined
}
