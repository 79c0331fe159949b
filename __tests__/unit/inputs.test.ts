import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Input } from '../../src/step/constants.js'
import { getInputs } from '../../src/inputs/inputs.js'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'
import { commandData } from '../helpers/workflow-commands.js'

let workspace: string
let outside: string

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-'))
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'))
  fs.mkdirSync(path.join(workspace, 'src/sub'), { recursive: true })
  fs.writeFileSync(path.join(workspace, 'src/score.py'), 'def init(): pass\n')
  fs.writeFileSync(path.join(workspace, 'src/sub/other.py'), '')
  fs.writeFileSync(path.join(workspace, 'src/readme.txt'), '')
  fs.mkdirSync(path.join(workspace, 'model'))
  fs.writeFileSync(path.join(workspace, 'model/weights.bin'), 'w')
  fs.mkdirSync(path.join(workspace, 'empty'))
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'numpy\n')
  fs.writeFileSync(path.join(workspace, 'request.json'), '{"data": [1]}')
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret')
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'escape.txt'))
  fs.mkdirSync(path.join(workspace, 'leaky'))
  fs.writeFileSync(path.join(workspace, 'leaky/score.py'), '')
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'leaky/link.txt'))
  // A code-dir with what its snapshot leaves out: .git, an ignored virtualenv linking out.
  fs.mkdirSync(path.join(workspace, 'app/.venv/bin'), { recursive: true })
  fs.mkdirSync(path.join(workspace, 'app/.git'))
  fs.writeFileSync(path.join(workspace, 'app/.git/HEAD'), 'ref: refs/heads/main\n')
  fs.writeFileSync(path.join(workspace, 'app/.amlignore'), '.venv/\nlocal_*.py\n')
  fs.writeFileSync(path.join(workspace, 'app/score.py'), '')
  fs.writeFileSync(path.join(workspace, 'app/local_debug.py'), '')
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'app/.venv/bin/python'))
  fs.mkdirSync(path.join(workspace, 'app/model'))
  fs.writeFileSync(path.join(workspace, 'app/model/w.bin'), 'w')
  fs.mkdirSync(path.join(workspace, '..data'))
  fs.writeFileSync(path.join(workspace, '..data/weights.bin'), 'w')
  fs.writeFileSync(path.join(workspace, 'src/..init.py'), '')
  process.env.GITHUB_WORKSPACE = workspace
})

afterEach(() => {
  clearInputs()
  jest.restoreAllMocks()
})
afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true })
  fs.rmSync(outside, { recursive: true, force: true })
  delete process.env.GITHUB_WORKSPACE
})

const base = { 'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest' }

describe('getInputs', () => {
  it('reads a full set of inputs into resolved, normalised values', () => {
    setInputs({
      ...base,
      'apt-packages': 'libgomp1, curl=7.88.1-10\r\ncurl=7.88.1-10',
      requirements: 'requirements.txt',
      'code-dir': 'src',
      'entry-script': 'sub/other.py',
      'model-dir': './model',
      env: 'A=1\nB=$x "y"',
      tags: 'me/img:1, me/img:2',
      labels: 'org.example.team=ml',
      'sample-request': 'request.json',
      'expected-response': '/"ok"/',
      'startup-timeout': '60',
    })
    const inputs = getInputs()
    const real = fs.realpathSync(workspace)
    expect(inputs).toMatchObject({
      aptPackages: ['libgomp1', 'curl=7.88.1-10'],
      requirements: path.join(real, 'requirements.txt'),
      codeDir: path.join(real, 'src'),
      entryScript: 'sub/other.py',
      modelDir: path.join(real, 'model'),
      env: [
        { key: 'A', value: '1' },
        { key: 'B', value: '$x "y"' },
      ],
      tags: ['me/img:1', 'me/img:2'],
      labels: [{ key: 'org.example.team', value: 'ml' }],
      build: true,
      smokeTest: true,
      scoringCases: [
        {
          name: 'request',
          body: '{"data": [1]}',
          expectedStatus: 200,
          expectedResponse: { kind: 'regex', value: /"ok"/ },
        },
      ],
      scoreRequests: 0,
      startupTimeoutSeconds: 60,
      containerPort: 5001,
    })
  })

  it('takes paths whose names start with .. (they are inside the workspace)', () => {
    setInputs({ ...base, 'model-dir': '..data', 'code-dir': 'src', 'entry-script': '..init.py' })
    const inputs = getInputs()
    expect(inputs.modelDir).toBe(path.join(fs.realpathSync(workspace), '..data'))
    expect(inputs.entryScript).toBe('..init.py')
  })

  it("takes apt's own syntax: an architecture, a version, a release", () => {
    setInputs({
      ...base,
      'apt-packages':
        'libc6:i386 libfoo:amd64=1:1.0-2 foo/jammy-backports g++ libbar:musl-linux-amd64/bookworm',
    })
    expect(getInputs().aptPackages).toEqual([
      'libc6:i386',
      'libfoo:amd64=1:1.0-2',
      'foo/jammy-backports',
      'g++',
      'libbar:musl-linux-amd64/bookworm',
    ])
  })

  it.each([
    'libc6:i386;id',
    'libc6:I386',
    'libc6:$(id)',
    'libc6:',
    'libc6:i386-',
    'foo/',
    'foo/$(id)',
    'foo/Jammy',
    'foo/jammy=1.0',
    'foo=1.0/jammy',
    'foo:a:b',
    'foo/jammy/x',
  ])("refuses %j, naming the input and apt's syntax", (entry) => {
    setInputs({ ...base, 'apt-packages': entry })
    expect(getInputs).toThrow(`Input 'apt-packages': "${entry}" is not an apt package: name[:arch]`)
  })

  it.each(['curl=7.88-', 'foo/bookworm-', 'curl=1.0+'])(
    'refuses %j: apt would read the trailing sign as remove or its marker',
    (entry) => {
      setInputs({ ...base, 'apt-packages': entry })
      expect(getInputs).toThrow("a trailing '+' or '-' would change what apt does")
    },
  )

  it('takes inline JSON as the sample request', () => {
    setInputs({ ...base, 'sample-request': ' {"data": [[1, 2]]} ' })
    expect(getInputs().scoringCases).toEqual([
      { name: 'sample-request', body: '{"data": [[1, 2]]}', expectedStatus: 200 },
    ])
  })

  it.each<[string, Record<string, string>, string]>([
    ['missing base image', {}, "Input 'base-image' is required"],
    [
      'base image with a newline',
      { 'base-image': 'a:1\nRUN x' },
      'Input \'base-image\': "a:1\nRUN x" is not an image reference',
    ],
    [
      'apt option injection',
      { ...base, 'apt-packages': '-oAPT::x=1' },
      'Input \'apt-packages\': "-oAPT::x=1"',
    ],
    [
      'apt shell metacharacters',
      { ...base, 'apt-packages': 'curl;id' },
      'Input \'apt-packages\': "curl;id"',
    ],
    [
      'apt remove suffix',
      { ...base, 'apt-packages': 'curl-' },
      "a trailing '+' or '-' would change what apt does",
    ],
    [
      'apt bad version',
      { ...base, 'apt-packages': 'curl=1$(id)' },
      'Input \'apt-packages\': "curl=1$(id)"',
    ],
    ['env key', { ...base, env: '1A=x' }, 'Input \'env\': key "1A" must match'],
    [
      'contract env key',
      { ...base, env: 'AZUREML_MODEL_DIR=/x' },
      "set 'override-contract-env: true' to override it",
    ],
    ['label key', { ...base, labels: 'a b=c' }, 'Input \'labels\': key "a b" must match'],
    [
      'reserved label key',
      { ...base, labels: 'io.extend-azureml-image.recipe=x' },
      'Input \'labels\': key "io.extend-azureml-image.recipe" is reserved',
    ],
    ['tag with digest', { ...base, tags: `x@sha256:${'a'.repeat(64)}` }, "Input 'tags'"],
    [
      'tag outside the grammar, after a good one',
      { ...base, tags: 'me/img:1, Me/Img:2' },
      'Input \'tags\': "Me/Img:2" is not a tag reference',
    ],
    [
      'requirements outside via ..',
      { ...base, requirements: '../../etc/passwd' },
      "Input 'requirements'",
    ],
    [
      'requirements via symlink out',
      { ...base, requirements: 'escape.txt' },
      'resolves outside the workspace',
    ],
    [
      'requirements missing',
      { ...base, requirements: 'nope.txt' },
      'Input \'requirements\': "nope.txt" does not exist',
    ],
    [
      'requirements is a dir',
      { ...base, requirements: 'src' },
      'Input \'requirements\': "src" is not a file',
    ],
    [
      'code-dir is a file',
      { ...base, 'code-dir': 'requirements.txt', 'entry-script': 'x.py' },
      'Input \'code-dir\': "requirements.txt" is not a directory',
    ],
    [
      'code-dir without entry script',
      { ...base, 'code-dir': 'src' },
      "Input 'entry-script' is required with 'code-dir'",
    ],
    [
      'entry script without code-dir',
      { ...base, 'entry-script': 'score.py' },
      "Input 'entry-script' needs 'code-dir'",
    ],
    [
      'entry script not .py',
      { ...base, 'code-dir': 'src', 'entry-script': 'readme.txt' },
      'must be a .py file inside',
    ],
    [
      'entry script escaping',
      { ...base, 'code-dir': 'src', 'entry-script': '../escape.py' },
      'must be a .py file inside',
    ],
    [
      'entry script missing',
      { ...base, 'code-dir': 'src', 'entry-script': 'gone.py' },
      'does not exist',
    ],
    ['empty model dir', { ...base, 'model-dir': 'empty' }, "Input 'model-dir': directory"],
    [
      'symlink out of code dir',
      { ...base, 'code-dir': 'leaky', 'entry-script': 'score.py' },
      'points outside the workspace',
    ],
    [
      'status not a number',
      { ...base, 'expected-status': 'ok' },
      "Input 'expected-status' must be a whole number from 100 to 599",
    ],
    [
      'timeout out of range',
      { ...base, 'startup-timeout': '0' },
      "Input 'startup-timeout' must be a whole number from 1 to 3600",
    ],
    ['port out of range', { ...base, 'container-port': '70000' }, "Input 'container-port'"],
    ['boolean', { ...base, build: 'maybe' }, "Input 'build' must be true or false"],
    [
      'model-dir the same as code-dir',
      { ...base, 'code-dir': 'src', 'entry-script': 'score.py', 'model-dir': './src/' },
      "Input 'model-dir': \"./src/\" is the same directory as 'code-dir'",
    ],
    [
      "entry script left out by code-dir's .amlignore",
      { ...base, 'code-dir': 'app', 'entry-script': 'local_debug.py' },
      'Input \'entry-script\': "local_debug.py" is left out of the code copy by .amlignore in \'code-dir\' (rule "local_*.py")',
    ],
    [
      'entry script inside a model-dir inside code-dir',
      { ...base, 'code-dir': 'src', 'entry-script': 'sub/other.py', 'model-dir': 'src/sub' },
      "Input 'entry-script': \"sub/other.py\" is inside 'model-dir'",
    ],
    [
      'bad inline JSON',
      { ...base, 'sample-request': '{"a":' },
      "Input 'sample-request' is not valid JSON",
    ],
    [
      'bad expected response',
      { ...base, 'expected-response': 'not json' },
      "Input 'expected-response' must be JSON or a /regex/",
    ],
    ['bad network', { ...base, network: 'host;id' }, "Input 'network'"],
    [
      'index URL not http',
      { ...base, 'pip-index-url': 'ftp://u:tok@x/simple' },
      "Input 'pip-index-url' must be an http(s) URL",
    ],
  ])('refuses %s', (_case, inputs, message) => {
    setInputs(inputs)
    expect(getInputs).toThrow(message)
  })

  it('takes the code snapshot: what is left out (an ignored virtualenv linking out) is not checked', () => {
    setInputs({ ...base, 'code-dir': 'app', 'entry-script': 'score.py', 'model-dir': 'app/model' })
    const inputs = getInputs()
    expect(inputs.codeSnapshot?.entries.map((entry) => entry.path)).toEqual([
      '.amlignore',
      'score.py',
    ])
    expect(inputs.codeSnapshot?.leftOut.map(({ path: where, reason }) => [where, reason])).toEqual([
      ['.git', 'git'],
      ['.venv', 'ignore-file'],
      ['local_debug.py', 'ignore-file'],
      ['model', 'model-dir'],
    ])
    expect(inputs.modelSnapshot?.entries.map((entry) => entry.path)).toEqual(['w.bin'])
  })

  it.each([
    [Input.PipIndexUrl, 'https://user:s3cr%zzt@pypi.example/simple'],
    [Input.PipExtraIndexUrl, 'https://user:s3cr%zzt@pypi.example/simple'],
    [Input.PipIndexUrl, 'https://s3cr%e9t@pypi.example/simple'],
  ])(
    'refuses a bad %%-escape in the credentials of %s, naming the rule, not the value',
    (name, url) => {
      setInputs({ ...base, [name]: url })
      expect(getInputs).toThrow(
        new RegExp(`^Input '${name}': the (password|user name) in the URL must be percent-encoded`),
      )
      expect(getInputs).toThrow(/^((?!s3cr).)*$/s)
    },
  )

  // Each URL is refused after its password (a scheme pip cannot use, a port out of range), and
  // in the list after a good entry: an error that echoed the value would carry the secret.
  it.each([
    ['pip-index-url', 'ftp://deploy:s3cr3t@pkgs.example/simple', ''],
    [
      'pip-extra-index-url',
      'https://deploy:s3cr3t@pkgs.example:99999/simple',
      'https://pypi.org/simple ',
    ],
  ])('never echoes %s in its error: %s', (name, url, before) => {
    setInputs({ ...base, [name]: before + url })
    let message = ''
    try {
      getInputs()
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain(`Input '${name}' must be an http(s) URL`)
    expect(message).not.toContain('s3cr3t')
    expect(message).not.toContain(url)
  })
})

describe('index URLs with credentials', () => {
  /** The values getInputs announced to the runner as secrets (core.setSecret's ::add-mask::). */
  function maskedBy(read: () => unknown): string[] {
    const masked: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const match = /^::add-mask::(.*)$/m.exec(String(chunk))
      if (match) masked.push(commandData(match[1]))
      return true
    })
    read()
    return masked
  }

  it('masks each whole URL and its password, as written and decoded', () => {
    const index = 'https://deploy:p%40ss-one@pkgs.example/simple'
    const extra = 'https://reader:pass-two@mirror.example/simple'
    setInputs({ ...base, 'pip-index-url': index, 'pip-extra-index-url': extra })
    const masked = maskedBy(getInputs)
    expect(masked).toEqual(
      expect.arrayContaining([index, 'p%40ss-one', 'p@ss-one', extra, 'pass-two']),
    )
  })
})
