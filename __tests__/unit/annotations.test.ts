import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { BuildFailure } from '../../src/docker/docker-errors.js'
import {
  annotationFor,
  normalizeProjectName,
  pythonAnnotation,
  requirementsAnnotation,
  workflowAnnotation,
} from '../../src/report/annotations.js'
import { Input } from '../../src/step/constants.js'
import { ScriptCheckFailure } from '../../src/script-check/script-check.js'

let workspace: string
let sources: { workspace: string; codeDir: string; modelDir: string; requirements: string }

function write(relative: string, text: string): string {
  const file = path.join(workspace, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return file
}

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'annotations-'))
  write('app/src/score.py', 'def init():\n    pass\n')
  write('app/src/lib/util.py', 'x = 1\n')
  write('models/m1/loader.py', 'y = 2\n')
  sources = {
    workspace,
    codeDir: path.join(workspace, 'app/src'),
    modelDir: path.join(workspace, 'models/m1'),
    requirements: write(
      'app/requirements.txt',
      '# pinned\n--index-url http://example\nnumpy>=1.24\n\nTiny_Linear==9.9  # ours\nscipy ; python_version > "3"\n',
    ),
  }
  write(
    '.github/workflows/ci.yml',
    'jobs:\n  b:\n    steps:\n      - uses: x/extend-azureml-image@v1\n        with:\n          apt-packages: libgomp1 libfoo-dev\n          env: libfoo=1\n',
  )
})
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }))

describe('pythonAnnotation', () => {
  it.each([
    [
      { exception: 'ValueError: bad', file: 'score.py', line: 2, functionName: 'init' },
      { title: 'init() raised ValueError', file: 'app/src/score.py', startLine: 2 },
    ],
    [
      { exception: 'IndexError: x', file: 'lib/util.py', line: 1, functionName: 'predict' },
      { title: 'predict() raised IndexError', file: 'app/src/lib/util.py', startLine: 1 },
    ],
    [
      { exception: "SyntaxError: expected ':'", file: 'score.py', line: 1 },
      { title: 'The entry script does not compile', file: 'app/src/score.py', startLine: 1 },
    ],
    [
      { exception: 'ImportError: no', file: 'score.py', line: 1, functionName: '<module>' },
      {
        title: 'Importing the entry script raised ImportError',
        file: 'app/src/score.py',
        startLine: 1,
      },
    ],
    [
      { exception: 'KeyError: w', file: 'azureml-models/loader.py', line: 1, functionName: 'load' },
      { title: 'load() raised KeyError', file: 'models/m1/loader.py', startLine: 1 },
    ],
  ])('maps the image path back to the workspace: %j', (failure, expected) => {
    expect(pythonAnnotation(failure, sources)).toEqual(expected)
  })

  it('maps a frame in a folder whose name starts with .. (inside the workspace)', () => {
    write('..app/score.py', 'def run(x):\n    return x\n')
    const dotted = { ...sources, codeDir: path.join(workspace, '..app') }
    expect(
      pythonAnnotation(
        { exception: 'E: x', file: 'score.py', line: 2, functionName: 'run' },
        dotted,
      ),
    ).toEqual({ title: 'run() raised E', file: '..app/score.py', startLine: 2 })
  })

  it('gives nothing for a frame that is not a file of the workspace', () => {
    expect(
      pythonAnnotation(
        { exception: 'E', file: 'generated.py', line: 1, functionName: 'run' },
        sources,
      ),
    ).toBeUndefined()
    expect(pythonAnnotation({ exception: 'E' }, sources)).toBeUndefined()
    expect(pythonAnnotation(undefined, sources)).toBeUndefined()
  })
})

describe('requirementsAnnotation', () => {
  it.each([
    ['tiny-linear==9.9', 5],
    ['tiny.linear==9.9', 5],
    ['numpy>=1.24', 3],
    ['scipy', 6],
  ])('finds %s on line %d, names normalised the way pip does', (requirement, line) => {
    expect(requirementsAnnotation(sources, requirement)).toEqual({
      title: `pip could not resolve ${requirement}`,
      file: 'app/requirements.txt',
      startLine: line,
    })
  })

  it('points at the file when no line names the project (a transitive requirement)', () => {
    expect(requirementsAnnotation(sources, 'zzz')).toEqual({
      title: 'pip could not resolve zzz',
      file: 'app/requirements.txt',
      startLine: undefined,
    })
  })

  it('normalises like PEP 503', () => {
    expect(normalizeProjectName('Foo__Bar.baz')).toBe('foo-bar-baz')
  })
})

describe('workflowAnnotation', () => {
  const env = {
    GITHUB_REPOSITORY: 'me/repo',
    GITHUB_WORKFLOW_REF: 'me/repo/.github/workflows/ci.yml@refs/pull/1/merge',
  }

  it('finds the whole package name in the running workflow file', () => {
    expect(workflowAnnotation('libfoo-dev', 't', workspace, env)).toEqual({
      title: 't',
      file: '.github/workflows/ci.yml',
      startLine: 6,
    })
    // "libfoo" only appears inside longer words on line 6 and as an env key on line 7.
    expect(workflowAnnotation('libfoo', 't', workspace, env).startLine).toBe(7)
  })

  it('gives only a title for a workflow of another repository or none', () => {
    expect(
      workflowAnnotation('libfoo-dev', 't', workspace, {
        ...env,
        GITHUB_WORKFLOW_REF: 'org/shared/.github/workflows/ci.yml@v1',
      }),
    ).toEqual({ title: 't' })
    expect(workflowAnnotation('libfoo-dev', 't', workspace, {})).toEqual({ title: 't' })
  })

  it('does not read outside the workspace', () => {
    expect(
      workflowAnnotation('root', 't', workspace, {
        GITHUB_REPOSITORY: 'me/repo',
        GITHUB_WORKFLOW_REF: 'me/repo/../../../../etc/passwd@x',
      }),
    ).toEqual({ title: 't' })
  })
})

describe('annotationFor', () => {
  it('uses the culprit of a build failure', () => {
    const error = new BuildFailure('x', { input: Input.Requirements, value: 'numpy>=1.24' })
    expect(annotationFor(error, sources)?.startLine).toBe(3)
  })

  it('gives nothing, rather than throwing, when a file it needs is gone', () => {
    const error = new BuildFailure('x', { input: Input.Requirements, value: 'numpy' })
    expect(
      annotationFor(error, { ...sources, requirements: path.join(workspace, 'gone.txt') }),
    ).toBeUndefined()
  })

  it('gives nothing for other errors or before the inputs were read', () => {
    expect(annotationFor(new Error('x'), sources)).toBeUndefined()
    expect(annotationFor(new BuildFailure('x'), sources)).toBeUndefined()
    expect(annotationFor(new Error('x'), undefined)).toBeUndefined()
  })
})

describe('a scoring script check failure', () => {
  it('points at the first problem, on its workspace path, line and column', () => {
    const failure = new ScriptCheckFailure('x', [
      { file: 'lib/util.py', line: 3, column: 7, kind: 'syntax', message: 'SyntaxError: x' },
      { file: 'score.py', kind: 'missing', message: 'no run' },
    ])
    expect(annotationFor(failure, sources)).toEqual({
      title: 'util.py does not compile',
      file: 'app/src/lib/util.py',
      startLine: 3,
      startColumn: 7,
    })
  })

  it('a missing function is on the file, with no line', () => {
    const failure = new ScriptCheckFailure('x', [
      { file: 'score.py', kind: 'missing', message: 'no run' },
    ])
    expect(annotationFor(failure, sources)).toEqual({
      title: 'The entry script lacks a function the server calls',
      file: 'app/src/score.py',
      startLine: undefined,
      startColumn: undefined,
    })
  })
})
