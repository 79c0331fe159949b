// Text helpers every stage uses for messages: the end of a log, a cut value, an error's message.
// One home each, so a message is cut and worded the same way wherever it comes from.

/** The last `count` lines of `text` (LF or CRLF), trailing blank space dropped. */
export function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n')
}

/** `text` cut to `limit` characters, saying how much was left out. */
export function truncate(text: string, limit: number): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… (${text.length - limit} more characters)`
}

/** What was thrown, as a message; non-Error throws are not lost. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** "782 B", "1.2 kB", "40.1 MB": bytes in decimal units, as the summary's sizes. */
export function humanBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1000 * 1000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1000 / 1000).toFixed(1)} MB`
}
