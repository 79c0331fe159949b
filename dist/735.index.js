export const id = 735;
export const ids = [735];
export const modules = {

/***/ 1735:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  AzCli: () => (/* binding */ AzCli),
  azEnvironment: () => (/* binding */ azEnvironment)
});

// EXTERNAL MODULE: ./src/docker/command.ts
var command = __webpack_require__(1721);
// EXTERNAL MODULE: ./src/step/text.ts
var step_text = __webpack_require__(2687);
;// CONCATENATED MODULE: ./src/build/acr/az-args.ts
function resourceGroup(target) {
    return target.resourceGroup ? ['--resource-group', target.resourceGroup] : [];
}
/** The registry's login server (myregistry.azurecr.io in Azure's public cloud). */
function loginServerArgs(target) {
    return [
        'acr',
        'show',
        '--name',
        target.name,
        ...resourceGroup(target),
        '--query',
        'loginServer',
        '--output',
        'tsv',
    ];
}
/** A quick run: the context uploaded, the image built and pushed, the log streamed. */
function buildArgs(target, request) {
    return [
        'acr',
        'build',
        '--registry',
        target.name,
        ...resourceGroup(target),
        '--image',
        request.image,
        '--file',
        request.file,
        ...request.buildArgs.flatMap(({ key, value }) => ['--build-arg', `${key}=${value}`]),
        request.context,
    ];
}
/** The run's status alone: Queued, Started, Running, Succeeded, Failed, Canceled, Error, Timeout. */
function runStatusArgs(target, runId) {
    return [
        'acr',
        'task',
        'show-run',
        '--registry',
        target.name,
        ...resourceGroup(target),
        '--run-id',
        runId,
        '--query',
        'status',
        '--output',
        'tsv',
    ];
}
function runLogsArgs(target, runId) {
    return [
        'acr',
        'task',
        'logs',
        '--registry',
        target.name,
        ...resourceGroup(target),
        '--run-id',
        runId,
    ];
}
function cancelRunArgs(target, runId) {
    return [
        'acr',
        'task',
        'cancel-run',
        '--registry',
        target.name,
        ...resourceGroup(target),
        '--run-id',
        runId,
    ];
}
/** Gives `source` (login server/repository:tag) the tag `image`, inside the registry. */
function importArgs(target, source, image) {
    return [
        'acr',
        'import',
        '--name',
        target.name,
        ...resourceGroup(target),
        '--source',
        source,
        '--image',
        image,
        '--force',
    ];
}
/** Removes a tag only: the manifest, and every other tag on it, stay. */
function untagArgs(target, image) {
    return ['acr', 'repository', 'untag', '--name', target.name, '--image', image];
}
/** Every tag of the repository with the digest it names (JSON). */
function tagsArgs(target, repository) {
    return [
        'acr',
        'repository',
        'show-tags',
        '--name',
        target.name,
        '--repository',
        repository,
        '--detail',
        '--output',
        'json',
    ];
}
/** Deletes the manifest the tag names, and with it every tag on that manifest. */
function deleteArgs(target, image) {
    return ['acr', 'repository', 'delete', '--name', target.name, '--image', image, '--yes'];
}

;// CONCATENATED MODULE: ./src/build/acr/az.ts
// The Azure CLI behind a small interface. `az` is the user's: installed on the runner and logged
// in (azure/login) before this step; it runs as a child process from an argv array, never
// through a shell. Python's stdout is set to UTF-8: with an ASCII locale the CLI's log stream
// would crash on the first non-ASCII character a build prints, while the run goes on in Azure.



/** @internal (exported for its unit tests) */
function azEnvironment(env = process.env) {
    return { ...env, PYTHONIOENCODING: 'utf-8' };
}
class AzCli {
    target;
    command;
    commands = new command/* CommandRunner */.Z();
    constructor(target, command = 'az') {
        this.target = target;
        this.command = command;
    }
    async runAz(args, onLine) {
        try {
            return await this.commands.run(this.command, args, onLine, { env: azEnvironment() });
        }
        catch (error) {
            if (!(error instanceof command/* CommandNotStarted */.q))
                throw error;
            throw new Error(`The Azure CLI could not be started (${this.command}: ${error.code ?? error.message}). builder: acr needs az on PATH, logged in before this step (azure/login)`, { cause: error });
        }
    }
    async stdoutOrThrow(args, what) {
        const result = await this.runAz(args);
        if (result.exitCode !== 0) {
            throw new Error(`${what} failed (az ${args.slice(0, 3).join(' ')}, exit ${result.exitCode}):\n${(0,step_text/* lastLines */.w$)(result.stderr || result.stdout, 15)}`);
        }
        return result.stdout.trim();
    }
    async loginServer() {
        const server = await this.stdoutOrThrow(loginServerArgs(this.target), `Looking up the registry ${this.target.name}`);
        if (server === '')
            throw new Error(`az acr show gave no login server for ${this.target.name}`);
        return server;
    }
    build(request, onLine) {
        return this.runAz(buildArgs(this.target, request), onLine);
    }
    runStatus(runId) {
        return this.stdoutOrThrow(runStatusArgs(this.target, runId), `Reading the status of run ${runId}`);
    }
    runLogs(runId) {
        return this.stdoutOrThrow(runLogsArgs(this.target, runId), `Reading the log of run ${runId}`);
    }
    async cancelRun(runId) {
        await this.stdoutOrThrow(cancelRunArgs(this.target, runId), `Canceling run ${runId}`);
    }
    async importImage(source, image) {
        await this.stdoutOrThrow(importArgs(this.target, source, image), `Tagging ${image}`);
    }
    async untag(image) {
        await this.stdoutOrThrow(untagArgs(this.target, image), `Untagging ${image}`);
    }
    async tags(repository) {
        const text = await this.stdoutOrThrow(tagsArgs(this.target, repository), `Listing the tags of ${repository}`);
        const tags = JSON.parse(text || '[]');
        return tags.flatMap(({ name, digest }) => (name && digest ? [{ name, digest }] : []));
    }
    async deleteImage(image) {
        await this.stdoutOrThrow(deleteArgs(this.target, image), `Deleting ${image}`);
    }
    stop() {
        return this.commands.stopAll();
    }
}


/***/ }),

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


/***/ })

};
