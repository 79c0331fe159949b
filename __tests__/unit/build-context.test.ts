import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { stageContexts } from '../../src/plan/build-context.js'
import { codeSnapshot, wholeTreeSnapshot } from '../../src/inputs/code-snapshot.js'
import { contentHash, treeDigest } from '../../src/plan/content-hash.js'
import { collectRequirements } from '../../src/inputs/requirements-files.js'
import { defaultTag } from '../../src/plan/default-tag.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'))
  fs.mkdirSync(path.join(dir, 'ws/code/pkg'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'ws/code/score.py'), 'print(1)\n')
  fs.writeFileSync(path.join(dir, 'ws/code/pkg/util.py'), 'x = 1\n')
  fs.symlinkSync('score.py', path.join(dir, 'ws/code/alias.py'))
  fs.mkdirSync(path.join(dir, 'ws/model'))
  fs.writeFileSync(path.join(dir, 'ws/model/w.bin'), Buffer.alloc(1024, 7))
  fs.writeFileSync(path.join(dir, 'ws/req.txt'), 'numpy\n')
  fs.writeFileSync(path.join(dir, 'ws/unrelated.txt'), 'not for the image')
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('stageContexts', () => {
  it('gives each build only what its Dockerfile copies, hard-linked, symlinks as their files', () => {
    const ws = path.join(dir, 'ws')
    const staged = stageContexts(path.join(dir, 'context'), {
      requirementFiles: collectRequirements(ws, path.join(ws, 'req.txt')),
      codeSnapshot: codeSnapshot(ws, path.join(ws, 'code')),
      modelSnapshot: wholeTreeSnapshot(path.join(ws, 'model')),
    })
    const list = (root: string) => fs.readdirSync(root, { recursive: true }).map(String).sort()
    expect(list(staged.dependencies)).toEqual(['requirements', 'requirements/req.txt'])
    expect(list(staged.application)).toEqual([
      'code',
      'code/alias.py',
      'code/pkg',
      'code/pkg/util.py',
      'code/score.py',
      'model',
      'model/w.bin',
    ])
    // Same inode: no model bytes were copied.
    expect(fs.statSync(path.join(staged.application, 'model/w.bin')).ino).toBe(
      fs.statSync(path.join(ws, 'model/w.bin')).ino,
    )
    const alias = path.join(staged.application, 'code/alias.py')
    expect(fs.lstatSync(alias).isSymbolicLink()).toBe(false)
    expect(fs.readFileSync(alias, 'utf8')).toBe('print(1)\n')
  })
})

// The tree as the action takes it from the workspace: read again on each call.
const tree = (code: string) => codeSnapshot(dir, code)

describe('content hash and default tag', () => {
  it('is stable for the same inputs and changes with any of them', async () => {
    const code = path.join(dir, 'ws/code')
    const first = await contentHash({ base: 'a:1' }, {}, { code: tree(code) })
    expect(await contentHash({ base: 'a:1' }, {}, { code: tree(code) })).toBe(first)
    expect(await contentHash({ base: 'a:2' }, {}, { code: tree(code) })).not.toBe(first)
    const before = await treeDigest(tree(code))
    fs.writeFileSync(path.join(code, 'pkg/util.py'), 'x = 2\n')
    expect(await treeDigest(tree(code))).not.toBe(before)
    fs.chmodSync(path.join(code, 'pkg/util.py'), 0o755)
    expect(await contentHash({ base: 'a:1' }, {}, { code: tree(code) })).not.toBe(first)
  })

  it.each<[string, (code: string) => void]>([
    [
      'a file made unreadable to others (0644 to 0600)',
      (code) => fs.chmodSync(path.join(code, 'pkg/util.py'), 0o600),
    ],
    [
      'a new empty directory (COPY creates it too)',
      (code) => fs.mkdirSync(path.join(code, 'cache')),
    ],
    [
      'a file moved to another directory',
      (code) => {
        fs.mkdirSync(path.join(code, 'lib'))
        fs.renameSync(path.join(code, 'pkg/util.py'), path.join(code, 'lib/util.py'))
      },
    ],
  ])('changes with what COPY would copy differently: %s', async (_case, change) => {
    const code = path.join(dir, 'ws/code')
    fs.chmodSync(path.join(code, 'pkg/util.py'), 0o644)
    const before = await treeDigest(tree(code))
    change(code)
    expect(await treeDigest(tree(code))).not.toBe(before)
  })

  it("ignores what COPY does not carry over: a file's time, a directory's mode", async () => {
    const code = path.join(dir, 'ws/code')
    const before = await treeDigest(tree(code))
    fs.utimesSync(path.join(code, 'pkg/util.py'), new Date(0), new Date(0))
    fs.chmodSync(path.join(code, 'pkg'), 0o700)
    expect(await treeDigest(tree(code))).toBe(before)
  })

  it('names the tag after the repository', () => {
    expect(defaultTag('0123456789abcdef0123', 'Org/My_Repo')).toBe('my_repo:0123456789abcdef')
    expect(defaultTag('0123456789abcdef0123', undefined)).toBe(
      'extend-azureml-image:0123456789abcdef',
    )
  })
})
