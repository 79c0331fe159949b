// The scoring script checker's verdicts, run under this machine's python3 exactly as the action
// runs it in the base image (`python -I -S -c <checker>`, the files as JSON on stdin). The rules
// are the server's (azureml-inference-server-http, server/user_script.py): hasattr(module, "init")
// and "run"; inspect.signature(run) with no positional-only, *args or **kwargs parameter, and one
// for the data besides an optional request_headers.
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CHECKER_SOURCE } from '../../src/script-check/checker-source.js'
import {
  checkerInput,
  failureOf,
  parseVerdict,
  type ScriptProblem,
} from '../../src/script-check/script-check.js'
import { wholeTreeSnapshot } from '../../src/inputs/code-snapshot.js'

const INIT = 'def init():\n    pass\n'

function check(files: Record<string, string | Buffer>, entry = 'score.py'): ScriptProblem[] {
  const request = {
    entry,
    files: Object.fromEntries(
      Object.entries(files).map(([name, text]) => [name, Buffer.from(text).toString('base64')]),
    ),
  }
  const stdout = execFileSync('python3', ['-I', '-S', '-c', CHECKER_SOURCE], {
    input: JSON.stringify(request),
    encoding: 'utf8',
  })
  return parseVerdict(stdout).problems
}

function entry(source: string): ScriptProblem[] {
  return check({ 'score.py': source })
}

describe('compiling every file', () => {
  it('reports a SyntaxError with its file, line, column and source line', () => {
    expect(entry(`${INIT}def run(data):\n    return [data\n`)).toEqual([
      expect.objectContaining({
        file: 'score.py',
        line: 4,
        kind: 'syntax',
        message: expect.stringMatching(/^SyntaxError: /),
        text: '    return [data',
      }),
    ])
  })

  it('reports an error in another .py file, not only the entry script', () => {
    const problems = check({
      'score.py': `${INIT}from lib.util import run\n`,
      'lib/util.py': 'def run(data):\n  x = 1\n    return x\n',
    })
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'lib/util.py',
        line: 3,
        message: expect.stringMatching(/^IndentationError: /),
      }),
    ])
  })

  it('catches what only compiling finds (a return outside a function), not parsing alone', () => {
    expect(entry(`${INIT}def run(data):\n    return data\nreturn 1\n`)).toEqual([
      expect.objectContaining({ line: 5, message: "SyntaxError: 'return' outside function" }),
    ])
  })

  it('honours a coding declaration, as the import does', () => {
    const latin1 = Buffer.concat([
      Buffer.from(`# -*- coding: latin-1 -*-\n${INIT}def run(data):\n    return "`),
      Buffer.from([0xe9]),
      Buffer.from('"\n'),
    ])
    expect(check({ 'score.py': latin1 })).toEqual([])
  })
})

describe('init and run at the top level', () => {
  it('passes plain definitions, with request_headers or keyword-only parameters', () => {
    expect(entry(`${INIT}def run(data):\n    return data\n`)).toEqual([])
    expect(entry(`${INIT}def run(data, request_headers=None):\n    return data\n`)).toEqual([])
    expect(entry(`${INIT}def run(*, data):\n    return data\n`)).toEqual([])
    expect(entry(`${INIT}async def run(data):\n    return data\n`)).toEqual([])
  })

  it('reports a missing run() and a missing init(), on the entry script without a line', () => {
    expect(entry(INIT)).toEqual([
      {
        file: 'score.py',
        kind: 'missing',
        message: 'the entry script defines no run() at its top level',
      },
    ])
    expect(entry('def run(data):\n    return data\n').map((p) => p.message)).toEqual([
      'the entry script defines no init() at its top level',
    ])
  })

  it('a run() that exists only inside a class or a function is missing', () => {
    const source = `${INIT}class Model:\n    def run(self, data):\n        return data\ndef helper():\n    run = 1\n`
    expect(entry(source).map((p) => p.kind)).toEqual(['missing'])
  })

  it.each([
    ['an import', `${INIT}from lib import run\n`],
    ['an import under another name', `${INIT}from lib import predict as run\n`],
    ['a plain import', `${INIT}import run\n`],
    ['an assignment', `${INIT}run = make_run()\n`],
    ['a conditional def', `${INIT}if True:\n    def run(data):\n        return data\n`],
    [
      'a def in a try',
      `${INIT}try:\n    from fast import run\nexcept ImportError:\n    run = None\n`,
    ],
    ['a star import', `${INIT}from lib import *\n`],
    ['a global statement', `${INIT}def setup():\n    global run\n    run = lambda data: data\n`],
    ['globals()', `${INIT}globals()["r" + "un"] = print\n`],
    ['setattr on the module', `${INIT}import sys\nsetattr(sys.modules[__name__], "run", print)\n`],
    ['a module __getattr__', `${INIT}def __getattr__(name):\n    return print\n`],
    ['a with target', `${INIT}with open("x") as run:\n    pass\n`],
    ['a for target', `${INIT}for run in [print]:\n    pass\n`],
  ])('counts run as present when bound by %s (nothing certain to fail)', (_what, source) => {
    expect(entry(source)).toEqual([])
  })
})

describe("run()'s parameters", () => {
  it.each([
    ['*args', `${INIT}def run(*args):\n    return args\n`, 'run() cannot take *args'],
    [
      '**kwargs',
      `${INIT}def run(data, **kwargs):\n    return data\n`,
      'run() cannot take **kwargs',
    ],
    ['positional-only', `${INIT}def run(data, /):\n    return data\n`, 'positional-only'],
    [
      'no data parameter',
      `${INIT}def run():\n    return 1\n`,
      'needs a parameter for the input data',
    ],
    [
      'request_headers alone',
      `${INIT}def run(request_headers):\n    return 1\n`,
      'needs a parameter for the input data',
    ],
  ])('refuses %s, on the def line', (_what, source, message) => {
    expect(entry(source)).toEqual([
      expect.objectContaining({
        file: 'score.py',
        line: 3,
        kind: 'signature',
        message: expect.stringContaining(message),
      }),
    ])
  })

  it("checks a decorated run's own parameters when the decorators are the server's", () => {
    const schema = 'from inference_schema.schema_decorators import input_schema, output_schema\n'
    const rawhttp = 'from azureml.contrib.services.aml_request import rawhttp\n'
    expect(
      entry(
        `${schema}${INIT}@input_schema("data", None)\n@output_schema(None)\ndef run(*data):\n    return data\n`,
      ),
    ).toEqual([expect.objectContaining({ line: 6, kind: 'signature' })])
    expect(
      entry(`${rawhttp}${INIT}@rawhttp\ndef run(request, request_headers=None):\n    return 1\n`),
    ).toEqual([])
    expect(entry(`${rawhttp}${INIT}@rawhttp\ndef run(**request):\n    return 1\n`)).toEqual([
      expect.objectContaining({ kind: 'signature' }),
    ])
    expect(
      entry(
        `${schema}${rawhttp}${INIT}@rawhttp\n@input_schema("data", None)\ndef run(data):\n    return 1\n`,
      ),
    ).toEqual([
      expect.objectContaining({
        line: 7,
        kind: 'decorators',
        message: 'run() cannot be decorated with both @rawhttp and @input_schema',
      }),
    ])
  })

  it.each([
    [
      'an unknown decorator',
      `${INIT}import functools\n@functools.lru_cache\ndef run(*args):\n    return 1\n`,
    ],
    [
      'a decorator of its own',
      `${INIT}def wrap(f):\n    return f\n@wrap\ndef run(*args):\n    return 1\n`,
    ],
    ['a run bound twice', `${INIT}def run(*args):\n    return 1\nrun = other\n`],
    ['a run in an if', `${INIT}if True:\n    def run(*args):\n        return 1\n`],
  ])(
    'does not judge the parameters of %s (the signature the server sees is not certain)',
    (_what, source) => {
      expect(entry(source)).toEqual([])
    },
  )
})

describe('the action side', () => {
  it('sends every .py file of the code copy, by its path in code-dir, and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-checker-'))
    try {
      fs.mkdirSync(path.join(dir, 'lib'))
      fs.writeFileSync(path.join(dir, 'score.py'), INIT)
      fs.writeFileSync(path.join(dir, 'lib/util.py'), 'x = 1\n')
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not python')
      const input = JSON.parse(checkerInput(wholeTreeSnapshot(dir), 'score.py')) as {
        entry: string
        files: Record<string, string>
      }
      expect(input.entry).toBe('score.py')
      expect(Object.keys(input.files).sort()).toEqual(['lib/util.py', 'score.py'])
      expect(Buffer.from(input.files['score.py'], 'base64').toString()).toBe(INIT)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names each problem by its workspace path and line, with the source line', () => {
    const failure = failureOf(
      {
        python: '3.9.18',
        problems: [
          {
            file: 'score.py',
            line: 4,
            kind: 'syntax',
            message: 'SyntaxError: x',
            text: '  return [',
          },
          {
            file: 'score.py',
            kind: 'missing',
            message: 'the entry script defines no run() at its top level',
          },
        ],
      },
      'src',
    )
    expect(failure?.message).toBe(
      [
        "The scoring script would not load in the server (checked with the base image's Python 3.9.18, before the build finished):",
        '  src/score.py line 4: SyntaxError: x',
        '      return [',
        '  src/score.py: the entry script defines no run() at its top level',
      ].join('\n'),
    )
    expect(failureOf({ python: '3.9.18', problems: [] }, 'src')).toBeUndefined()
  })

  it('refuses an answer that is not a verdict', () => {
    expect(() => parseVerdict('{"problems": []}')).toThrow(/not a verdict|something else/)
    expect(() => parseVerdict('{"python": "3", "problems": [{"file": 1}]}')).toThrow(/problem/)
  })
})
