// Reading a generated Dockerfile the way a reviewer would: parsed with dockerfile-ast, linted
// with dockerfile-utils.
import { DockerfileParser, Env, Label, type Instruction } from 'dockerfile-ast'
import { validate, ValidationCode } from 'dockerfile-utils'

/**
 * Each instruction as its keyword and words (flags first, as `--name=value`); an ENV or a LABEL
 * as its name/value pairs. Throws on a parser directive: the writer never emits one, and one would
 * change how everything after it is read.
 */
export function instructions(text: string): string[][] {
  const dockerfile = DockerfileParser.parse(text)
  if (dockerfile.getDirectives().length > 0) throw new Error('the Dockerfile has a directive')
  return dockerfile.getInstructions().map((instruction: Instruction) => {
    if (instruction instanceof Env || instruction instanceof Label) {
      return [
        instruction.getKeyword(),
        ...instruction.getProperties().flatMap((p) => [p.getName(), p.getValue() ?? '']),
      ]
    }
    const flags =
      'getFlags' in instruction && typeof instruction.getFlags === 'function'
        ? (instruction.getFlags() as { getName(): string; getValue(): string | null }[]).map(
            (flag) => `--${flag.getName()}=${flag.getValue()}`,
          )
        : []
    return [
      instruction.getKeyword(),
      ...flags,
      ...instruction.getArguments().map((argument) => argument.getValue()),
    ]
  })
}

/** The comments in the file, without their '#'. */
export function comments(text: string): string[] {
  return DockerfileParser.parse(text)
    .getComments()
    .map((comment) => comment.getContent())
}

// dockerfile-ast keeps '\$' escaped (it leaves variables for a later pass); docker does not.
export const asParsed = (value: string): string => value.replace(/\$/g, '\\$')

// dockerfile-utils misreads two kinds of double-quoted ENV or LABEL value (both are written by
// quoteValue): a lone ' inside, and an escaped \" at the start (it reports an open quote). Docker
// reads both literally with either builder (the hostile-input integration test inspects them),
// so on ENV and LABEL lines those two diagnostics are the linter's, not the file's; every other
// diagnostic counts.
const QUOTE_MISREADINGS: number[] = [
  ValidationCode.SYNTAX_MISSING_SINGLE_QUOTE,
  ValidationCode.SYNTAX_MISSING_DOUBLE_QUOTE,
]

/** What dockerfile-utils finds wrong with the file (its default rules). */
export function lintProblems(text: string): ReturnType<typeof validate> {
  // An ENV or LABEL instruction may run over several lines (one pair a line).
  const quotedLines = DockerfileParser.parse(text)
    .getInstructions()
    .filter((instruction) => instruction instanceof Env || instruction instanceof Label)
    .map((instruction) => instruction.getRange())
  const onQuotedLine = (line: number): boolean =>
    quotedLines.some((range) => range.start.line <= line && line <= range.end.line)
  return validate(text).filter(
    (problem) =>
      !(
        QUOTE_MISREADINGS.includes(problem.code as number) && onQuotedLine(problem.range.start.line)
      ),
  )
}

/** The Dockerfile the action printed in its folded "Dockerfile" group (a stop-commands span taken off). */
export function printedDockerfile(stdout: string): string {
  const match = /^::group::Dockerfile\n([\s\S]*?)^::endgroup::$/m.exec(stdout)
  if (!match) throw new Error('no Dockerfile group in the log')
  const inert = /^::stop-commands::(.+)\n([\s\S]*\n)::\1::\n$/.exec(match[1])
  return inert ? inert[2] : match[1]
}
