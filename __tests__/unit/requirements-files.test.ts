import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { stageContexts } from '../../src/plan/build-context.js'
import { dependenciesKey } from '../../src/dependencies/dependencies.js'
import { wholeTreeSnapshot } from '../../src/inputs/code-snapshot.js'
import type { LocalImage } from '../../src/docker/docker.js'
import { collectRequirements } from '../../src/inputs/requirements-files.js'

let ws: string
let outside: string
beforeEach(() => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reqs-ws-'))
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'reqs-out-'))
})
afterEach(() => {
  fs.rmSync(ws, { recursive: true, force: true })
  fs.rmSync(outside, { recursive: true, force: true })
})

function write(relative: string, text: string): string {
  const file = path.join(ws, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return file
}

function collect(top: string) {
  return collectRequirements(ws, fs.realpathSync(path.join(ws, top)))
}

function positions(top: string): string[] {
  return collect(top).entries.map(({ position, kind }) => `${kind} ${position}`)
}

/** The nested case: -r and -c beside the including file, packages beside pip's working dir. */
function nested(): void {
  write(
    'sub/reqs.txt',
    [
      '# the app',
      '-r ../common/base.txt',
      '--constraint=../common/constraints.txt',
      './wheels/x-1.0-py3-none-any.whl',
      '-e ./pkg',
      'numpy==1.26 ; python_version >= "3.9"',
      'tool @ https://example.com/tool-1.0.tar.gz',
      '',
    ].join('\n'),
  )
  write('sub/wheels/x-1.0-py3-none-any.whl', 'wheel bytes')
  write('sub/pkg/setup.py', 'from setuptools import setup\nsetup(name="pkg")\n')
  write('common/base.txt', '-rmore.txt\n-f ./wheels\n./wheels/y-1.0-py3-none-any.whl\n')
  write('common/more.txt', 'requests\n')
  write('common/constraints.txt', 'numpy<2\n')
  write('sub/wheels/y-1.0-py3-none-any.whl', 'other wheel')
}

describe('collectRequirements', () => {
  it('follows nested includes beside each file, and packages beside the top file', () => {
    nested()
    expect(positions('sub/reqs.txt')).toEqual([
      'file common/base.txt',
      'file common/constraints.txt',
      'file common/more.txt',
      'dir sub/pkg',
      'file sub/reqs.txt',
      // `-f ./wheels` in common/base.txt: there is no common/wheels, so pip's working dir's.
      'dir sub/wheels',
      'file sub/wheels/x-1.0-py3-none-any.whl',
      'file sub/wheels/y-1.0-py3-none-any.whl',
    ])
    expect(collect('sub/reqs.txt').top).toBe('sub/reqs.txt')
  })

  it('takes -f beside the naming file when that exists, as pip does', () => {
    write('reqs.txt', '-r common/base.txt\n')
    write('common/base.txt', '--find-links wheels\nx\n')
    write('common/wheels/x-1.0-py3-none-any.whl', 'w')
    write('wheels/other.whl', 'w')
    expect(positions('reqs.txt')).toEqual([
      'file common/base.txt',
      'dir common/wheels',
      'file reqs.txt',
    ])
  })

  it('reads the option forms pip accepts: -rfile, --requirement=, prefixes, continued lines', () => {
    write(
      'reqs.txt',
      '-ra.txt\n--requirement=b.txt\n--requirem c.txt\n-r \\\n  d.txt\n-c "e.txt"\n',
    )
    for (const name of ['a', 'b', 'c', 'd', 'e']) write(`${name}.txt`, 'x\n')
    expect(positions('reqs.txt')).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'reqs'].map((name) => `file ${name}.txt`),
    )
  })

  it('leaves names and URLs to pip, and comments alone', () => {
    write(
      'reqs.txt',
      'numpy\n# -r missing.txt\npkg @ https://h/p.whl\ngit+https://h/r.git#egg=r\n-r https://h/r.txt\nx  # -r gone.txt\n',
    )
    expect(positions('reqs.txt')).toEqual(['file reqs.txt'])
  })

  it('installs -e folders non-editable (the staged folder is deleted), keeping line numbers', () => {
    write('reqs.txt', 'a\n-e ./pkg\n--editable=lib[extra]\n-e \\\n  ./pkg\nb\n')
    write('pkg/setup.py', 's')
    write('lib/setup.py', 's')
    const files = collect('reqs.txt')
    const top = files.entries.find(({ position }) => position === 'reqs.txt')
    expect(top?.text).toBe('a\n./pkg\n./lib[extra]\n./pkg\n\nb\n')
    expect(files.entries.map(({ position }) => position)).toEqual(['lib', 'pkg', 'reqs.txt'])
  })

  it('keeps Windows line ends and the other lines as they are when it rewrites a file', () => {
    write('reqs.txt', 'a\r\n-e pkg  # local\r\nb')
    write('pkg/setup.py', 's')
    expect(collect('reqs.txt').entries.find(({ kind }) => kind === 'file')?.text).toBe(
      'a\r\n./pkg\r\nb',
    )
  })

  it('refuses a path that resolves outside the workspace, naming the file and line', () => {
    write('reqs.txt', 'numpy\n-r sub/inner.txt\n')
    write('sub/inner.txt', 'a\n\n-c ../../secret.txt\n')
    expect(() => collect('reqs.txt')).toThrow(
      `Input 'requirements': sub/inner.txt line 3 "../../secret.txt" is outside the workspace`,
    )
    fs.writeFileSync(path.join(outside, 'secret.whl'), 'x')
    fs.symlinkSync(path.join(outside, 'secret.whl'), path.join(ws, 'sub/link.whl'))
    write('sub/inner.txt', 'a\n./sub/link.whl\n')
    expect(() => collect('reqs.txt')).toThrow(
      /^Input 'requirements': "sub\/link\.whl" resolves outside the workspace .*, named in sub\/inner\.txt line 2$/,
    )
  })

  it.each([
    [
      'a missing include',
      '-r nope.txt',
      /"nope\.txt" does not exist .*, named in reqs\.txt line 2$/,
    ],
    ['a missing wheel', './w/x-1-py3-none-any.whl', /"w\/x-1-py3-none-any\.whl" does not exist/],
    ['a missing -e folder', '-e ./gone', /"gone" does not exist .*line 2$/],
    ['an absolute path', '-r /etc/passwd', /reqs\.txt line 2 "\/etc\/passwd" is an absolute path/],
    ['a file: URL', 'x @ file:///etc/x.whl', /reqs\.txt line 2 names a file: URL/],
    [
      '${VAR}',
      '--index-url https://${TOKEN}@h/simple',
      /reqs\.txt line 2 uses \$\{TOKEN\}: .*no such variable/,
    ],
    ['an include cycle', '-r reqs.txt', /reqs\.txt includes itself \(reqs\.txt -> reqs\.txt\)/],
  ])('refuses %s, naming the input, the file and the line', (_case, line, message) => {
    write('reqs.txt', `numpy\n${line}\n`)
    expect(() => collect('reqs.txt')).toThrow(/^Input 'requirements': /)
    expect(() => collect('reqs.txt')).toThrow(message)
  })
})

describe('staging and the dependencies key', () => {
  const base: LocalImage = { id: 'sha256:base', user: '', labels: {}, sizeBytes: 0, layers: [] }

  function stage(root: string) {
    const files = collect('sub/reqs.txt')
    const staged = stageContexts(root, { requirementFiles: files })
    const folder = path.join(staged.dependencies, 'requirements')
    return { folder, snapshot: wholeTreeSnapshot(folder), file: files.top }
  }

  it('stages every named file at its workspace path, never writing through to the workspace', () => {
    nested()
    const { folder } = stage(path.join(outside, 'ctx'))
    const list = fs.readdirSync(folder, { recursive: true }).map(String).sort()
    expect(list).toEqual([
      'common',
      'common/base.txt',
      'common/constraints.txt',
      'common/more.txt',
      'sub',
      'sub/pkg',
      'sub/pkg/setup.py',
      'sub/reqs.txt',
      'sub/wheels',
      'sub/wheels/x-1.0-py3-none-any.whl',
      'sub/wheels/y-1.0-py3-none-any.whl',
    ])
    expect(fs.readFileSync(path.join(folder, 'sub/reqs.txt'), 'utf8')).toContain('\n./pkg\n')
    expect(fs.readFileSync(path.join(ws, 'sub/reqs.txt'), 'utf8')).toContain('\n-e ./pkg\n')
  })

  it('replaces a rewritten file inside a staged folder without touching the workspace', () => {
    write('reqs.txt', '-e .\n')
    write('setup.py', 's')
    const files = collectRequirements(ws, fs.realpathSync(path.join(ws, 'reqs.txt')))
    const staged = stageContexts(path.join(outside, 'ctx'), { requirementFiles: files })
    const folder = path.join(staged.dependencies, 'requirements')
    expect(fs.readdirSync(folder).sort()).toEqual(['reqs.txt', 'setup.py'])
    expect(fs.readFileSync(path.join(folder, 'reqs.txt'), 'utf8')).toBe('.\n')
    expect(fs.readFileSync(path.join(ws, 'reqs.txt'), 'utf8')).toBe('-e .\n')
  })

  it('changes the key when an included file, a staged package or a path changes', async () => {
    nested()
    const key = async (name: string) =>
      dependenciesKey(base, {
        aptPackages: [],
        pipIndexes: [],
        pipConfig: 'none',
        requirements: stage(path.join(outside, name)),
      })
    const first = await key('a')
    expect(await key('b')).toBe(first)
    write('common/more.txt', 'requests==2.0\n')
    const second = await key('c')
    expect(second).not.toBe(first)
    write('sub/pkg/extra.py', 'x = 1\n')
    const third = await key('d')
    expect(third).not.toBe(second)
    fs.renameSync(path.join(ws, 'common/constraints.txt'), path.join(ws, 'common/pins.txt'))
    write(
      'sub/reqs.txt',
      fs.readFileSync(path.join(ws, 'sub/reqs.txt'), 'utf8').replace('constraints', 'pins'),
    )
    expect(await key('e')).not.toBe(third)
  })
})
