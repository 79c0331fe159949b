// The workflows users copy (examples/workflows/, and the same text in the README): what GitHub's
// schema (scripts/validate-workflows.mjs) cannot know is checked here against action.yml: the
// inputs each step of this action passes, the outputs later steps read, and that the README's
// copies are the files.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const WORKFLOW_DIR = 'examples/workflows'
/** How the README and the examples refer to this action. */
const THIS_ACTION = /^your-org\/extend-azureml-image@/

interface ActionMetadata {
  inputs: Record<string, { required?: boolean }>
  outputs: Record<string, unknown>
}
interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}
interface Workflow {
  jobs: Record<string, { steps?: Step[] }>
}

function read(relative: string): string {
  return fs.readFileSync(path.join(ROOT, relative), 'utf8')
}

const action = parse(read('action.yml')) as ActionMetadata
const files = fs
  .readdirSync(path.join(ROOT, WORKFLOW_DIR))
  .filter((name) => name.endsWith('.yml'))
  .sort()
const workflows = new Map(
  files.map((name) => [name, parse(read(`${WORKFLOW_DIR}/${name}`)) as Workflow]),
)

function* stepsOfThisAction(workflow: Workflow): Generator<{ job: string; step: Step }> {
  for (const [job, { steps = [] }] of Object.entries(workflow.jobs)) {
    for (const step of steps) if (step.uses && THIS_ACTION.test(step.uses)) yield { job, step }
  }
}

/** Inputs a step of this action passes that action.yml lacks, and required ones it leaves out. */
function inputProblems(workflow: Workflow, metadata: ActionMetadata): string[] {
  const problems: string[] = []
  for (const { job, step } of stepsOfThisAction(workflow)) {
    const given = Object.keys(step.with ?? {})
    for (const name of given) {
      if (!(name in metadata.inputs)) problems.push(`${job}: unknown input '${name}'`)
    }
    for (const [name, input] of Object.entries(metadata.inputs)) {
      if (input.required && !given.includes(name)) {
        problems.push(`${job}: required input '${name}' missing`)
      }
    }
  }
  return problems
}

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value
  else if (Array.isArray(value)) for (const item of value) yield* strings(item)
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) yield* strings(v)
}

// `steps.<id>.outputs.<name>` or `steps.<id>.outputs['<name>']`, in expressions and `if:`.
const OUTPUT_REFERENCE = /\bsteps\.([\w-]+)\.outputs(?:\.([\w-]+)|\[\s*'([^']+)'\s*\])/g

/**
 * References to a step id the job does not have, and to an output a step of this action does not
 * declare. Step ids are per job, so each job is read on its own.
 */
function outputProblems(workflow: Workflow, metadata: ActionMetadata): string[] {
  const problems: string[] = []
  for (const [job, definition] of Object.entries(workflow.jobs)) {
    const steps = definition.steps ?? []
    const ids = new Set(steps.flatMap((step) => (step.id ? [step.id] : [])))
    const ours = new Set(
      steps.flatMap((step) =>
        step.id && step.uses && THIS_ACTION.test(step.uses) ? [step.id] : [],
      ),
    )
    for (const text of strings(definition)) {
      for (const [, id, dotted, quoted] of text.matchAll(OUTPUT_REFERENCE)) {
        const name = dotted ?? quoted
        if (!ids.has(id)) problems.push(`${job}: no step '${id}'`)
        else if (ours.has(id) && !(name in metadata.outputs)) {
          problems.push(`${job}: unknown output '${name}' of step '${id}'`)
        }
      }
    }
  }
  return problems
}

/** The fenced yaml blocks of a markdown text, each with its final newline. */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})yaml\n([\s\S]*?)^\1$/gm)].map(([, , body]) => body)
}

describe('the example workflows', () => {
  it('are the four the README shows', () => {
    expect(files).toEqual(['build-and-push.yml', 'matrix.yml', 'pr-check.yml', 'use-outputs.yml'])
  })

  it.each(files)('%s uses this action in a step with an id', (name) => {
    const steps = [...stepsOfThisAction(workflows.get(name)!)]
    expect(steps.length).toBeGreaterThan(0)
    for (const { step } of steps) expect(step.id).toEqual(expect.any(String))
  })

  it.each(files)('%s passes only inputs action.yml declares, and every required one', (name) => {
    expect(inputProblems(workflows.get(name)!, action)).toEqual([])
  })

  it.each(files)('%s reads only outputs action.yml declares', (name) => {
    expect(outputProblems(workflows.get(name)!, action)).toEqual([])
  })

  it('read the outputs the issue asks to show', () => {
    const text = read(`${WORKFLOW_DIR}/use-outputs.yml`)
    for (const output of ['image', 'image-id', 'smoke-test', 'score-status', 'score-response']) {
      expect(text).toContain(`steps.image.outputs.${output} }}`)
    }
    expect(text).toContain('fromJSON(steps.image.outputs.metadata).timings.buildMs')
    expect(read(`${WORKFLOW_DIR}/build-and-push.yml`)).toContain('steps.image.outputs.digest')
  })

  it.each(files)('%s pins every other action to a commit, with its version beside it', (name) => {
    const uses = [...read(`${WORKFLOW_DIR}/${name}`).matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)]
    for (const [, reference, comment] of uses) {
      if (THIS_ACTION.test(reference)) continue
      expect(reference).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
      expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/)
    }
  })

  it('are in the README word for word', () => {
    const blocks = yamlBlocks(read('README.md'))
    for (const name of files) expect(blocks).toContain(read(`${WORKFLOW_DIR}/${name}`))
  })
})

describe('the checks themselves', () => {
  const workflow = (steps: Step[]): Workflow => ({ jobs: { build: { steps } } })
  const ours = 'your-org/extend-azureml-image@v1'

  it('find an unknown input and a missing required one', () => {
    const bad = workflow([{ id: 'image', uses: ours, with: { 'base-imgae': 'x', push: true } }])
    expect(inputProblems(bad, action)).toEqual([
      "build: unknown input 'base-imgae'",
      "build: required input 'base-image' missing",
    ])
  })

  it('leave inputs of other actions alone', () => {
    const other = workflow([{ uses: 'docker/login-action@v4', with: { registry: 'ghcr.io' } }])
    expect(inputProblems(other, action)).toEqual([])
  })

  it('find an unknown output, in either notation, and a step id the job lacks', () => {
    const bad = workflow([
      { id: 'image', uses: ours, with: { 'base-image': 'x' } },
      { with: { a: '${{ steps.image.outputs.image-digest }}' } },
      { with: { b: "${{ steps.image.outputs['imageid'] }}" } },
      { with: { c: '${{ fromJSON(steps.imgae.outputs.metadata).timings.buildMs }}' } },
      { with: { d: '${{ steps.image.outputs.image-id }} ${{ steps.image.outputs.digest }}' } },
    ])
    expect(outputProblems(bad, action)).toEqual([
      "build: unknown output 'image-digest' of step 'image'",
      "build: unknown output 'imageid' of step 'image'",
      "build: no step 'imgae'",
    ])
  })

  it('take a README block with its final newline, as the file has it', () => {
    const markdown =
      'text\n\n```yaml\na: 1\nb: 2\n```\n\n```sh\nx\n```\n\n````yaml\nc: |\n  ```\n````\n'
    expect(yamlBlocks(markdown)).toEqual(['a: 1\nb: 2\n', 'c: |\n  ```\n'])
  })
})
