// The CLI's rendering of the step's stdout: workflow commands become terminal output, relayed
// logs stay verbatim, colour and the status line only where they belong.
import { describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import { captureWrites } from '../../src/cli/capture.js'
import { outputsBlock } from '../../src/cli/outputs-block.js'
import {
  formatDuration,
  parseCommand,
  Renderer,
  type RendererOptions,
} from '../../src/cli/render.js'
import { colorEnabled, styleFor } from '../../src/cli/style.js'
import { playOnTerminal } from '../helpers/terminal.js'

const ESC = '\u001b'

interface Rendered {
  renderer: Renderer
  out: () => string
  err: () => string
  clock: { now: number }
}

function renderer(options: Partial<RendererOptions> = {}): Rendered {
  let out = ''
  let err = ''
  const clock = { now: 1_000_000 }
  const rendered = new Renderer({
    out: (text) => (out += text),
    err: (text) => (err += text),
    color: { out: false, err: false },
    verbose: false,
    progress: false,
    now: () => clock.now,
    ...options,
  })
  return { renderer: rendered, out: () => out, err: () => err, clock }
}

function render(
  text: string,
  options: Partial<RendererOptions> = {},
): { out: string; err: string } {
  const { renderer: rendered, out, err } = renderer(options)
  rendered.write(text)
  rendered.finish()
  return { out: out(), err: err() }
}

describe('groups', () => {
  it('become section headers, with the elapsed time when they end', () => {
    const { renderer: rendered, out, clock } = renderer()
    rendered.write('::group::Build eai:1\nStep 1/2 : FROM base\n')
    clock.now += 2_500
    rendered.write('::endgroup::\nafter\n')
    expect(out()).toBe('==> Build eai:1\nStep 1/2 : FROM base\n--- Build eai:1: 2.5 s\nafter\n')
  })

  it('end the open one when a new one starts, and at the end of the run', () => {
    const { out } = render('::group::One\na\n::group::Two\nb\n')
    expect(out).toBe('==> One\na\n--- One: 0.0 s\n==> Two\nb\n--- Two: 0.0 s\n')
  })
})

describe('relayed logs between stop-commands and the token', () => {
  it('are printed verbatim: nothing in them is a command, not even another stop-commands', () => {
    const text = [
      '::group::Build',
      '::stop-commands::token-1',
      '::error file=x,line=1::not an error',
      '::group::not a group',
      '::add-mask::hello',
      '::stop-commands::evil',
      '::evil::',
      '::debug::still text',
      '::token-1::',
      '::warning::a real warning',
      'hello',
      '::endgroup::',
    ].join('\n')
    const { out, err } = render(`${text}\n`)
    expect(out).toBe(
      [
        '==> Build',
        '::error file=x,line=1::not an error',
        '::group::not a group',
        '::add-mask::hello',
        '::stop-commands::evil',
        '::evil::',
        '::debug::still text',
        'hello',
        '--- Build: 0.0 s',
        '',
      ].join('\n'),
    )
    expect(err).toBe('warning: a real warning\n')
  })

  it("without colour, show what a terminal would: no colour codes, a progress line's last state", () => {
    const log = '\u001b[91mdebconf: delaying\u001b[0m\nReading ... 5%\rReading ... 100%\n'
    expect(render(`::stop-commands::t\n${log}::t::\n`).out).toBe(
      'debconf: delaying\nReading ... 100%\n',
    )
    // With colour (a terminal), the line goes as it is: the terminal draws it.
    expect(
      render(`::stop-commands::t\n${log}::t::\n`, { color: { out: true, err: true } }).out,
    ).toBe(log)
  })

  it('end only at their own token, whatever the log prints', () => {
    const { out } = render('::stop-commands::t1\n::t2::\n::endgroup::\n::t1::\n::group::G\n')
    expect(out).toBe('::t2::\n::endgroup::\n==> G\n--- G: 0.0 s\n')
  })
})

describe('annotations', () => {
  it('show an error as file:line: title, then the message, on stderr', () => {
    const { out, err } = render(
      '::error title=init() raised RuntimeError,file=code/score.py,line=14::Smoke test failed%0AInit failed: 100%25 sure\n',
    )
    expect(out).toBe('')
    expect(err).toBe(
      'error: code/score.py:14: init() raised RuntimeError\n  Smoke test failed\n  Init failed: 100% sure\n',
    )
  })

  it('unescape properties (: and ,) and give the column when there is one', () => {
    const { err } = render('::error file=a%3Ab%2Cc.txt,line=3,col=7::broken\n')
    expect(err).toBe('error: a:b,c.txt:3:7: broken\n')
  })

  it('show an error without a place as error: message', () => {
    expect(render("::error::Input 'apt-packages': bad%0Asecond line\n").err).toBe(
      "error: Input 'apt-packages': bad\n  second line\n",
    )
  })

  it('show warnings and notices with their label', () => {
    expect(render('::warning::careful\n::notice file=requirements.txt::fyi\n').err).toBe(
      'warning: careful\nnotice: requirements.txt: fyi\n',
    )
  })

  it('map the file through resolveFile (relative to where the CLI was started)', () => {
    const { err } = render('::error file=code/score.py,line=2::x\n', {
      resolveFile: (file) => `examples/minimal/${file}`,
    })
    expect(err).toBe('error: examples/minimal/code/score.py:2: x\n')
  })
})

describe('debug, masks and other commands', () => {
  it('hide debug lines unless verbose', () => {
    expect(render('::debug::details\nshown\n').out).toBe('shown\n')
    expect(render('::debug::details\n', { verbose: true }).out).toBe('debug: details\n')
  })

  it('swallow ::add-mask:: and hide the value everywhere after, relayed logs included', () => {
    const { out, err } = render(
      [
        '::add-mask::s3cr3t-token',
        'index https://user:s3cr3t-token@pypi.example/simple',
        '::stop-commands::t',
        'pip: s3cr3t-token',
        '::t::',
        '::error::failed with s3cr3t-token',
      ].join('\n') + '\n',
    )
    expect(out).toBe('index https://user:***@pypi.example/simple\npip: ***\n')
    expect(err).toBe('error: failed with ***\n')
  })

  it('never print a command line the CLI does not render', () => {
    const { out } = render('::echo::on\n::set-output name=x::y\n::save-state name=a::b\n')
    expect(out).toBe('')
  })
})

describe('line handling', () => {
  it('waits for whole lines, across writes, and handles CRLF', () => {
    const { renderer: rendered, out, err } = renderer()
    rendered.write('::err')
    rendered.write('or::split\r\npart')
    expect(err()).toBe('error: split\n')
    expect(out()).toBe('')
    rendered.write('ial\n')
    expect(out()).toBe('partial\n')
  })

  it('prints a last line without a line break at the end', () => {
    expect(render('no newline').out).toBe('no newline\n')
  })
})

describe('colour and the status line', () => {
  const everything =
    '::group::Build\n::stop-commands::t\nlog\n::t::\n::warning::w\n::error file=f,line=1::e\n::endgroup::\n'

  it('use no escape sequence at all when not a terminal', () => {
    const { out, err } = render(everything)
    expect(out + err).not.toContain(ESC)
    expect(out + err).not.toContain('\r')
  })

  it('colour the labels and headers when colour is on', () => {
    const { out, err } = render(everything, { color: { out: true, err: true } })
    expect(out).toContain(`${ESC}[1mBuild${ESC}[22m`)
    expect(err).toContain(`${ESC}[33mwarning:${ESC}[39m`)
    expect(err).toContain(`${ESC}[31merror:${ESC}[39m`)
    // Relayed text is not touched.
    expect(out).toContain('\nlog\n')
  })

  it('keep a status line with the elapsed seconds while a group is open (terminal)', () => {
    const CLEAR = `\r${ESC}[J`
    const { renderer: rendered, out, clock } = renderer({ progress: true })
    rendered.write('::group::Smoke test\n')
    // The spinner's frame is the one character before the title.
    const spinner = (text: string) => text.replace(/[\u2800-\u28ff] /g, '* ')
    expect(spinner(out())).toBe(`==> Smoke test\n${CLEAR}* Smoke test (0 s)`)
    clock.now += 42_000
    rendered.write('Still waiting\n')
    // Cleared before the line, drawn again after it.
    expect(spinner(out()).endsWith(`${CLEAR}Still waiting\n${CLEAR}* Smoke test (42 s)`)).toBe(true)
    rendered.write('::endgroup::\n')
    rendered.finish()
    expect(out().endsWith(`${CLEAR}--- Smoke test: 42.0 s\n`)).toBe(true)
  })

  it('cut the status line to the terminal width', () => {
    const { renderer: rendered, out } = renderer({ progress: true, columns: () => 20 })
    rendered.write(`::group::${'x'.repeat(50)}\n`)
    const status = out().split('\r\u001b[J').pop() ?? ''
    expect(status.length).toBeLessThanOrEqual(19)
    expect(status.endsWith('…')).toBe(true)
  })
})

describe('on a terminal, a relayed log inside a group', () => {
  const spinner = (lines: string[]) => lines.map((line) => line.replace(/^[\u2800-\u28ff] /, '* '))
  const buildLog = Array.from({ length: 12 }, (_, at) => `Step ${at + 1}/12 : RUN step-${at + 1}`)

  function building(options: Partial<RendererOptions> = {}): Rendered {
    const rendered = renderer({ progress: true, tailLines: 3, ...options })
    rendered.renderer.write(['::group::Build', '::stop-commands::t', ...buildLog, ''].join('\n'))
    return rendered
  }

  it('is followed in its last lines above the status line, not printed', async () => {
    const { out } = building()
    const screen = await playOnTerminal(out())
    expect(spinner(screen.lines)).toEqual([
      '==> Build',
      '  Step 10/12 : RUN step-10',
      '  Step 11/12 : RUN step-11',
      '  Step 12/12 : RUN step-12',
      '* Build (0 s)',
    ])
  })

  it('leaves only the group header, its own lines and its duration once the group ends', async () => {
    const { renderer: rendered, out, clock } = building()
    clock.now += 3_200
    rendered.write('::t::\nBuilt sha256:abc\n::endgroup::\nnext\n')
    rendered.finish()
    expect((await playOnTerminal(out())).lines).toEqual([
      '==> Build',
      'Built sha256:abc',
      '--- Build: 3.2 s',
      'next',
    ])
  })

  it("shows a line as the terminal would: after a progress bar's \\r, without escapes, masked, cut", async () => {
    const { renderer: rendered, out } = renderer({
      progress: true,
      tailLines: 3,
      columns: () => 30,
    })
    rendered.write(
      [
        '::add-mask::hunter2',
        '::group::Build',
        '::stop-commands::t',
        `${ESC}[31mred${ESC}[0m and ${ESC}[2Aup`,
        'pull 10%\rpull 100%\tdone hunter2',
        'x'.repeat(80),
        '',
      ].join('\n'),
    )
    expect(spinner((await playOnTerminal(out(), 30)).lines)).toEqual([
      '==> Build',
      '  red and up',
      '  pull 100%  done ***',
      `  ${'x'.repeat(26)}…`,
      '* Build (0 s)',
    ])
  })

  it('is printed whole when not a terminal, or with no tail asked for (--verbose)', async () => {
    for (const options of [{ progress: false }, { tailLines: 0 }]) {
      const { renderer: rendered, out } = building(options)
      rendered.write('::t::\n::endgroup::\n')
      rendered.finish()
      expect((await playOnTerminal(out())).lines).toEqual([
        '==> Build',
        ...buildLog,
        '--- Build: 0.0 s',
      ])
    }
  })
})

describe('held groups (the container log)', () => {
  const containerLog = [
    '::group::Container log (c1)',
    '::stop-commands::t',
    'connect() failed (111: Connection refused)',
    'Booting worker',
    '::t::',
    '::endgroup::',
  ]

  /** stdout and stderr in one sequence, each piece tagged with its stream. */
  function interleaved(options: Partial<RendererOptions> = {}) {
    const all: string[] = []
    const rendered = new Renderer({
      out: (text) => all.push(`out: ${text}`),
      err: (text) => all.push(`err: ${text}`),
      color: { out: false, err: false },
      verbose: false,
      progress: false,
      now: () => 0,
      holdGroup: (title) => title.startsWith('Container log ('),
      ...options,
    })
    return { rendered, all }
  }

  it('print nothing of the group on a pass (discardHeld), and everything else', () => {
    const { rendered, all } = interleaved()
    rendered.write(
      ['::group::Smoke test', 'Live after 5 ms', '::endgroup::', ...containerLog, ''].join('\n'),
    )
    rendered.discardHeld()
    rendered.print('passed')
    rendered.finish()
    expect(all).toEqual([
      'out: ==> Smoke test\n',
      'out: Live after 5 ms\n',
      'out: --- Smoke test: 0.0 s\n',
      'out: passed\n',
    ])
  })

  it('print the whole group just before an error, and a warning meanwhile at once', () => {
    const { rendered, all } = interleaved()
    rendered.write(
      [
        ...containerLog,
        '::warning::Could not remove container c1',
        '::error::Smoke test failed',
        '',
      ].join('\n'),
    )
    rendered.finish()
    expect(all).toEqual([
      'err: warning: Could not remove container c1\n',
      'out: ==> Container log (c1)\n',
      'out: connect() failed (111: Connection refused)\n',
      'out: Booting worker\n',
      'out: --- Container log (c1): 0.0 s\n',
      'err: error: Smoke test failed\n',
    ])
  })

  it('print the group at finish() when the run ended otherwise (a signal)', () => {
    const { rendered, all } = interleaved()
    rendered.write(containerLog.join('\n') + '\n')
    expect(all).toEqual([])
    rendered.finish()
    expect(all.join('')).toContain('out: Booting worker\n')
  })

  it('are not held when no holdGroup is given (--verbose)', () => {
    const { rendered, all } = interleaved({ holdGroup: undefined })
    rendered.write(containerLog.join('\n') + '\n')
    expect(all).toContain('out: Booting worker\n')
  })
})

describe('colorEnabled', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: true }, { TERM: 'dumb' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '' }, true],
    [{ isTTY: true }, { FORCE_COLOR: '0' }, false],
    [{ isTTY: true }, { FORCE_COLOR: 'false', NO_COLOR: '1' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ])('stream %j with %j: %s', (stream, env, expected) => {
    expect(colorEnabled(stream, env)).toBe(expected)
  })
})

describe('what @actions/core writes', () => {
  it('renders as the runner would read it', () => {
    const { renderer: rendered, out, err } = renderer()
    const capture = captureWrites(process.stdout, (text) => rendered.write(text))
    try {
      core.startGroup('Prepare')
      core.info('Docker engine 20.10')
      core.setSecret('hunter2')
      core.error('line one: hunter2\nline two, 50%', {
        title: 'A: title, with commas',
        file: 'dir/file,1.py',
        startLine: 9,
      })
      core.debug('hidden')
      core.endGroup()
    } finally {
      capture.restore()
    }
    rendered.finish()
    expect(out()).toBe('==> Prepare\nDocker engine 20.10\n--- Prepare: 0.0 s\n')
    expect(err()).toBe(
      'error: dir/file,1.py:9: A: title, with commas\n  line one: ***\n  line two, 50%\n',
    )
  })
})

describe('captureWrites', () => {
  function fakeStream(): { stream: NodeJS.WriteStream; written: string[] } {
    const written: string[] = []
    const stream = {
      write(chunk: string) {
        written.push(chunk)
        return true
      },
    } as unknown as NodeJS.WriteStream
    return { stream, written }
  }

  it('hands strings and buffers (a character split across two) to the sink, then restores', () => {
    const { stream, written } = fakeStream()
    const original = stream.write
    const seen: string[] = []
    const capture = captureWrites(stream, (text) => seen.push(text))
    const bytes = Buffer.from('é\n')
    stream.write('a\n')
    stream.write(bytes.subarray(0, 1))
    stream.write(bytes.subarray(1))
    stream.write(Buffer.from('b\n').toString('hex'), 'hex')
    capture.original('direct\n')
    expect(seen.join('')).toBe('a\né\nb\n')
    expect(written).toEqual(['direct\n'])
    capture.restore()
    capture.restore()
    expect(stream.write).toBe(original)
  })

  it('calls the write callback, as the stream would', async () => {
    const { stream } = fakeStream()
    const capture = captureWrites(stream, () => undefined)
    await new Promise<void>((resolve) => stream.write('x', () => resolve()))
    await new Promise<void>((resolve) => stream.write('x', 'utf8', () => resolve()))
    capture.restore()
  })
})

describe('outputsBlock', () => {
  const outputs = new Map([
    ['dockerfile', '/tmp/x/Dockerfile'],
    ['smoke-test', 'passed'],
    ['metadata', '{"image":"eai:1"}'],
    ['image', 'eai:1'],
    ['tags', 'eai:1\neai:latest'],
    ['context', '/tmp/x'],
  ])

  it('lists the outputs in the order of the Output enum, aligned, without removed paths', () => {
    expect(outputsBlock(outputs, false, styleFor(false))).toEqual([
      '==> Outputs',
      'image       eai:1',
      'tags        eai:1',
      '            eai:latest',
      'smoke-test  passed',
    ])
  })

  it('adds the metadata JSON with --verbose, and is empty when there is nothing', () => {
    expect(outputsBlock(outputs, true, styleFor(false))).toContain('metadata    {"image":"eai:1"}')
    expect(outputsBlock(new Map(), false, styleFor(false))).toEqual([])
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0.0 s'],
    [2_449, '2.4 s'],
    [59_940, '59.9 s'],
    [60_000, '1 min 00 s'],
    [125_400, '2 min 05 s'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('parseCommand', () => {
  it('reads name, properties and data; plain lines are not commands', () => {
    expect(parseCommand('::error file=a,line=2::msg::with colons')).toEqual({
      name: 'error',
      properties: { file: 'a', line: '2' },
      data: 'msg::with colons',
    })
    expect(parseCommand('::endgroup::')).toEqual({ name: 'endgroup', properties: {}, data: '' })
    expect(parseCommand('Step 1/2 : FROM x')).toBeUndefined()
    expect(parseCommand(' ::error::indented')).toBeUndefined()
  })
})
