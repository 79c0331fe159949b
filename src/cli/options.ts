// The command line: one option per action input, named as in action.yml and taken from the Input
// enum (so an input added there is an option here without a change), plus a few options of the
// CLI's own. Values are passed through as the runner would pass them; src/inputs/inputs.ts validates
// them with the same rules as in a workflow.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { Input } from '../step/constants.js'

export const PROGRAM = 'extend-azureml-image'

/** A mistake in the command line itself (exit code 2), as opposed to a failed run. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Options that are not action inputs. @internal (exported for its unit tests) */
export const CLI_OPTIONS = {
  workspace: { type: 'string' },
  summary: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type CliOptionName = keyof typeof CLI_OPTIONS

/** @internal (exported for its unit tests) */
export function inputNames(): string[] {
  const names: string[] = Object.values(Input)
  const clash = names.find((name) => Object.hasOwn(CLI_OPTIONS, name))
  // A programming error, caught by the unit tests the day an input takes such a name.
  if (clash) throw new Error(`Input '${clash}' has the name of a CLI option`)
  return names
}

/** The variable the runner sets for an input, and that core.getInput reads. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export interface RunOptions {
  /** Input name -> value, for the inputs given on the command line. */
  inputs: Record<string, string>
  /** Absolute; inputs' relative paths resolve against it. */
  workspace: string
  /** Where to copy the job summary (Markdown), if asked. */
  summary?: string
  verbose: boolean
}

export type Command = { kind: 'help' } | { kind: 'run'; options: RunOptions }

/** Levenshtein distance, for "did you mean" on a mistyped option. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }
    previous = current
  }
  return previous[b.length]
}

/** @internal (exported for its unit tests) */
export function closestOption(given: string, names: string[]): string | undefined {
  const wanted = given.replace(/^-+/, '').toLowerCase().replace(/_/g, '-')
  let best: { name: string; score: number } | undefined
  for (const name of names) {
    const score = distance(wanted, name)
    if (score <= 2 && (best === undefined || score < best.score)) best = { name, score }
  }
  return best && `--${best.name}`
}

function usageMessage(error: Error & { code?: string }, names: string[]): string {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'([^']+)'/.exec(error.message)?.[1] ?? ''
    const suggestion = closestOption(given, [...names, ...Object.keys(CLI_OPTIONS)])
    return `unknown option ${given}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`
  }
  // node:util's own wording is clear for a missing value or a stray argument.
  return error.message.replace(/\n/g, ' ')
}

/**
 * Parses argv (without node and the script). Repeating an option gives a multi-line value, the
 * way a YAML block does: `--env A=1 --env B=2`. Throws UsageError.
 */
export function parseCommandLine(argv: string[], cwd: string): Command {
  const names = inputNames()
  const options = {
    ...Object.fromEntries(names.map((name) => [name, { type: 'string', multiple: true } as const])),
    ...CLI_OPTIONS,
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
  } catch (error) {
    throw new UsageError(usageMessage(error as Error, names))
  }
  const values = parsed.values as Record<string, string[] | string | boolean | undefined>
  if (values.help) return { kind: 'help' }

  const inputs: Record<string, string> = {}
  for (const name of names) {
    const given = values[name]
    if (Array.isArray(given)) inputs[name] = given.join('\n')
  }
  const cliValue = (name: CliOptionName) => values[name] as string | undefined
  const workspaceArg = cliValue('workspace')
  const workspace = path.resolve(cwd, workspaceArg ?? '.')
  if (
    workspaceArg !== undefined &&
    !fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()
  )
    throw new UsageError(`--workspace: ${workspaceArg} is not a directory`)
  const summary = cliValue('summary')
  return {
    kind: 'run',
    options: {
      inputs,
      workspace,
      summary: summary === undefined ? undefined : path.resolve(cwd, summary),
      verbose: values.verbose === true,
    },
  }
}

function columns(names: string[], width: number): string[] {
  const cell = Math.max(...names.map((name) => name.length)) + 2
  const perLine = Math.max(1, Math.floor((width - 2) / cell))
  const lines: string[] = []
  for (let at = 0; at < names.length; at += perLine) {
    lines.push(
      `  ${names
        .slice(at, at + perLine)
        .map((name) => name.padEnd(cell))
        .join('')
        .trimEnd()}`,
    )
  }
  return lines
}

export function helpText(width = 80): string {
  return [
    `Usage: ${PROGRAM} --${Input.BaseImage} IMAGE [--<input> VALUE]...`,
    '',
    'Builds an Azure ML inference image the way the GitHub Action does, starts it and',
    'smoke-tests GET / and POST /score, here on your machine: the same pipeline, the same',
    'inputs, the same checks. Needs a Docker engine that runs Linux containers (Docker',
    'Desktop on macOS and Windows too). With --builder acr --acr-name NAME the image is',
    'built in that Azure container registry by ACR Tasks, with your own logged-in az.',
    '',
    "Action inputs (see the Inputs table in the README for each one's meaning and default):",
    ...columns(
      inputNames().map((name) => `--${name}`),
      width,
    ),
    '',
    'Values are given as in a workflow: true/false for switches (--smoke-test false), and',
    'repeat an option for a multi-line value (--env A=1 --env B=2). Relative paths resolve',
    'against the workspace, which is the current directory unless --workspace is given.',
    `--${Input.Cache} defaults to false here: the GitHub Actions cache service exists only on a`,
    'runner (it stays on when ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL is set).',
    '',
    'Options of the command line:',
    "  --workspace DIR   resolve the inputs' paths against DIR (default: the current directory)",
    '  --summary FILE    write the job summary (Markdown) to FILE',
    '  --verbose         show debug messages, the whole build log on a terminal, and the',
    '                    container log of a run that passed',
    '  -h, --help        show this help',
    '',
    'Exit status: 0 when the image was built and passed, 1 when the run failed, 2 for a',
    'mistake in the command line.',
    '',
  ].join('\n')
}
