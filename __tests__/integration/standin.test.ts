// Pins the local stand-in of the Azure ML inference image (standin/) to the serving contract the
// action relies on (/work/shared/azureml-image-contract.md): image config, pip ownership, routes,
// run() decorated with inference_schema and the /swagger.json it gets, start-up failures that
// make the container exit, prompt docker stop.
// Needs a Docker engine; fails (does not skip) without one. The image is (re)built by
// standin/build.sh in beforeAll: seconds when up to date.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const FIXTURES = path.join(ROOT, '__tests__/fixtures/standin')
// Wheels come from the project's own local index script: no package index is reachable here.
const WHEEL_MOUNTS = [
  '-v',
  `${ROOT}/scripts:/scripts:ro`,
  '-v',
  `${ROOT}/__tests__/fixtures/pypi:/pypi:ro`,
]
const WRITE_WHEELS = ['python', '/scripts/local-pypi.py', '--packages', '/pypi', '--write-wheels']
// STANDIN_TAG (as for standin/build.sh) tests a change under another tag than the shared one.
const IMAGE = `azureml-standin/minimal-inference:${process.env.STANDIN_TAG ?? 'latest'}`
const DOCKER = process.env.DOCKER ?? 'docker'
const TEST_LABEL = 'io.extend-azureml-image.test=standin'
const RUN_LABEL = `io.extend-azureml-image.test-run=${randomUUID()}`
const ENV_BIN = '/azureml-envs/minimal/bin'
const MODEL_DIR = '/var/azureml-app/azureml-models'
const RUN_FAILED = {
  message: 'An unexpected error occurred in scoring script. Check the logs for more info.',
}
// A container that runs one command and is removed, labelled for the clean-up checks.
const ONE_OFF = ['run', '--rm', '--label', TEST_LABEL, '--label', RUN_LABEL]

interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

// Never throws: callers assert on the exit code.
function exec(file: string, args: string[], timeoutMs = 60_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr) + (err && code === -1 ? err.message : ''),
        })
      },
    )
  })
}

async function docker(args: string[], timeoutMs = 60_000): Promise<string> {
  const r = await exec(DOCKER, args, timeoutMs)
  if (r.code !== 0)
    throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`)
  return r.stdout.trim()
}

function runBuildScript(timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'standin/build.sh')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else reject(new Error(`standin/build.sh failed (${code ?? signal}):\n${output}`))
    })
  })
}

interface HttpResult {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

// node:http with a hard deadline: a published port whose container is not listening yet can
// accept and then stall or drop the connection.
function request(
  port: number,
  method: string,
  urlPath: string,
  opts: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          clearTimeout(timer)
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          })
        })
      },
    )
    const timer = setTimeout(
      () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    )
    req.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    req.end(opts.body)
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Container {
  id: string
  port: number // 0 when not published
  startedAt: number
}

async function startContainer(
  fixture: string,
  env: Record<string, string>,
  opts: { publish?: boolean; extraArgs?: string[] } = {},
): Promise<Container> {
  const args = ['run', '-d', '--label', TEST_LABEL, '--label', RUN_LABEL]
  if (opts.publish !== false) args.push('-p', '127.0.0.1::5001')
  args.push('-v', `${path.join(FIXTURES, fixture)}:/var/azureml-app:ro`)
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`)
  args.push(...(opts.extraArgs ?? []), IMAGE)
  const startedAt = Date.now()
  const id = await docker(args)
  let port = 0
  if (opts.publish !== false) {
    const mapping = (await docker(['port', id, '5001/tcp'])).split('\n')[0]
    port = Number(mapping.slice(mapping.lastIndexOf(':') + 1))
  }
  return { id, port, startedAt }
}

async function state(id: string): Promise<{ status: string; exitCode: number }> {
  const [status, exitCode] = (
    await docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id])
  ).split(' ')
  return { status, exitCode: Number(exitCode) }
}

async function logs(id: string): Promise<string> {
  const r = await exec(DOCKER, ['logs', id])
  return r.stdout + r.stderr
}

// Milliseconds from `docker run` to the first `GET /` answered 200 Healthy.
async function waitLive(c: Container, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    try {
      const r = await request(c.port, 'GET', '/', { timeoutMs: 2_000 })
      if (r.status === 200 && r.body === 'Healthy') return Date.now() - c.startedAt
    } catch {
      // not listening yet
    }
    const s = await state(c.id)
    if (s.status !== 'running') {
      throw new Error(
        `container ${s.status} (${s.exitCode}) before GET / answered:\n${await logs(c.id)}`,
      )
    }
    if (Date.now() - c.startedAt > timeoutMs) {
      throw new Error(`GET / not 200 within ${timeoutMs} ms:\n${await logs(c.id)}`)
    }
    await sleep(200)
  }
}

// Exit code once the container has stopped by itself (docker wait, bounded).
async function waitExit(c: Container, timeoutMs = 60_000): Promise<number> {
  return Number(await docker(['wait', c.id], timeoutMs))
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const MODEL_ENV = { AZUREML_ENTRY_SCRIPT: 'score.py', AZUREML_MODEL_DIR: MODEL_DIR }

const failures = {
  'init() raises': {
    fixture: 'init-raises',
    env: { AZUREML_ENTRY_SCRIPT: 'score.py', AZUREML_MODEL_DIR: '/var/azureml-app' },
    expected: [
      'RuntimeError: init() cannot load the model',
      'File "/var/azureml-app/score.py", line 2, in init',
      'Model directory contents',
      'score.py (',
    ],
  },
  'syntax error': {
    fixture: 'syntax-error',
    env: { AZUREML_ENTRY_SCRIPT: 'score.py' },
    expected: ['SyntaxError', 'def run(data)'],
  },
  'missing module': {
    fixture: 'missing-module',
    env: { AZUREML_ENTRY_SCRIPT: 'score.py' },
    expected: ["ModuleNotFoundError: No module named 'module_that_is_not_installed'", 'Traceback'],
  },
  'no run()': {
    fixture: 'no-run',
    env: { AZUREML_ENTRY_SCRIPT: 'score.py' },
    expected: ['missing: run'],
  },
  'run(*args)': {
    fixture: 'run-varargs',
    env: { AZUREML_ENTRY_SCRIPT: 'score.py' },
    expected: ['cannot take positional-only parameters, *args or **kwargs: args'],
  },
  'missing entry script': {
    fixture: 'model-dir',
    env: { AZUREML_ENTRY_SCRIPT: 'does-not-exist.py' },
    expected: ['Entry script not found: /var/azureml-app/does-not-exist.py'],
  },
  'default entry script main.py absent': {
    fixture: 'model-dir',
    env: {},
    expected: ['Entry script not found: /var/azureml-app/main.py'],
  },
} as const
type FailureCase = keyof typeof failures

describe('standin image', () => {
  let serving: Container
  let preloaded: Container
  let extraRequirements: Container
  let stoppable: Container
  let slowInit: Container
  let schema: Container
  let schemaMixed: Container
  let userSwagger: Container
  let deployEnv: Container
  let outOfMemory: Container
  let pastGunicornTimeout: Container
  const failed = {} as Record<FailureCase, Container>
  let servingLiveMs = 0
  let wheelDir = ''

  beforeAll(
    async () => {
      const version = await exec(DOCKER, ['version', '-f', '{{.Server.Version}}'])
      if (version.code !== 0) throw new Error(`no usable Docker engine: ${version.stderr}`)
      await runBuildScript(14 * 60 * 1000)

      // The extra-requirements case installs a wheel written by scripts/local-pypi.py.
      wheelDir = await mkdtemp(path.join(os.tmpdir(), 'standin-wheels-'))
      await chmod(wheelDir, 0o755)
      const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`
      await docker([
        ...ONE_OFF,
        '--user',
        user,
        ...WHEEL_MOUNTS,
        '-v',
        `${wheelDir}:/out`,
        IMAGE,
        ...WRITE_WHEELS,
        '/out',
      ])

      // Start everything at once: the tests below only wait.
      const starts: Promise<void>[] = [
        startContainer('model-dir', { ...MODEL_ENV, SCORING_TIMEOUT_MS: '1500' }).then((c) => {
          serving = c
        }),
        startContainer('model-dir', {
          ...MODEL_ENV,
          WORKER_PRELOAD: 'true',
          WORKER_COUNT: '2',
          AZUREML_LOG_LEVEL: 'WARNING',
        }).then((c) => {
          preloaded = c
        }),
        startContainer(
          'extra-requirements',
          { AZUREML_ENTRY_SCRIPT: 'score.py', AZUREML_EXTRA_REQUIREMENTS_TXT: 'requirements.txt' },
          { extraArgs: ['-v', `${wheelDir}:/wheels:ro`] },
        ).then((c) => {
          extraRequirements = c
        }),
        startContainer('model-dir', MODEL_ENV).then((c) => {
          stoppable = c
        }),
        startContainer('slow-init', { AZUREML_ENTRY_SCRIPT: 'score.py', WORKER_TIMEOUT: '2' }).then(
          (c) => {
            slowInit = c
          },
        ),
        startContainer('schema', { AZUREML_ENTRY_SCRIPT: 'score.py' }).then((c) => {
          schema = c
        }),
        startContainer('schema-mixed', { AZUREML_ENTRY_SCRIPT: 'score.py' }).then((c) => {
          schemaMixed = c
        }),
        startContainer('schema-user-swagger', { AZUREML_ENTRY_SCRIPT: 'score.py' }).then((c) => {
          userSwagger = c
        }),
        startContainer('deploy-env', {
          AZUREML_ENTRY_SCRIPT: 'score.py',
          DEPLOY_SETTING: 'from-the-deployment',
          DEPLOY_OTHER: '42',
        }).then((c) => {
          deployEnv = c
        }),
        // No swap on top of the limit, as in a deployment.
        startContainer(
          'oom-init',
          { AZUREML_ENTRY_SCRIPT: 'score.py' },
          { extraArgs: ['--memory', '100m', '--memory-swap', '100m'] },
        ).then((c) => {
          outOfMemory = c
        }),
        startContainer('init-past-30s', { AZUREML_ENTRY_SCRIPT: 'score.py' }).then((c) => {
          pastGunicornTimeout = c
        }),
        ...(Object.keys(failures) as FailureCase[]).map((name) =>
          startContainer(failures[name].fixture, failures[name].env, { publish: false }).then(
            (c) => {
              failed[name] = c
            },
          ),
        ),
      ]
      await Promise.all(starts)
      // Timed here: the image tests below run for seconds before the serving tests look.
      servingLiveMs = await waitLive(serving)
    },
    15 * 60 * 1000,
  )

  afterAll(async () => {
    const ids = (await exec(DOCKER, ['ps', '-aq', '--filter', `label=${RUN_LABEL}`])).stdout
      .split('\n')
      .filter(Boolean)
    if (ids.length > 0) await exec(DOCKER, ['rm', '-f', ...ids])
    if (wheelDir) await rm(wheelDir, { recursive: true, force: true })
  }, 120_000)

  describe('image', () => {
    it('has the real image config: user, cmd, workdir, PATH, app root, port', async () => {
      const config = JSON.parse(await docker(['image', 'inspect', '-f', '{{json .Config}}', IMAGE]))
      expect(config.User).toBe('dockeruser')
      expect(config.Cmd).toEqual(['runsvdir', '/var/runit'])
      expect(config.WorkingDir).toBe('/')
      expect(config.ExposedPorts).toHaveProperty(['5001/tcp'])
      const env: string[] = config.Env
      expect(env.find((e) => e.startsWith('PATH='))).toMatch(new RegExp(`^PATH=${ENV_BIN}:`))
      expect(env).toContain('AML_APP_ROOT=/var/azureml-app')
      expect(config.Labels['io.extend-azureml-image.standin.hash']).toMatch(/^[0-9a-f]{32}$/)
    })

    it('gives dockeruser the runtime dirs and keeps the env root-owned', async () => {
      const out = await docker([
        ...ONE_OFF,
        IMAGE,
        'stat',
        '-c',
        '%U %n',
        '/var/runit',
        '/var/runit/gunicorn',
        '/var/log',
        '/var/lib/nginx',
        '/run',
        '/var/azureml-app',
        '/azureml-envs/minimal',
        '/azureml-envs/minimal/bin/python',
      ])
      expect(out.split('\n')).toEqual([
        'dockeruser /var/runit',
        'dockeruser /var/runit/gunicorn',
        'dockeruser /var/log',
        'dockeruser /var/lib/nginx',
        'dockeruser /run',
        'dockeruser /var/azureml-app',
        'root /azureml-envs/minimal',
        'root /azureml-envs/minimal/bin/python',
      ])
    })

    it('pip as root installs into the env; as dockeruser it fails with a permission error', async () => {
      const script = [
        `${WRITE_WHEELS.join(' ')} /tmp >/dev/null`,
        'pip install --no-index --disable-pip-version-check /tmp/standin_probe-1.0-py3-none-any.whl',
        'python -c "import standin_probe; print(standin_probe.__file__)"',
      ].join(' && ')
      const run = (user: string) =>
        exec(DOCKER, [...ONE_OFF, '--user', user, ...WHEEL_MOUNTS, IMAGE, 'bash', '-c', script])
      const [asRoot, asUser] = await Promise.all([run('root'), run('dockeruser')])
      expect(asRoot.code).toBe(0)
      expect(asRoot.stdout).toMatch(
        /\/azureml-envs\/minimal\/lib\/python3\.\d+\/site-packages\/standin_probe\.py/,
      )
      expect(asUser.code).not.toBe(0)
      expect(asUser.stderr + asUser.stdout).toMatch(/Permission denied: '\/azureml-envs\/minimal\//)
    })

    it('has inference-schema in the env, as the real server depends on it', async () => {
      const out = await docker([
        ...ONE_OFF,
        IMAGE,
        'bash',
        '-c',
        'pip show inference-schema 2>/dev/null | sed -n 2p && python -c "import inference_schema.schema_decorators as m; print(m.__file__)"',
      ])
      expect(out.split('\n')).toEqual([
        'Version: 1.8.0+standin',
        '/azureml-envs/minimal/lib/python3.11/site-packages/inference_schema/schema_decorators.py',
      ])
    })
  })

  describe('serving (model-dir fixture, SCORING_TIMEOUT_MS=1500)', () => {
    beforeAll(() => {
      expect(servingLiveMs).toBeLessThan(30_000)
    })

    // As the real runit script: banner, image information, pip freeze, then the server.
    it('the start script prints its banner and pip freeze before gunicorn starts', async () => {
      const log = await logs(serving.id)
      const at = (text: string | RegExp) => {
        const index = typeof text === 'string' ? log.indexOf(text) : log.search(text)
        if (index < 0) throw new Error(`${String(text)} not in the log:\n${log}`)
        return index
      }
      const order = [
        at(/^\S+ \| gunicorn\/run \| AzureML Container Runtime Information$/m),
        at(/^\S+ \| gunicorn\/run \| AzureML image information: .*Materialization Build:\d{8}/m),
        at(`| gunicorn/run | PATH environment variable: ${ENV_BIN}:`),
        at('| gunicorn/run | Pip Dependencies (before dynamic installation)'),
        at(/^azureml-inference-server-http==0\.8\.4\.2\+standin$/m),
        at(/^Flask==2\.2\.2$/m),
        at('| gunicorn/run | Dynamic Python package installation is disabled.'),
        at('| gunicorn/run | AzureML Inference Server'),
        at('[INFO] Starting gunicorn 20.1.0'),
      ]
      expect(order).toEqual([...order].sort((a, b) => a - b))
      // What it lists is what pip freeze says in that container (nginx lines may interleave).
      const section = log.slice(order[3], order[6])
      const listed = section.split('\n').filter((line) => /^\S+(==| @ )\S/.test(line))
      const freeze = await docker(['exec', serving.id, 'pip', 'freeze'])
      expect(listed).toEqual(freeze.split('\n'))
    })

    it('GET / answers 200 Healthy with a generated x-request-id', async () => {
      const r = await request(serving.port, 'GET', '/')
      expect(r.status).toBe(200)
      expect(r.body).toBe('Healthy')
      expect(r.headers['x-request-id']).toMatch(UUID)
    })

    it('echoes the caller x-request-id', async () => {
      const r = await request(serving.port, 'GET', '/', { headers: { 'x-request-id': 'req-123' } })
      expect(r.headers['x-request-id']).toBe('req-123')
    })

    it('POST /score calls run() with the raw body; init() read the model from AZUREML_MODEL_DIR', async () => {
      const r = await request(serving.port, 'POST', '/score', {
        body: '{"data": [1, 2]}',
        headers: { 'content-type': 'application/json' },
      })
      expect(r.status).toBe(200)
      expect(r.headers['content-type']).toMatch(/^application\/json/)
      expect(Number(r.headers['x-ms-run-fn-exec-ms'])).toBeGreaterThanOrEqual(0)
      expect(r.headers['x-request-id']).toMatch(UUID)
      expect(JSON.parse(r.body)).toEqual({
        model: 'tiny-model',
        weight: 0.5,
        echo: '{"data": [1, 2]}',
        greeting: 'hello from helper',
      })
    })

    it('GET /score calls run() with the query parameters as a JSON object', async () => {
      const [none, some] = await Promise.all([
        request(serving.port, 'GET', '/score'),
        request(serving.port, 'GET', '/score?k=1&k=2&name=a&flag=true'),
      ])
      expect(none.status).toBe(200)
      expect(JSON.parse(none.body)).toMatchObject({ echo: '{}' })
      expect(JSON.parse(JSON.parse(some.body).echo)).toEqual({ k: [1, 2], name: 'a', flag: true })
    })

    it('run() raising: 500 contract, x-ms-run-function-failed, traceback only in the log', async () => {
      const r = await request(serving.port, 'POST', '/score', { body: 'raise' })
      expect(r.status).toBe(500)
      expect(JSON.parse(r.body)).toEqual(RUN_FAILED)
      expect(r.headers['x-ms-run-function-failed']).toBe('True')
      expect(r.headers['x-request-id']).toMatch(UUID)
      expect(r.body).not.toContain('Traceback')
      const log = await logs(serving.id)
      expect(log).toContain('Traceback (most recent call last)')
      expect(log).toContain('ValueError: run() was asked to fail')
    })

    it('run() slower than SCORING_TIMEOUT_MS: 500 Scoring timeout, run() interrupted', async () => {
      const started = Date.now()
      const r = await request(serving.port, 'POST', '/score', { body: 'sleep-then-mark:3' })
      expect(r.status).toBe(500)
      expect(JSON.parse(r.body)).toEqual({ message: 'Scoring timeout after 1500 ms' })
      // The real server says run() failed, and raises TimeoutError inside it (SIGALRM).
      expect(r.headers['x-ms-run-function-failed']).toBe('True')
      expect(Date.now() - started).toBeLessThan(3_000)
      await sleep(2_500) // past the 3 s run() would have slept
      const marked = await exec(DOCKER, ['exec', serving.id, 'cat', '/tmp/run-finished'])
      expect(marked.stderr).toContain('No such file or directory')
      expect(await logs(serving.id)).toMatch(/SCORING_TIMEOUT_MS=1500[\s\S]*TimeoutError/)
    })

    it('serves swagger.json versions 2 (default), 3 and 3.1; unknown version 404', async () => {
      const [v2, v3, v31, bad] = await Promise.all(
        [
          '/swagger.json',
          '/swagger.json?version=3',
          '/swagger.json?version=3.1',
          '/swagger.json?version=7',
        ].map((p) => request(serving.port, 'GET', p)),
      )
      expect(v2.status).toBe(200)
      const [doc2, doc3, doc31] = [v2, v3, v31].map((r) => JSON.parse(r.body))
      expect(doc2.swagger).toBe('2.0')
      expect(Object.keys(doc2.paths['/score'])).toEqual(['post'])
      expect(doc3.openapi).toBe('3.0.3')
      expect(doc31.openapi).toBe('3.1.0')
      // An undecorated run(): the placeholder schemas, in each version's place for them.
      const undeclared = { type: 'object', example: {} }
      expect(doc2.definitions.ServiceInput).toEqual(undeclared)
      expect(doc2.definitions.ServiceOutput).toEqual(undeclared)
      expect(doc3.components.schemas.ServiceInput).toEqual(undeclared)
      expect(doc31.components.schemas.ServiceOutput).toEqual(undeclared)
      expect(bad.status).toBe(404)
      expect(JSON.parse(bad.body)).toEqual({
        message: 'Swagger version [7] is not valid. Supported versions: [2, 3, 3.1].',
      })
    })

    it('unknown path 404 and wrong method 405 answer JSON messages', async () => {
      const [missing, wrongMethod] = await Promise.all([
        request(serving.port, 'GET', '/nope'),
        request(serving.port, 'PUT', '/score', { body: 'x' }),
      ])
      expect(missing.status).toBe(404)
      expect(JSON.parse(missing.body).message).toEqual(expect.any(String))
      expect(missing.headers['x-request-id']).toMatch(UUID)
      expect(wrongMethod.status).toBe(405)
      expect(JSON.parse(wrongMethod.body).message).toEqual(expect.any(String))
    })

    it('logs what init() prints', async () => {
      expect(await logs(serving.id)).toContain('init: loaded model tiny-model')
    })
  })

  describe('a run() that declares a schema with inference_schema (schema fixture)', () => {
    const json = { 'content-type': 'application/json' }
    const post = (body: string, headers: Record<string, string> = json) =>
      request(schema.port, 'POST', '/score', { body, headers })

    beforeAll(async () => {
      await Promise.all([waitLive(schema), waitLive(schemaMixed), waitLive(userSwagger)])
    }, 90_000)

    it('/swagger.json carries the schemas derived from the samples, in versions 2, 3 and 3.1', async () => {
      const [v2, v3, v31, v30] = await Promise.all(
        ['', '?version=3', '?version=3.1', '?version=3.0'].map((q) =>
          request(schema.port, 'GET', `/swagger.json${q}`),
        ),
      )
      const input = {
        type: 'object',
        properties: {
          data: {
            type: 'array',
            items: { type: 'array', items: { type: 'number', format: 'double' } },
          },
          GlobalParameters: {
            type: 'object',
            required: ['scale'],
            properties: { scale: { type: 'integer', format: 'int64' } },
          },
          request_headers: {},
        },
        example: { data: [[1.0, 2.0, 3.0]], GlobalParameters: { scale: 2 }, request_headers: '' },
      }
      const output = {
        type: 'object',
        required: ['predictions', 'types'],
        properties: {
          predictions: { type: 'array', items: { type: 'number', format: 'double' } },
          types: { type: 'array', items: { type: 'string' } },
        },
        example: { predictions: [1.5], types: ['list'] },
      }
      const doc2 = JSON.parse(v2.body)
      expect(doc2.definitions).toMatchObject({ ServiceInput: input, ServiceOutput: output })
      expect(doc2.paths['/score'].post.parameters[0].schema).toEqual({
        $ref: '#/definitions/ServiceInput',
      })
      for (const r of [v3, v31, v30]) {
        expect(r.status).toBe(200)
        const doc = JSON.parse(r.body)
        expect(doc.components.schemas).toMatchObject({ ServiceInput: input, ServiceOutput: output })
        expect(doc.paths['/score'].post.requestBody.content['application/json'].schema).toEqual({
          $ref: '#/components/schemas/ServiceInput',
        })
      }
      expect(JSON.parse(v30.body)).toEqual(JSON.parse(v3.body))
    })

    it('POST /score: keyword arguments from the JSON object, converted, defaults and headers', async () => {
      const [full, defaulted] = await Promise.all([
        post('{"data": [[1, 2, 3], [4, 5, 6]], "GlobalParameters": {"scale": 10}, "extra": 1}', {
          ...json,
          'x-request-id': 'req-7',
        }),
        post('{"data": [[1, 1]]}'),
      ])
      expect(full.status).toBe(200)
      expect(JSON.parse(full.body)).toEqual({
        predictions: [60, 150],
        types: ['list', 'dict'],
        request_id: 'req-7',
      })
      expect(JSON.parse(defaulted.body)).toMatchObject({ predictions: [2] })
    })

    it('GET /score: the query parameters as the arguments', async () => {
      const r = await request(schema.port, 'GET', '/score?data=%5B%5B1%2C2%5D%5D')
      expect(r.status).toBe(200)
      expect(JSON.parse(r.body)).toMatchObject({ predictions: [3] })
    })

    it.each<[string, number, string, Record<string, string>, RegExp]>([
      [
        'a wrong content type',
        415,
        '{"data": [[1]]}',
        { 'content-type': 'text/plain' },
        /Content-Type: application\/json/,
      ],
      ['no content type', 415, '{"data": [[1]]}', {}, /Content-Type: application\/json/],
      ['a body that is not JSON', 400, 'data=1', json, /^The body is not JSON/],
      ['an empty body', 400, '', json, /^The body is empty/],
      ['JSON that is not an object', 400, '[[1, 2]]', json, /must be a JSON object/],
      ['no value for a parameter without default', 400, '{"GlobalParameters": {}}', json, /'data'/],
    ])('%s: %d with a JSON message', async (_name, status, body, headers, message) => {
      const r = await post(body, headers)
      expect(r.status).toBe(status)
      expect(JSON.parse(r.body).message).toMatch(message)
      expect(r.headers['x-request-id']).toMatch(UUID)
    })

    it('a value the decorator cannot convert: run() fails (500), as with the real decorator', async () => {
      const r = await post('{"data": "not a list"}')
      expect(r.status).toBe(500)
      expect(JSON.parse(r.body)).toEqual(RUN_FAILED)
      expect(r.headers['x-ms-run-function-failed']).toBe('True')
      expect(await logs(schema.id)).toContain('ValueError: expected a JSON array, got str')
    })

    it('items of mixed types: no OpenAPI 2 document (404, the default), versions 3 and 3.1 with oneOf', async () => {
      const [byDefault, v3, bad] = await Promise.all(
        ['', '?version=3', '?version=4'].map((q) =>
          request(schemaMixed.port, 'GET', `/swagger.json${q}`),
        ),
      )
      expect(byDefault.status).toBe(404)
      expect(JSON.parse(byDefault.body)).toEqual({
        message:
          "Swagger version [2] is not supported by the entry script's schema. Supported versions: [3, 3.1].",
      })
      expect(JSON.parse(v3.body).components.schemas.ServiceInput.properties.row).toEqual({
        type: 'array',
        items: { oneOf: [{ type: 'integer', format: 'int64' }, { type: 'string' }] },
      })
      expect(JSON.parse(bad.body).message).toBe(
        'Swagger version [4] is not valid. Supported versions: [3, 3.1].',
      )
    })

    it("the app root's own swagger3.json is served as is; version 2 is still generated", async () => {
      const [v3, v2] = await Promise.all(
        ['?version=3', '?version=2'].map((q) =>
          request(userSwagger.port, 'GET', `/swagger.json${q}`),
        ),
      )
      expect(JSON.parse(v3.body)).toEqual({
        openapi: '3.0.3',
        info: { title: 'brought by the user', version: '7' },
        paths: {},
      })
      expect(JSON.parse(v2.body).definitions.ServiceInput).toEqual({ type: 'object', example: {} })
    })
  })

  describe('server settings', () => {
    it('WORKER_PRELOAD runs init() once for WORKER_COUNT=2; AZUREML_LOG_LEVEL=WARNING hides INFO', async () => {
      await waitLive(preloaded)
      const r = await request(preloaded.port, 'POST', '/score', { body: 'x' })
      expect(r.status).toBe(200)
      const log = await logs(preloaded.id)
      expect(log).toContain('workers 2')
      expect(log.split('init: loaded model').length - 1).toBe(1)
      expect(log).not.toMatch(/\bINFO\b/)
    })

    it('installs AZUREML_EXTRA_REQUIREMENTS_TXT before starting the server', async () => {
      await waitLive(extraRequirements)
      const r = await request(extraRequirements.port, 'POST', '/score', { body: 'x' })
      expect(r.status).toBe(200)
      expect(JSON.parse(r.body)).toEqual({ probe: 42 })
      expect(await logs(extraRequirements.id)).toContain('Successfully installed standin-probe-1.0')
    })
  })

  // After the serving tests: these start one-off containers with pip, and the serving tests
  // time the containers started in beforeAll.
  describe('the server distribution, as pip sees it', () => {
    // What the conflict check reads: the server as pip sees it, with the ranges of a real
    // release that Debian's flask, gunicorn and pydantic meet (standin/README.md says which).
    it('has the server as the distribution azureml-inference-server-http, with its ranges', async () => {
      const script = [
        'import importlib.metadata as m, importlib.util, json',
        'd = m.distribution("azureml-inference-server-http")',
        'server = importlib.util.find_spec("azureml_inference_server_http.standin_server").origin',
        'owned = [str(f) for f in d.files if str(f).endswith(".py")]',
        'print(json.dumps({"name": d.metadata["Name"], "version": d.version,',
        '  "requires": d.requires, "server": server, "owned": owned}))',
      ].join('\n')
      const out = JSON.parse(await docker([...ONE_OFF, IMAGE, 'python', '-c', script]))
      expect(out).toEqual({
        name: 'azureml-inference-server-http',
        version: '0.8.4.2+standin',
        requires: [
          'flask<2.3.0',
          'flask-cors~=3.0.1',
          'gunicorn==20.1.0; platform_system != "Windows"',
          'inference-schema~=1.8.0',
          'psutil<6.0.0; platform_system == "Windows"',
          'pydantic<1.11,>=1.9',
          'waitress==2.1.2; platform_system == "Windows"',
        ],
        server:
          '/azureml-envs/minimal/lib/python3.11/site-packages/azureml_inference_server_http/standin_server.py',
        owned: [
          'azureml_inference_server_http/__init__.py',
          'azureml_inference_server_http/gunicorn_conf.py',
          'azureml_inference_server_http/standin_server.py',
        ],
      })
    })

    // What a requirement outside the server's range does: pip installs it, pip check names the
    // server and the range. The wheel is made on the spot: Flask 2.3.0, metadata only.
    it("a flask outside the server's range: pip check names the server and its range", async () => {
      const info = 'flask-2.3.0.dist-info'
      const script = [
        `mkdir -p /tmp/w/${info} && cd /tmp/w`,
        `printf 'Metadata-Version: 2.1\\nName: Flask\\nVersion: 2.3.0\\n' > ${info}/METADATA`,
        `printf 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n' > ${info}/WHEEL`,
        `printf '${info}/METADATA,,\\n${info}/WHEEL,,\\n${info}/RECORD,,\\n' > ${info}/RECORD`,
        `python -m zipfile -c /tmp/flask-2.3.0-py3-none-any.whl ${info}`,
        'pip install -q --no-index --no-deps --disable-pip-version-check /tmp/flask-2.3.0-py3-none-any.whl',
        'pip check',
      ].join(' && ')
      const r = await exec(DOCKER, [...ONE_OFF, '--user', 'root', IMAGE, 'bash', '-c', script])
      expect(r.stdout.trim()).toBe(
        'azureml-inference-server-http 0.8.4.2+standin has requirement flask<2.3.0, but you have flask 2.3.0.',
      )
      expect(r.code).toBe(1)
    })

    // The banner lists the packages with a script of its own (pip's start-up is the cost of
    // pip freeze): it must print what pip freeze prints, wherever pip put the packages.
    it("the banner's package list is pip freeze's, for a wheel from a file or in the user site", async () => {
      const compare = [
        'python /var/runit/gunicorn/pip-freeze.py > /tmp/banner.txt',
        'pip freeze --disable-pip-version-check > /tmp/pip.txt',
        'diff /tmp/pip.txt /tmp/banner.txt && cat /tmp/banner.txt',
      ].join(' && ')
      const install = (flags: string) =>
        `${WRITE_WHEELS.join(' ')} /tmp >/dev/null && pip install -q --no-index --disable-pip-version-check ${flags} /tmp/standin_probe-1.0-py3-none-any.whl`
      const run = (user: string, flags: string) =>
        exec(DOCKER, [
          ...ONE_OFF,
          '--user',
          user,
          ...WHEEL_MOUNTS,
          IMAGE,
          'bash',
          '-c',
          `${install(flags)} && ${compare}`,
        ])
      const [asRoot, inUserSite] = await Promise.all([run('root', ''), run('dockeruser', '--user')])
      for (const r of [asRoot, inUserSite]) {
        expect(r.stderr).toBe('')
        expect(r.code).toBe(0)
        expect(r.stdout).toMatch(/^azureml-inference-server-http==0\.8\.4\.2\+standin$/m)
      }
      expect(asRoot.stdout).toMatch(
        /^standin-probe @ file:\/\/\/tmp\/standin_probe-1\.0-py3-none-any\.whl$/m,
      )
      expect(inUserSite.stdout).toMatch(/^standin-probe @ file:/m)
    })

    it('pip check finds nothing broken, as root and as dockeruser', async () => {
      const check = (user: string) =>
        exec(DOCKER, [...ONE_OFF, '--user', user, IMAGE, 'pip', 'check'])
      const [asRoot, asUser] = await Promise.all([check('root'), check('dockeruser')])
      for (const r of [asRoot, asUser]) {
        expect(r.stdout.trim()).toBe('No broken requirements found.')
        expect(r.code).toBe(0)
      }
    })
  })

  describe('start-up failures make the container exit', () => {
    it.each(Object.keys(failures) as FailureCase[])('%s', async (name) => {
      const c = failed[name]
      const code = await waitExit(c)
      expect(code).not.toBe(0)
      const log = await logs(c.id)
      for (const text of failures[name].expected) expect(log).toContain(text)
      expect(log).toContain('exiting with code 3')
      expect(log).toContain('Worker failed to boot')
    })
  })

  it('a slow init() killed by WORKER_TIMEOUT: worker rebooted, container up, GET / unanswered', async () => {
    const deadline = Date.now() + 30_000
    let log = ''
    while ((log.match(/WORKER TIMEOUT/g) ?? []).length < 2) {
      if (Date.now() > deadline) throw new Error(`no second WORKER TIMEOUT within 30 s:\n${log}`)
      await sleep(500)
      log = await logs(slowInit.id)
    }
    expect((await state(slowInit.id)).status).toBe('running')
    // gunicorn's socket is bound but no worker accepts: nginx waits, the client must time out.
    await expect(request(slowInit.port, 'GET', '/', { timeoutMs: 1_500 })).rejects.toThrow(
      /no answer within 1500 ms/,
    )
  })

  it('environment variables given to docker run reach init() and run()', async () => {
    await waitLive(deployEnv)
    const r = await request(deployEnv.port, 'POST', '/score', { body: 'x' })
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body)).toEqual({ init: 'from-the-deployment', run: '42' })
  })

  it('a worker killed for memory: logged as the real gunicorn does, rebooted, container up', async () => {
    const deadline = Date.now() + 30_000
    const killed = /\[ERROR\] Worker \(pid:\d+\) was sent SIGKILL! Perhaps out of memory\?/g
    let log = ''
    while ((log.match(killed) ?? []).length < 2) {
      if (Date.now() > deadline) throw new Error(`no second kill for memory within 30 s:\n${log}`)
      await sleep(500)
      log = await logs(outOfMemory.id)
    }
    expect(log).not.toContain('was terminated due to signal')
    expect((log.match(/Booting worker with pid/g) ?? []).length).toBeGreaterThanOrEqual(3)
    expect((await state(outOfMemory.id)).status).toBe('running')
    // The cgroup counts the kills, v1 or v2 (cat prints whichever file exists).
    const counters = ['/sys/fs/cgroup/memory/memory.oom_control', '/sys/fs/cgroup/memory.events']
    const read = await exec(DOCKER, ['exec', outOfMemory.id, 'cat', ...counters])
    expect(read.stdout).toMatch(/^oom_kill [1-9]/m)
  })

  it("a slow init() past gunicorn's own 30 s default is not killed: WORKER_TIMEOUT is 300 s", async () => {
    const ms = await waitLive(pastGunicornTimeout, 90_000)
    expect(ms).toBeGreaterThan(33_000)
    expect(await logs(pastGunicornTimeout.id)).not.toContain('WORKER TIMEOUT')
  }, 120_000)

  it('docker stop is prompt', async () => {
    await waitLive(stoppable)
    const started = Date.now()
    await docker(['stop', '-t', '10', stoppable.id])
    expect(Date.now() - started).toBeLessThan(5_000)
    expect((await state(stoppable.id)).status).toBe('exited')
  })
})
