export const id = 360;
export const ids = [360];
export const modules = {

/***/ 1721:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ CommandRunner),
/* harmony export */   q: () => (/* binding */ CommandNotStarted)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
// Runs a program from an argv array (never through a shell), collects its output and hands each
// line to a listener. Commands still running can be stopped together: on cancellation a
// `docker build` must not outlive the step, or it would finish and tag an image afterwards.


/** The program could not be started at all (not installed, not on PATH, not executable). */
class CommandNotStarted extends Error {
    command;
    code;
    constructor(command, code, cause) {
        super(`${command} could not be started (${code ?? String(cause)})`, { cause });
        this.command = command;
        this.code = code;
        this.name = 'CommandNotStarted';
    }
}
function lineSplitter(onLine) {
    let pending = '';
    return {
        push(text) {
            if (!onLine)
                return;
            pending += text;
            const lines = pending.split(/\r?\n/);
            pending = lines.pop() ?? '';
            for (const line of lines)
                onLine(line);
        },
        end() {
            if (onLine && pending !== '')
                onLine(pending);
            pending = '';
        },
    };
}
// After the process exits, how long its output may stay open (a helper it started may hold it).
const STREAMS_GRACE_MS = 2000;
/**
 * Process groups are POSIX (Linux, macOS). On Windows (the CLI with Docker Desktop) a program is
 * started and signalled alone: there is no group to give it, and `kill -pid` means nothing.
 */
function processGroups() {
    return process.platform !== 'win32';
}
/** Signals the process and its own children (a CLI plugin such as buildx), as one group. */
function signalGroup(child, signal) {
    if (!processGroups() || child.pid === undefined) {
        child.kill(signal);
        return;
    }
    try {
        process.kill(-child.pid, signal);
    }
    catch {
        child.kill(signal); // the group is already gone, or was never formed
    }
}
class CommandRunner {
    running = new Set();
    /**
     * `signal` stops it (SIGTERM): for a command that runs until it is no longer wanted.
     * `env`: the program's whole environment (default: this process's).
     */
    run(command, args, onLine, options = {}) {
        return this.start(command, args, { onLine, ...options });
    }
    /**
     * Runs a program with `input` as its standard input (`docker run -i`: what the container reads
     * travels through the engine, so a remote engine works too). `signal` stops it early.
     */
    runWithInput(command, args, input, signal) {
        return this.start(command, args, { input, signal });
    }
    /**
     * Starts a program that keeps running and is talked to through its stdin (`docker exec -i`).
     * It holds no reference on the event loop: a caller that forgets to stop it does not keep
     * this process alive (and stopAll still ends it).
     */
    interactive(command, args, graceMs = 500) {
        const listeners = [];
        let child;
        const result = this.start(command, args, {
            keepInput: true,
            consume: (stdout, spawned) => {
                child = spawned;
                spawned.unref();
                for (const stream of [spawned.stdin, stdout, spawned.stderr])
                    stream?.unref?.();
                stdout.setEncoding('utf8').on('data', (text) => {
                    for (const listener of listeners)
                        listener(text);
                });
                return new Promise((resolve) => stdout.once('close', resolve));
            },
        });
        const ended = result.then(() => undefined, () => undefined);
        const exited = (ms) => new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), ms);
            void ended.then(() => {
                clearTimeout(timer);
                resolve(true);
            });
        });
        return {
            write: (text) => {
                if (child?.stdin?.writable)
                    child.stdin.write(text);
            },
            onOutput: (listener) => void listeners.push(listener),
            ended,
            stop: async (grace = graceMs) => {
                if (!child)
                    return;
                child.stdin?.end();
                if (await exited(grace))
                    return;
                signalGroup(child, 'SIGTERM');
                if (await exited(grace))
                    return;
                signalGroup(child, 'SIGKILL');
            },
        };
    }
    /**
     * Runs a program whose standard output is data (`docker save`): `consume` reads it as a
     * stream, nothing of it is kept in memory here. If `consume` fails, the program is stopped;
     * its failure is returned with the program's result, for the caller to tell which came first
     * (a program that fails cuts its output short; a reader that fails breaks the program's pipe).
     * `signal` stops the program when its output is no longer wanted.
     */
    async pipeOut(command, args, consume, signal) {
        let value;
        let failure;
        // Stopped from outside (its output is no longer wanted): the program ends, its output
        // with it, and the result says by which signal.
        const result = await this.start(command, args, {
            signal,
            consume: async (stdout, child) => {
                try {
                    value = await consume(stdout);
                }
                catch (error) {
                    failure = { error };
                    signalGroup(child, 'SIGTERM');
                    stdout.resume(); // let it end even if the program ignores the signal for a while
                }
            },
        });
        return failure ? { result, failure: failure.error } : { result, value };
    }
    start(command, args, how) {
        const { onLine, consume, input, keepInput, signal, env } = how;
        return new Promise((resolve, reject) => {
            // A group of its own, so that stopping it reaches whatever it started (on Windows,
            // detached would mean a console of its own instead).
            const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, args, {
                stdio: [input === undefined && !keepInput ? 'ignore' : 'pipe', 'pipe', 'pipe'],
                shell: false,
                detached: processGroups(),
                env: env ?? process.env,
            });
            this.running.add(child);
            // A program that exits without reading all of it breaks the pipe: its exit code tells.
            child.stdin?.on('error', () => undefined);
            if (input !== undefined)
                child.stdin?.end(input);
            if (signal) {
                const stop = () => signalGroup(child, 'SIGTERM');
                if (signal.aborted)
                    stop();
                signal.addEventListener('abort', stop, { once: true });
                child.once('exit', () => signal.removeEventListener('abort', stop));
            }
            let stdout = '';
            let stderr = '';
            const out = lineSplitter(onLine);
            const err = lineSplitter(onLine);
            const consumed = consume ? consume(child.stdout, child) : Promise.resolve();
            if (!consume) {
                child.stdout.setEncoding('utf8').on('data', (text) => {
                    stdout += text;
                    out.push(text);
                });
            }
            child.stderr.setEncoding('utf8').on('data', (text) => {
                stderr += text;
                err.push(text);
            });
            child.once('error', (error) => {
                this.running.delete(child);
                // Only a spawn failure reaches here before 'close'; a running child reports on 'close'.
                if (child.pid === undefined)
                    reject(new CommandNotStarted(command, error.code, error));
            });
            child.once('exit', () => {
                const timer = setTimeout(() => {
                    child.stdout.destroy();
                    child.stderr.destroy();
                }, STREAMS_GRACE_MS);
                child.once('close', () => clearTimeout(timer));
            });
            child.once('close', (code, signal) => {
                this.running.delete(child);
                out.end();
                err.end();
                if (child.pid === undefined)
                    return;
                const result = {
                    exitCode: code ?? 128 + (signal ? (node_os__WEBPACK_IMPORTED_MODULE_1__.constants.signals[signal] ?? 0) : 0),
                    signal: signal ?? undefined,
                    stdout,
                    stderr,
                };
                consumed.then(() => resolve(result), reject);
            });
        });
    }
    /** Commands started and not yet ended. */
    get count() {
        return this.running.size;
    }
    /**
     * Stops every running command: SIGTERM (the docker CLI then cancels its request, and the
     * daemon stops the build), SIGKILL after `graceMs`. Resolves once all of them have ended.
     */
    async stopAll(graceMs = 5000) {
        const children = [...this.running];
        await Promise.all(children.map((child) => new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null)
                return resolve();
            const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
            child.once('exit', () => {
                clearTimeout(timer);
                resolve();
            });
            signalGroup(child, 'SIGTERM');
        })));
    }
}


/***/ }),

/***/ 4236:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $w: () => (/* binding */ BuildFailure),
/* harmony export */   He: () => (/* binding */ buildFailure),
/* harmony export */   TY: () => (/* binding */ pullFailureMessage),
/* harmony export */   UK: () => (/* binding */ classifyPullFailure),
/* harmony export */   hN: () => (/* binding */ classifyPushFailure)
/* harmony export */ });
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _step_constants_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9171);
// What docker's own words mean for the user: which pull and push failures are worth a retry,
// and what to try when a pull or a build fails. Pure, so each reading is pinned by a table test.


/** A failed `docker build` whose log names the input value at fault. */
class BuildFailure extends Error {
    culprit;
    constructor(message, culprit) {
        super(message);
        this.culprit = culprit;
        this.name = 'BuildFailure';
    }
}
const NOT_FOUND = /not found|name unknown|manifest unknown|repository does not exist|no such image/i;
const DENIED = /denied|unauthorized|authentication required|forbidden/i;
// Network and registry trouble that may pass: connection-level errors, rate limits, 5xx.
const TRANSIENT = /timeout|timed out|connection reset|connection refused|network is unreachable|no route to host|no such host|temporary failure|too many requests|toomanyrequests|\b50[0234] (?:Internal|Bad Gateway|Service Unavailable|Gateway)|\bEOF\b/i;
function classifyPullFailure(output) {
    // Docker Hub answers "pull access denied ... does not exist or may require 'docker login'"
    // for both: the denial is the part worth acting on.
    if (DENIED.test(output))
        return 'denied';
    if (NOT_FOUND.test(output))
        return 'not-found';
    if (TRANSIENT.test(output))
        return 'transient';
    return 'other';
}
// Registries that want a login say so in several ways; ECR and ACR say "no basic auth credentials".
const PUSH_DENIED = new RegExp(`${DENIED.source}|no basic auth credentials|insufficient_scope`, DENIED.flags);
function classifyPushFailure(output) {
    if (PUSH_DENIED.test(output))
        return 'denied';
    if (TRANSIENT.test(output))
        return 'transient';
    return 'other';
}
const PULL_ADVICE = {
    'not-found': `the registry has no such image. Check the name and tag in '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.BaseImage}'`,
    denied: `the registry refused access. Log in to it before this step (docker/login-action), or check the name in '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.BaseImage}'`,
    transient: `the registry could not be reached. Check the runner's network, proxy and DNS, or try again later`,
    other: `check '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.BaseImage}' and the Docker engine`,
};
function pullFailureMessage(reference, kind, attempts, output) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    return `Pulling base image ${reference} failed${tries}: ${PULL_ADVICE[kind]}. docker said:\n${output}`;
}
// The first match decides; each names what failed and what to try.
const BUILD_ADVICE = [
    [
        /no space left on device/i,
        () => 'the Docker engine ran out of disk space (no space left on device). Free space on the runner (docker system prune, docker builder prune), use a runner with a larger disk, or make model-dir smaller',
    ],
    [
        /Unable to locate package (\S+)|Version '[^']*' for '([^']+)' was not found/,
        (match) => ({
            advice: `apt has no package "${match[1] ?? match[2]}". Check '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.AptPackages}' against the base image's distribution`,
            culprit: { input: _step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.AptPackages, value: match[1] ?? match[2] },
        }),
    ],
    [
        /Release '([^']+)' for '([^']+)' was not found/,
        (match) => ({
            advice: `the base image's apt sources have no release "${match[1]}" for "${match[2]}". Check '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.AptPackages}': a /release must be a suite or codename of the image's distribution`,
            culprit: { input: _step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.AptPackages, value: `${match[2]}/${match[1]}` },
        }),
    ],
    [
        /No matching distribution found for (\S+)|Could not find a version that satisfies the requirement (\S+)/,
        (match) => ({
            advice: `pip could not resolve "${match[1] ?? match[2]}". Check '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.Requirements}' and '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.PipIndexUrl}' (an index on the runner's loopback needs '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.Network}: host')`,
            culprit: { input: _step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.Requirements, value: match[1] ?? match[2] },
        }),
    ],
    [
        /Temporary failure resolving|Could not resolve host|Failed to establish a new connection|Network is unreachable/i,
        () => `a RUN step could not reach the network. Check the runner's network and proxy, or the '${_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.Network}' input`,
    ],
    [
        /Cannot connect to the Docker daemon|error during connect|connection reset by peer|unexpected EOF/i,
        () => 'the Docker engine stopped answering during the build. Check that it is running and try again',
    ],
    [
        /returned a non-zero code: 137|exit code: 137/,
        () => 'a RUN step was killed (exit 137, usually out of memory). Use a runner with more memory',
    ],
];
/** A failed build as an error that says what to try and names the input value at fault. */
function buildFailure(title, result, logEnd) {
    // The legacy builder colours a RUN step's stderr on some clients: an annotation shows the
    // escape codes as text, and they split apt's "E: ..." lines.
    const output = (0,node_util__WEBPACK_IMPORTED_MODULE_0__.stripVTControlCharacters)(`${result.stdout}\n${result.stderr}`);
    let found;
    if (result.signal !== undefined) {
        found = {
            advice: `docker build was stopped by ${result.signal} before it finished (killed: out of memory, a timeout or a cancellation). Try again; nothing was tagged`,
        };
    }
    else {
        for (const [pattern, describe] of BUILD_ADVICE) {
            const match = pattern.exec(output);
            if (match) {
                const described = describe(match);
                found = typeof described === 'string' ? { advice: described } : described;
                break;
            }
        }
    }
    const exit = result.signal !== undefined
        ? `signal ${result.signal}, exit ${result.exitCode}`
        : `exit ${result.exitCode}`;
    return new BuildFailure(`docker build failed (${title}, ${exit})${found ? `: ${found.advice}` : ''}. End of the build log:\n${(0,node_util__WEBPACK_IMPORTED_MODULE_0__.stripVTControlCharacters)(logEnd.join('\n'))}`, found?.culprit);
}


/***/ }),

/***/ 5360:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DockerCli: () => (/* binding */ DockerCli)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/docker/docker-args.ts
function buildArgs(request) {
    const args = ['build', '--file', request.dockerfile, '--iidfile', request.iidFile];
    // BuildKit: a readable log. Legacy: a failed step must not leave its container behind.
    args.push(...(request.builder === 'buildkit' ? ['--progress', 'plain'] : ['--force-rm']));
    // Image labels are LABEL lines of the Dockerfile: the legacy builder makes each --label a step.
    for (const tag of request.tags)
        args.push('--tag', tag);
    if (request.network !== undefined)
        args.push('--network', request.network);
    for (const { id, file } of request.secrets)
        args.push('--secret', `id=${id},src=${file}`);
    for (const { key, value } of request.buildArgs)
        args.push('--build-arg', `${key}=${value}`);
    args.push(request.context);
    return args;
}
/**
 * A memory limit holds swap too (--memory-swap equal to it): a deployment has no swap, and on a
 * runner with a swap file a container over its limit would swap instead of being killed.
 */
function resourceArgs(resources) {
    const args = [];
    const { memoryBytes, cpus, gpus } = resources ?? {};
    if (memoryBytes !== undefined)
        args.push('--memory', `${memoryBytes}b`, '--memory-swap', `${memoryBytes}b`);
    if (cpus !== undefined)
        args.push('--cpus', String(cpus));
    if (gpus !== undefined)
        args.push('--gpus', gpus);
    return args;
}
/** An IPv6 address is bracketed in --publish, as docker reads it. */
function publishAddress(ip) {
    return ip.includes(':') ? `[${ip}]` : ip;
}
/** Detached; published on the one address given (never all interfaces unless asked), or joined. */
function runArgs(request) {
    const args = ['run', '--detach', '--name', request.name];
    for (const { key, value } of request.labels)
        args.push('--label', `${key}=${value}`);
    for (const { key, value } of request.env ?? [])
        args.push('--env', `${key}=${value}`);
    args.push(...resourceArgs(request.resources));
    const { reach } = request;
    if (reach.kind === 'network')
        args.push('--network', reach.network);
    else
        args.push('--publish', `${publishAddress(reach.hostIp)}:${reach.hostPort ?? ''}:${request.containerPort}`);
    args.push(request.image);
    return args;
}
/** The same container as runArgs, created and not started (files are copied in first). */
function createArgs(request) {
    return ['create', ...runArgs(request).slice(2)];
}
/** `source/.` copies the folder's contents, into `target` whether it exists or not. */
function copyArgs(container, files) {
    return ['cp', `${files.source}/.`, `${container}:${files.target}`];
}
/** The container's oom events, from now on (--since: none is lost while the CLI connects). */
function oomEventsArgs(container, sinceSeconds) {
    return [
        'events',
        '--filter',
        `container=${container}`,
        '--filter',
        'event=oom',
        '--since',
        sinceSeconds.toFixed(3),
        '--format',
        '{{.Action}} {{.Time}}',
    ];
}
/**
 * An image's history, newest step first, one JSON object a line, sizes in bytes and steps whole
 * (parsed by image-history.ts).
 */
function historyArgs(reference) {
    return ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', reference];
}
/**
 * In the foreground with stdin attached, removed when it ends, as the image's own user: no
 * network, capped memory and processes, nothing of the runner's files mounted.
 */
function throwawayRunArgs(request) {
    const args = ['run', '--rm', '--interactive', '--network', 'none', '--name', request.name];
    for (const { key, value } of request.labels)
        args.push('--label', `${key}=${value}`);
    args.push('--memory', request.memory, '--pids-limit', '64');
    args.push('--entrypoint', request.entrypoint, request.image, ...request.args);
    return args;
}

// EXTERNAL MODULE: ./src/docker/command.ts
var docker_command = __webpack_require__(1721);
// EXTERNAL MODULE: ./src/docker/engine-endpoint.ts
var engine_endpoint = __webpack_require__(9056);
// EXTERNAL MODULE: ./src/docker/engine-traffic.ts
var engine_traffic = __webpack_require__(6696);
// EXTERNAL MODULE: ./src/docker/docker-errors.ts
var docker_errors = __webpack_require__(4236);
// EXTERNAL MODULE: ./src/docker/image-history.ts
var image_history = __webpack_require__(2304);
// EXTERNAL MODULE: ./src/docker/retry.ts
var retry = __webpack_require__(6298);
// EXTERNAL MODULE: ./src/step/text.ts
var step_text = __webpack_require__(2687);
;// CONCATENATED MODULE: ./src/docker/docker.ts
// The Docker CLI behind a small interface, so that the pipeline can be driven by the real engine
// in integration tests and by a plain object in unit tests.









const PULL_ATTEMPTS = 3;
class DockerCli {
    command;
    commands = new docker_command/* CommandRunner */.Z();
    globalArgs;
    resolved;
    tally = (0,engine_traffic/* noTraffic */.Ps)();
    /**
     * `engine`: the one a main step resolved (from its saved state), reached whatever DOCKER_HOST
     * or the current context say now; by default the CLI's own choice.
     */
    constructor(command = 'docker', engine) {
        this.command = command;
        this.globalArgs = (0,engine_endpoint/* engineArgs */.Ek)(engine);
    }
    runDocker(args, onLine, signal) {
        return this.explainingMissingCli(() => this.commands.run(this.command, [...this.globalArgs, ...args], onLine, { signal }));
    }
    engine() {
        // A CLI without contexts (before 19.03) cannot say: then DOCKER_HOST or the socket.
        this.resolved ??= this.runDocker(['context', 'inspect']).then((result) => {
            if (result.exitCode !== 0)
                return (0,engine_endpoint/* engineFromEnvironment */.kb)(process.env);
            try {
                return (0,engine_endpoint/* engineFromContextInspect */.I_)(result.stdout);
            }
            catch (error) {
                if (error instanceof SyntaxError)
                    return (0,engine_endpoint/* engineFromEnvironment */.kb)(process.env);
                throw error;
            }
        });
        return this.resolved;
    }
    async explainingMissingCli(command) {
        try {
            return await command();
        }
        catch (error) {
            if (!(error instanceof docker_command/* CommandNotStarted */.q))
                throw error;
            throw new Error(`The docker CLI could not be started (${this.command}: ${error.code ?? error.message}). Install Docker (GitHub's ubuntu runners have it; on a workstation, Docker Engine or Docker Desktop) or put the docker CLI on PATH`, { cause: error });
        }
    }
    async stdoutOrThrow(args, what) {
        const result = await this.runDocker(args);
        if (result.exitCode !== 0) {
            throw new Error(`${what} failed (docker ${args[0]}, exit ${result.exitCode}):\n${(0,step_text/* lastLines */.w$)(result.stderr || result.stdout, 25)}`);
        }
        return result.stdout.trim();
    }
    async builder() {
        // DOCKER_BUILDKIT decides when set, as it does for the CLI itself; otherwise `docker build`
        // is BuildKit exactly when the buildx plugin is installed (docker 23 and later).
        const flag = process.env.DOCKER_BUILDKIT;
        if (flag !== undefined && flag !== '')
            return ['1', 'true'].includes(flag.toLowerCase()) ? 'buildkit' : 'legacy';
        const buildx = await this.runDocker(['buildx', 'version']);
        return buildx.exitCode === 0 ? 'buildkit' : 'legacy';
    }
    async serverVersion() {
        const result = await this.runDocker([
            'version',
            '--format',
            '{{.Server.Os}} {{.Server.Version}}',
        ]);
        const [os, version] = result.stdout.trim().split(' ');
        if (result.exitCode !== 0 || !version) {
            throw new Error(`The Docker daemon is not reachable: ${(0,step_text/* lastLines */.w$)(result.stderr, 3) || 'no answer'}. Start the Docker engine (or check DOCKER_HOST) and try again`);
        }
        // The host may be macOS or Windows (Docker Desktop); what counts is what the engine runs.
        if (os !== 'linux') {
            throw new Error(`The Docker engine runs ${os} containers (docker version: Server.Os is ${os}), and Azure ML inference images are Linux images: switch the engine to Linux containers (Docker Desktop: "Switch to Linux containers") and try again`);
        }
        return version;
    }
    async pullIfMissingAndReadUser(reference) {
        const inspect = ['image', 'inspect', '--format', '{{.Config.User}}', reference];
        let result = await this.runDocker(inspect);
        if (result.exitCode !== 0) {
            await (0,retry/* retryRegistryCommand */.H4)({
                doing: `Pulling ${reference}`,
                attempts: PULL_ATTEMPTS,
                run: () => this.runDocker(['pull', reference]),
                isTransient: (_result, output) => (0,docker_errors/* classifyPullFailure */.UK)(output) === 'transient',
                failure: (_result, output, attempt) => new Error((0,docker_errors/* pullFailureMessage */.TY)(reference, (0,docker_errors/* classifyPullFailure */.UK)(output), attempt, output)),
            });
            result = await this.runDocker(inspect);
            if (result.exitCode !== 0)
                throw new Error(`Base image ${reference} is not there after pulling it`);
        }
        return result.stdout.trim();
    }
    async localImage(reference) {
        const result = await this.runDocker(['image', 'inspect', '--format', '{{json .}}', reference]);
        if (result.exitCode !== 0)
            return undefined;
        const image = JSON.parse(result.stdout);
        return {
            id: image.Id,
            layers: image.RootFS?.Layers ?? [],
            user: image.Config?.User ?? '',
            labels: image.Config?.Labels ?? {},
            sizeBytes: image.Size ?? 0,
            env: image.Config?.Env ?? [],
        };
    }
    async history(reference) {
        return (0,image_history/* parseHistory */.i6)(await this.stdoutOrThrow(historyArgs(reference), 'Reading the history'));
    }
    async save(reference, consume, signal) {
        const args = ['image', 'save', reference];
        const counted = (archive) => consume((0,engine_traffic/* counting */.Mr)(archive, (bytes) => (this.tally.savedBytes += bytes)));
        const { result, value, failure } = await this.explainingMissingCli(() => this.commands.pipeOut(this.command, [...this.globalArgs, ...args], counted, signal));
        // Both are told when both failed: which one broke the other cannot be known for sure.
        const reasons = [];
        if (failure !== undefined)
            reasons.push((0,step_text/* errorMessage */.gJ)(failure));
        if (result.exitCode !== 0 && result.signal === undefined)
            reasons.push(`docker image save exited ${result.exitCode}:\n${(0,step_text/* lastLines */.w$)(result.stderr, 25)}`);
        if (reasons.length > 0 || result.exitCode !== 0) {
            throw new Error(`Saving ${reference} failed: ${reasons.join('; ') || `ended by ${result.signal}`}`, {
                cause: failure,
            });
        }
        return value;
    }
    async load(file) {
        this.tally.loadedBytes += external_node_fs_.statSync(file).size;
        await this.stdoutOrThrow(['image', 'load', '--quiet', '--input', file], 'Loading the cached image');
    }
    build(request, onLine, signal) {
        this.tally.buildContextBytes += (0,engine_traffic/* directoryBytes */.pF)(request.context);
        this.tally.builds++;
        return this.runDocker(buildArgs(request), onLine, signal);
    }
    traffic() {
        return { ...this.tally };
    }
    async run(request) {
        if (!request.files?.length)
            return this.stdoutOrThrow(runArgs(request), 'Starting the container');
        const id = await this.stdoutOrThrow(createArgs(request), 'Creating the container');
        for (const files of request.files) {
            await this.stdoutOrThrow(copyArgs(request.name, files), `Copying ${files.source} into the container`);
        }
        await this.stdoutOrThrow(['start', request.name], 'Starting the container');
        return id;
    }
    async inspectContainer(container) {
        const result = await this.runDocker([
            'container',
            'inspect',
            '--format',
            '{{json .}}',
            container,
        ]);
        if (result.exitCode !== 0)
            return undefined;
        return containerInfo(result.stdout);
    }
    runWithInput(request, input, signal) {
        return this.explainingMissingCli(() => this.commands.runWithInput(this.command, [...this.globalArgs, ...throwawayRunArgs(request)], input, signal));
    }
    async wait(container) {
        const result = await this.runDocker(['wait', container]);
        return result.exitCode === 0 ? Number(result.stdout.trim()) : -1;
    }
    async logs(container) {
        const result = await this.runDocker(['logs', container]);
        // The container's stdout and stderr interleave in the log a person reads; keep both.
        return `${result.stdout}${result.stderr}`;
    }
    exec(container, argv) {
        return this.runDocker(['exec', container, ...argv]);
    }
    execInteractive(container, argv) {
        return this.commands.interactive(this.command, [
            ...this.globalArgs,
            'exec',
            '--interactive',
            container,
            ...argv,
        ]);
    }
    async engineResources() {
        const text = await this.stdoutOrThrow(['info', '--format', '{{.NCPU}} {{.MemTotal}}'], "Reading the engine's CPUs and memory");
        const [cpus, memoryBytes] = text.split(' ').map(Number);
        if (!(cpus > 0) || !(memoryBytes > 0))
            throw new Error(`docker info gave no CPU count and memory size: "${text}"`);
        return { cpus, memoryBytes };
    }
    async watchOomEvents(container, onOom, signal) {
        const args = oomEventsArgs(container, Date.now() / 1000);
        await this.runDocker(args, (line) => {
            if (line.startsWith('oom '))
                onOom();
        }, signal);
    }
    async remove(container) {
        const result = await this.runDocker(['rm', '--force', '--volumes', container]);
        if (result.exitCode !== 0 && !/No such container/i.test(result.stderr)) {
            throw new Error(`Removing container ${container} failed: ${(0,step_text/* lastLines */.w$)(result.stderr, 3)}`);
        }
    }
    async untag(references) {
        if (references.length === 0)
            return;
        await this.runDocker(['image', 'rm', ...references]);
    }
    push(reference, onLine) {
        return this.runDocker(['push', reference], onLine);
    }
    async repoDigests(reference) {
        const result = await this.runDocker([
            'image',
            'inspect',
            '--format',
            '{{json .RepoDigests}}',
            reference,
        ]);
        if (result.exitCode !== 0)
            return [];
        return JSON.parse(result.stdout) ?? [];
    }
    cancel() {
        return this.commands.stopAll();
    }
}
function containerInfo(json) {
    const inspected = JSON.parse(json);
    const networks = Object.entries(inspected.NetworkSettings?.Networks ?? {});
    return {
        id: inspected.Id,
        hostname: inspected.Config?.Hostname ?? '',
        networkMode: inspected.HostConfig?.NetworkMode ?? '',
        networks: Object.fromEntries(networks.map(([name, network]) => [name, network.IPAddress ?? ''])),
    };
}


/***/ }),

/***/ 9056:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ek: () => (/* binding */ engineArgs),
/* harmony export */   I_: () => (/* binding */ engineFromContextInspect),
/* harmony export */   kb: () => (/* binding */ engineFromEnvironment),
/* harmony export */   sk: () => (/* binding */ describeEngine)
/* harmony export */ });
/* unused harmony export parseEngineHost */
// Which Docker engine the CLI talks to, and whether it runs on this machine. The CLI itself
// decides (`docker context inspect` with no name resolves the current context the way every
// other command does: DOCKER_HOST, then DOCKER_CONTEXT, then the config's currentContext); this
// module reads its answer and the URL's form. Pure, so the forms are pinned by table tests.
const LOCAL_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);
/** 127.0.0.0/8, ::1 and localhost: an engine listening there runs on this machine. */
function isLoopbackHost(host) {
    const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
    return LOCAL_NAMES.has(bare) || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::1';
}
/**
 * Reads a DOCKER_HOST-style URL. A bare `host:port` is tcp, as the CLI reads it. Throws on a
 * form the CLI would refuse too, naming the variable's rule.
 * @internal (exported for its unit tests)
 */
function parseEngineHost(value, context) {
    const trimmed = value.trim();
    const withScheme = trimmed.includes('://') ? trimmed : `tcp://${trimmed}`;
    const scheme = withScheme.slice(0, withScheme.indexOf('://')).toLowerCase();
    const named = context !== undefined && context !== 'default' ? { context } : {};
    if (scheme === 'unix' || scheme === 'npipe' || scheme === 'fd') {
        return { host: trimmed, transport: scheme, ...named };
    }
    if (scheme !== 'tcp' && scheme !== 'ssh') {
        throw new Error(`The Docker engine's address ${trimmed} has the scheme ${scheme}://, which the docker CLI does not know: use unix://, tcp:// or ssh://`);
    }
    let url;
    try {
        url = new URL(withScheme);
    }
    catch {
        throw new Error(`The Docker engine's address ${trimmed} is not a URL: write tcp://host:port or ssh://user@host`);
    }
    if (url.hostname === '') {
        throw new Error(`The Docker engine's address ${trimmed} names no host`);
    }
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    // tcp on loopback is an engine here; ssh to loopback still runs the engine's side here too.
    const remote = isLoopbackHost(hostname) ? {} : { remoteHost: hostname };
    return { host: trimmed, transport: scheme, ...named, ...remote };
}
/** The engine of `docker context inspect`'s answer (a JSON list of one context). */
function engineFromContextInspect(json) {
    const parsed = JSON.parse(json);
    const context = Array.isArray(parsed) ? parsed[0] : parsed;
    const host = context?.Endpoints?.docker?.Host;
    if (typeof host !== 'string' || host === '') {
        throw new Error(`docker context inspect named no engine for context ${context?.Name ?? '?'}`);
    }
    return parseEngineHost(host, context.Name);
}
/** The engine when the CLI cannot say (a CLI without contexts): DOCKER_HOST, else the socket. */
function engineFromEnvironment(env) {
    const host = env.DOCKER_HOST;
    if (host !== undefined && host.trim() !== '')
        return parseEngineHost(host);
    return process.platform === 'win32'
        ? { host: 'npipe:////./pipe/docker_engine', transport: 'npipe' }
        : { host: 'unix:///var/run/docker.sock', transport: 'unix' };
}
/**
 * The docker CLI's global options that reach this engine again from another process (the post
 * step), whatever DOCKER_HOST or the current context say by then. A named context keeps its
 * TLS material, so it is named rather than its URL.
 */
function engineArgs(engine) {
    if (engine === undefined)
        return [];
    return engine.context !== undefined ? ['--context', engine.context] : ['--host', engine.host];
}
/** How the log names the engine: its URL, and the context it came from. */
function describeEngine(engine) {
    return engine.context !== undefined ? `${engine.host} (context ${engine.context})` : engine.host;
}


/***/ }),

/***/ 6696:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Mr: () => (/* binding */ counting),
/* harmony export */   Ps: () => (/* binding */ noTraffic),
/* harmony export */   hA: () => (/* binding */ describeTraffic),
/* harmony export */   pF: () => (/* binding */ directoryBytes)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _step_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2687);
// What crosses the network to an engine on another machine: the CLI sends every build context
// and every `docker load` archive to it, and `docker save` streams the whole image back (base
// layers too, even those the cache then drops). Counted where the CLI is driven, reported by
// the pipeline when the engine is remote.




function noTraffic() {
    return { buildContextBytes: 0, builds: 0, loadedBytes: 0, savedBytes: 0 };
}
/** The size of the files under `dir` (links not followed). */
function directoryBytes(dir) {
    let total = 0;
    for (const entry of node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync(dir, { withFileTypes: true })) {
        const full = node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, entry.name);
        if (entry.isDirectory())
            total += directoryBytes(full);
        else
            total += node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(full).size;
    }
    return total;
}
/** `archive` passed on unchanged, its bytes counted into `count` as they flow. */
function counting(archive, count) {
    const counter = new node_stream__WEBPACK_IMPORTED_MODULE_2__.Transform({
        transform(chunk, _encoding, done) {
            count(chunk.length);
            done(null, chunk);
        },
    });
    archive.once('error', (error) => counter.destroy(error));
    return archive.pipe(counter);
}
/** One line for the log and the summary; undefined when nothing crossed. */
function describeTraffic(traffic) {
    const parts = [];
    if (traffic.builds > 0)
        parts.push(`sent ${(0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .humanBytes */ .p6)(traffic.buildContextBytes)} of build context (${traffic.builds} build${traffic.builds > 1 ? 's' : ''})`);
    if (traffic.loadedBytes > 0)
        parts.push(`sent the cache archive (${(0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .humanBytes */ .p6)(traffic.loadedBytes)})`);
    if (traffic.savedBytes > 0)
        parts.push(`received the dependencies image for the cache (${(0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .humanBytes */ .p6)(traffic.savedBytes)})`);
    return parts.length > 0 ? parts.join('; ') : undefined;
}


/***/ }),

/***/ 2304:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Pz: () => (/* binding */ layersOver),
/* harmony export */   i6: () => (/* binding */ parseHistory)
/* harmony export */ });
/* unused harmony export describeStep */
// An image's history as `docker history` lists it (historyArgs): one entry per Dockerfile step,
// newest first, with the bytes its layer holds. The two builders word a step differently (the
// legacy builder as the shell line it ran, `/bin/sh -c #(nop) COPY ...`; BuildKit as the
// instruction, `COPY ... # buildkit`); both are shown as the instruction. Build args, which a
// RUN's line starts with (`|2 PIP_INDEX_URL=... /bin/sh -c ...`), are left out: they may hold
// an index URL.
/** One JSON object a line (`--format '{{json .}}'`, sizes in bytes with `--human=false`). */
function parseHistory(stdout) {
    return stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
        const entry = JSON.parse(line);
        const bytes = Number(entry.Size);
        if (typeof entry.CreatedBy !== 'string' || !Number.isFinite(bytes))
            throw new Error(`docker history answered something else: ${line.slice(0, 200)}`);
        return { createdBy: entry.CreatedBy, bytes };
    });
}
const SHELL = ' /bin/sh -c ';
/** A RUN's command without the build args docker puts first (`|2 A=1 B=2 /bin/sh -c cmd`). */
function runCommand(line) {
    let rest = line.replace(/^(--mount=\S+\s+)*/, '');
    if (/^\|\d+ /.test(rest)) {
        const shell = rest.indexOf(SHELL);
        if (shell < 0)
            return `(${rest.split(' ')[0].slice(1)} build args left out)`;
        rest = rest.slice(shell + SHELL.length);
    }
    else if (rest.startsWith(SHELL.trimStart()))
        rest = rest.slice(SHELL.length - 1);
    return rest;
}
/** The step as its Dockerfile instruction, whichever builder recorded it. @internal (exported for its unit tests) */
function describeStep(createdBy) {
    let step = createdBy.trim().replace(/\s+# buildkit$/, '');
    const nop = /^\/bin\/sh -c #\(nop\)\s+/;
    if (nop.test(step))
        step = step.replace(nop, '');
    else if (step.startsWith('RUN '))
        step = `RUN ${runCommand(step.slice(4))}`;
    else if (step.startsWith('|') || step.startsWith('/bin/sh -c '))
        step = `RUN ${runCommand(step)}`;
    return step.replace(/\s+/g, ' ').trim();
}
const LAYER_STEPS = /^(RUN|COPY|ADD) /;
/**
 * The layers `image` adds over `base` (both newest first, as listed), in the order they were
 * built: the entries above the base's own, those that made a layer (a RUN, COPY or ADD, or any
 * step with bytes); ENV, LABEL, USER and the like change the config only.
 */
function layersOver(image, base) {
    const own = image.slice(0, Math.max(0, image.length - base.length)).reverse();
    return own
        .map((entry) => ({ step: describeStep(entry.createdBy), bytes: entry.bytes }))
        .filter((layer) => layer.bytes > 0 || LAYER_STEPS.test(layer.step));
}


/***/ }),

/***/ 6298:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H4: () => (/* binding */ retryRegistryCommand)
/* harmony export */ });
/* unused harmony exports sleep, retry */
/* harmony import */ var _step_inert_log_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3933);
/* harmony import */ var _step_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2687);
// Bounded retries with exponential backoff; the sleep is injectable so tests need no real time.
// Pulls and pushes share one loop: classify the failure, retry what is transient, say so.


/** @internal (exported for its unit tests) */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Retries `action`; an error carrying `final: true` is not retried. @internal (exported for its unit tests) */
async function retry(action, options) {
    const wait = options.sleep ?? sleep;
    let delay = options.firstDelayMs;
    for (let attempt = 1;; attempt++) {
        try {
            return await action();
        }
        catch (error) {
            const final = error.final === true;
            if (final || attempt >= options.attempts)
                throw error;
            options.onRetry?.(delay, error);
            await wait(delay);
            delay *= 2;
        }
    }
}
/**
 * Runs a registry command until it succeeds, a failure is not transient, or the attempts are
 * used. Before each retry it says so with the registry's last line, printed inert: the
 * registry's words are not the action's.
 */
async function retryRegistryCommand(command) {
    let attempt = 0;
    let lastLine = '';
    await retry(async () => {
        attempt++;
        const result = await command.run();
        if (result.exitCode === 0)
            return;
        const output = (0,_step_text_js__WEBPACK_IMPORTED_MODULE_1__/* .lastLines */ .w$)(result.stderr || result.stdout, 5);
        lastLine = output.split('\n').pop() ?? '';
        const error = command.failure(result, output, attempt);
        throw command.isTransient(result, output) ? error : Object.assign(error, { final: true });
    }, {
        attempts: command.attempts,
        firstDelayMs: 2000,
        sleep: command.sleep,
        onRetry: (delayMs) => (0,_step_inert_log_js__WEBPACK_IMPORTED_MODULE_0__/* .printInert */ .C6)(`${command.doing} failed (attempt ${attempt} of ${command.attempts}: ${lastLine}); retrying in ${delayMs / 1000} s`),
    });
}


/***/ }),

/***/ 3933:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C6: () => (/* binding */ printInert),
/* harmony export */   Kp: () => (/* binding */ showFolded),
/* harmony export */   Om: () => (/* binding */ endOpenRelays),
/* harmony export */   sd: () => (/* binding */ startRelay)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
// Printing text we do not control (build output, the container's log, a file name, an input's
// value, a registry's message) into the job log. While it is relayed, workflow commands are
// switched off with a one-time token, so a line such as "::set-output name=image::evil" printed
// by user code is shown, not obeyed.
//
// How actions/runner reads a line (ActionCommand.cs, ActionCommandManager.cs, OutputManager.cs):
// a line ends at LF, CR or CR LF; it is a command if, after leading whitespace, it starts
// `::name...::`, or else if it holds `##[name...]` anywhere (the legacy form). A line with
// neither `::` nor `##[` is never looked at. The v2 form is tried first, so a valid
// `::warning::...` line obeys nothing in its data, and @actions/core escapes CR and LF there:
// text passed to core.warning/error/notice/debug or as a group title needs nothing more (and a
// stop-commands span would switch the warning itself off). Text on a line of its own does.



// Relays still open: a signal's warning must end them first, or the runner would show it as
// plain text instead of obeying it.
const openRelays = new Set();
function startRelay() {
    const token = `extend-azureml-image-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomUUID)()}`;
    process.stdout.write(`::stop-commands::${token}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`);
    const relay = {
        line(text) {
            // Once ended (by a signal), text we do not control could be obeyed: it is dropped.
            if (openRelays.has(relay))
                process.stdout.write(`${text}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`);
        },
        end() {
            if (!openRelays.delete(relay))
                return;
            process.stdout.write(`::${token}::${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`);
        },
    };
    openRelays.add(relay);
    return relay;
}
/** Ends every open relay, so that workflow commands written next are obeyed again. */
function endOpenRelays() {
    for (const relay of [...openRelays])
        relay.end();
}
const LINE_BREAK = /\r\n|\r|\n/;
function relayLines(lines) {
    const relay = startRelay();
    try {
        for (const line of lines)
            relay.line(line);
    }
    finally {
        relay.end();
    }
}
/**
 * The one way to print text that a user, a pull request or a tool controls on lines of its own
 * (core.info would let the runner obey it): shown as it is, never obeyed. Text that cannot
 * look like a command is printed plainly, so the log carries no stop-commands noise for it.
 */
function printInert(text) {
    if (text.includes('::') || text.includes('##['))
        relayLines(text.split(LINE_BREAK));
    else
        _actions_core__WEBPACK_IMPORTED_MODULE_0__.info(text);
}
/** Prints `text` in a folded group with workflow commands switched off. */
async function showFolded(title, text) {
    await _actions_core__WEBPACK_IMPORTED_MODULE_0__.group(title, async () => relayLines(text.replace(/\s+$/, '').split(LINE_BREAK)));
}


/***/ })

};
