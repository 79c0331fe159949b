// Turns the container log of a server that failed to start into the user's terms: which of
// their functions raised what, in which file and line of their code.
import * as path from 'node:path'
import { Contract } from '../step/constants.js'

export interface PythonFailure {
  /** The exception line, e.g. "ModuleNotFoundError: No module named 'sklearn'". */
  exception: string
  /** The deepest frame in the user's code, relative to the app root. */
  file?: string
  line?: number
  functionName?: string
}

const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/
const EXCEPTION = /^[A-Za-z_][\w.]*(?::\s.*)?$/

/** The last Python traceback in a log, or undefined when there is none. */
export function lastPythonFailure(
  log: string,
  appRoot: string = Contract.appRoot,
): PythonFailure | undefined {
  const lines = log.split(/\r?\n/)
  const start = lines
    .map((line) => line.includes('Traceback (most recent call last):'))
    .lastIndexOf(true)
  if (start < 0) return undefined
  let userFrame: Omit<PythonFailure, 'exception'> | undefined
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index]
    const frame = FRAME.exec(line)
    if (frame) {
      const [, file, lineNumber, functionName] = frame
      if (file.startsWith(`${appRoot}/`)) {
        userFrame = {
          file: path.posix.relative(appRoot, file),
          line: Number(lineNumber),
          functionName,
        }
      }
      continue
    }
    if (!/^\s/.test(line) && EXCEPTION.test(line.trim())) {
      return { exception: line.trim(), ...userFrame }
    }
  }
  return undefined
}

/** "init() raised ValueError: bad (score.py line 3)", or the nearest honest equivalent. */
export function describeStartupFailure(failure: PythonFailure | undefined): string {
  if (failure === undefined) return 'the server did not start (no Python traceback in the log)'
  const where = failure.file ? ` (${failure.file} line ${failure.line})` : ''
  if (failure.functionName === 'init') return `init() raised ${failure.exception}${where}`
  if (failure.functionName === 'run') return `run() raised ${failure.exception}${where}`
  if (/^(SyntaxError|IndentationError|TabError)\b/.test(failure.exception)) {
    return `the entry script does not compile: ${failure.exception}${where}`
  }
  if (failure.functionName === '<module>') {
    return `importing the entry script raised ${failure.exception}${where}`
  }
  return `start-up failed: ${failure.exception}${where}`
}
