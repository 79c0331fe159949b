#!/usr/bin/env node
// Validates the workflows users copy (examples/workflows/*.yml, and .github/workflows/ if there is
// one) and action.yml with GitHub's own parser and schemas (@actions/workflow-parser, from
// actions/languageservices): unknown keys, wrong types, missing required keys, bad expressions,
// and `runs.using` values the runner does not know. Prints one line per file; exits 1 on any error.
//
//   node scripts/validate-workflows.mjs [file ...]
import * as fs from 'node:fs'
import { register } from 'node:module'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

register('./workflow-parser-hook.mjs', import.meta.url)
const { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } =
  await import('@actions/workflow-parser')
const { parseAction } = await import('@actions/workflow-parser/actions/index')

const root = fileURLToPath(new URL('..', import.meta.url))

function yamlFiles(dir) {
  const full = path.join(root, dir)
  if (!fs.existsSync(full)) return []
  return fs
    .readdirSync(full)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name))
}

const files = process.argv.slice(2)
if (files.length === 0) {
  files.push('action.yml', ...yamlFiles('examples/workflows'), ...yamlFiles('.github/workflows'))
}

async function errorsOf(file) {
  const content = fs.readFileSync(path.resolve(root, file), 'utf8')
  const trace = new NoOperationTraceWriter()
  if (/(^|\/)action\.ya?ml$/.test(file)) {
    return parseAction({ name: file, content }, trace).context.errors.getErrors()
  }
  const parsed = parseWorkflow({ name: file, content }, trace)
  if (parsed.value !== undefined && parsed.context.errors.count === 0) {
    // Conversion checks what the schema alone does not (job ids, needs, matrix, ...).
    await convertWorkflowTemplate(parsed.context, parsed.value)
  }
  return parsed.context.errors.getErrors()
}

let failed = 0
for (const file of files) {
  const errors = await errorsOf(file)
  if (errors.length === 0) {
    console.log(`ok    ${file}`)
    continue
  }
  failed++
  console.log(`FAIL  ${file}`)
  for (const error of errors) console.log(`      ${error.message}`)
}
console.log(`${files.length - failed} of ${files.length} files valid`)
process.exit(failed === 0 ? 0 : 1)
