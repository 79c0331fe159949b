// An image's history as `docker history` lists it (historyArgs): one entry per Dockerfile step,
// newest first, with the bytes its layer holds. The two builders word a step differently (the
// legacy builder as the shell line it ran, `/bin/sh -c #(nop) COPY ...`; BuildKit as the
// instruction, `COPY ... # buildkit`); both are shown as the instruction. Build args, which a
// RUN's line starts with (`|2 PIP_INDEX_URL=... /bin/sh -c ...`), are left out: they may hold
// an index URL.

export interface HistoryEntry {
  /** The step as docker records it. */
  createdBy: string
  bytes: number
}

export interface AddedLayer {
  /** The instruction that made it, e.g. `RUN pip install ...`, `COPY ...`. */
  step: string
  bytes: number
}

/** One JSON object a line (`--format '{{json .}}'`, sizes in bytes with `--human=false`). */
export function parseHistory(stdout: string): HistoryEntry[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const entry = JSON.parse(line) as { CreatedBy?: unknown; Size?: unknown }
      const bytes = Number(entry.Size)
      if (typeof entry.CreatedBy !== 'string' || !Number.isFinite(bytes))
        throw new Error(`docker history answered something else: ${line.slice(0, 200)}`)
      return { createdBy: entry.CreatedBy, bytes }
    })
}

const SHELL = ' /bin/sh -c '

/** A RUN's command without the build args docker puts first (`|2 A=1 B=2 /bin/sh -c cmd`). */
function runCommand(line: string): string {
  let rest = line.replace(/^(--mount=\S+\s+)*/, '')
  if (/^\|\d+ /.test(rest)) {
    const shell = rest.indexOf(SHELL)
    if (shell < 0) return `(${rest.split(' ')[0].slice(1)} build args left out)`
    rest = rest.slice(shell + SHELL.length)
  } else if (rest.startsWith(SHELL.trimStart())) rest = rest.slice(SHELL.length - 1)
  return rest
}

/** The step as its Dockerfile instruction, whichever builder recorded it. @internal (exported for its unit tests) */
export function describeStep(createdBy: string): string {
  let step = createdBy.trim().replace(/\s+# buildkit$/, '')
  const nop = /^\/bin\/sh -c #\(nop\)\s+/
  if (nop.test(step)) step = step.replace(nop, '')
  else if (step.startsWith('RUN ')) step = `RUN ${runCommand(step.slice(4))}`
  else if (step.startsWith('|') || step.startsWith('/bin/sh -c ')) step = `RUN ${runCommand(step)}`
  return step.replace(/\s+/g, ' ').trim()
}

const LAYER_STEPS = /^(RUN|COPY|ADD) /

/**
 * The layers `image` adds over `base` (both newest first, as listed), in the order they were
 * built: the entries above the base's own, those that made a layer (a RUN, COPY or ADD, or any
 * step with bytes); ENV, LABEL, USER and the like change the config only.
 */
export function layersOver(image: HistoryEntry[], base: HistoryEntry[]): AddedLayer[] {
  const own = image.slice(0, Math.max(0, image.length - base.length)).reverse()
  return own
    .map((entry) => ({ step: describeStep(entry.createdBy), bytes: entry.bytes }))
    .filter((layer) => layer.bytes > 0 || LAYER_STEPS.test(layer.step))
}
