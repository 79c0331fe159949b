// Trims a `docker save` archive of the dependencies image to the layers the base image does not
// have. The cache then holds only what apt and pip added (megabytes), not the base image
// (gigabytes for the real ones), which the runner pulls anyway; `docker load` skips layers the
// daemon already has, so it accepts the trimmed archive once the base image is present.
// The archive is rewritten with tar-stream: GNU `tar --delete` was seen to corrupt the archives
// docker writes.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import tarStream from 'tar-stream'

interface SavedManifest {
  Layers: string[]
}

/** Reads manifest.json (docker writes it near the end, after the layers). */
async function readManifest(archive: string): Promise<SavedManifest[]> {
  let manifest: SavedManifest[] | undefined
  const extract = tarStream.extract()
  extract.on('entry', (header, stream, next) => {
    if (header.name !== 'manifest.json') {
      stream.on('end', next)
      stream.resume()
      return
    }
    const chunks: Buffer[] = []
    stream.on('data', (chunk) => chunks.push(chunk as Buffer))
    stream.on('end', () => {
      manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SavedManifest[]
      next()
    })
  })
  await pipeline(fs.createReadStream(archive), extract)
  if (!manifest) throw new Error(`No manifest.json in the saved archive ${archive}`)
  return manifest
}

/** The member paths of the first `count` layers: a layer directory, or an OCI blob file. */
function baseMembers(manifest: SavedManifest, count: number): string[] {
  return manifest.Layers.slice(0, count).map((layer) =>
    layer.endsWith('/layer.tar') ? `${path.posix.dirname(layer)}/` : layer,
  )
}

/** Removes the first `baseLayerCount` layers of the saved image from the archive, in place. */
export async function dropBaseLayers(archive: string, baseLayerCount: number): Promise<void> {
  if (baseLayerCount === 0) return
  const [manifest] = await readManifest(archive)
  if (!manifest || manifest.Layers.length < baseLayerCount) {
    throw new Error(`The saved archive has fewer layers than the base image (${archive})`)
  }
  const dropped = baseMembers(manifest, baseLayerCount)
  const isDropped = (name: string): boolean =>
    dropped.some((member) => name === member || (member.endsWith('/') && name.startsWith(member)))

  const trimmed = `${archive}.trimmed`
  const extract = tarStream.extract()
  const pack = tarStream.pack()
  extract.on('entry', (header, stream, next) => {
    if (isDropped(header.name)) {
      stream.on('end', next)
      stream.resume()
      return
    }
    stream.pipe(pack.entry(header, next))
  })
  extract.on('finish', () => pack.finalize())
  await Promise.all([
    pipeline(fs.createReadStream(archive), extract),
    pipeline(pack, fs.createWriteStream(trimmed)),
  ])
  fs.renameSync(trimmed, archive)
}
