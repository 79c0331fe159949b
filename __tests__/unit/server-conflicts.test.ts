// The check of the requirements against the server's own dependencies, without an engine: pip's
// lines read as conflicts (pip check's, run for real on this machine over made-up
// distributions, and the resolver's as pip 20 to 24 print them), what is new against the base,
// which line to blame (directly or through what it pulled in), and the words of the failure.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ServerConflictFailure } from '../../src/dependencies/conflict-failure.js'
import {
  parseConflictLine,
  parsePipCheck,
  watchResolverWarnings,
} from '../../src/dependencies/pip-conflicts.js'
import { type Distribution, type Inventory } from '../../src/dependencies/python-inventory.js'
import { parseRequirementLines } from '../../src/dependencies/requirement-lines.js'
import {
  blameLine,
  describeConflict,
  judgeConflicts,
  serverConflictMessage,
} from '../../src/dependencies/server-conflicts.js'
import { annotationFor } from '../../src/report/annotations.js'
import { distInfo, inventoryOfSite } from '../helpers/made-up-site.js'

const SERVER = 'azureml-inference-server-http'

describe('parseConflictLine', () => {
  it.each([
    [
      'pip check, a version out of range',
      'azureml-inference-server-http 0.8.4+standin has requirement pydantic<1.11,>=1.9, but you have pydantic 2.5.0.',
      {
        dependent: SERVER,
        dependentVersion: '0.8.4+standin',
        requirement: 'pydantic<1.11,>=1.9',
        required: 'pydantic',
        installed: '2.5.0',
      },
    ],
    [
      'pip check, a requirement not installed',
      'Flask 2.2.2 requires Werkzeug, which is not installed.',
      {
        dependent: 'flask',
        dependentVersion: '2.2.2',
        requirement: 'Werkzeug',
        required: 'werkzeug',
        installed: undefined,
      },
    ],
    [
      'the resolver, a version out of range',
      'azureml-inference-server-http 0.8.4 requires flask<2.3.0, but you have flask 3.0.0 which is incompatible.',
      {
        dependent: SERVER,
        dependentVersion: '0.8.4',
        requirement: 'flask<2.3.0',
        required: 'flask',
        installed: '3.0.0',
      },
    ],
    [
      'the resolver, a requirement not installed',
      'inference-schema 1.8.0 requires python-dateutil>=2.5.3, which is not installed.',
      {
        dependent: 'inference-schema',
        dependentVersion: '1.8.0',
        requirement: 'python-dateutil>=2.5.3',
        required: 'python-dateutil',
        installed: undefined,
      },
    ],
    [
      "the legacy resolver's ERROR line",
      "ERROR: gunicorn 20.1.0 has requirement setuptools>=3.0, but you'll have setuptools 2.0 which is incompatible.",
      {
        dependent: 'gunicorn',
        dependentVersion: '20.1.0',
        requirement: 'setuptools>=3.0',
        required: 'setuptools',
        installed: '2.0',
      },
    ],
    [
      'a requirement with extras and a marker',
      'x-pkg 1.0 requires Zope.Interface[test]>=5; python_version >= "3.8", which is not installed.',
      {
        dependent: 'x-pkg',
        dependentVersion: '1.0',
        requirement: 'Zope.Interface[test]>=5; python_version >= "3.8"',
        required: 'zope-interface',
        installed: undefined,
      },
    ],
  ])('reads %s', (_form, line, conflict) => {
    expect(parseConflictLine(line)).toEqual(conflict)
  })

  it.each([
    'No broken requirements found.',
    'torch 2.1.0 is not supported on this platform',
    "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.",
    'Successfully installed pydantic-2.5.0',
  ])('reads nothing in %s', (line) => {
    expect(parseConflictLine(line)).toBeUndefined()
  })
})

/** The inventory of a made-up site, read by the inventory program under this machine's pip. */
function inventoryOf(build: (site: string) => void): Inventory {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-conflicts-'))
  try {
    build(site)
    const inventory = inventoryOfSite(site)
    // Only the made-up distributions: this machine's own may have conflicts of their own.
    const ours = (name: string): boolean => /^(eai|azureml)/i.test(name)
    inventory.distributions = new Map([...inventory.distributions].filter(([name]) => ours(name)))
    inventory.pipCheck = inventory.pipCheck?.filter(ours)
    return inventory
  } finally {
    fs.rmSync(site, { recursive: true, force: true })
  }
}

describe('real pip check output, base against dependencies', () => {
  const baseSite = (site: string): void => {
    distInfo(site, SERVER, '0.8.4+standin', ['eai-pydantic<1.11,>=1.9', 'eai-flask<2.3'])
    distInfo(site, 'eai-pydantic', '1.10.4')
    distInfo(site, 'eai-flask', '2.2.2', ['eai-werkzeug>=2.2'])
    distInfo(site, 'eai-werkzeug', '2.2.2')
    distInfo(site, 'eai-base-tool', '1.0', ['eai-not-there', 'eai-colorama<0.5'])
    distInfo(site, 'eai-colorama', '0.4.6')
  }
  const base = inventoryOf(baseSite)
  const dependencies = inventoryOf((site) => {
    baseSite(site)
    fs.rmSync(path.join(site, 'eai_pydantic-1.10.4.dist-info'), { recursive: true })
    distInfo(site, 'eai-pydantic', '2.5.0')
    fs.rmSync(path.join(site, 'eai_werkzeug-2.2.2.dist-info'), { recursive: true })
    distInfo(site, 'eai-werkzeug', '2.0.0')
    distInfo(site, 'eai-needs-werkzeug2', '1.0', ['eai-werkzeug<2.1'])
    fs.rmSync(path.join(site, 'eai_colorama-0.4.6.dist-info'), { recursive: true })
    distInfo(site, 'eai-colorama', '0.5.0')
    // Outside the closure, needing what the server needs too: its conflict is its own.
    distInfo(site, 'eai-plugin', '1.0', ['eai-werkzeug>=2.1'])
  })
  const lines = parseRequirementLines(
    'eai-pydantic==2.5.0\neai-needs-werkzeug2\neai-colorama==0.5.0\neai-plugin\n',
  )
  const verdict = judgeConflicts(base, dependencies, [], lines)

  it("fails on what the server's closure needs, blamed on the line that did it", () => {
    expect(
      verdict.server.map((conflict) =>
        describeConflict(conflict, dependencies, 'requirements.txt'),
      ),
    ).toEqual([
      `requirements.txt line 1: eai-pydantic==2.5.0 installs eai-pydantic 2.5.0, but ${SERVER} 0.8.4+standin requires eai-pydantic<1.11,>=1.9`,
      `requirements.txt line 2: eai-needs-werkzeug2 pulls in eai-werkzeug 2.0.0, but eai-flask 2.2.2 (which ${SERVER} 0.8.4+standin needs) requires eai-werkzeug>=2.2`,
    ])
  })

  it('only warns of a conflict outside it', () => {
    expect(
      verdict.other.map((conflict) => describeConflict(conflict, dependencies, 'requirements.txt')),
    ).toEqual([
      'requirements.txt line 2: eai-needs-werkzeug2 pulls in eai-werkzeug 2.0.0, but eai-plugin 1.0 requires eai-werkzeug>=2.1',
      'requirements.txt line 3: eai-colorama==0.5.0 installs eai-colorama 0.5.0, but eai-base-tool 1.0 requires eai-colorama<0.5',
    ])
  })

  it("keeps the base's own conflict apart, blamed on no one", () => {
    expect(verdict.inBase).toEqual([
      expect.objectContaining({ dependent: 'eai-base-tool', required: 'eai-not-there' }),
    ])
  })
})

function dist(name: string, version: string, requires: string[] = []): [string, Distribution] {
  return [name, { name, version, requires: requires.map((r) => ({ name: r, specifier: '' })) }]
}

function inventory(pipCheck: string[], ...distributions: [string, Distribution][]): Inventory {
  return { python: '3.11.0', distributions: new Map(distributions), pipCheck }
}

describe('judgeConflicts', () => {
  const server = dist(SERVER, '0.8.4', ['pydantic', 'flask'])
  const base = inventory(
    ['azureml-inference-server-http 0.8.4 requires flask, which is not installed.'],
    server,
    dist('pydantic', '1.10.4'),
  )

  it('tells a conflict the base had from a new one, whatever pip printed it', () => {
    const after = inventory(
      [
        'azureml-inference-server-http 0.8.4 requires flask, which is not installed.',
        'azureml-inference-server-http 0.8.4 has requirement pydantic<1.11, but you have pydantic 2.5.0.',
        'eai-thing 1.0 is not supported on this platform',
      ],
      server,
      dist('pydantic', '2.5.0'),
    )
    // The resolver names the same conflicts: each is counted once.
    const resolver = [
      'azureml-inference-server-http 0.8.4 requires pydantic<1.11, but you have pydantic 2.5.0 which is incompatible.',
      'azureml-inference-server-http 0.8.4 requires flask<2.3, which is not installed.',
    ].map((line) => parseConflictLine(line)!)
    const verdict = judgeConflicts(base, after, resolver, parseRequirementLines('pydantic>2\n'))
    expect(verdict.inBase.map((conflict) => conflict.required)).toEqual(['flask'])
    expect(verdict.server.map((conflict) => [conflict.required, conflict.blame?.line])).toEqual([
      ['pydantic', 1],
    ])
    expect(verdict.other).toEqual([])
    expect(verdict.unparsed).toEqual(['eai-thing 1.0 is not supported on this platform'])
  })

  it("counts the resolver's warning when pip check is clean", () => {
    const resolver = [
      parseConflictLine(
        'azureml-inference-server-http 0.8.4 requires pydantic<1.11, but you have pydantic 2.5.0 which is incompatible.',
      )!,
    ]
    const verdict = judgeConflicts(inventory([], server), inventory([], server), resolver, [])
    expect(verdict.server).toHaveLength(1)
    expect(verdict.server[0].blame).toBeUndefined()
  })
})

describe('blameLine', () => {
  const graph = inventory(
    [],
    dist(SERVER, '0.8.4', ['flask']),
    dist('flask', '2.2.2', ['werkzeug']),
    dist('werkzeug', '3.0.0'),
    dist('tool', '1.0', ['helper']),
    dist('helper', '1.0', ['werkzeug']),
  )
  const closure = new Set([SERVER, 'flask', 'werkzeug'])

  it('blames the line naming the package', () => {
    const lines = parseRequirementLines('tool\nWerkzeug==3.0.0\n')
    expect(blameLine('werkzeug', lines, graph, closure)).toEqual({
      line: lines[1],
      transitive: false,
    })
  })

  it('blames the line whose package pulls it in, however deep', () => {
    const lines = parseRequirementLines('flask\n# a tool\ntool>=1\n')
    // flask (line 1) requires werkzeug too, but as the server does: it is not the culprit.
    expect(blameLine('werkzeug', lines, graph, closure)).toEqual({
      line: lines[1],
      transitive: true,
    })
    expect(lines[1].line).toBe(3)
  })

  it('blames no line when none leads to it', () => {
    expect(blameLine('werkzeug', parseRequirementLines('flask\n'), graph, closure)).toBeUndefined()
  })
})

describe('the messages', () => {
  const after = inventory(
    [],
    dist(SERVER, '0.8.4+standin', ['pydantic']),
    dist('pydantic', '2.5.0'),
  )
  const conflict = {
    ...parseConflictLine(
      'azureml-inference-server-http 0.8.4+standin has requirement pydantic<1.11,>=1.9, but you have pydantic 2.5.0.',
    )!,
    transitive: false,
    breaksServer: true,
  }

  it('names the line, the server, its version and its range', () => {
    const blamed = { ...conflict, blame: parseRequirementLines('x\npydantic==2.5.0\n')[1] }
    expect(serverConflictMessage([blamed], after, 'app/requirements.txt')).toBe(
      'app/requirements.txt line 2: pydantic==2.5.0 installs pydantic 2.5.0, but azureml-inference-server-http 0.8.4+standin requires pydantic<1.11,>=1.9: the server would not start',
    )
  })

  it('lists every conflict, one a line; without a line to blame, the file; without one, the dependencies', () => {
    const missing = {
      ...parseConflictLine(
        'azureml-inference-server-http 0.8.4+standin requires flask, which is not installed.',
      )!,
      transitive: false,
      breaksServer: true,
    }
    expect(serverConflictMessage([conflict, missing], after, 'requirements.txt')).toBe(
      [
        "The requirements break the inference server's own dependencies (2 conflicts):",
        'The requirements (requirements.txt) installs pydantic 2.5.0, but azureml-inference-server-http 0.8.4+standin requires pydantic<1.11,>=1.9: the server would not start',
        'The requirements (requirements.txt) leaves flask uninstalled, but azureml-inference-server-http 0.8.4+standin requires flask: the server would not start',
      ].join('\n'),
    )
    expect(describeConflict(conflict, after, undefined)).toMatch(
      /^The dependencies \(apt, pip\) installs pydantic 2\.5\.0, but/,
    )
  })
})

describe('watchResolverWarnings', () => {
  it.each([
    ['the legacy builder', ''],
    ['BuildKit', '#9 41.27 '],
  ])("collects the resolver's warning from %s's log, nothing else", (_builder, prefix) => {
    const watch = watchResolverWarnings()
    const log = [
      'eai-a 1.0 requires eai-b<2, but you have eai-b 3.0 which is incompatible.', // not in a warning
      'Installing collected packages: pydantic',
      "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.",
      'azureml-inference-server-http 0.8.4 requires pydantic<1.11,>=1.9, but you have pydantic 2.5.0 which is incompatible.',
      'inference-schema 1.8.0 requires python-dateutil>=2.5.3, which is not installed.',
      'Successfully installed pydantic-2.5.0',
      'eai-c 1.0 requires eai-d<2, but you have eai-d 3.0 which is incompatible.', // after it
    ]
    for (const line of log) watch.observe(`${prefix}${line}`)
    expect(watch.conflicts().map((conflict) => [conflict.dependent, conflict.required])).toEqual([
      [SERVER, 'pydantic'],
      ['inference-schema', 'python-dateutil'],
    ])
  })

  it("collects the legacy resolver's ERROR lines, which have no header", () => {
    const watch = watchResolverWarnings()
    watch.observe(
      "ERROR: flask 2.2.2 has requirement werkzeug>=2.2.2, but you'll have werkzeug 2.0.0 which is incompatible.",
    )
    expect(watch.conflicts()).toEqual([
      expect.objectContaining({ dependent: 'flask', installed: '2.0.0' }),
    ])
  })
})

describe('parsePipCheck', () => {
  it('keeps lines of other forms apart', () => {
    expect(parsePipCheck(['eai-x 1.0 is not supported on this platform', '']).other).toEqual([
      'eai-x 1.0 is not supported on this platform',
    ])
  })
})

describe('parseRequirementLines', () => {
  it('finds the projects the file names, on their lines, as pip reads them', () => {
    const text = [
      '# a comment',
      '-r other.txt',
      '--index-url https://example.invalid/simple',
      'Flask[async] >=2.0 ; python_version > "3.8"  # web',
      'numpy \\',
      '  ==1.26.0',
      './wheels/Tiny_Linear-1.0-py3-none-any.whl',
      'git+https://example.invalid/x.git#egg=eai-from-git',
      './local-folder',
      'requests @ https://example.invalid/requests.tar.gz',
      '-e ./editable',
      '',
    ].join('\n')
    expect(parseRequirementLines(text).map(({ name, line }) => [name, line])).toEqual([
      ['flask', 4],
      ['numpy', 5],
      ['tiny-linear', 7],
      ['eai-from-git', 8],
      ['requests', 10],
    ])
    expect(parseRequirementLines(text)[1].text).toBe('numpy   ==1.26.0')
  })
})

describe('the annotation of the failure', () => {
  it('is on the requirements line of the first conflict', () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eai-conflict-annotation-'))
    try {
      const requirements = path.join(workspace, 'app', 'requirements.txt')
      fs.mkdirSync(path.dirname(requirements))
      fs.writeFileSync(requirements, 'x\npydantic==2.5.0\n')
      const failure = new ServerConflictFailure('message', 2, 'pydantic breaks the server')
      expect(annotationFor(failure, { workspace, requirements })).toEqual({
        title: 'pydantic breaks the server',
        file: 'app/requirements.txt',
        startLine: 2,
      })
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true })
    }
  })
})
