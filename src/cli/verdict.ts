// What a passing run comes to, in a few lines at its end: the image (built or reused), when the
// server was live, each scoring case's status and time, what was pushed. Read from the metadata
// output, the action's own record of the run, so the CLI says what a workflow would see.
import { Output } from '../step/constants.js'
import { formatDuration } from './render.js'

interface Metadata {
  image?: string
  imageId?: string
  reused?: boolean
  smokeTest?: string
  cases?: { name: string; status?: number; ms?: number }[]
  timings?: { dependenciesMs?: number; buildMs?: number; liveAfterMs?: number }
  pushed?: { tag: string; digest: string }[]
}

/** `sha256:` and the 12 hex digits docker itself shows. */
function shortId(id: string | undefined): string {
  return id ? id.replace(/^(sha256:)?([0-9a-f]{12}).*$/, 'sha256:$2') : ''
}

function imageLine(meta: Metadata): string {
  if (!meta.image) return 'nothing built (build is false)'
  const id = meta.imageId ? ` (${shortId(meta.imageId)})` : ''
  if (meta.reused) return `reused ${meta.image}${id}: the inputs are unchanged, nothing was built`
  const times = [meta.timings?.dependenciesMs, meta.timings?.buildMs].filter(
    (ms): ms is number => ms !== undefined,
  )
  const took = times.length > 0 ? ` in ${formatDuration(times.reduce((a, b) => a + b))}` : ''
  return `built ${meta.image}${id}${took}`
}

/** The lines under "passed in ...": each one short, the details are in the log above. */
export function passVerdict(outputs: Map<string, string>): string[] {
  const text = outputs.get(Output.Metadata)
  if (text === undefined) return []
  const meta = JSON.parse(text) as Metadata
  const lines = [imageLine(meta)]
  if (meta.smokeTest === 'passed') {
    if (meta.timings?.liveAfterMs !== undefined)
      lines.push(`live after ${meta.timings.liveAfterMs} ms`)
    for (const item of meta.cases ?? [])
      lines.push(`${item.name}: POST /score answered ${item.status} in ${item.ms} ms`)
  } else {
    lines.push('smoke test skipped')
  }
  for (const pushed of meta.pushed ?? []) lines.push(`pushed ${pushed.tag} (${pushed.digest})`)
  return lines
}
