// The projects the requirements file asks for itself, with their lines: where a conflict is
// blamed. Read as pip reads a line (comments dropped, `\` continuations joined); options and
// includes (`-r`, `-c`, `-e`, `--index-url`...) name no project of this file and are skipped, and
// a wheel or a URL with `#egg=` counts under its project's name.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { normaliseName } from './python-inventory.js'

export interface RequirementLine {
  /** Normalised project name. */
  name: string
  /** 1-based, the first line of a continued one. */
  line: number
  /** The requirement as written, comment and continuations removed. */
  text: string
}

const PROJECT = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@(]|$)/
const WHEEL = /^([A-Za-z0-9][A-Za-z0-9._]*)-[^-/]+(?:-[^-/]+){2,3}\.whl$/
const EGG = /#egg=([A-Za-z0-9][A-Za-z0-9._-]*)/

function projectOf(text: string): string | undefined {
  if (text.startsWith('-')) return undefined
  const egg = EGG.exec(text)?.[1]
  if (egg) return egg
  const wheel = WHEEL.exec(path.posix.basename(text.replace(/\\/g, '/')))?.[1]
  if (wheel) return wheel
  if (/^[a-z+]+:\/\/|^[./~]/i.test(text)) return undefined // a path or URL without a name
  return PROJECT.exec(text)?.[1]
}

/** @internal (exported for its unit tests) */
export function parseRequirementLines(content: string): RequirementLine[] {
  const found: RequirementLine[] = []
  const lines = content.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const first = index + 1
    let logical = lines[index]
    while (logical.endsWith('\\') && index + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++index]
    }
    const text = logical.replace(/(^|\s)#.*$/, '').trim()
    const name = text && projectOf(text)
    if (name) found.push({ name: normaliseName(name), line: first, text })
  }
  return found
}

/** The top requirements file's projects; none when it cannot be read. */
export function readRequirementLines(file: string | undefined): RequirementLine[] {
  if (!file) return []
  try {
    return parseRequirementLines(fs.readFileSync(file, 'utf8'))
  } catch {
    return []
  }
}
