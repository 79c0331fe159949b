// Properties of the Dockerfile writer over generated inputs: whatever passes the validators, the
// rendered file (parsed with dockerfile-ast, linted with dockerfile-utils) holds exactly the
// instructions the plan asks for, each value whole; and whatever breaks a rule is refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { DockerfileParser, Label } from 'dockerfile-ast'
import fc from 'fast-check'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Contract } from '../../src/step/constants.js'
import {
  renderApplicationDockerfile,
  renderDependenciesDockerfile,
  renderMultiStageDockerfile,
  renderDockerfile,
  type DockerfilePlan,
} from '../../src/plan/dockerfile.js'
import { checkAptPackage, checkEnv, checkLabels, getInputs } from '../../src/inputs/inputs.js'
import { baseUserOrDefault } from '../../src/plan/plan.js'
import { parseReference } from '../../src/docker/reference.js'
import { asParsed, comments, instructions, lintProblems } from '../helpers/dockerfile-check.js'
import { clearInputs, setInputs } from '../helpers/inputs-env.js'

const RUNS = { numRuns: 300 }

// ---- generators, each from the rule it must follow ---------------------------------------------

// apt-get install's syntax: name[:arch][=version | /release], written out from the rule.
const APT_POLICY =
  /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9]+(?:-[a-z0-9]+)*)?(?:=[A-Za-z0-9.+~:-]+|\/[a-z0-9][a-z0-9.-]*)?$/
// apt reads a trailing '-' on the word as "remove", a single trailing '+' as its marker.
const changesWhatAptDoes = (entry: string): boolean =>
  entry.endsWith('-') || (entry.endsWith('+') && !entry.endsWith('++'))
const aptName = fc
  .stringMatching(/^[a-z0-9][a-z0-9+.-]{1,20}$/)
  .filter((name) => !changesWhatAptDoes(name))
const aptArchitecture = fc.oneof(
  fc.constantFrom('amd64', 'i386', 'arm64', 'musl-linux-amd64', 'all', 'any', 'native'),
  fc.stringMatching(/^[a-z0-9]{1,6}(?:-[a-z0-9]{1,6})?$/),
)
const aptEntry = fc
  .tuple(
    aptName,
    fc.option(aptArchitecture, { nil: undefined }),
    fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[A-Za-z0-9.+~:-]{1,12}$/).map((version) => `=${version}`),
      fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,15}$/).map((release) => `/${release}`),
    ),
  )
  .map(
    ([name, architecture, suffix]) => `${name}${architecture ? `:${architecture}` : ''}${suffix}`,
  )
  .filter((entry) => !changesWhatAptDoes(entry))

/** What dpkg must be told before the update, as the rule says: named, real, each once. */
function architecturesToAdd(entries: string[]): string[] {
  const named = entries.map((entry) => /^[^:=/]+:([^=/]+)/.exec(entry)?.[1])
  const real = named.filter(
    (architecture): architecture is string =>
      architecture !== undefined && !['all', 'any', 'native'].includes(architecture),
  )
  return [...new Set(real)].sort()
}

const alphaNumeric = fc.stringMatching(/^[a-z0-9]{1,6}$/)
const pathComponent = fc
  .tuple(
    alphaNumeric,
    fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), alphaNumeric), {
      maxLength: 2,
    }),
  )
  .map(([first, rest]) => first + rest.map(([separator, part]) => separator + part).join(''))
const domainComponent = fc.stringMatching(
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,6}[a-zA-Z0-9])$/,
)
// A first component is a registry only when it looks like one: a dot, a port, or localhost.
const domain = fc.oneof(
  fc.constant('localhost'),
  fc
    .tuple(fc.array(domainComponent, { minLength: 2, maxLength: 3 }), fc.boolean())
    .map(([parts, port]) => parts.join('.') + (port ? ':5000' : '')),
  fc.tuple(domainComponent, fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
)
const reference = fc
  .record({
    domain: fc.option(domain, { nil: undefined }),
    path: fc.array(pathComponent, { minLength: 1, maxLength: 3 }),
    tag: fc.option(fc.stringMatching(/^[\w][\w.-]{0,127}$/), { nil: undefined }),
    digest: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
  })
  .map(
    ({ domain, path, tag, digest }) =>
      (domain ? `${domain}/` : '') +
      path.join('/') +
      (tag ? `:${tag}` : '') +
      (digest ? `@sha256:${digest}` : ''),
  )

const userName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}$/)
const baseUser = fc
  .tuple(userName, fc.option(userName, { nil: undefined }))
  .map(([user, group]) => (group ? `${user}:${group}` : user))
  .filter((user) => !/^(root|0)(:|$)/.test(user))

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const envKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/)
// Everything a line of the env input can carry: any character but a line break.
const envValue = fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !/[\r\n]/.test(text))
// A file name a user may give as entry-script: spaces, quotes, $, backslashes, unicode.
const scriptChar = fc.oneof(
  fc.constantFrom(' ', '"', "'", '$', '\\', '`', '#', '{', '}', '(', ')', ';', '&', '|', '*'),
  fc.constantFrom('é', '中', '𝄞', '\u2028', '\u00a0', '👩‍💻', '=', ':', '%'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
)
const entryScript = fc
  .tuple(
    fc.array(fc.string({ unit: scriptChar, minLength: 1, maxLength: 8 }), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([parts]) => `${parts.join('/')}.py`)
  .filter((name) => !/\p{Cc}/u.test(name))

const envPairs = fc.uniqueArray(fc.record({ key: envKey, value: envValue }), {
  selector: (pair) => pair.key,
  maxLength: 4,
})

// Label keys as checkLabels lets them through: names, dotted or dashed (OCI style).
const labelKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/)
// Any line, as for env values, and often the characters that quoting must get right.
const labelValue = fc.oneof(
  envValue,
  fc.string({ unit: fc.constantFrom('"', "'", '\\', '$', ' ', '=', '#', 'a'), maxLength: 12 }),
)
const labelPairs = fc.uniqueArray(fc.record({ key: labelKey, value: labelValue }), {
  selector: (pair) => pair.key,
  maxLength: 4,
})

const plan: fc.Arbitrary<DockerfilePlan> = fc.record({
  baseImage: reference,
  user: baseUser,
  aptPackages: fc.uniqueArray(aptEntry, { maxLength: 4 }),
  requirements: fc.boolean(),
  pipConfig: fc.constantFrom('none', 'secret', 'build-args'),
  model: fc.boolean(),
  code: fc.boolean(),
  entryScript: fc.option(entryScript, { nil: undefined }),
  env: envPairs,
  labels: labelPairs,
})

// ---- the parsed file, and what it must be --------------------------------------------------------

const STAGING = '/tmp/extend-azureml-image'

function dependencySteps(p: DockerfilePlan): string[][] {
  if (p.aptPackages.length === 0 && !p.requirements) return []
  const steps = [['USER', 'root:root']]
  if (p.aptPackages.length > 0) {
    steps.push([
      'RUN',
      ...architecturesToAdd(p.aptPackages).flatMap((architecture) => [
        'dpkg',
        '--add-architecture',
        architecture,
        '&&',
      ]),
      ...['apt-get', 'update', '&&', 'apt-get', 'install', '-y', '--no-install-recommends'],
      ...p.aptPackages,
      ...['&&', 'apt-get', 'clean', '-y', '&&', 'rm', '-rf', '/var/lib/apt/lists/*'],
    ])
  }
  if (p.requirements) {
    steps.push(['COPY', 'requirements/', `${STAGING}/`])
    if (p.pipConfig === 'build-args') {
      steps.push(
        ['ARG', 'PIP_INDEX_URL'],
        ['ARG', 'PIP_EXTRA_INDEX_URL'],
        ['ARG', 'PIP_TRUSTED_HOST'],
      )
    }
    steps.push([
      'RUN',
      ...(p.pipConfig === 'secret' ? ['--mount=type=secret,id=pip-config,required=true'] : []),
      ...['cd', STAGING, '&&'],
      ...(p.pipConfig === 'secret' ? ['PIP_CONFIG_FILE=/run/secrets/pip-config'] : []),
      ...['pip', 'install', '--no-cache-dir', '-r', 'requirements.txt'],
      ...['&&', 'rm', '-rf', STAGING],
    ])
  }
  return steps
}

function applicationSteps(p: DockerfilePlan): string[][] {
  const steps: string[][] = []
  if (p.model) steps.push(['COPY', 'model/', `${Contract.modelDir}/`])
  const env: string[] = []
  if (p.model) env.push(Contract.modelDirEnv, Contract.modelDir)
  if (p.entryScript !== undefined) env.push(Contract.entryScriptEnv, asParsed(p.entryScript))
  for (const { key, value } of p.env) env.push(key, asParsed(value))
  if (env.length > 0) steps.push(['ENV', ...env])
  if (p.code) steps.push(['COPY', 'code/', `${Contract.appRoot}/`])
  if (p.labels.length > 0) {
    steps.push(['LABEL', ...p.labels.flatMap(({ key, value }) => [key, asParsed(value)])])
  }
  return steps
}

function expected(p: DockerfilePlan): string[][] {
  return [['FROM', p.baseImage], ...dependencySteps(p), ['USER', p.user], ...applicationSteps(p)]
}

/** The lint: dockerfile-utils finds nothing, and the hadolint rules that apply hold. */
function expectClean(text: string): void {
  expect(lintProblems(text)).toEqual([])
  const all = instructions(text)
  const users = all.filter(([keyword]) => keyword === 'USER')
  // DL3002 (like hadolint, only when the file has a USER: it may inherit the user)
  if (users.length > 0) expect(users[users.length - 1][1]).not.toMatch(/^(root|0)(:|$)/)
  for (const run of all.filter(([keyword]) => keyword === 'RUN')) {
    if (run.includes('apt-get')) {
      expect(run).toContain('--no-install-recommends') // DL3015
      expect(run.slice(-3)).toEqual(['rm', '-rf', '/var/lib/apt/lists/*']) // DL3009
    }
    if (run.includes('pip')) expect(run).toContain('--no-cache-dir') // DL3042
  }
}

// ---- what passes validation reaches the file whole -----------------------------------------------

describe('the rendered Dockerfile, for any plan the validators let through', () => {
  it('has exactly the planned instructions, every value whole, and lints clean', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const text = renderDockerfile(p)
        expect(instructions(text)).toEqual(expected(p))
        expectClean(text)
        // Comments are the writer's own, never a user's text.
        expect(comments(text)).toEqual(
          [
            'Generated by extend-azureml-image.',
            p.aptPackages.length > 0
              ? 'OS packages in one layer; the lists are removed so they do not ship in the image.'
              : undefined,
            p.requirements
              ? 'Python packages as root: the base image environment may be root-owned.'
              : undefined,
          ].filter((comment) => comment !== undefined),
        )
      }),
      RUNS,
    )
  })

  it('split in the two builds the action runs, gives the same instructions', () => {
    fc.assert(
      fc.property(plan, reference, (p, dependencies) => {
        const first = renderDependenciesDockerfile(p)
        const second = renderApplicationDockerfile(p, dependencies)
        expect(instructions(first)).toEqual([
          ['FROM', p.baseImage],
          ...dependencySteps(p),
          ['USER', p.user],
        ])
        // On top of the dependencies image (which ends as the user) no USER step is repeated.
        const hasDependencies = p.aptPackages.length > 0 || p.requirements
        expect(instructions(second)).toEqual([
          ['FROM', dependencies],
          ...(hasDependencies ? [] : [['USER', p.user]]),
          ...applicationSteps(p),
        ])
        expectClean(first)
        expectClean(second)
      }),
      RUNS,
    )
  })

  it('as the two stages of one file (ACR Tasks), gives the same instructions as the two builds', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const text = renderMultiStageDockerfile(p)
        const hasDependencies = p.aptPackages.length > 0 || p.requirements
        // Without dependencies: the application build alone, on the base image.
        expect(instructions(text)).toEqual(
          hasDependencies
            ? [
                ['FROM', p.baseImage, 'AS', 'dependencies'],
                ...dependencySteps(p),
                ['USER', p.user],
                ['FROM', 'dependencies'],
                ...applicationSteps(p),
              ]
            : instructions(renderApplicationDockerfile(p, p.baseImage)),
        )
        expectClean(text)
      }),
      RUNS,
    )
  })

  it('has one LABEL step iff there are labels, the last step, each label whole', () => {
    fc.assert(
      fc.property(plan, reference, (p, dependencies) => {
        expect(checkLabels(p.labels)).toEqual(p.labels)
        for (const text of [renderDockerfile(p), renderApplicationDockerfile(p, dependencies)]) {
          const all = DockerfileParser.parse(text).getInstructions()
          const labels = all.filter(
            (instruction): instruction is Label => instruction instanceof Label,
          )
          expect(labels).toHaveLength(p.labels.length > 0 ? 1 : 0)
          // Keys come back unquoted, values whole ('$' as dockerfile-ast keeps it: '\$').
          expect(
            labels.flatMap((label) =>
              label.getProperties().map((property) => ({
                key: property.getName(),
                value: property.getValue(),
              })),
            ),
          ).toEqual(p.labels.map(({ key, value }) => ({ key, value: asParsed(value) })))
          const keywords = all.map((instruction) => instruction.getKeyword())
          const label = keywords.indexOf('LABEL')
          if (label < 0) continue
          // The commit label changes with every commit: last, so no layer is rebuilt for it.
          expect(label).toBe(keywords.length - 1)
        }
        expect(
          instructions(renderDependenciesDockerfile(p)).map(([keyword]) => keyword),
        ).not.toContain('LABEL')
      }),
      RUNS,
    )
  })

  it('apt entries in policy are each one plain shell word of the install command', () => {
    fc.assert(
      fc.property(fc.uniqueArray(aptEntry, { minLength: 1, maxLength: 6 }), (entries) => {
        for (const entry of entries) {
          expect(checkAptPackage(entry)).toBe(entry)
          // Nothing a shell would expand, split, redirect or chain.
          expect(entry).toMatch(/^[A-Za-z0-9+.~:=/-]+$/)
          expect(entry.startsWith('-')).toBe(false)
        }
        const [, , run] = instructions(
          renderDockerfile({ ...basePlan, aptPackages: entries, requirements: false }),
        )
        const install = run.indexOf('--no-install-recommends') + 1
        expect(run.slice(install, install + entries.length)).toEqual(entries)
        // Every word before the install is the action's own or an architecture in the rule.
        for (const word of run.slice(1, install)) {
          expect(word).toMatch(
            /^(?:[a-z0-9]+(?:-[a-z0-9]+)*|--add-architecture|&&|-y|--no-install-recommends|apt-get)$/,
          )
        }
      }),
      RUNS,
    )
  })

  it('base image references from the grammar are accepted and are the whole FROM', () => {
    fc.assert(
      fc.property(reference, (ref) => {
        expect(parseReference(ref)).toBeDefined()
        const [from] = instructions(renderDockerfile({ ...basePlan, baseImage: ref }))
        expect(from).toEqual(['FROM', ref])
      }),
      RUNS,
    )
  })

  it("the base image's user: taken only when docker would read it as one user", () => {
    // The root spellings docker images carry are generated on purpose: random text never is.
    const rootUser = fc.constantFrom(
      '',
      'root',
      '0',
      'root:root',
      '0:0',
      'root:staff',
      '0:1000',
      '00',
      '000:0',
    )
    const anyUser = fc.oneof(baseUser, rootUser, fc.string({ unit: 'binary', maxLength: 20 }))
    fc.assert(
      fc.property(anyUser, (user) => {
        let taken: string
        try {
          taken = baseUserOrDefault(user)
        } catch (error) {
          expect(String(error)).toContain("The base image's user")
          expect(user).not.toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/)
          return
        }
        if (user === '' || /^(root|0+)(:|$)/.test(user)) expect(taken).toBe(Contract.defaultUser)
        else expect(taken).toBe(user)
        const users = instructions(renderDockerfile({ ...basePlan, user: taken })).filter(
          ([keyword]) => keyword === 'USER',
        )
        expect(users).toEqual([
          ['USER', 'root:root'],
          ['USER', taken],
        ])
      }),
      RUNS,
    )
  })

  it.each(['', 'root', '0', 'root:root', '0:0', 'root:staff', '00', '0000:0'])(
    'a base image whose user is %j: the image is never left as root, it ends as dockeruser',
    (user) => {
      const users = instructions(
        renderDockerfile({ ...basePlan, user: baseUserOrDefault(user) }),
      ).filter(([keyword]) => keyword === 'USER')
      expect(users[users.length - 1]).toEqual(['USER', Contract.defaultUser])
    },
  )

  it.each(['rootless', 'rooted:root', '1000', '1000:0', '100', '01'])(
    'a base image whose user is %j, not root: keeps it',
    (user) => {
      expect(baseUserOrDefault(user)).toBe(user)
    },
  )
})

const basePlan: DockerfilePlan = {
  baseImage: 'mcr.microsoft.com/azureml/minimal-py312-inference:latest',
  user: 'dockeruser',
  aptPackages: ['libgomp1'],
  requirements: true,
  pipConfig: 'none',
  model: true,
  code: true,
  entryScript: 'score.py',
  env: [],
  labels: [],
}

// ---- what breaks a rule is refused -----------------------------------------------------------

describe('the validators, for any input', () => {
  // Characters that a shell, apt or docker would read as more than a package name.
  // ('/' and ':' are apt's own separators: a release and an architecture.)
  const foreign = fc.constantFrom(...' \t;&|`$()<>*?[]{}!#"\'\\,@%^A_Z\u00e9\u2028'.split(''))

  it('refuse an apt entry with any character outside the policy', () => {
    fc.assert(
      fc.property(aptEntry, foreign, fc.nat(), (entry, character, at) => {
        const position = at % (entry.length + 1)
        const hostile = entry.slice(0, position) + character + entry.slice(position)
        // Uppercase is allowed in a version only.
        fc.pre(!/^[A-Z]$/.test(character) || position <= entry.indexOf('=') || !entry.includes('='))
        expect(() => checkAptPackage(hostile)).toThrow(`Input 'apt-packages': "${hostile}"`)
      }),
      RUNS,
    )
  })

  it('accept an apt entry only when it is in policy', () => {
    fc.assert(
      fc.property(fc.oneof(aptEntry, fc.string({ maxLength: 12 })), (entry) => {
        let accepted = true
        try {
          checkAptPackage(entry)
        } catch {
          accepted = false
        }
        expect(accepted).toBe(APT_POLICY.test(entry) && !changesWhatAptDoes(entry))
      }),
      { numRuns: 1000 },
    )
  })

  it('refuse an apt option, and apt\'s own "+"/"-" suffixes', () => {
    fc.assert(
      fc.property(
        aptName,
        fc.constantFrom('-', '--', '-o'),
        fc.constantFrom('+', '-'),
        (name, option, suffix) => {
          expect(() => checkAptPackage(`${option}${name}`)).toThrow("Input 'apt-packages'")
          if (!(suffix === '+' && name.endsWith('+'))) {
            expect(() => checkAptPackage(`${name}${suffix}`)).toThrow(
              "a trailing '+' or '-' would change what apt does",
            )
          }
        },
      ),
      RUNS,
    )
  })

  it('accept an env key only when it is a shell name, and keep the contract keys', () => {
    fc.assert(
      fc.property(fc.oneof(envKey, fc.string({ maxLength: 10 })), fc.boolean(), (key, optIn) => {
        const contract = ['AZUREML_ENTRY_SCRIPT', 'AZUREML_MODEL_DIR', 'PATH'].includes(key)
        const check = () => checkEnv([{ key, value: 'v' }], optIn)
        if (!ENV_KEY.test(key)) expect(check).toThrow(`Input 'env': key "${key}" must match`)
        else if (contract && !optIn) expect(check).toThrow("'override-contract-env: true'")
        else expect(check()).toEqual([{ key, value: 'v' }])
      }),
      { numRuns: 1000 },
    )
  })

  it('accept a label key only as a name, dotted or dashed (OCI style)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (key) => {
        const check = () => checkLabels([{ key, value: 'v' }])
        if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) expect(check()).toHaveLength(1)
        else expect(check).toThrow(`Input 'labels': key "${key}" must match`)
      }),
      { numRuns: 1000 },
    )
  })

  it('refuse any image reference with a character outside the grammar', () => {
    const outsideReference = fc.constantFrom(...' \t;&|`$()<>*?{}!#"\'\\,%^\u00e9\u2028'.split(''))
    fc.assert(
      fc.property(reference, outsideReference, fc.nat(), (ref, character, at) => {
        const position = at % (ref.length + 1)
        expect(parseReference(ref.slice(0, position) + character + ref.slice(position))).toBe(
          undefined,
        )
      }),
      RUNS,
    )
  })
})

// ---- the same, through the real inputs (INPUT_* variables), text as the runner passes it ---------

describe('getInputs, for any text in an input', () => {
  let workspace: string
  const base = { 'base-image': 'mcr.microsoft.com/azureml/minimal-py312-inference:latest' }

  beforeAll(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-props-'))
    fs.mkdirSync(path.join(workspace, 'code'))
    fs.writeFileSync(path.join(workspace, 'code', 'score.py'), '')
    process.env.GITHUB_WORKSPACE = workspace
  })
  afterEach(clearInputs)
  afterAll(() => {
    fs.rmSync(workspace, { recursive: true, force: true })
    delete process.env.GITHUB_WORKSPACE
  })

  /** Runs getInputs: the inputs, or the error's message. */
  function read(inputs: Record<string, string>): ReturnType<typeof getInputs> | string {
    setInputs(inputs)
    try {
      return getInputs()
    } catch (error) {
      return (error as Error).message
    }
  }

  const lineNoise = fc.string({ unit: 'binary', maxLength: 30 })
  const listText = fc
    .tuple(
      fc.array(fc.oneof(aptEntry, lineNoise, fc.constantFrom('\r\n', '\n', ',', ' ', '')), {
        maxLength: 6,
      }),
      fc.constantFrom('\n', ',', ' ', '\r\n'),
    )
    .map(([parts, separator]) => parts.join(separator))

  it('apt-packages: refused by name, or every entry in policy', () => {
    fc.assert(
      fc.property(listText, (text) => {
        const result = read({ ...base, 'apt-packages': text })
        if (typeof result === 'string') expect(result).toMatch(/^Input 'apt-packages': /)
        else for (const entry of result.aptPackages) expect(entry).toMatch(APT_POLICY)
      }),
      RUNS,
    )
  })

  it('env: refused by name, or keys are names and values one line', () => {
    const envText = fc
      .array(
        fc.oneof(
          fc.tuple(envKey, envValue).map(([k, v]) => `${k}=${v}`),
          lineNoise,
        ),
        { maxLength: 5 },
      )
      .map((lines) => lines.join('\n'))
    fc.assert(
      fc.property(envText, (text) => {
        const result = read({ ...base, env: text })
        if (typeof result === 'string') expect(result).toMatch(/^Input 'env'/)
        else {
          for (const { key, value } of result.env) {
            expect(key).toMatch(ENV_KEY)
            expect(value).not.toMatch(/[\r\n]/)
          }
        }
      }),
      RUNS,
    )
  })

  it('tags and base-image: refused by name, or references of the grammar', () => {
    fc.assert(
      fc.property(fc.oneof(reference, lineNoise), fc.oneof(reference, lineNoise), (tag, image) => {
        const result = read({ 'base-image': image, tags: tag })
        if (typeof result === 'string') expect(result).toMatch(/^Input '(base-image|tags)'/)
        else {
          expect(parseReference(result.baseImage)).toBeDefined()
          expect(result.baseImage).not.toMatch(/\s/)
          // Each tag a reference of the grammar (noise is refused above), and never a digest.
          for (const t of result.tags) {
            const parsed = parseReference(t)
            expect(parsed).toBeDefined()
            expect(parsed?.digest).toBeUndefined()
          }
        }
      }),
      RUNS,
    )
  })

  it('entry-script: a line break or control character is refused by name', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 5 }),
        // (No NUL: an environment variable, as the runner passes inputs, cannot hold one.)
        fc.constantFrom('\n', '\r', '\u001b', '\u007f', '\t', '\u0085'),
        (name, control) => {
          const result = read({
            ...base,
            'code-dir': 'code',
            'entry-script': `x${name}${control}y.py`,
          })
          expect(result).toEqual(
            expect.stringMatching(
              /^Input 'entry-script': .* must not contain line breaks or control characters$/s,
            ),
          )
        },
      ),
      { numRuns: 100 },
    )
  })
})
