// The test helper that decides what a runner would obey: the cases come from how actions/runner
// parses a line (ActionCommand.TryParseV2 / TryParse, ActionCommandManager.TryProcessCommand).
import { describe, expect, it } from '@jest/globals'
import { errorAnnotations, obeyedCommands } from '../helpers/workflow-commands.js'

const names = (output: string): string[] => obeyedCommands(output).map((command) => command.name)

describe('obeyedCommands: the v2 form', () => {
  it.each([
    ['at the start of a line', '::error::x'],
    ['after spaces', '   ::error::x'],
    ['after a tab', '\t::error::x'],
    ['after a no-break space', '\u00a0::error::x'],
    ['with properties', '::error file=a.py,line=3::x'],
    ['in capitals', '::ERROR::x'],
  ])('is obeyed %s', (_, line) => {
    expect(names(`before\n${line}\nafter`)).toEqual(['error'])
  })

  it.each([
    ['after other text', 'note ::error::x'],
    ['without a second ::', '::error x'],
    ['with an unknown name', '::nonsense::x'],
  ])('is not obeyed %s', (_, line) => {
    expect(names(line)).toEqual([])
  })

  it('ends a line at LF, CR or CR LF, as .NET ReadLine does', () => {
    expect(names('a\r::error::one\r\n::warning::two\n::notice::three')).toEqual([
      'error',
      'warning',
      'notice',
    ])
  })

  it('reads data and properties with the runner escapes undone', () => {
    expect(errorAnnotations('  ::error file=a%2Cb.py,line=3,title=x%3Ay::50%25%0Anext')).toEqual([
      { properties: { file: 'a,b.py', line: '3', title: 'x:y' }, message: '50%\nnext' },
    ])
  })
})

describe('obeyedCommands: the legacy ##[ form', () => {
  it('is obeyed anywhere in a line', () => {
    expect(obeyedCommands('x ##[error]forged.json')).toMatchObject([
      { name: 'error', form: 'legacy', data: 'forged.json' },
    ])
    expect(names('NOTE=release ##[error]forged')).toEqual(['error'])
    expect(names('##[set-output name=image]evil')).toEqual(['set-output'])
  })

  it('reads ;-separated properties', () => {
    expect(errorAnnotations('x ##[error file=a.py;line=3]boom')).toEqual([
      { properties: { file: 'a.py', line: '3' }, message: 'boom' },
    ])
  })

  it('is not looked for in the data of a valid v2 command', () => {
    expect(names('::warning::a ##[error]b')).toEqual(['warning'])
  })

  it('is looked for when the v2 form names no known command', () => {
    expect(names('::nonsense:: ##[error]b')).toEqual(['error'])
  })

  it('only at the first ##[ of the line, and with a closing ]', () => {
    expect(names('##[nonsense] ##[error]b')).toEqual([])
    expect(names('x ##[error')).toEqual([])
  })
})

describe('obeyedCommands: stop-commands', () => {
  it('ignores every command until the token, and obeys them again after it', () => {
    const output = [
      '::stop-commands::tok-123',
      '::error::inside',
      'x ##[error]inside',
      '::tok-123::',
      '::error::after',
    ].join('\n')
    expect(obeyedCommands(output).map((command) => command.data)).toEqual(['after'])
  })

  it.each([
    ['with leading whitespace', '  ::tok-123::'],
    ['in another case', '::TOK-123::'],
    ['in the legacy form, anywhere in a line', 'text ##[tok-123]'],
    ['with data after it', '::tok-123::more'],
  ])('resumes at the token %s', (_, resume) => {
    expect(names(`::stop-commands::tok-123\n${resume}\n::error::after`)).toEqual(['error'])
  })

  it('does not resume at another command that carries the token in its data', () => {
    expect(names('::stop-commands::tok-123\n::warning::x ##[tok-123]\n::error::after')).toEqual([])
  })

  it('ignores a second stop-commands inside the span', () => {
    const output =
      '::stop-commands::one-token\n::stop-commands::two-token\n::one-token::\n::error::x'
    expect(names(output)).toEqual(['error'])
  })

  it('starts with leading whitespace or in the legacy form too', () => {
    expect(names('  ::stop-commands::tok-123\n::error::hidden')).toEqual([])
    expect(names('x ##[stop-commands]tok-123\n::error::hidden')).toEqual([])
  })

  it('refuses a token the runner refuses', () => {
    expect(() => obeyedCommands('::stop-commands::error')).toThrow(/refuses/)
    expect(() => obeyedCommands('::stop-commands::')).toThrow(/refuses/)
  })
})
