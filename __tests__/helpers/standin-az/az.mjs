// A stand-in for the Azure CLI's `az acr` commands that builder: acr runs, for tests: no Azure
// is reachable here. Each command takes exactly the arguments the real CLI documents for it
// (azure-cli's acr/_params.py; an unknown one is refused, "unrecognized arguments", exit 2) and
// prints what the real one prints (az acr build: the packing and upload lines, "Queued a build
// with ID: ca1", the streamed log, the final "Run ID: ca1 was successful after 5s" or, on
// stderr, "Run failed" / "Run timed out" / "Run was canceled", exit 1). The "registry" is a
// loopback docker-registry; the "agent" (service.mjs) builds with a second Docker engine and
// pushes there, in a process of its own, so that the run goes on when the client stops.
//
// Set by the test: STANDIN_AZ_STATE (a dir: runs, their logs, calls.log), STANDIN_AZ_REGISTRY
// (the registry's name), STANDIN_AZ_LOGIN_SERVER (the loopback registry's host:port),
// STANDIN_AZ_STORAGE (its storage root: tags are removed there, as distribution has no untag),
// STANDIN_AZ_DOCKER_HOST (the agent's engine), and STANDIN_AZ_FAULT: run-failed | timeout |
// canceled (how the run ends), stream-crash (the client's log stream dies on a non-ASCII line
// even with PYTHONIOENCODING=utf-8), stall (the run stops printing and never ends).
import { execFileSync, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const env = process.env
const STATE = env.STANDIN_AZ_STATE
const RUNS = STATE && path.join(STATE, 'runs')

class AzError extends Error {
  constructor(message, code = 1) {
    super(message)
    this.code = code
  }
}

const flag = { flag: true }
const value = {}
const GROUP = { '--resource-group': { short: '-g' } }
const GLOBAL = {
  '--query': value,
  '--output': { short: '-o' },
  '--only-show-errors': flag,
  '--debug': flag,
  '--verbose': flag,
  '--subscription': value,
}
const REPOSITORY_AUTH = {
  '--username': { short: '-u' },
  '--password': { short: '-p' },
  '--suffix': value,
}

const COMMANDS = {
  'acr show': { options: { '--name': { short: '-n', required: true }, ...GROUP }, run: show },
  'acr build': {
    options: {
      '--registry': { short: '-r', required: true },
      ...GROUP,
      '--image': { short: '-t', append: true },
      '--file': { short: '-f' },
      '--build-arg': { append: true },
      '--secret-build-arg': { append: true },
      '--timeout': value,
      '--platform': value,
      '--target': value,
      '--agent-pool': value,
      '--auth-mode': value,
      '--log-template': value,
      '--source-acr-auth-id': value,
      '--no-push': flag,
      '--no-logs': flag,
      '--no-wait': flag,
      '--no-format': flag,
    },
    positional: 'source_location',
    run: build,
  },
  'acr task show-run': {
    options: {
      '--registry': { short: '-r', required: true },
      ...GROUP,
      '--run-id': { required: true },
    },
    run: showRun,
  },
  'acr task logs': {
    options: {
      '--registry': { short: '-r', required: true },
      ...GROUP,
      '--run-id': value,
      '--name': { short: '-n' },
      '--no-format': flag,
    },
    run: logs,
  },
  'acr task cancel-run': {
    options: {
      '--registry': { short: '-r', required: true },
      ...GROUP,
      '--run-id': { required: true },
    },
    run: cancelRun,
  },
  'acr import': {
    options: {
      '--name': { short: '-n', required: true },
      ...GROUP,
      '--source': { required: true },
      '--image': { short: '-t', append: true },
      '--registry': { short: '-r' },
      '--username': { short: '-u' },
      '--password': { short: '-p' },
      '--repository': { append: true },
      '--force': flag,
      '--no-wait': flag,
    },
    run: importImage,
  },
  'acr repository untag': {
    options: {
      '--name': { short: '-n', required: true },
      '--image': { short: '-t', required: true },
      ...REPOSITORY_AUTH,
    },
    run: untag,
  },
  'acr repository show-tags': {
    options: {
      '--name': { short: '-n', required: true },
      '--repository': { required: true },
      '--detail': flag,
      '--top': value,
      '--orderby': value,
      ...REPOSITORY_AUTH,
    },
    run: showTags,
  },
  'acr repository delete': {
    options: {
      '--name': { short: '-n', required: true },
      '--image': { short: '-t' },
      '--repository': value,
      '--yes': { short: '-y', flag: true },
      ...REPOSITORY_AUTH,
    },
    run: deleteImage,
  },
}

/** argparse's way: every argument known to the command, or "unrecognized arguments". */
function parse(spec, args) {
  const options = { ...spec.options, ...GLOBAL }
  const byName = new Map()
  for (const [name, option] of Object.entries(options)) {
    byName.set(name, name)
    if (option.short) byName.set(option.short, name)
  }
  const given = {}
  const unknown = []
  let positional
  for (let index = 0; index < args.length; index++) {
    const [word, inline] = args[index].startsWith('--')
      ? args[index].split(/=(.*)/s)
      : [args[index]]
    const name = byName.get(word)
    if (name === undefined) {
      if (!word.startsWith('-') && spec.positional && positional === undefined) positional = word
      else unknown.push(args[index])
      continue
    }
    const option = options[name]
    if (option.flag) {
      given[name] = true
      continue
    }
    const text = inline ?? args[++index]
    if (text === undefined) throw new AzError(`argument ${name}: expected one argument`, 2)
    if (option.append) (given[name] ??= []).push(text)
    else given[name] = text
  }
  if (unknown.length > 0) throw new AzError(`unrecognized arguments: ${unknown.join(' ')}`, 2)
  const missing = Object.entries(spec.options)
    .filter(([name, option]) => option.required && given[name] === undefined)
    .map(([name, option]) => (option.short ? `${name}/${option.short}` : name))
  if (spec.positional && positional === undefined) missing.push(spec.positional.toUpperCase())
  if (missing.length > 0) {
    throw new AzError(`the following arguments are required: ${missing.join(', ')}`, 2)
  }
  return { ...given, positional }
}

function registryNamed(name) {
  if (name.toLowerCase() !== env.STANDIN_AZ_REGISTRY) {
    throw new AzError(
      `(ResourceNotFound) The Resource 'Microsoft.ContainerRegistry/registries/${name}' was not found.`,
      3,
    )
  }
  return env.STANDIN_AZ_LOGIN_SERVER
}

function show(options) {
  const loginServer = registryNamed(options['--name'])
  return {
    name: options['--name'],
    loginServer,
    provisioningState: 'Succeeded',
    sku: { name: 'Basic', tier: 'Basic' },
    type: 'Microsoft.ContainerRegistry/registries',
  }
}

function readRun(id) {
  const file = path.join(RUNS, `${id}.json`)
  if (!fs.existsSync(file)) throw new AzError(`(ResourceNotFound) Run '${id}' was not found.`, 3)
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

function writeRun(run) {
  fs.writeFileSync(path.join(RUNS, `${run.runId}.tmp`), JSON.stringify(run))
  fs.renameSync(path.join(RUNS, `${run.runId}.tmp`), path.join(RUNS, `${run.runId}.json`))
}

const FINISHED = ['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout']

function nextRunId() {
  fs.mkdirSync(RUNS, { recursive: true })
  const counter = path.join(STATE, 'counter')
  const next = (fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0) + 1
  fs.writeFileSync(counter, String(next))
  return `ca${next}`
}

function sizeText(bytes) {
  let size = bytes
  for (const unit of ['Bytes', 'KiB', 'MiB']) {
    if (size < 1024) return `${size.toFixed(3)} ${unit}`
    size /= 1024
  }
  return `${size.toFixed(3)} GiB`
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function build(options) {
  registryNamed(options['--registry'])
  const source = options.positional
  if (!fs.existsSync(source) || !fs.statSync(source).isDirectory()) {
    throw new AzError('Source location should be a local directory path or remote URL.')
  }
  // As the real one: --file is relative to the working directory; default source/Dockerfile.
  const file = options['--file'] ?? path.join(source, 'Dockerfile')
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    throw new AzError(`Unable to find '${file}'.`)
  const runId = nextRunId()
  console.error('Packing source code into tar to upload...')
  const archive = path.join(RUNS, `build_archive_${randomUUID().replace(/-/g, '')}.tar.gz`)
  execFileSync('tar', ['-czf', archive, '-C', source, '.'])
  console.error(`Uploading archived source code from '${archive}'...`)
  // What the agent gets: the uploaded archive, unpacked, and the Dockerfile beside it.
  const context = path.join(RUNS, `${runId}-context`)
  fs.mkdirSync(context)
  execFileSync('tar', ['-xzf', archive, '-C', context])
  const dockerfile = `${randomUUID().replace(/-/g, '')}_${path.basename(file)}`
  fs.copyFileSync(file, path.join(context, dockerfile))
  console.error(
    `Sending context (${sizeText(fs.statSync(archive).size)}) to registry: ${options['--registry']}...`,
  )
  fs.rmSync(archive)
  writeRun({
    runId,
    status: 'Queued',
    createTime: new Date().toISOString(),
    images: options['--image'] ?? [],
    push: !options['--no-push'],
    buildArgs: [...(options['--build-arg'] ?? []), ...(options['--secret-build-arg'] ?? [])],
    context,
    dockerfile,
    loginServer: env.STANDIN_AZ_LOGIN_SERVER,
    fault: env.STANDIN_AZ_FAULT ?? '',
  })
  fs.writeFileSync(path.join(RUNS, `${runId}.log`), '')
  console.error(`Queued a build with ID: ${runId}`)
  if (options['--no-wait']) return readRun(runId)
  console.error('Waiting for an agent...')
  const service = path.join(path.dirname(fileURLToPath(import.meta.url)), 'service.mjs')
  const agent = spawn(process.execPath, [service, STATE, runId], {
    detached: true,
    stdio: 'ignore',
  })
  agent.unref()
  if (options['--no-logs']) {
    while (!FINISHED.includes(readRun(runId).status)) await sleep(200)
    const run = readRun(runId)
    if (run.status !== 'Succeeded') {
      throw new AzError(
        `The run with ID '${runId}' finished with unsuccessful status '${run.status}'.`,
      )
    }
    return run
  }
  await streamLog(runId)
  const { status } = readRun(runId)
  if (status === 'Failed' || status === 'Error') throw new AzError('Run failed')
  if (status === 'Timeout') throw new AzError('Run timed out')
  if (status === 'Canceled') throw new AzError('Run was canceled')
  return undefined
}

/** Python's print() on a stdout whose encoding is not UTF-8 (as az's log stream does it). */
function utf8Output() {
  return /^utf-?8$/i.test(env.PYTHONIOENCODING ?? '')
}

function crash(line) {
  const character = [...line].find((c) => c.charCodeAt(0) > 127)
  const position = line.indexOf(character)
  const code = `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  const why = `'ascii' codec can't encode character '${code}' in position ${position}: ordinal not in range(128)`
  console.error('The command failed with an unexpected error. Here is the traceback:')
  console.error(why)
  console.error('Traceback (most recent call last):')
  console.error('  File "/opt/az/lib/python3.12/site-packages/knack/cli.py", line 233, in invoke')
  console.error(
    '  File "/opt/az/lib/python3.12/site-packages/azure/cli/command_modules/acr/_stream_utils.py", line 172, in _stream_logs',
  )
  console.error("    print(flush.decode('utf-8', errors='ignore'))")
  console.error(`UnicodeEncodeError: ${why}`)
  console.error('To check existing issues, please visit: https://github.com/Azure/azure-cli/issues')
  process.exit(1)
}

/** Follows the run's log as it grows, line by line, until the run ended and all is read. */
async function streamLog(runId) {
  const file = path.join(RUNS, `${runId}.log`)
  let offset = 0
  let pending = ''
  for (;;) {
    const finished = FINISHED.includes(readRun(runId).status)
    const text = fs.readFileSync(file)
    if (text.length > offset) {
      pending += text.subarray(offset).toString('utf8')
      offset = text.length
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const line of lines) {
        if (
          [...line].some((character) => character.charCodeAt(0) > 127) &&
          (!utf8Output() || env.STANDIN_AZ_FAULT === 'stream-crash')
        ) {
          crash(line)
        }
        process.stdout.write(`${line}\n`)
      }
    } else if (finished) {
      if (pending !== '') process.stdout.write(`${pending}\n`)
      return
    }
    await sleep(200)
  }
}

function showRun(options) {
  registryNamed(options['--registry'])
  const run = readRun(options['--run-id'])
  return {
    runId: run.runId,
    status: run.status,
    runType: 'QuickRun',
    createTime: run.createTime,
    finishTime: run.finishTime,
  }
}

function lastRunId() {
  const ids = fs.existsSync(RUNS)
    ? fs.readdirSync(RUNS).filter((name) => /^ca\d+\.json$/.test(name))
    : []
  if (ids.length === 0) throw new AzError('Could not find any runs.')
  return ids
    .map((name) => name.replace('.json', ''))
    .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))
    .pop()
}

function logs(options) {
  registryNamed(options['--registry'])
  const runId = options['--run-id'] ?? lastRunId()
  if (!options['--run-id']) console.log(`Showing logs of the last created run.\nRun ID: ${runId}\n`)
  readRun(runId)
  process.stdout.write(fs.readFileSync(path.join(RUNS, `${runId}.log`), 'utf8'))
  return undefined
}

function cancelRun(options) {
  registryNamed(options['--registry'])
  const run = readRun(options['--run-id'])
  if (FINISHED.includes(run.status)) {
    throw new AzError(
      `(BadRequest) The run '${run.runId}' cannot be canceled: it is ${run.status}.`,
    )
  }
  if (run.pid) {
    try {
      process.kill(-run.pid, 'SIGKILL') // the agent and its docker build, as one group
    } catch {
      // already gone
    }
  }
  fs.appendFileSync(path.join(RUNS, `${run.runId}.log`), `Run ID: ${run.runId} was canceled\n`)
  writeRun({ ...run, status: 'Canceled', finishTime: new Date().toISOString() })
  return undefined
}

function docker(args) {
  return execFileSync('docker', args, {
    env: { ...env, DOCKER_HOST: env.STANDIN_AZ_DOCKER_HOST },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

// The registry's storage (distribution's filesystem layout): tags are folders holding a link to
// the manifest's digest.
function tagsDir(repository) {
  return path.join(
    env.STANDIN_AZ_STORAGE,
    'docker/registry/v2/repositories',
    repository,
    '_manifests/tags',
  )
}

function repositoryTags(repository) {
  const dir = tagsDir(repository)
  if (!fs.existsSync(dir))
    throw new AzError(`(NAME_UNKNOWN) repository name not known to registry: ${repository}`)
  return fs.readdirSync(dir).map((name) => ({
    name,
    digest: fs.readFileSync(path.join(dir, name, 'current/link'), 'utf8').trim(),
  }))
}

function splitImage(image) {
  const at = image.indexOf('@')
  if (at >= 0) return { repository: image.slice(0, at), digest: image.slice(at + 1) }
  const colon = image.lastIndexOf(':')
  return colon > image.lastIndexOf('/')
    ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repository: image, tag: 'latest' }
}

function importImage(options) {
  const loginServer = registryNamed(options['--name'])
  const source = options['--source']
  if (!source.startsWith(`${loginServer}/`)) {
    throw new AzError(
      `(InvalidParameter) The stand-in imports only from its own registry ${loginServer}, not ${source}`,
    )
  }
  const { repository, tag } = splitImage(source.slice(loginServer.length + 1))
  if (!repositoryTags(repository).some(({ name }) => name === tag)) {
    throw new AzError(`(InvalidParameter) Source image ${source} not found.`)
  }
  for (const image of options['--image'] ?? [source.slice(loginServer.length + 1)]) {
    const target = splitImage(image)
    let exists
    try {
      exists = repositoryTags(target.repository).some(({ name }) => name === target.tag)
    } catch {
      exists = false // no such repository yet
    }
    if (exists && !options['--force']) {
      throw new AzError(`(Conflict) Tag ${image} already exists in target registry.`)
    }
    docker(['pull', '--quiet', source])
    docker(['tag', source, `${loginServer}/${image}`])
    docker(['push', '--quiet', `${loginServer}/${image}`])
  }
  return undefined
}

function untag(options) {
  registryNamed(options['--name'])
  const { repository, tag } = splitImage(options['--image'])
  if (!repositoryTags(repository).some(({ name }) => name === tag)) {
    throw new AzError(`(TAG_UNKNOWN) The specified tag does not exist: ${options['--image']}`)
  }
  fs.rmSync(path.join(tagsDir(repository), tag), { recursive: true, force: true })
  return undefined
}

function showTags(options) {
  registryNamed(options['--name'])
  const tags = repositoryTags(options['--repository']).sort((a, b) => a.name.localeCompare(b.name))
  if (!options['--detail']) return tags.map(({ name }) => name)
  return tags.map(({ name, digest }) => ({
    name,
    digest,
    signed: false,
    changeableAttributes: {
      deleteEnabled: true,
      listEnabled: true,
      readEnabled: true,
      writeEnabled: true,
    },
  }))
}

function deleteImage(options) {
  registryNamed(options['--name'])
  if (!options['--yes']) {
    throw new AzError('Unable to prompt for confirmation as no tty available. Use --yes.')
  }
  if (!options['--image']) throw new AzError('The stand-in deletes images only (--image).')
  const image = splitImage(options['--image'])
  const tags = repositoryTags(image.repository)
  const digest = image.digest ?? tags.find(({ name }) => name === image.tag)?.digest
  if (!digest) throw new AzError(`(MANIFEST_UNKNOWN) manifest unknown: ${options['--image']}`)
  // The manifest goes, and with it every tag on it.
  for (const { name } of tags.filter((tag) => tag.digest === digest)) {
    fs.rmSync(path.join(tagsDir(image.repository), name), { recursive: true, force: true })
  }
  const revision = path.join(tagsDir(image.repository), '..', 'revisions', ...digest.split(':'))
  fs.rmSync(revision, { recursive: true, force: true })
  return undefined
}

function print(result, options) {
  if (result === undefined) return
  let shown = result
  if (options['--query']) {
    if (!/^[A-Za-z]\w*$/.test(options['--query']))
      throw new AzError('The stand-in knows simple queries only.')
    shown = result[options['--query']]
  }
  if (options['--output'] === 'tsv') {
    console.log(
      Array.isArray(shown)
        ? shown.join('\n')
        : typeof shown === 'object'
          ? Object.values(shown).join('\t')
          : String(shown),
    )
  } else {
    console.log(JSON.stringify(shown, null, 2))
  }
}

async function main(argv) {
  if (!STATE)
    throw new AzError('STANDIN_AZ_STATE is not set: this stand-in runs under the tests only')
  fs.mkdirSync(STATE, { recursive: true })
  fs.appendFileSync(path.join(STATE, 'calls.log'), `${JSON.stringify(argv)}\n`)
  const words = argv.slice(0, 3)
  const name = [3, 2].map((count) => words.slice(0, count).join(' ')).find((key) => COMMANDS[key])
  if (!name)
    throw new AzError(`'${words.join(' ')}' is misspelled or not recognized by the system.`, 2)
  const spec = COMMANDS[name]
  const options = parse(spec, argv.slice(name.split(' ').length))
  print(await spec.run(options), options)
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    console.error(
      error instanceof AzError ? `ERROR: ${error.message}` : String(error.stack ?? error),
    )
    process.exit(error instanceof AzError ? error.code : 1)
  },
)
