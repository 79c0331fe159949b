import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { stageContexts } from '../../src/plan/build-context.js'
import {
  checkEntryScriptCopied,
  codeSnapshot,
  describeReport,
  wholeTreeSnapshot,
  snapshotLog,
  snapshotReport,
  type TreeSnapshot,
} from '../../src/inputs/code-snapshot.js'
import { treeDigest } from '../../src/plan/content-hash.js'

let ws: string
let code: string

function write(relative: string, content: string | Buffer = 'x'): void {
  const file = path.join(ws, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}

const taken = (snapshot: TreeSnapshot) => snapshot.entries.map((entry) => entry.path)
const leftOut = (snapshot: TreeSnapshot) =>
  snapshot.leftOut.map(({ path: where, reason, rule }) => ({ path: where, reason, rule }))

beforeEach(() => {
  ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'snap-')))
  code = path.join(ws, 'app')
  write('app/score.py', 'def init(): pass\n')
  write('app/pkg/util.py', 'x = 1\n')
})
afterEach(() => fs.rmSync(ws, { recursive: true, force: true }))

describe('codeSnapshot', () => {
  it('takes every file and directory when there is nothing to leave out', () => {
    fs.mkdirSync(path.join(code, 'empty'))
    const snapshot = codeSnapshot(ws, code)
    expect(taken(snapshot)).toEqual(['empty', 'pkg', 'pkg/util.py', 'score.py'])
    expect(snapshot.leftOut).toEqual([])
    expect(snapshot.ignoreFile).toBeUndefined()
    expect(describeReport(snapshotReport(snapshot))).toBe('2 files, 23 B copied; nothing left out')
  })

  it('never takes .git: the directory, a nested one, or the file of a worktree or submodule', () => {
    write('app/.git/HEAD', 'ref: refs/heads/main\n')
    write('app/.git/objects/ab/cdef', Buffer.alloc(2000))
    write('app/vendor/lib/.git', 'gitdir: ../../.git/modules/lib\n')
    write('app/vendor/lib/lib.py', '')
    const snapshot = codeSnapshot(ws, code)
    expect(taken(snapshot)).toEqual([
      'pkg',
      'pkg/util.py',
      'score.py',
      'vendor',
      'vendor/lib',
      'vendor/lib/lib.py',
    ])
    expect(leftOut(snapshot)).toEqual([
      { path: '.git', reason: 'git', rule: undefined },
      { path: 'vendor/lib/.git', reason: 'git', rule: undefined },
    ])
    expect(snapshotReport(snapshot).leftOut.git).toEqual({ files: 3, bytes: 21 + 2000 + 31 })
  })

  it('reads .gitignore when there is no .amlignore', () => {
    write('app/.gitignore', '*.log\n')
    write('app/run.log')
    const snapshot = codeSnapshot(ws, code)
    expect(snapshot.ignoreFile).toBe('.gitignore')
    expect(leftOut(snapshot)).toEqual([{ path: 'run.log', reason: 'ignore-file', rule: '*.log' }])
  })

  it('uses .amlignore and not .gitignore when both exist', () => {
    write('app/.gitignore', 'notes.txt\n')
    write('app/.amlignore', 'data/\n')
    write('app/notes.txt')
    write('app/data/big.csv', Buffer.alloc(5000))
    const snapshot = codeSnapshot(ws, code)
    expect(snapshot.ignoreFile).toBe('.amlignore')
    expect(taken(snapshot)).toContain('notes.txt')
    expect(taken(snapshot)).toContain('.gitignore')
    expect(leftOut(snapshot)).toEqual([{ path: 'data', reason: 'ignore-file', rule: 'data/' }])
    expect(snapshotReport(snapshot).leftOut.ignoreFile).toEqual({
      name: '.amlignore',
      files: 1,
      bytes: 5000,
    })
  })

  it('follows gitignore syntax: negation, anchors, directory-only patterns, nested paths', () => {
    write(
      'app/.amlignore',
      [
        '# comment',
        '*.log',
        '!keep.log',
        '/build',
        'cache/',
        'docs/*.md',
        'outputs/',
        '!outputs/wanted.txt',
      ].join('\n'),
    )
    write('app/a.log')
    write('app/keep.log')
    write('app/pkg/deep/b.log')
    write('app/pkg/deep/keep.log')
    write('app/build/out.bin')
    write('app/pkg/build/kept.py') // `/build` is anchored to the root
    write('app/pkg/cache/c.bin') // `cache/` matches a directory at any depth
    write('app/cache') // ... but not a file of that name
    write('app/docs/guide.md')
    write('app/docs/api/deep.md') // `docs/*.md` does not cross a slash
    write('app/outputs/wanted.txt') // a file in an excluded directory cannot be re-included
    const snapshot = codeSnapshot(ws, code)
    expect(taken(snapshot)).toEqual([
      '.amlignore',
      'cache',
      'docs',
      'docs/api',
      'docs/api/deep.md',
      'keep.log',
      'pkg',
      'pkg/build',
      'pkg/build/kept.py',
      'pkg/deep',
      'pkg/deep/keep.log',
      'pkg/util.py',
      'score.py',
    ])
    expect(leftOut(snapshot)).toEqual([
      { path: 'a.log', reason: 'ignore-file', rule: '*.log' },
      { path: 'build', reason: 'ignore-file', rule: '/build' },
      { path: 'docs/guide.md', reason: 'ignore-file', rule: 'docs/*.md' },
      { path: 'outputs', reason: 'ignore-file', rule: 'outputs/' },
      { path: 'pkg/cache', reason: 'ignore-file', rule: 'cache/' },
      { path: 'pkg/deep/b.log', reason: 'ignore-file', rule: '*.log' },
    ])
  })

  it('matches case-sensitively, as git on Linux does', () => {
    write('app/.gitignore', 'Data/\n')
    write('app/data/kept.csv')
    write('app/Data/gone.csv')
    expect(leftOut(codeSnapshot(ws, code))).toEqual([
      { path: 'Data', reason: 'ignore-file', rule: 'Data/' },
    ])
  })

  it('reads the ignore file at the root of code-dir only, as the Azure ML SDK does', () => {
    write('app/pkg/.gitignore', '*\n')
    expect(taken(codeSnapshot(ws, code))).toContain('pkg/util.py')
  })

  it('leaves a model-dir inside code-dir out of the code copy, and says so', () => {
    write('app/models/m1/w.bin', Buffer.alloc(300))
    write('app/models/readme.md')
    const model = path.join(code, 'models/m1')
    const snapshot = codeSnapshot(ws, code, model)
    expect(snapshot.modelDirInside).toBe('models/m1')
    expect(taken(snapshot)).toContain('models/readme.md')
    expect(leftOut(snapshot)).toEqual([{ path: 'models/m1', reason: 'model-dir', rule: undefined }])
    expect(snapshotReport(snapshot).leftOut.modelDir).toEqual({ files: 1, bytes: 300 })
    expect(snapshotLog(snapshot, wholeTreeSnapshot(model))).toEqual([
      'Code copy (code-dir): 3 files, 24 B copied; left out 1 file, 300 B: model-dir 1 file, 300 B',
      'model-dir is inside code-dir: left out of the code copy; the script finds it through AZUREML_MODEL_DIR (/var/azureml-app/azureml-models)',
      'Model copy (model-dir): 1 file, 300 B copied; nothing left out',
    ])
  })

  it('refuses an ignore file that links out of the workspace', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'))
    try {
      fs.writeFileSync(path.join(outside, 'secret'), 'score.py\n')
      fs.symlinkSync(path.join(outside, 'secret'), path.join(code, '.amlignore'))
      expect(() => codeSnapshot(ws, code)).toThrow(
        /^Input 'code-dir': ".*\.amlignore" resolves outside the workspace/,
      )
    } finally {
      fs.rmSync(outside, { recursive: true, force: true })
    }
  })
})

describe('modelSnapshot', () => {
  it("copies the model whole, but for .git, whatever code-dir's ignore file says", () => {
    write('app/.amlignore', '*.bin\n')
    write('model/w.bin', Buffer.alloc(10))
    write('model/.git/lfs/objects/w', Buffer.alloc(10))
    const snapshot = wholeTreeSnapshot(path.join(ws, 'model'))
    expect(taken(snapshot)).toEqual(['w.bin'])
    expect(leftOut(snapshot)).toEqual([{ path: '.git', reason: 'git', rule: undefined }])
  })
})

describe('checkEntryScriptCopied', () => {
  it.each<[string, string, Record<string, string>, string | undefined, RegExp]>([
    [
      'ignored by a pattern',
      'score.py',
      { '.amlignore': '*.py\n!pkg/*.py\n' },
      undefined,
      /^Input 'entry-script': "score\.py" is left out of the code copy by \.amlignore in 'code-dir' \(rule "\*\.py"\): Azure ML would leave it out of its snapshot too$/,
    ],
    [
      'in an ignored directory',
      'pkg/util.py',
      { '.gitignore': 'pkg/\n' },
      undefined,
      /"pkg\/util\.py" is left out of the code copy by \.gitignore in 'code-dir' \(rule "pkg\/", on its directory pkg\)/,
    ],
    [
      'inside model-dir',
      'pkg/util.py',
      {},
      'pkg',
      /^Input 'entry-script': "pkg\/util\.py" is inside 'model-dir', which is left out of the code copy$/,
    ],
    [
      'inside .git',
      '.git/hooks/x.py',
      { '.git/hooks/x.py': '' },
      undefined,
      /"\.git\/hooks\/x\.py" is inside \.git, which is never copied/,
    ],
  ])('refuses an entry script %s', (_case, entry, files, modelInside, message) => {
    for (const [name, content] of Object.entries(files)) write(`app/${name}`, content)
    const snapshot = codeSnapshot(ws, code, modelInside && path.join(code, modelInside))
    expect(() => checkEntryScriptCopied(snapshot, entry)).toThrow(message)
  })

  it('accepts one the rules keep, re-included or not matched', () => {
    write('app/.amlignore', '*.py\n!score.py\n')
    expect(() => checkEntryScriptCopied(codeSnapshot(ws, code), 'score.py')).not.toThrow()
  })
})

describe('what is left out reaches neither the image context nor the digest', () => {
  function withEverythingToLeaveOut(): { model: string } {
    write('app/.amlignore', '__pycache__/\n*.tmp\n')
    write('app/.git/HEAD', 'ref: refs/heads/main\n')
    write('app/__pycache__/score.cpython-312.pyc')
    write('app/scratch.tmp')
    write('app/model/w.bin', Buffer.alloc(100))
    return { model: path.join(code, 'model') }
  }

  it('stages only what the snapshot takes', () => {
    const { model } = withEverythingToLeaveOut()
    const staged = stageContexts(path.join(ws, 'context'), {
      codeSnapshot: codeSnapshot(ws, code, model),
      modelSnapshot: wholeTreeSnapshot(model),
    })
    const list = (root: string) => fs.readdirSync(root, { recursive: true }).map(String).sort()
    expect(list(staged.application)).toEqual([
      'code',
      'code/.amlignore',
      'code/pkg',
      'code/pkg/util.py',
      'code/score.py',
      'model',
      'model/w.bin',
    ])
  })

  it.each<[string, () => void]>([
    ['a new ignored file', () => write('app/other.tmp')],
    [
      'a change inside an ignored directory',
      () => write('app/__pycache__/score.cpython-312.pyc', 'y'),
    ],
    ['a commit (.git changes)', () => write('app/.git/HEAD', 'ref: refs/heads/other\n')],
    ['a change to the model inside code-dir', () => write('app/model/w.bin', Buffer.alloc(100, 1))],
  ])('keeps the code digest for %s', async (_case, change) => {
    const { model } = withEverythingToLeaveOut()
    const before = await treeDigest(codeSnapshot(ws, code, model))
    change()
    expect(await treeDigest(codeSnapshot(ws, code, model))).toBe(before)
  })

  it('changes the code digest when a copied file changes', async () => {
    const { model } = withEverythingToLeaveOut()
    const before = await treeDigest(codeSnapshot(ws, code, model))
    write('app/pkg/util.py', 'x = 2\n')
    expect(await treeDigest(codeSnapshot(ws, code, model))).not.toBe(before)
  })

  it('keeps the model digest when only its .git changes', async () => {
    write('model/w.bin', Buffer.alloc(10))
    write('model/.git/HEAD', 'a')
    const model = path.join(ws, 'model')
    const before = await treeDigest(wholeTreeSnapshot(model))
    write('model/.git/HEAD', 'b')
    expect(await treeDigest(wholeTreeSnapshot(model))).toBe(before)
  })
})
