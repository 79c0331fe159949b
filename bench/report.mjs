// Medians, units and the printed tables.

export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export const seconds = (ms) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`)
export const millis = (ms) => (ms === undefined ? '–' : `${Math.round(ms)} ms`)
export const ratio = (value) => (value === undefined ? '–' : `${value.toFixed(2)}x`)
export const gib = (bytes) => (bytes === undefined ? '–' : `${(bytes / 1024 ** 3).toFixed(2)} GiB`)
export const mib = (bytes) => (bytes === undefined ? '–' : `${(bytes / 1024 ** 2).toFixed(1)} MiB`)

export function divide(a, b) {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b
}

/** Plain-text table: first row is the header; columns padded to their widest cell. */
export function table(rows) {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => String(row[column] ?? '').length)),
  )
  const line = (row) =>
    row
      .map((cell, column) => String(cell ?? '').padEnd(widths[column]))
      .join('  ')
      .trimEnd()
  return [
    line(rows[0]),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n')
}

/** PASS / MISS, or '' where there is no target (or nothing measured). */
export function verdict(pass) {
  return pass === undefined ? '' : pass ? 'PASS' : 'MISS'
}
