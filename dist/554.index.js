export const id = 554;
export const ids = [554,248];
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

/***/ 7248:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   candidateTag: () => (/* binding */ candidateTag),
/* harmony export */   discardCandidate: () => (/* binding */ discardCandidate),
/* harmony export */   promote: () => (/* binding */ promote)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _docker_reference_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2977);
/* harmony import */ var _step_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2687);
// The candidate: the image ACR built, under a tag of its own, until the smoke test passed. Then
// it is given the requested tags (`az acr import` inside the registry, no data leaves Azure) and
// its own tag is removed. A failed candidate is deleted, unless its manifest is also under
// another tag (an identical image a user already tagged): `az acr repository delete --image`
// deletes the manifest and every tag on it, so then only the candidate's tag is removed.




/** `repository:candidate-<run id>-<random>`, in the repository of the first tag. */
function candidateTag(firstTag, runId = process.env.GITHUB_RUN_ID, random = (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomBytes)(4).toString('hex')) {
    return `${repositoryOf(firstTag)}:candidate-${runId || 'local'}-${random}`;
}
function repositoryOf(image) {
    const reference = (0,_docker_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .parseReference */ .F)(image);
    if (!reference)
        throw new Error(`"${image}" is not an image reference`);
    return reference.name;
}
function tagOf(image) {
    return (0,_docker_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .parseReference */ .F)(image)?.tag ?? 'latest';
}
/** The candidate passed: every requested tag now names it, and its own tag is gone. */
async function promote(az, loginServer, candidate, tags) {
    for (const tag of tags)
        await az.importImage(`${loginServer}/${candidate}`, tag);
    await az.untag(candidate);
}
// How az says that a repository is not there (nothing was pushed): nothing to remove.
const NOT_THERE = /NAME_UNKNOWN|not found|not known/i;
/** Removes a candidate that did not pass: its run canceled first, if it may still be going. */
async function discardCandidate(az, candidate) {
    if (candidate.runId !== undefined) {
        await az
            .cancelRun(candidate.runId)
            .catch((error) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.debug(`cancel-run: ${(0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error)}`));
    }
    let tags;
    try {
        tags = await az.tags(repositoryOf(candidate.image));
    }
    catch (error) {
        if (NOT_THERE.test((0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error)))
            return;
        throw error;
    }
    const own = tags.find(({ name }) => name === tagOf(candidate.image));
    if (!own)
        return;
    const shared = tags.some(({ name, digest }) => name !== own.name && digest === own.digest);
    if (shared)
        await az.untag(candidate.image);
    else
        await az.deleteImage(candidate.image);
}


/***/ }),

/***/ 2977:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ parseReference),
/* harmony export */   v: () => (/* binding */ REFERENCE_RULE)
/* harmony export */ });
// Image references, checked against the grammar of distribution/reference (the one docker uses),
// so that a bad base-image or tag is refused before anything runs.
const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|-+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referencePattern = new RegExp(`^(?<name>(?:${domain}/)?${pathComponent}(?:/${pathComponent})*)(?::(?<tag>${tag}))?(?:@(?<digest>${digest}))?$`);
const MAX_NAME_LENGTH = 255;
/** Parses a reference or returns undefined when it does not follow the grammar. */
function parseReference(text) {
    const match = referencePattern.exec(text);
    if (!match?.groups)
        return undefined;
    const { name, tag: tagPart, digest: digestPart } = match.groups;
    // A first component that looks like a host must really be one: 'Foo/bar' is not valid.
    if (name.length > MAX_NAME_LENGTH)
        return undefined;
    const [first, ...rest] = name.split('/');
    const firstIsDomain = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost');
    if (!firstIsDomain && /[A-Z]/.test(first))
        return undefined;
    return { name, tag: tagPart, digest: digestPart };
}
const REFERENCE_RULE = 'an image reference: lowercase [registry/]path components, optional :tag ([\\w][\\w.-]{0,127}) and optional @digest';


/***/ }),

/***/ 9554:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/step/constants.ts
var constants = __webpack_require__(9171);
// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __webpack_require__(4573);
;// CONCATENATED MODULE: ./src/inputs/workspace-paths.ts
// Paths given as inputs must stay inside the workspace once symlinks are resolved, so a pull
// request cannot make the action read (and bake into an image) files from elsewhere on the runner.



/**
 * Whether `candidate` is `root` or below it. Only a first segment that is exactly `..` leaves
 * the root: `..data` or `..init.py` are names like any other.
 */
function isInside(root, candidate) {
    const relative = external_node_path_.relative(root, candidate);
    return relative !== '..' && !relative.startsWith(`..${external_node_path_.sep}`) && !external_node_path_.isAbsolute(relative);
}
/** Resolves `value` against `root`, follows symlinks, and checks it is inside and of the kind. */
function resolveInWorkspace(root, inputName, value, kind) {
    const realRoot = external_node_fs_.realpathSync(root);
    const candidate = external_node_path_.resolve(root, value);
    let real;
    try {
        real = external_node_fs_.realpathSync(candidate);
    }
    catch {
        throw new Error(`Input '${inputName}': "${value}" does not exist (looked for ${candidate})`);
    }
    if (!isInside(realRoot, real)) {
        throw new Error(`Input '${inputName}': "${value}" resolves outside the workspace (${realRoot})`);
    }
    const stat = external_node_fs_.statSync(real);
    if (kind === 'file' && !stat.isFile()) {
        throw new Error(`Input '${inputName}': "${value}" is not a file`);
    }
    if (kind === 'dir' && !stat.isDirectory()) {
        throw new Error(`Input '${inputName}': "${value}" is not a directory`);
    }
    return real;
}
/**
 * Refuses a name below `dir` that is not UTF-8. Names are read as bytes: Node would decode such
 * a name with U+FFFD, and every later open of it would fail with a bare ENOENT. Run before
 * anything else walks the tree (the code snapshot, staging, the digest).
 */
function checkNamesUtf8(inputName, dir) {
    entriesBelow(inputName, dir);
}
/** Every entry below `dir`, depth first, without following directory links; names checked. */
function entriesBelow(inputName, dir) {
    const found = [];
    for (const entry of external_node_fs_.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
        const full = external_node_path_.join(dir, entry.name.toString('utf8'));
        if (!(0,external_node_buffer_.isUtf8)(entry.name)) {
            throw new Error(`Input '${inputName}': the name ${JSON.stringify(full)} is not UTF-8 (shown with U+FFFD for the bytes that are not); file names must be UTF-8: rename it`);
        }
        found.push({ full, entry });
        if (entry.isDirectory())
            found.push(...entriesBelow(inputName, full));
    }
    return found;
}
/** Files and symlinks anywhere under `dir` (a symlink to a directory is not followed). */
function filesIn(inputName, dir) {
    return entriesBelow(inputName, dir)
        .filter(({ entry }) => entry.isFile() || entry.isSymbolicLink())
        .map(({ full }) => full);
}
/**
 * A directory to bake into the image must hold at least one file, and any symlink in it must
 * point inside the workspace (file links are copied as the file they point to). `files` (full
 * paths) narrows the check to what is copied, when that is not every file of `dir`; without it
 * every name is also checked to be UTF-8.
 */
function checkDirectory(workspace, inputName, dir, files = filesIn(inputName, dir)) {
    const realWorkspace = external_node_fs_.realpathSync(workspace);
    for (const full of files) {
        if (external_node_fs_.lstatSync(full).isSymbolicLink()) {
            let target;
            try {
                target = external_node_fs_.realpathSync(full);
            }
            catch {
                throw new Error(`Input '${inputName}': symlink ${full} is broken`);
            }
            if (!isInside(realWorkspace, target)) {
                throw new Error(`Input '${inputName}': symlink ${full} points outside the workspace`);
            }
            if (!external_node_fs_.statSync(target).isFile()) {
                throw new Error(`Input '${inputName}': symlink ${full} must point to a file`);
            }
        }
    }
    if (files.length === 0)
        throw new Error(`Input '${inputName}': directory ${dir} has no files to copy`);
}

// EXTERNAL MODULE: ./src/docker/docker-errors.ts
var docker_errors = __webpack_require__(4236);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/step/text.ts
var step_text = __webpack_require__(2687);
;// CONCATENATED MODULE: ./src/docker/image-python.ts
// A Python program run by an image's own interpreter, through the engine: the source as `-c`,
// its input on stdin of a throwaway container (no network, capped memory, nothing of the
// runner's files mounted), so a remote engine works too. `python` is tried first (the conda
// env's, first on PATH in the real images), then `python3`: never a path of one image.



const PYTHONS = ['python', 'python3'];
const MEMORY = '512m';
const TIMEOUT_MS = 60_000;
function containerName(role) {
    return `extend-azureml-image-${process.env.GITHUB_RUN_ID ?? 'local'}-${role}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
}
/** docker's answer when the entrypoint is not on the image's PATH. */
function notFound(result) {
    return (result.exitCode === 127 &&
        /executable file not found|no such file or directory/i.test(result.stderr));
}
/**
 * The program's stdout. Rejects when no Python is on the image's PATH, when it exits non-zero
 * (with the end of its stderr), or after a minute; the container is removed in every case.
 */
async function runImagePython(docker, leftovers, request) {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    for (const python of PYTHONS) {
        const name = containerName(request.role);
        leftovers.addContainer(name);
        const result = await docker
            .runWithInput({
            image: request.image,
            name,
            labels: [{ key: constants/* CONTAINER_LABEL */.Fu, value: name }],
            entrypoint: python,
            args: [...(request.flags ?? []), '-c', request.source],
            memory: MEMORY,
        }, request.input, timeout)
            .finally(() => leftovers.removeContainer(name).catch(() => undefined));
        if (timeout.aborted)
            throw new Error(`it took over ${TIMEOUT_MS / 1000} s`);
        if (notFound(result))
            continue;
        if (result.exitCode !== 0) {
            throw new Error(`${python} exited ${result.exitCode}:\n${(0,step_text/* lastLines */.w$)(result.stderr, 10)}`);
        }
        return result.stdout;
    }
    throw new Error(`neither ${PYTHONS.join(' nor ')} is on the image's PATH`);
}

;// CONCATENATED MODULE: ./src/script-check/checker-source.ts
// The checker, as Python source: run by the base image's own interpreter (`python -c`), it
// reads the code files as JSON on stdin and prints its verdicts as JSON. It parses, never imports:
// init() may need the model and packages that are not installed yet. It fails only what the
// server (azureml-inference-server-http, server/user_script.py) would certainly refuse at start:
// a file that does not compile, no binding of init or run at all, and a plain `def run` whose
// parameters inspect.signature would show as positional-only, *args or **kwargs, or with no
// parameter for the data. Written for Python 3.6 and later (older images run older Pythons).
// Kept free of backticks and "${" so that it stays a plain String.raw.
const CHECKER_SOURCE = String.raw `
import ast, base64, json, sys, warnings

warnings.simplefilter("ignore")  # SyntaxWarnings of the user's code are not verdicts

# Reading any of these may bind a module attribute the parser cannot see.
DYNAMIC_NAMES = {"globals", "vars", "locals", "exec", "eval", "setattr", "__import__"}
DYNAMIC_ATTRIBUTES = {"__dict__", "modules"}
# Decorators that hand back a function with the same signature (rawhttp returns it as it is;
# inference-schema's wrappers carry __wrapped__, which inspect.signature follows).
TRANSPARENT = {
    ("inference_schema.schema_decorators", "input_schema"),
    ("inference_schema.schema_decorators", "output_schema"),
    ("azureml_inference_server_http.api.aml_request", "rawhttp"),
    ("azureml.contrib.services.aml_request", "rawhttp"),
}


class Scope(object):
    def __init__(self):
        self.bound = {}  # name -> nodes that bind it at module level
        self.globals_declared = set()
        self.imported_from = {}  # local name -> (module, name), "from m import n [as a]"
        self.star_import = False
        self.dynamic = False

    def bind(self, name, node):
        self.bound.setdefault(name, []).append(node)


def visit(node, scope, in_module):
    kind = type(node).__name__
    if kind in ("FunctionDef", "AsyncFunctionDef", "ClassDef"):
        if in_module:
            scope.bind(node.name, node)
        outer = list(node.decorator_list)
        if kind == "ClassDef":
            outer += list(node.bases) + [k.value for k in node.keywords]
        else:
            outer += [d for d in node.args.defaults + node.args.kw_defaults if d is not None]
        for child in outer:
            visit(child, scope, in_module)
        for child in node.body:
            visit(child, scope, False)
        return
    if kind == "Lambda":
        visit(node.body, scope, False)
        return
    if kind == "Name":
        if in_module and not isinstance(node.ctx, ast.Load):
            scope.bind(node.id, node)
        if node.id in DYNAMIC_NAMES:
            scope.dynamic = True
    elif kind == "Attribute" and node.attr in DYNAMIC_ATTRIBUTES:
        scope.dynamic = True
    elif kind in ("Import", "ImportFrom"):
        for alias in node.names:
            if alias.name == "*":
                scope.star_import = True
                continue
            local = alias.asname or alias.name.split(".")[0]
            if in_module:
                scope.bind(local, node)
                if kind == "ImportFrom" and node.level == 0:
                    scope.imported_from[local] = (node.module, alias.name)
    elif kind == "Global":
        scope.globals_declared.update(node.names)
    elif kind == "ExceptHandler" and node.name and in_module:
        scope.bind(node.name, node)
    elif kind in ("MatchAs", "MatchStar") and node.name and in_module:
        scope.bind(node.name, node)
    elif kind == "MatchMapping" and node.rest and in_module:
        scope.bind(node.rest, node)
    for child in ast.iter_child_nodes(node):
        visit(child, scope, in_module)


def module_scope(tree):
    scope = Scope()
    for statement in tree.body:
        visit(statement, scope, True)
    return scope


def may_be_bound(scope, name):
    # hasattr(module, name) is what the server asks; a module __getattr__ answers anything.
    return (
        name in scope.bound
        or name in scope.globals_declared
        or scope.star_import
        or scope.dynamic
        or "__getattr__" in scope.bound
        or "__getattr__" in scope.globals_declared
    )


def decorator_name(scope, decorator):
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Name) and len(scope.bound.get(target.id, [])) == 1:
        return scope.imported_from.get(target.id)
    return None


def signature_problems(entry, scope, tree):
    """What the server refuses in run()'s parameters, when run is certainly this one def."""
    nodes = scope.bound.get("run", [])
    if len(nodes) != 1 or "run" in scope.globals_declared or scope.star_import or scope.dynamic:
        return []
    run = nodes[0]
    if type(run).__name__ not in ("FunctionDef", "AsyncFunctionDef") or run not in tree.body:
        return []
    decorators = [decorator_name(scope, d) for d in run.decorator_list]
    if any(d not in TRANSPARENT for d in decorators):
        return []
    names = set(name for _module, name in decorators)
    if "rawhttp" in names and "input_schema" in names:
        return [problem(entry, run.lineno, "decorators",
                        "run() cannot be decorated with both @rawhttp and @input_schema")]
    args = run.args
    positional_only = list(getattr(args, "posonlyargs", []))
    if positional_only:
        return [problem(entry, positional_only[0].lineno, "signature",
                        "run() cannot take positional-only parameters (before /): the server passes the data by name")]
    if args.vararg is not None:
        return [problem(entry, args.vararg.lineno, "signature",
                        "run() cannot take *" + args.vararg.arg + ": the server calls it with named arguments")]
    if args.kwarg is not None:
        return [problem(entry, args.kwarg.lineno, "signature",
                        "run() cannot take **" + args.kwarg.arg + ": the server calls it with named arguments")]
    data = [a for a in args.args + args.kwonlyargs if a.arg != "request_headers"]
    if not data:
        return [problem(entry, run.lineno, "signature",
                        "run() needs a parameter for the input data (besides an optional request_headers)")]
    return []


def problem(file, line, kind, message, column=None):
    return {"file": file, "line": line, "column": column, "kind": kind, "message": message}


def compile_problem(name, source):
    try:
        compile(source, name, "exec", dont_inherit=True)
    except SyntaxError as error:
        text = (error.text or "").rstrip("\r\n")
        found = problem(name, error.lineno, "syntax",
                        type(error).__name__ + ": " + str(error.msg), error.offset)
        found["text"] = text
        return found
    except ValueError as error:  # null bytes, before Python 3.12
        return problem(name, None, "syntax", "ValueError: " + str(error))
    return None


def check(request):
    entry = request["entry"]
    problems = []
    entry_source = None
    for name in sorted(request["files"]):
        source = base64.b64decode(request["files"][name])
        found = compile_problem(name, source)
        if found is not None:
            problems.append(found)
        elif name == entry:
            entry_source = source
    if entry_source is not None:
        tree = ast.parse(entry_source, entry)
        scope = module_scope(tree)
        for name in ("init", "run"):
            if not may_be_bound(scope, name):
                problems.append(problem(entry, None, "missing",
                                        "the entry script defines no " + name + "() at its top level"))
        if may_be_bound(scope, "run"):
            problems.extend(signature_problems(entry, scope, tree))
    version = ".".join(str(part) for part in sys.version_info[:3])
    return {"python": version, "executable": sys.executable, "problems": problems}


json.dump(check(json.loads(sys.stdin.buffer.read().decode("utf-8"))), sys.stdout)
`;

;// CONCATENATED MODULE: ./src/script-check/script-check.ts
// The scoring script, checked in the base image's own Python as soon as the base image is in the
// engine: every .py file the code copy takes must compile there, and the entry script must give
// the server an init and a run it accepts (see checker-source.ts). The checker and the files go
// through the engine (stdin of a throwaway container), never a mount of the runner's files, so a
// remote engine works too. A check that cannot run (no Python on the image's PATH, an engine
// error) only warns: it fails the step only on what is certain.






/** The scoring script would not load in the server: every problem, the first one annotated. */
class ScriptCheckFailure extends Error {
    problems;
    constructor(message, problems) {
        super(message);
        this.problems = problems;
        this.name = 'ScriptCheckFailure';
    }
}
/** The checker's input: every .py file the code copy takes, by its path in code-dir. @internal (exported for its unit tests) */
function checkerInput(code, entryScript) {
    const files = {};
    for (const entry of code.entries) {
        if (entry.kind !== 'file' || !entry.path.endsWith('.py'))
            continue;
        files[entry.path] = external_node_fs_.readFileSync(external_node_path_.join(code.root, entry.path)).toString('base64');
    }
    return JSON.stringify({ entry: entryScript, files });
}
/** Runs the checker in the image; undefined (and a warning) when it could not run. */
async function runChecker(docker, leftovers, request, 
/** True once the verdict is not needed: a failure to run is then not warned of. */
forgotten = () => false) {
    try {
        const stdout = await runImagePython(docker, leftovers, {
            image: request.image,
            source: CHECKER_SOURCE,
            flags: ['-I', '-S'],
            input: checkerInput(request.code, request.entryScript),
            role: 'check',
        });
        return parseVerdict(stdout);
    }
    catch (error) {
        if (forgotten())
            return undefined;
        core.warning(`The scoring script was not checked before the build: ${(0,step_text/* errorMessage */.gJ)(error)}`);
        return undefined;
    }
}
const KINDS = ['syntax', 'missing', 'signature', 'decorators'];
function optionalNumber(value) {
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
/** The checker's JSON, its nulls as absent fields; anything else is refused. @internal (exported for its unit tests) */
function parseVerdict(stdout) {
    const raw = JSON.parse(stdout);
    if (typeof raw.python !== 'string' || !Array.isArray(raw.problems)) {
        throw new Error(`the checker answered something else than a verdict: ${stdout.slice(0, 200)}`);
    }
    const problems = raw.problems.map((item) => {
        const kind = item.kind;
        if (typeof item.file !== 'string' || typeof item.message !== 'string' || !KINDS.includes(kind))
            throw new Error(`the checker answered a problem it should not: ${JSON.stringify(item)}`);
        const problem = { file: item.file, kind, message: item.message };
        const line = optionalNumber(item.line);
        const column = optionalNumber(item.column);
        if (line !== undefined)
            problem.line = line;
        if (column !== undefined)
            problem.column = column;
        if (typeof item.text === 'string' && item.text !== '')
            problem.text = item.text;
        return problem;
    });
    return { python: raw.python, problems };
}
function describeProblem(problem, codeDirLabel) {
    const file = external_node_path_.posix.join(codeDirLabel, problem.file);
    const where = problem.line === undefined ? file : `${file} line ${problem.line}`;
    const text = problem.text?.trim() ? `\n      ${problem.text.trim()}` : '';
    return `  ${where}: ${problem.message}${text}`;
}
/** The failure for a verdict with problems; undefined when it passed. */
function failureOf(verdict, codeDirLabel) {
    if (verdict.problems.length === 0)
        return undefined;
    const lines = verdict.problems.map((problem) => describeProblem(problem, codeDirLabel));
    return new ScriptCheckFailure(`The scoring script would not load in the server (checked with the base image's Python ${verdict.python}, before the build finished):\n${lines.join('\n')}`, verdict.problems);
}

;// CONCATENATED MODULE: ./src/dependencies/conflict-failure.ts
// The step's failure when the requirements break the inference server's dependencies: the
// message names every conflict; the annotation goes on the first one's requirements line.
class ServerConflictFailure extends Error {
    line;
    title;
    constructor(message, 
    /** The first conflict's line in the top requirements file, when one was found. */
    line, title) {
        super(message);
        this.line = line;
        this.title = title;
        this.name = 'ServerConflictFailure';
    }
}

;// CONCATENATED MODULE: ./src/report/annotations.ts







const MODELS_PREFIX = 'azureml-models/';
/** Annotations take paths relative to the repository root, with forward slashes. */
function workspaceRelative(workspace, file) {
    if (!external_node_fs_.existsSync(file))
        return undefined;
    const root = external_node_fs_.realpathSync(workspace);
    const real = external_node_fs_.realpathSync(file);
    if (!isInside(root, real))
        return undefined;
    return external_node_path_.relative(root, real).split(external_node_path_.sep).join('/');
}
function pythonTitle(failure) {
    const exception = failure.exception.split(':')[0];
    if (/^(SyntaxError|IndentationError|TabError)$/.test(exception)) {
        return 'The entry script does not compile';
    }
    if (failure.functionName && failure.functionName !== '<module>') {
        return `${failure.functionName}() raised ${exception}`;
    }
    return `Importing the entry script raised ${exception}`;
}
/** The user's file and line for a traceback, when that file is in code-dir or model-dir. @internal (exported for its unit tests) */
function pythonAnnotation(failure, sources) {
    if (!failure?.file)
        return undefined;
    let local;
    if (failure.file.startsWith(MODELS_PREFIX) && sources.modelDir) {
        local = external_node_path_.join(sources.modelDir, failure.file.slice(MODELS_PREFIX.length));
    }
    else if (sources.codeDir) {
        local = external_node_path_.join(sources.codeDir, failure.file);
    }
    const file = local && workspaceRelative(sources.workspace, local);
    if (!file)
        return undefined;
    return { title: pythonTitle(failure), file, startLine: failure.line };
}
const SCRIPT_TITLES = {
    syntax: (problem) => `${external_node_path_.posix.basename(problem.file)} does not compile`,
    missing: () => 'The entry script lacks a function the server calls',
    signature: () => "The server refuses run()'s parameters",
    decorators: () => "The server refuses run()'s decorators",
};
/** The first problem the scoring script check found, on its file in code-dir. @internal (exported for its unit tests) */
function scriptAnnotation(failure, sources) {
    const problem = failure.problems[0];
    if (!problem || !sources.codeDir)
        return undefined;
    const file = workspaceRelative(sources.workspace, external_node_path_.join(sources.codeDir, problem.file));
    if (!file)
        return undefined;
    return {
        title: SCRIPT_TITLES[problem.kind](problem),
        file,
        startLine: problem.line,
        // Python counts columns from 1, as annotations do.
        startColumn: problem.line === undefined ? undefined : problem.column,
    };
}
/** PEP 503 normalisation: pip treats `Tiny_Linear` and `tiny-linear` as one project. @internal (exported for its unit tests) */
function normalizeProjectName(name) {
    return name.toLowerCase().replace(/[-_.]+/g, '-');
}
function projectName(requirement) {
    return normalizeProjectName(requirement.trim().split(/[\s<>=!~;[@(,]/)[0]);
}
/** The line of the requirements file that asks for the project pip could not resolve. @internal (exported for its unit tests) */
function requirementsAnnotation(sources, requirement) {
    if (!sources.requirements)
        return undefined;
    const wanted = projectName(requirement);
    const lines = external_node_fs_.readFileSync(sources.requirements, 'utf8').split(/\r?\n/);
    const index = lines.findIndex((line) => {
        const text = line.replace(/(^|\s)#.*$/, '').trim();
        return text !== '' && !text.startsWith('-') && projectName(text) === wanted;
    });
    const file = workspaceRelative(sources.workspace, sources.requirements);
    if (!file)
        return undefined;
    return {
        title: `pip could not resolve ${requirement}`,
        file,
        startLine: index >= 0 ? index + 1 : undefined,
    };
}
/** A line of the top requirements file (the file alone when `line` is undefined). */
function requirementsLineAnnotation(sources, title, line) {
    const file = sources.requirements && workspaceRelative(sources.workspace, sources.requirements);
    if (!file)
        return undefined;
    return { title, file, startLine: line };
}
function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/**
 * The line of the running workflow file that names an apt package. GITHUB_WORKFLOW_REF is
 * `owner/repo/.github/workflows/file.yml@ref`; the file is read from the checkout, and only when
 * the workflow belongs to the checked-out repository.
 * @internal (exported for its unit tests)
 */
function workflowAnnotation(value, title, workspace, env = process.env) {
    const ref = env.GITHUB_WORKFLOW_REF;
    const repository = env.GITHUB_REPOSITORY;
    if (!ref || !repository || !ref.startsWith(`${repository}/`))
        return { title };
    const relative = ref.slice(repository.length + 1).replace(/@[^@]*$/, '');
    const file = external_node_path_.join(workspace, relative);
    if (!workspaceRelative(workspace, file))
        return { title };
    // Package names hold '+', '-' and '.': a match must not be part of a longer name.
    const word = new RegExp(`(^|[^a-z0-9+.-])${escapeRegExp(value)}($|[^a-z0-9+.-])`);
    const index = external_node_fs_.readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .findIndex((line) => word.test(line));
    return index < 0 ? { title, file: relative } : { title, file: relative, startLine: index + 1 };
}
/**
 * The annotation for a failure of the main step, as precise as the failure allows. Never
 * throws: it runs while the step is failing, and a file it cannot read only costs precision.
 */
function annotationFor(error, sources, python) {
    if (!sources)
        return undefined;
    try {
        if (python)
            return pythonAnnotation(python, sources);
        if (error instanceof ScriptCheckFailure)
            return scriptAnnotation(error, sources);
        if (error instanceof ServerConflictFailure)
            return requirementsLineAnnotation(sources, error.title, error.line);
        if (!(error instanceof docker_errors/* BuildFailure */.$w) || !error.culprit)
            return undefined;
        const { input, value } = error.culprit;
        if (input === constants/* Input */.pd.Requirements)
            return requirementsAnnotation(sources, value);
        return workflowAnnotation(value, `apt has no package ${value}`, sources.workspace);
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: ./src/step/inert-log.ts
var inert_log = __webpack_require__(3933);
;// CONCATENATED MODULE: ./src/step/leftovers.ts
// What the main step has created and must not leave behind: containers, image tags and its work
// directory. Saved to the step state as it grows (for the post step if this process is killed),
// and removed on success, failure, or SIGINT/SIGTERM, whichever comes first. Removal is
// idempotent, so the post step may repeat it safely.





class Leftovers {
    docker;
    candidates = new Map();
    containers = new Set();
    directories = new Set();
    tags = new Set();
    locks = new Set();
    cleaning;
    constructor(docker) {
        this.docker = docker;
    }
    /**
     * The engine all of it is created on: saved before anything is, so that the post step
     * removes it from that engine even if DOCKER_HOST or the current context changed meanwhile.
     */
    useEngine(engine) {
        core.saveState(constants/* State */.Uw.Engine, JSON.stringify({ host: engine.host, context: engine.context }));
    }
    /**
     * A lock this run holds (the stable staging folder's): given back by `release` on any end,
     * a signal included, so that the next run does not have to wait for this pid to be gone.
     * Returns the release, to call when done; calling it twice is harmless.
     */
    holdLock(release) {
        const once = () => {
            if (this.locks.delete(once))
                release();
        };
        this.locks.add(once);
        return once;
    }
    addContainer(name) {
        this.containers.add(name);
        core.saveState(constants/* State */.Uw.Containers, JSON.stringify([...this.containers]));
    }
    addDirectory(dir) {
        this.directories.add(dir);
        core.saveState(constants/* State */.Uw.WorkDirs, JSON.stringify([...this.directories]));
    }
    /** Tags of an image that has not passed yet: removed unless the step succeeds. */
    addPendingTags(tags) {
        for (const tag of tags)
            this.tags.add(tag);
        core.saveState(constants/* State */.Uw.PendingTags, JSON.stringify([...this.tags]));
    }
    /**
     * An untagged image built now for this run's image to sit on (the legacy builder's model
     * image): removed with the pending tags unless the step succeeds. `docker image rm` takes an
     * id as it takes a tag; once the application image is built on it, removing that image's
     * tags removes it too, as an untagged parent.
     */
    addPendingImage(id) {
        this.addPendingTags([id]);
    }
    /** The image passed (or is pushed): its tags stay, whatever happens next. */
    commitPendingTags() {
        this.tags.clear();
        core.saveState(constants/* State */.Uw.PendingTags, '[]');
    }
    /** A candidate in a registry, and how to remove it (the post step does the same from state). */
    addRegistryCandidate(candidate, discard) {
        this.candidates.set(candidate.image, { candidate, discard });
        this.saveCandidates();
    }
    updateRegistryCandidate(image, runId) {
        const entry = this.candidates.get(image);
        if (!entry)
            return;
        entry.candidate = { ...entry.candidate, runId };
        this.saveCandidates();
    }
    /** Promoted, or removed already: nothing left to do for it. */
    forgetRegistryCandidate(image) {
        this.candidates.delete(image);
        this.saveCandidates();
    }
    async discardRegistryCandidate(image) {
        const entry = this.candidates.get(image);
        if (!entry)
            return;
        await entry.discard(entry.candidate);
        this.forgetRegistryCandidate(image);
    }
    saveCandidates() {
        const list = [...this.candidates.values()].map(({ candidate }) => candidate);
        core.saveState(constants/* State */.Uw.AcrCandidates, JSON.stringify(list));
    }
    /** Keeps a directory for later steps of the job (the post step still removes it). */
    keepDirectory(dir) {
        this.directories.delete(dir);
    }
    async removeContainer(name) {
        await this.docker.remove(name);
        this.containers.delete(name);
        // The post step then has nothing left to remove.
        core.saveState(constants/* State */.Uw.Containers, JSON.stringify([...this.containers]));
    }
    /**
     * Removes all of it. Calls while one runs (a signal arriving as the step fails) share it:
     * a second one would stop the first one's own docker commands.
     */
    cleanup() {
        this.cleaning ??= this.removeAll().finally(() => (this.cleaning = undefined));
        return this.cleaning;
    }
    async removeAll() {
        // First stop what is still running: a build left going would tag its image after the untag.
        await this.docker.cancel().catch((error) => core.warning(String(error)));
        for (const image of [...this.candidates.keys()]) {
            await this.discardRegistryCandidate(image).catch((error) => core.warning((0,step_text/* errorMessage */.gJ)(error)));
        }
        for (const name of [...this.containers]) {
            try {
                await this.removeContainer(name);
            }
            catch (error) {
                core.warning((0,step_text/* errorMessage */.gJ)(error));
            }
        }
        if (this.tags.size > 0) {
            await this.docker.untag([...this.tags]);
            this.commitPendingTags();
        }
        for (const dir of this.directories)
            external_node_fs_.rmSync(dir, { recursive: true, force: true });
        this.directories.clear();
        for (const release of [...this.locks])
            release();
    }
}
/**
 * On cancellation the runner sends SIGINT, then SIGTERM: clean up once, then end with the first
 * signal. Later signals are ignored so that they cannot cut the cleanup short.
 */
function cleanupOnSignals(leftovers) {
    let cleaning = false;
    const handler = (signal) => {
        if (cleaning)
            return;
        cleaning = true;
        (0,inert_log/* endOpenRelays */.Om)();
        core.warning(`Received ${signal}: stopping docker and removing what this step created`);
        void leftovers.cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
        process.removeListener('SIGINT', handler);
        process.removeListener('SIGTERM', handler);
    };
}

// EXTERNAL MODULE: ./src/docker/docker.ts + 1 modules
var docker_docker = __webpack_require__(5360);
;// CONCATENATED MODULE: ./src/dependencies/image-cache.ts
// The dependencies image, kept across runners with the GitHub Actions cache (@actions/cache).
// The cache is a speed-up, never a reason to fail: anything that goes wrong is a warning.



// Loaded on first use: the cache client (with its Azure SDK) is most of the bundle, and runs
// that never reach the dependencies step should not pay for parsing it.
const loadCache = () => __webpack_require__.e(/* import() */ 691).then(__webpack_require__.bind(__webpack_require__, 1691));
/**
 * The client leaves scratch folders in RUNNER_TEMP; pointing it at the archive's own folder,
 * which the caller removes, keeps the runner's temp dir clean.
 */
async function withScratchIn(dir, action) {
    const saved = process.env.RUNNER_TEMP;
    external_node_fs_.mkdirSync(dir, { recursive: true });
    process.env.RUNNER_TEMP = dir;
    try {
        return await action();
    }
    finally {
        if (saved === undefined)
            delete process.env.RUNNER_TEMP;
        else
            process.env.RUNNER_TEMP = saved;
    }
}
/** The real cache service. Its paths are part of the cache version, so they must be stable. */
class ActionsImageCache {
    async available() {
        return (await loadCache()).isFeatureAvailable();
    }
    async restore(file, key) {
        const cache = await loadCache();
        if (!cache.isFeatureAvailable()) {
            core.info('The GitHub Actions cache is not available here; building the dependencies.');
            return false;
        }
        // The client reports service trouble itself, as a warning, and answers a miss.
        const hit = await withScratchIn(external_node_path_.dirname(file), () => cache.restoreCache([file], key));
        return hit === key && external_node_fs_.existsSync(file);
    }
    async save(file, key) {
        const cache = await loadCache();
        if (!cache.isFeatureAvailable())
            return false;
        // -1: not saved (the key exists already, or the service is down); the client says which.
        const id = await withScratchIn(external_node_path_.dirname(file), () => cache.saveCache([file], key));
        return id !== -1;
    }
}

// EXTERNAL MODULE: ./src/docker/reference.ts
var docker_reference = __webpack_require__(2977);
;// CONCATENATED MODULE: ./src/inputs/acr-inputs.ts
// The inputs of `builder: acr` (the image is built in an Azure container registry by ACR Tasks),
// and the rules the other inputs must follow there. All checked before anything is built.


// Azure's rule for a registry's resource name: 5 to 50 alphanumerics. `az` wants it in lower
// case ("It should be specified in lower case"), as the login server has it: lower-cased here.
const ACR_NAME = /^[A-Za-z0-9]{5,50}$/;
// Azure's rule for a resource group name: 1 to 90 of letters, digits, '_', '-', '.', '(' and
// ')', not ending in '.'.
const RESOURCE_GROUP = /^[\p{L}\p{N}_().-]{0,89}[\p{L}\p{N}_()-]$/u;
function parseBuilder(raw) {
    const value = raw.trim().toLowerCase();
    if (value === '' || value === 'docker')
        return 'docker';
    if (value === 'acr')
        return 'acr';
    throw new Error(`Input '${constants/* Input */.pd.Builder}' must be docker or acr, got "${raw}"`);
}
function checkAcrName(raw) {
    if (raw === undefined || raw.trim() === '') {
        throw new Error(`Input '${constants/* Input */.pd.AcrName}' is required with '${constants/* Input */.pd.Builder}: acr' (the registry's name, e.g. myregistry for myregistry.azurecr.io)`);
    }
    const name = raw.trim();
    if (!ACR_NAME.test(name)) {
        throw new Error(`Input '${constants/* Input */.pd.AcrName}': "${name}" is not a registry name: 5 to 50 letters and digits (the name, not the login server: myregistry, not myregistry.azurecr.io)`);
    }
    return name.toLowerCase();
}
function checkResourceGroup(raw) {
    const value = raw?.trim();
    if (value === undefined || value === '')
        return undefined;
    if (!RESOURCE_GROUP.test(value)) {
        throw new Error(`Input '${constants/* Input */.pd.AcrResourceGroup}': "${value}" is not a resource group name: 1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'`);
    }
    return value;
}
/**
 * With `builder: acr` a tag names a repository in that registry: `model:1`, or in full
 * `myregistry.azurecr.io/model:1` (the host is dropped: the registry's own login server, which
 * `az acr show` gives, is put back in the outputs). Another registry's host is refused: the image
 * is built and tagged inside the one registry.
 */
function repositoryTag(acrName, tag) {
    const reference = (0,docker_reference/* parseReference */.F)(tag);
    const [first, ...rest] = tag.split('/');
    const hasHost = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost');
    if (!reference || !hasHost)
        return tag;
    if (first.toLowerCase() === `${acrName}.azurecr.io`)
        return rest.join('/');
    throw new Error(`Input '${constants/* Input */.pd.Tags}': "${tag}" names the registry ${first}; with '${constants/* Input */.pd.Builder}: acr' a tag names a repository in '${constants/* Input */.pd.AcrName}' ${acrName} (model:1, or ${acrName}.azurecr.io/model:1)`);
}
/**
 * The rules of `builder: acr` for the other inputs. Credentials in an index URL are refused: the
 * only way `az acr build` hands a value to the build is a build argument, and build arguments
 * (`--secret-build-arg` too: it only hides the value from the run's API) are written into the
 * image history of the step that uses them.
 */
function checkAcrInputs(checks) {
    if (checks.push) {
        throw new Error(`Input '${constants/* Input */.pd.Push}': with '${constants/* Input */.pd.Builder}: acr' the image is built in the registry and given its tags there after the smoke test; leave '${constants/* Input */.pd.Push}' off`);
    }
    if (checks.network !== undefined) {
        throw new Error(`Input '${constants/* Input */.pd.Network}' names a network of the local Docker engine; with '${constants/* Input */.pd.Builder}: acr' the build runs in Azure, which has no such network`);
    }
    const credentials = checks.pipIndexUrls.some((url) => {
        const parsed = new URL(url);
        return parsed.username !== '' || parsed.password !== '';
    });
    if (credentials) {
        throw new Error(`Inputs '${constants/* Input */.pd.PipIndexUrl}'/'${constants/* Input */.pd.PipExtraIndexUrl}' carry credentials, and with '${constants/* Input */.pd.Builder}: acr' they could only reach pip as a build argument, which is stored in the image history (az acr build --secret-build-arg too). Use an index without credentials, or '${constants/* Input */.pd.Builder}: docker' with BuildKit (a build secret)`);
    }
}
function acrTarget(name, resourceGroup) {
    return { name: checkAcrName(name), resourceGroup: checkResourceGroup(resourceGroup) };
}

;// CONCATENATED MODULE: ./src/inputs/apt-packages.ts
// One entry of 'apt-packages' in apt-get install's own syntax: name[:arch][=version] or
// name[:arch]/release. Each part has a closed alphabet, so an entry is one plain shell word that
// can only mean "install this": no option, no shell syntax, no removal.

// Debian policy for package names.
const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
// dpkg architecture names (`amd64`, `arm64`, `musl-linux-amd64`).
const ARCHITECTURE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const VERSION = /^[A-Za-z0-9.+~:-]+$/;
// Debian and Ubuntu suite and codename names (`stable`, `jammy-backports`).
const RELEASE = /^[a-z0-9][a-z0-9.-]*$/;
const ENTRY = /^(?<name>[^:=/]*)(?::(?<architecture>[^=/]*))?(?:=(?<version>.*)|\/(?<release>.*))?$/s;
// apt's own words for architectures, not ones dpkg can add.
const PSEUDO_ARCHITECTURES = new Set(['all', 'any', 'native']);
const RULE = "is not an apt package: name[:arch][=version] or name[:arch]/release, with a Debian package name (lowercase letters, digits, '+', '-', '.'; at least two characters), a dpkg architecture (lowercase letters, digits, '-'), a version ([A-Za-z0-9.+~:-]) or a release (lowercase letters, digits, '.', '-')";
function parseAptPackage(entry) {
    const rule = `Input '${constants/* Input */.pd.AptPackages}': "${entry}" ${RULE}`;
    const groups = ENTRY.exec(entry)?.groups;
    if (!groups)
        throw new Error(rule);
    const { name, architecture, version, release } = groups;
    if (!NAME.test(name) ||
        (architecture !== undefined && !ARCHITECTURE.test(architecture)) ||
        (version !== undefined && !VERSION.test(version)) ||
        (release !== undefined && !RELEASE.test(release))) {
        throw new Error(rule);
    }
    // apt reads a trailing '-' on the whole word as "remove", a single trailing '+' as its marker.
    if (entry.endsWith('-') || (entry.endsWith('+') && !entry.endsWith('++'))) {
        throw new Error(`${rule}: a trailing '+' or '-' would change what apt does`);
    }
    return { name, architecture, version, release };
}
/** The architectures dpkg must know before `apt-get update` fetches their package lists. */
function foreignArchitectures(entries) {
    const architectures = entries
        .map((entry) => parseAptPackage(entry).architecture)
        .filter((architecture) => architecture !== undefined)
        .filter((architecture) => !PSEUDO_ARCHITECTURES.has(architecture));
    return [...new Set(architectures)].sort();
}

// EXTERNAL MODULE: ./node_modules/ignore/index.js
var ignore = __webpack_require__(298);
var ignore_default = /*#__PURE__*/__webpack_require__.n(ignore);
;// CONCATENATED MODULE: ./src/inputs/code-snapshot.ts
// Which files of `code-dir` and `model-dir` go into the image, and which are left out and why.
// Staging (build-context.ts) copies exactly what a snapshot takes and the input digest
// (content-hash.ts) hashes exactly that, so a file left out can neither reach the image nor
// change the default tag.
//
// The code copy follows Azure ML's rule for a code snapshot, as Microsoft documents it
// (docs "Where to save and write files for Azure Machine Learning experiments", include
// machine-learning-amlignore-gitignore.md): an ignore file in the snapshot directory, `.amlignore`
// or `.gitignore`, in `.gitignore` syntax; when both exist, `.amlignore` takes precedence and
// `.gitignore` is not used. The SDK (azure-ai-ml `get_ignore_file`) reads that one file from the
// root of the code directory only, so ignore files in subfolders have no effect here either.
// `model-dir` is copied whole. A `.git` entry (the directory, or the file of a worktree or
// submodule) is never copied from either: it is repository history, not code or model.






/** Looked for in this order at the root of `code-dir`: the first that exists applies. */
const IGNORE_FILES = ['.amlignore', '.gitignore'];
const GIT = '.git';
function toPosix(relative) {
    return relative.split(external_node_path_.sep).join('/');
}
/** Files and bytes under an entry that is left out; symlinks are not followed (may be broken). */
function countBelow(full, entry) {
    if (!entry.isDirectory())
        return { files: 1, bytes: external_node_fs_.lstatSync(full).size };
    const count = { files: 0, bytes: 0 };
    for (const inner of external_node_fs_.readdirSync(full, { recursive: true, withFileTypes: true })) {
        if (inner.isDirectory())
            continue;
        count.files++;
        count.bytes += external_node_fs_.lstatSync(external_node_path_.join(inner.parentPath, inner.name)).size;
    }
    return count;
}
function whyLeftOut(full, relative, entry, rules) {
    if (entry.name === GIT)
        return { reason: 'git' };
    if (entry.isDirectory() && full === rules.modelDir)
        return { reason: 'model-dir' };
    // A trailing slash lets a directory-only pattern (`build/`) match the directory.
    const test = rules.matcher?.test(entry.isDirectory() ? `${relative}/` : relative);
    if (test?.ignored)
        return { reason: 'ignore-file', rule: test.rule?.pattern };
    return undefined;
}
function walk(root, dir, rules, snapshot) {
    const entries = external_node_fs_.readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
        const full = external_node_path_.join(dir, entry.name);
        const relative = toPosix(external_node_path_.relative(root, full));
        const why = whyLeftOut(full, relative, entry, rules);
        if (why) {
            snapshot.leftOut.push({ path: relative, ...why, ...countBelow(full, entry) });
        }
        else if (entry.isDirectory()) {
            snapshot.entries.push({ path: relative, kind: 'dir', bytes: 0 });
            walk(root, full, rules, snapshot);
        }
        else if (entry.isFile() || entry.isSymbolicLink()) {
            // A broken link counts 0 bytes here; checkDirectory refuses it, naming the input.
            const bytes = external_node_fs_.statSync(full, { throwIfNoEntry: false })?.size ?? 0;
            snapshot.entries.push({ path: relative, kind: 'file', bytes });
        }
    }
}
function readIgnoreFile(workspace, codeDir) {
    for (const name of IGNORE_FILES) {
        const file = external_node_path_.join(codeDir, name);
        if (!external_node_fs_.existsSync(file))
            continue;
        // Read before the directory's links are checked: a link out of the workspace is refused
        // here, or a line of the runner's files could come back in an error as "the rule".
        const real = resolveInWorkspace(workspace, constants/* Input */.pd.CodeDir, file, 'any');
        if (!external_node_fs_.statSync(real).isFile())
            continue;
        // Case-sensitive, as git on Linux and the SDK's pattern matching are.
        return { name, matcher: ignore_default()({ ignorecase: false }).add(external_node_fs_.readFileSync(real, 'utf8')) };
    }
    return undefined;
}
/**
 * What of `codeDir` is copied to the app root: all but `.git`, `modelDir` when it is inside, and
 * what the ignore file leaves out. Both paths are real (symlinks resolved), inside `workspace`.
 */
function codeSnapshot(workspace, codeDir, modelDir) {
    const ignoreFile = readIgnoreFile(workspace, codeDir);
    const snapshot = { root: codeDir, entries: [], leftOut: [] };
    if (ignoreFile)
        snapshot.ignoreFile = ignoreFile.name;
    walk(codeDir, codeDir, { matcher: ignoreFile?.matcher, modelDir }, snapshot);
    const model = snapshot.leftOut.find((entry) => entry.reason === 'model-dir');
    if (model)
        snapshot.modelDirInside = model.path;
    return snapshot;
}
/**
 * A directory copied whole, all of it but `.git`: `model-dir`, and the staged requirements folder
 * (for the digests).
 */
function wholeTreeSnapshot(dir) {
    const snapshot = { root: dir, entries: [], leftOut: [] };
    walk(dir, dir, {}, snapshot);
    return snapshot;
}
/** The left-out entry that holds `relative` (a path inside the root), if any. */
function leftOutEntryOf(snapshot, relative) {
    return snapshot.leftOut.find((entry) => relative === entry.path || relative.startsWith(`${entry.path}/`));
}
/** Full paths of the files the snapshot takes. */
function copiedFiles(snapshot) {
    return snapshot.entries
        .filter((entry) => entry.kind === 'file')
        .map((entry) => external_node_path_.join(snapshot.root, entry.path));
}
/**
 * The entry script must be in the code copy: one the ignore file leaves out would not be in
 * Azure ML's snapshot either, and the server could not load it.
 */
function checkEntryScriptCopied(snapshot, entryScript) {
    const leftOut = leftOutEntryOf(snapshot, entryScript);
    if (!leftOut)
        return;
    const where = {
        git: `is inside ${GIT}, which is never copied`,
        'model-dir': `is inside '${constants/* Input */.pd.ModelDir}', which is left out of the code copy`,
        'ignore-file': `is left out of the code copy by ${snapshot.ignoreFile} in '${constants/* Input */.pd.CodeDir}' (rule ${JSON.stringify(leftOut.rule)}${leftOut.path === entryScript ? '' : `, on its directory ${leftOut.path}`}): Azure ML would leave it out of its snapshot too`,
    }[leftOut.reason];
    throw new Error(`Input '${constants/* Input */.pd.EntryScript}': "${entryScript}" ${where}`);
}
function takenCount(snapshot) {
    const files = snapshot.entries.filter((entry) => entry.kind === 'file');
    return { files: files.length, bytes: files.reduce((sum, entry) => sum + entry.bytes, 0) };
}
function leftOutCount(snapshot, reason) {
    const entries = snapshot.leftOut.filter((entry) => reason === undefined || entry.reason === reason);
    return {
        files: entries.reduce((sum, entry) => sum + entry.files, 0),
        bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0),
    };
}
function snapshotReport(snapshot) {
    const report = {
        copied: takenCount(snapshot),
        leftOut: { ...leftOutCount(snapshot), git: leftOutCount(snapshot, 'git') },
    };
    if (snapshot.modelDirInside !== undefined) {
        report.leftOut.modelDir = leftOutCount(snapshot, 'model-dir');
    }
    if (snapshot.ignoreFile) {
        report.leftOut.ignoreFile = {
            name: snapshot.ignoreFile,
            ...leftOutCount(snapshot, 'ignore-file'),
        };
    }
    return report;
}
function files(count) {
    return count === 1 ? '1 file' : `${count} files`;
}
/** "3 files, 1.2 kB". */
function describeCount(count) {
    return `${files(count.files)}, ${(0,step_text/* humanBytes */.p6)(count.bytes)}`;
}
/**
 * One line on what was copied and left out, e.g. "12 files, 40.1 kB copied; left out
 * 310 files, 2.0 MB: .git 300 files, 1.9 MB; .amlignore 10 files, 0.1 MB". No user text in it.
 */
function describeReport(report) {
    const copied = `${describeCount(report.copied)} copied`;
    if (report.leftOut.files === 0 && report.leftOut.bytes === 0)
        return `${copied}; nothing left out`;
    const parts = [];
    const { git, modelDir, ignoreFile } = report.leftOut;
    if (git.files > 0)
        parts.push(`${GIT} ${describeCount(git)}`);
    if (modelDir)
        parts.push(`model-dir ${describeCount(modelDir)}`);
    if (ignoreFile && ignoreFile.files > 0) {
        parts.push(`${ignoreFile.name} ${describeCount(ignoreFile)}`);
    }
    return `${copied}; left out ${describeCount(report.leftOut)}: ${parts.join('; ')}`;
}
/** What the log says about the copies in Prepare: numbers, fixed names, no user text. */
function snapshotLog(code, model) {
    const lines = [];
    if (code)
        lines.push(`Code copy (${constants/* Input */.pd.CodeDir}): ${describeReport(snapshotReport(code))}`);
    if (code?.modelDirInside !== undefined) {
        lines.push(`${constants/* Input */.pd.ModelDir} is inside ${constants/* Input */.pd.CodeDir}: left out of the code copy; the script finds it through ${constants/* Contract */.NZ.modelDirEnv} (${constants/* Contract */.NZ.modelDir})`);
    }
    if (model)
        lines.push(`Model copy (${constants/* Input */.pd.ModelDir}): ${describeReport(snapshotReport(model))}`);
    if (code && model && code.root.startsWith(`${model.root}${external_node_path_.sep}`)) {
        lines.push(`${constants/* Input */.pd.CodeDir} is inside ${constants/* Input */.pd.ModelDir}: its files are in the image twice, as code and in the model copy`);
    }
    return lines;
}

// EXTERNAL MODULE: ./node_modules/lossless-json/lib/esm/index.js + 6 modules
var esm = __webpack_require__(875);
;// CONCATENATED MODULE: ./src/smoke-test/expected-response.ts
// Does a scoring answer match what the user expects? JSON is matched as a deep subset: every key
// the user gives must be there with a matching value; arrays match element by element.
// Numbers match by their exact decimal value, as written: 1, 1.0 and 1e0 are one number, so are
// 0 and -0 (Python and numpy write -0.0), and 9007199254740993 is not 9007199254740992. Hence
// the lossless parse for both sides: JSON.parse rounds to a double, and Node 20 gives a reviver
// no source text.

/** `/regex/` for the body, else JSON the answer must contain; throws with the reason. */
function parseExpected(raw) {
    if (raw.length >= 2 && raw.startsWith('/') && raw.endsWith('/')) {
        try {
            return { kind: 'regex', value: new RegExp(raw.slice(1, -1)) };
        }
        catch (error) {
            throw new Error(`invalid /regex/: ${String(error)}`, { cause: error });
        }
    }
    try {
        return { kind: 'json', value: parseJson(raw) };
    }
    catch (error) {
        throw new Error(`not JSON (${String(error)})`, { cause: error });
    }
}
/**
 * JSON with every number kept as its decimal text (a LosslessNumber). A repeated key keeps its
 * last value, as JSON.parse does (lossless-json would throw).
 * @internal (exported for its unit tests)
 */
function parseJson(text) {
    return (0,esm/* parse */.qg)(text, null, { onDuplicateKey: ({ newValue }) => newValue });
}
/** Both values from parseJson. @internal (exported for its unit tests) */
function isDeepSubset(expected, actual) {
    if ((0,esm/* isLosslessNumber */.s_)(expected)) {
        return (0,esm/* isLosslessNumber */.s_)(actual) && (0,esm/* compareLosslessNumber */.j)(expected, actual) === 0;
    }
    if (Array.isArray(expected)) {
        return (Array.isArray(actual) &&
            actual.length === expected.length &&
            expected.every((item, index) => isDeepSubset(item, actual[index])));
    }
    if (expected !== null && typeof expected === 'object') {
        if (actual === null ||
            typeof actual !== 'object' ||
            Array.isArray(actual) ||
            (0,esm/* isLosslessNumber */.s_)(actual))
            return false;
        const record = actual;
        return Object.entries(expected).every(([key, value]) => Object.hasOwn(record, key) && isDeepSubset(value, record[key]));
    }
    return Object.is(expected, actual);
}
/** Undefined when the body matches, else the reason it does not. */
function responseMismatch(expected, body) {
    if (expected.kind === 'regex') {
        return expected.value.test(body)
            ? undefined
            : `the body does not match /${expected.value.source}/`;
    }
    let actual;
    try {
        actual = parseJson(body);
    }
    catch {
        return 'the body is not JSON';
    }
    return isDeepSubset(expected.value, actual)
        ? undefined
        : `the body does not contain the expected JSON ${(0,esm/* stringify */.As)(expected.value)}`;
}

;// CONCATENATED MODULE: ./src/smoke-test/probe-budget.ts
/** @internal (exported for its unit tests) */
function budgetSeconds(probe) {
    return probe.initialDelay + probe.failureThreshold * probe.period;
}
function budgetOf(kind, probe, deployment) {
    const seconds = budgetSeconds(probe);
    return {
        probe: kind,
        seconds,
        arithmetic: `${probe.initialDelay} s + ${probe.failureThreshold} x ${probe.period} s = ${seconds} s (${deployment.file})`,
        requestTimeoutSeconds: Math.min(deployment.livenessProbe.timeout, deployment.readinessProbe.timeout),
    };
}
/** The budget that ends first (liveness on a tie: the restart is the worse outcome). */
function startupBudget(deployment) {
    const liveness = budgetOf('liveness', deployment.livenessProbe, deployment);
    const readiness = budgetOf('readiness', deployment.readinessProbe, deployment);
    return readiness.seconds < liveness.seconds ? readiness : liveness;
}
const secondsText = (ms) => `${(ms / 1000).toFixed(1)} s`;
function consequence(budget) {
    return budget.probe === 'liveness'
        ? 'the platform restarts a container that is not live by then'
        : 'a container not ready by then never gets traffic';
}
/** Why a server live after `liveAfterMs` fails its deployment; undefined when it is in time. */
function overBudget(liveAfterMs, budget) {
    if (liveAfterMs <= budget.seconds * 1000)
        return undefined;
    const state = budget.probe === 'liveness' ? 'live' : 'ready';
    return `${state} after ${secondsText(liveAfterMs)}; the ${budget.probe} probe allows ${budget.arithmetic}: ${consequence(budget)}`;
}
/** The wait for GET / ended after `waitedSeconds` without a 200. */
function notLive(waitedSeconds, lastError, budget) {
    const detail = `GET / never answered 200${lastError ? `; last error: ${lastError}` : ''}`;
    const reason = `the server was not live after ${waitedSeconds} s (${detail})`;
    // A startup-timeout shorter than the budget ended the wait, not the deployment's probe.
    if (!budget || waitedSeconds < budget.seconds)
        return reason;
    return `${reason}; the ${budget.probe} probe allows ${budget.arithmetic}: ${consequence(budget)}`;
}
/** How much of the budget the start-up used, for the summary and metadata. */
function budgetUse(liveAfterMs, budget) {
    return {
        probe: budget.probe,
        budgetSeconds: budget.seconds,
        arithmetic: budget.arithmetic,
        usedPercent: Math.round((liveAfterMs / (budget.seconds * 1000)) * 100),
    };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/inputs/deployment-env.ts
// The text a deployment's environment variable has in the container. `az ml online-deployment
// create` reads the file with PyYAML (YAML 1.1: yes/no/on/off are booleans, 010 is octal) and
// sends the values as the REST API's strings, which its client makes with Python's str(): so
// `DEBUG: true` arrives as "True", `RATE: 1.0` as "1.0", `COUNT: 010` as "8". The smoke test
// sets them the same way, so init() sees what it will see deployed.

/** Python's repr of a float: the shortest digits that round-trip, exponent outside 1e-4..1e16. */
function pythonFloat(value) {
    if (Number.isNaN(value))
        return 'nan';
    if (!Number.isFinite(value))
        return value > 0 ? 'inf' : '-inf';
    if (value === 0)
        return Object.is(value, -0) ? '-0.0' : '0.0';
    const [mantissa, exponentText] = value.toExponential().split('e');
    const exponent = Number(exponentText);
    if (exponent < -4 || exponent >= 16) {
        const sign = exponent < 0 ? '-' : '+';
        return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
    }
    const text = String(value);
    return /[.e]/.test(text) ? text : `${text}.0`;
}
/**
 * The string for a scalar node the parser resolved (YAML 1.1 schema); undefined for a null or a
 * value that is not a scalar, which the caller refuses.
 */
function environmentValue(node) {
    if (!(0,dist/* isScalar */.jn)(node) || node.value === null || node.value === undefined)
        return undefined;
    const { value } = node;
    if (typeof value === 'string')
        return value;
    if (typeof value === 'boolean')
        return value ? 'True' : 'False';
    if (typeof value === 'bigint')
        return value.toString();
    if (typeof value !== 'number')
        return undefined;
    const source = node.source ?? String(value);
    const unsigned = source.replace(/^[-+]/, '');
    // PyYAML's float needs a '.': `1e3` is a string to it, though the yaml package reads a number.
    if (/^[0-9][0-9_]*[eE]/.test(unsigned))
        return source;
    const isFloat = !/^0x/i.test(unsigned) && /[.eE]|^\.?(inf|nan)$/i.test(unsigned);
    return isFloat ? pythonFloat(value) : String(value);
}

;// CONCATENATED MODULE: ./src/inputs/deployment-file.ts
// The `deployment` input: the Azure ML managed online deployment YAML (the file of
// `az ml online-deployment create -f`), read for what changes how the container runs there.
// Keys and defaults: "CLI (v2) managed online deployment YAML schema",
// learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online
// (RequestSettings: request_timeout_ms 5000, at most 180000; max_concurrent_requests_per_instance
// 1. ProbeSettings: initial_delay 10, period 10, timeout 2, success_threshold 1 (fixed at 1 for
// the liveness probe), failure_threshold 30). Keys the smoke test has no use for are ignored; a
// key it uses with a wrong type or value is refused, naming the key and the rule.






const DEFAULTS = {
    initialDelay: 10,
    period: 10,
    timeout: 2,
    failureThreshold: 30,
    successThreshold: 1,
};
const REQUEST_TIMEOUT_DEFAULT_MS = 5000;
const REQUEST_TIMEOUT_MAX_MS = 180_000;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
class DeploymentReader {
    file;
    document;
    notes = [];
    constructor(file, document) {
        this.file = file;
        this.document = document;
    }
    fail(key, rule, cause) {
        return new Error(`Input '${constants/* Input */.pd.Deployment}': ${this.file}: ${key} ${rule}`, { cause });
    }
    map(value, key) {
        if (value === undefined || value === null)
            return undefined;
        if (typeof value !== 'object' || Array.isArray(value)) {
            throw this.fail(key, `must be a mapping of keys to values, got ${describe(value)}`);
        }
        return value;
    }
    text(value, key) {
        if (value === undefined || value === null)
            return undefined;
        if (typeof value !== 'string' || value.trim() === '' || /\p{Cc}/u.test(value)) {
            throw this.fail(key, `must be a non-empty string on one line, got ${describe(value)}`);
        }
        return value.trim();
    }
    /** A whole number (the CLI also takes one written as a string), at least `min`. */
    integer(value, key, fallback, min, max) {
        if (value === undefined || value === null)
            return fallback;
        const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
        if (typeof number !== 'number' || !Number.isInteger(number) || number < min) {
            throw this.fail(key, `must be a whole number of at least ${min}, got ${describe(value)}`);
        }
        if (max !== undefined && number > max) {
            throw this.fail(key, `must be at most ${max} (Azure ML's limit), got ${number}`);
        }
        return number;
    }
    probe(value, key) {
        const probe = this.map(value, key) ?? {};
        const settings = {
            initialDelay: this.integer(probe.initial_delay, `${key}.initial_delay`, DEFAULTS.initialDelay, 1),
            period: this.integer(probe.period, `${key}.period`, DEFAULTS.period, 1),
            timeout: this.integer(probe.timeout, `${key}.timeout`, DEFAULTS.timeout, 1),
            failureThreshold: this.integer(probe.failure_threshold, `${key}.failure_threshold`, DEFAULTS.failureThreshold, 1),
            successThreshold: this.integer(probe.success_threshold, `${key}.success_threshold`, DEFAULTS.successThreshold, 1),
        };
        if (key === 'liveness_probe' && settings.successThreshold !== 1) {
            this.notes.push(`${this.file}: liveness_probe.success_threshold is fixed at 1 by Azure ML; ${settings.successThreshold} is not used`);
            settings.successThreshold = 1;
        }
        return settings;
    }
    environment() {
        const node = this.document.get('environment_variables', true);
        if (node === undefined || node === null)
            return [];
        if (!(0,dist/* isMap */.jh)(node)) {
            throw this.fail('environment_variables', 'must be a mapping of names to values');
        }
        return node.items.map((pair) => {
            const key = String(pair.key?.value ?? pair.key);
            if (!ENV_KEY.test(key)) {
                throw this.fail(`environment_variables: key "${key}"`, `must match ${ENV_KEY.source}`);
            }
            const raw = (0,dist/* isAlias */.Vj)(pair.value) ? pair.value.resolve(this.document) : pair.value;
            const value = environmentValue((raw ?? null));
            if (value === undefined) {
                throw this.fail(`environment_variables.${key}`, 'must be a string, a number or a boolean (an empty value or a nested one has no text to set)');
            }
            return { key, value };
        });
    }
    model(value) {
        if (value === undefined || value === null)
            return undefined;
        if (typeof value === 'string')
            return modelReference(this.text(value, 'model'));
        const model = this.map(value, 'model');
        const name = this.text(model.name, 'model.name');
        const version = typeof model.version === 'number'
            ? String(model.version)
            : this.text(model.version, 'model.version');
        const modelPath = this.text(model.path, 'model.path');
        if (name === undefined && modelPath === undefined) {
            throw this.fail('model', 'needs a name or a path');
        }
        return { reference: name ?? modelPath, name, version };
    }
    code(value, workspace) {
        const config = this.map(value, 'code_configuration');
        if (config === undefined)
            return undefined;
        const code = this.text(config.code, 'code_configuration.code');
        const script = this.text(config.scoring_script, 'code_configuration.scoring_script');
        if (code === undefined || script === undefined) {
            throw this.fail('code_configuration', 'needs both code and scoring_script');
        }
        if (/^(azureml:|[a-z][a-z0-9+.-]*:\/\/)/i.test(code)) {
            this.notes.push(`${this.file}: code_configuration.code is ${code}, not a folder here: the smoke test cannot fetch it and runs the code in the image`);
            return undefined;
        }
        const fileDir = external_node_path_.dirname(external_node_path_.resolve(workspace, this.file));
        const dir = this.inWorkspace(workspace, external_node_path_.resolve(fileDir, code), 'code_configuration.code', 'dir');
        checkNamesUtf8(constants/* Input */.pd.Deployment, dir);
        checkDirectory(workspace, constants/* Input */.pd.Deployment, dir);
        const scriptFile = external_node_path_.resolve(dir, script);
        const scoringScript = external_node_path_.relative(dir, scriptFile);
        if (!isInside(dir, scriptFile) || !scoringScript.endsWith('.py')) {
            throw this.fail('code_configuration.scoring_script', `"${script}" must be a .py file inside the code folder`);
        }
        this.inWorkspace(workspace, scriptFile, 'code_configuration.scoring_script', 'file');
        return {
            dir,
            folderName: external_node_path_.basename(dir),
            scoringScript: scoringScript.split(external_node_path_.sep).join('/'),
        };
    }
    inWorkspace(workspace, absolute, key, kind) {
        try {
            return resolveInWorkspace(workspace, constants/* Input */.pd.Deployment, external_node_path_.relative(workspace, absolute), kind);
        }
        catch (error) {
            throw this.fail(key, error.message.replace(/^Input '[^']+': /, ''), error);
        }
    }
}
function describe(value) {
    if (Array.isArray(value))
        return 'a list';
    if (value !== null && typeof value === 'object')
        return 'a mapping';
    return JSON.stringify(value);
}
/** `azureml:name:version`, `azureml:name@label`, or an asset id ending `models/name/versions/v`. */
function modelReference(reference) {
    const asset = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(reference);
    if (asset)
        return { reference, name: asset[1], version: asset[2] };
    const short = /^azureml:([^:@/]+)(?::([^:@/]+)|@[^:@/]+)?$/.exec(reference);
    if (short)
        return { reference, name: short[1], version: short[2] };
    return { reference };
}
/** Reads and checks the file; throws naming the input, the file, the key and the rule. */
function readDeployment(workspace, raw) {
    const absolute = resolveInWorkspace(workspace, constants/* Input */.pd.Deployment, raw.trim(), 'file');
    const realWorkspace = external_node_fs_.realpathSync(workspace);
    const file = external_node_path_.relative(realWorkspace, absolute).split(external_node_path_.sep).join('/');
    // YAML 1.1, as PyYAML (which the az CLI uses) reads it.
    const document = (0,dist/* parseDocument */.Tp)(external_node_fs_.readFileSync(absolute, 'utf8'), { version: '1.1' });
    const problem = document.errors[0];
    if (problem) {
        throw new Error(`Input '${constants/* Input */.pd.Deployment}': ${file} is not valid YAML: ${problem.message.split('\n')[0]}`);
    }
    const reader = new DeploymentReader(file, document);
    let top;
    try {
        top = document.toJS({ maxAliasCount: 100 });
    }
    catch (error) {
        throw new Error(`Input '${constants/* Input */.pd.Deployment}': ${file} is not valid YAML: ${error.message}`, { cause: error });
    }
    if (top === null || typeof top !== 'object' || Array.isArray(top)) {
        throw reader.fail('the file', `must be a mapping of deployment keys (as for az ml online-deployment create -f), got ${describe(top)}`);
    }
    const settings = top;
    const requests = reader.map(settings.request_settings, 'request_settings') ?? {};
    return {
        file,
        environmentVariables: reader.environment(),
        livenessProbe: reader.probe(settings.liveness_probe, 'liveness_probe'),
        readinessProbe: reader.probe(settings.readiness_probe, 'readiness_probe'),
        requestTimeoutMs: reader.integer(requests.request_timeout_ms, 'request_settings.request_timeout_ms', REQUEST_TIMEOUT_DEFAULT_MS, 1, REQUEST_TIMEOUT_MAX_MS),
        maxConcurrentRequestsPerInstance: reader.integer(requests.max_concurrent_requests_per_instance, 'request_settings.max_concurrent_requests_per_instance', 1, 1),
        instanceType: reader.text(settings.instance_type, 'instance_type'),
        model: reader.model(settings.model),
        codeConfiguration: reader.code(settings.code_configuration, realWorkspace),
        notes: reader.notes,
    };
}

;// CONCATENATED MODULE: ./src/inputs/instance-types.ts
// The VM sizes a managed online deployment may run on, with each size's vCPUs and memory, so the
// smoke test can run the container with what the deployment's `instance_type` gets.
//
// Sizes: "Managed online endpoints SKU list", learn.microsoft.com/azure/machine-learning/
// reference-managed-online-endpoints-vm-sku-list (MicrosoftDocs/azure-ai-docs, 2023-10).
// vCPUs and memory (GiB): the VM-size pages, learn.microsoft.com/azure/virtual-machines/sizes/
// (general-purpose/dasv4-series, dav4-series, dsv2-series; memory-optimized/esv3-series;
// compute-optimized/fsv2-series, fxmdsv2-series; storage-optimized/lasv3-, lsv2-, lsv3-series;
// gpu-accelerated/nc-a100-v4-, ncast4v3-, ncv2-, ncv3-, ncadsh100v5-, ndma100v4-, nda100v4-,
// ndv2-, nd-h100-v5-, nvadsa10v5-series).
//
// The VM's memory is an upper bound for the container: the node's OS, the platform's own agents
// and the 20% some sizes keep for upgrades take their share, so the container gets less.
const GIB = 1024 ** 3;
/** [name as the SKU list writes it, vCPUs, memory in GiB] */
const SIZES = [
    ['Standard_D2as_v4', 2, 8],
    ['Standard_D4as_v4', 4, 16],
    ['Standard_D8as_v4', 8, 32],
    ['Standard_D16as_v4', 16, 64],
    ['Standard_D32as_v4', 32, 128],
    ['Standard_D48as_v4', 48, 192],
    ['Standard_D64as_v4', 64, 256],
    ['Standard_D96as_v4', 96, 384],
    ['Standard_D2a_v4', 2, 8],
    ['Standard_D4a_v4', 4, 16],
    ['Standard_D8a_v4', 8, 32],
    ['Standard_D16a_v4', 16, 64],
    ['Standard_D32a_v4', 32, 128],
    ['Standard_D48a_v4', 48, 192],
    ['Standard_D64a_v4', 64, 256],
    ['Standard_D96a_v4', 96, 384],
    ['Standard_DS1_v2', 1, 3.5],
    ['Standard_DS2_v2', 2, 7],
    ['Standard_DS3_v2', 4, 14],
    ['Standard_DS4_v2', 8, 28],
    ['Standard_DS5_v2', 16, 56],
    ['Standard_E2s_v3', 2, 16],
    ['Standard_E4s_v3', 4, 32],
    ['Standard_E8s_v3', 8, 64],
    ['Standard_E16s_v3', 16, 128],
    ['Standard_E32s_v3', 32, 256],
    ['Standard_E48s_v3', 48, 384],
    ['Standard_E64s_v3', 64, 432],
    ['Standard_F2s_v2', 2, 4],
    ['Standard_F4s_v2', 4, 8],
    ['Standard_F8s_v2', 8, 16],
    ['Standard_F16s_v2', 16, 32],
    ['Standard_F32s_v2', 32, 64],
    ['Standard_F48s_v2', 48, 96],
    ['Standard_F64s_v2', 64, 128],
    ['Standard_F72s_v2', 72, 144],
    ['Standard_FX4mds', 4, 84],
    ['Standard_FX12mds', 12, 252],
    ['Standard_FX24mds', 24, 504],
    ['Standard_FX36mds', 36, 756],
    ['Standard_FX48mds', 48, 1008],
    ['Standard_L8as_v3', 8, 64],
    ['Standard_L16as_v3', 16, 128],
    ['Standard_L32as_v3', 32, 256],
    ['Standard_L48as_v3', 48, 384],
    ['Standard_L64as_v3', 64, 512],
    ['Standard_L80as_v3', 80, 640],
    ['Standard_L8s_v2', 8, 64],
    ['Standard_L16s_v2', 16, 128],
    ['Standard_L32s_v2', 32, 256],
    ['Standard_L48s_v2', 48, 384],
    ['Standard_L64s_v2', 64, 512],
    ['Standard_L80s_v2', 80, 640],
    ['Standard_L8s_v3', 8, 64],
    ['Standard_L16s_v3', 16, 128],
    ['Standard_L32s_v3', 32, 256],
    ['Standard_L48s_v3', 48, 384],
    ['Standard_L64s_v3', 64, 512],
    ['Standard_L80s_v3', 80, 640],
    ['Standard_NC24ads_A100_v4', 24, 220],
    ['Standard_NC48ads_A100_v4', 48, 440],
    ['Standard_NC96ads_A100_v4', 96, 880],
    ['Standard_NC4as_T4_v3', 4, 28],
    ['Standard_NC8as_T4_v3', 8, 56],
    ['Standard_NC16as_T4_v3', 16, 110],
    ['Standard_NC64as_T4_v3', 64, 440],
    ['Standard_NC6s_v2', 6, 112],
    ['Standard_NC12s_v2', 12, 224],
    ['Standard_NC24s_v2', 24, 448],
    ['Standard_NC6s_v3', 6, 112],
    ['Standard_NC12s_v3', 12, 224],
    ['Standard_NC24s_v3', 24, 448],
    ['Standard_NC40ads_H100_v5', 40, 320],
    ['Standard_NC80adis_H100_v5', 80, 640],
    ['Standard_ND96amsr_A100_v4', 96, 1900],
    ['Standard_ND96asr_v4', 96, 900],
    ['Standard_ND40rs_v2', 40, 672],
    ['Standard_ND96is_H100_v5', 96, 1900],
    ['Standard_ND96isr_H100_v5', 96, 1900],
    ['Standard_NV6ads_A10_v5', 6, 55],
    ['Standard_NV12ads_A10_v5', 12, 110],
    ['Standard_NV18ads_A10_v5', 18, 220],
    ['Standard_NV36ads_A10_v5', 36, 440],
    ['Standard_NV36adms_A10_v5', 36, 880],
    ['Standard_NV72ads_A10_v5', 72, 880],
];
// Azure matches size names without regard to case (the SKU list itself writes them in capitals).
const BY_NAME = new Map(SIZES.map(([name, cpus, gib]) => [
    name.toLowerCase(),
    { cpus, memoryBytes: Math.round(gib * GIB) },
]));
/** The size's vCPUs and memory; undefined for a size the table does not hold (never a guess). */
function instanceResources(instanceType) {
    return BY_NAME.get(instanceType.trim().toLowerCase());
}

;// CONCATENATED MODULE: ./src/inputs/deployment-warnings.ts


/** The instance type's vCPUs and memory (an upper bound for the container), if the table has it. */
function deploymentResources(deployment) {
    const type = deployment.instanceType;
    const resources = type === undefined ? undefined : instanceResources(type);
    if (!type || !resources)
        return undefined;
    return { ...resources, source: `instance_type ${type} (${deployment.file})` };
}
/**
 * What the images and the generated Dockerfile set, so a deployment value replaces theirs. Other
 * AZUREML_* names (AZUREML_LOG_LEVEL, ...) are the server's settings, set nowhere else.
 */
const IMAGE_OWNED_KEYS = [
    'PATH',
    'AML_APP_ROOT',
    constants/* Contract */.NZ.entryScriptEnv,
    constants/* Contract */.NZ.modelDirEnv,
    'AZUREML_CONDA_ENVIRONMENT_PATH',
];
function envWarnings(deployment, env) {
    const file = deployment.file;
    const warnings = [];
    for (const { key, value } of deployment.environmentVariables) {
        const baked = env.find((pair) => pair.key === key);
        // Values stay out of the message: either may be a secret.
        if (baked && baked.value !== value) {
            warnings.push(`${file}: environment_variables sets ${key} to another value than the 'env' input bakes into the image; the deployment's value is what the container gets there, and in the smoke test`);
        }
        if (IMAGE_OWNED_KEYS.includes(key)) {
            warnings.push(`${file}: environment_variables sets ${key}, which replaces the image's own value (${key === 'PATH' ? "the Python environment's bin folder comes first in it" : 'the server finds the code, the model or Python by it'}); the smoke test runs with it, as the deployment will`);
        }
    }
    return warnings;
}
function deploymentWarnings(deployment, baked) {
    const file = deployment.file;
    const warnings = [...deployment.notes, ...envWarnings(deployment, baked.env)];
    const model = deployment.model;
    if (model && baked.modelDir) {
        const where = `${constants/* Contract */.NZ.modelDir}/${model.name ?? '<name>'}/${model.version ?? '<version>'}`;
        warnings.push(`${file}: model ${model.reference} is mounted by the deployment, which points ${constants/* Contract */.NZ.modelDirEnv} at ${where}: init() will not read the model baked in from 'model-dir'`);
    }
    const code = deployment.codeConfiguration;
    if (code && baked.codeDir) {
        warnings.push(`${file}: code_configuration mounts ${code.folderName} at ${constants/* Contract */.NZ.appRoot}/${code.folderName} and sets AML_APP_ROOT there and ${constants/* Contract */.NZ.entryScriptEnv}=${code.scoringScript}: the code baked in from 'code-dir' does not run; the smoke test runs the deployment's code, as the platform will`);
    }
    const type = deployment.instanceType;
    if (type && !instanceResources(type)) {
        warnings.push(`${file}: instance_type ${type} is not in the action's table of managed online endpoint sizes: the smoke test does not know its memory and CPUs`);
    }
    return warnings;
}

;// CONCATENATED MODULE: ./src/inputs/dynamic-installs.ts

/** @internal (exported for its unit tests) */
const DYNAMIC_INSTALL_ENV = 'AZUREML_EXTRA_REQUIREMENTS_TXT';
const CONSEQUENCE = `the image's start script then pip-installs that file at every container start, before the server starts: start-up waits for pip, and fails where no package index is reachable. List the packages in the '${constants/* Input */.pd.Requirements}' input instead: they are installed once, into the image`;
// The start script skips the install for an empty value, so only a value counts.
function setsIt(pairs) {
    return pairs.some(({ key, value }) => key === DYNAMIC_INSTALL_ENV && value !== '');
}
/** One warning per place that sets it; the value (a file name from a PR, maybe) is not in them. */
function dynamicInstallWarnings(env, deployment) {
    const warnings = [];
    if (setsIt(env))
        warnings.push(`Input '${constants/* Input */.pd.Env}' sets ${DYNAMIC_INSTALL_ENV}: ${CONSEQUENCE}`);
    if (deployment && setsIt(deployment.environmentVariables)) {
        warnings.push(`${deployment.file}: environment_variables sets ${DYNAMIC_INSTALL_ENV}: ${CONSEQUENCE}`);
    }
    return warnings;
}

;// CONCATENATED MODULE: ./src/inputs/parse.ts
// Pure parsers for the text of multi-value inputs. Whitespace, CRLF line ends, blank lines and
// exact duplicates are normalised here; every rule a value must follow is checked in inputs.ts.
/** Splits on newlines, commas and spaces; drops blanks and repeats, keeps first-seen order. */
function splitList(text) {
    return unique(text.split(/[\s,]+/).filter((item) => item !== ''));
}
/** Splits on newlines and commas only (values such as tags never contain spaces legitimately). @internal (exported for its unit tests) */
function splitLines(text) {
    return unique(text
        .split(/\r?\n|\r/)
        .map((line) => line.trim())
        .filter((line) => line !== ''));
}
/**
 * Parses `KEY=VALUE` lines. The value is everything after the first '=' (it may contain '=').
 * Throws with the offending line when a line has no '=' or a key is given two different values.
 */
function parseKeyValueLines(inputName, text) {
    const pairs = new Map();
    for (const line of splitLines(text)) {
        const equals = line.indexOf('=');
        if (equals <= 0) {
            throw new Error(`Input '${inputName}': expected KEY=VALUE lines, got "${line}"`);
        }
        const key = line.slice(0, equals).trim();
        const value = line.slice(equals + 1);
        const earlier = pairs.get(key);
        if (earlier !== undefined && earlier !== value) {
            throw new Error(`Input '${inputName}': key ${key} is given two different values`);
        }
        pairs.set(key, value);
    }
    return [...pairs].map(([key, value]) => ({ key, value }));
}
function unique(items) {
    return [...new Set(items)];
}

;// CONCATENATED MODULE: ./src/inputs/resources.ts
// The smoke-test container's resources as the user writes them, in docker's own syntax:
// memory (`2g`, `512m`), cpus (`1.5`), gpus (`all`, `2`, `"device=0,1"`). Each rule is checked
// here, before anything is built, rather than by `docker run` after the whole build.

const resources_MEMORY = /^(\d+(?:\.\d+)?) ?([bkmgt])?(i?b)?$/i;
const UNIT_POWER = { b: 0, k: 1, m: 2, g: 3, t: 4 };
/** docker refuses a smaller limit ("Minimum memory limit allowed is 6MB"). */
const MIN_MEMORY_BYTES = 6 * 1024 ** 2;
const MEMORY_RULE = "a size in docker's syntax: a number with an optional unit b, k, m, g or t (powers of 1024), e.g. 512m, 2g or 1.5g, at least 6m";
/** Bytes of a docker memory size; undefined for an empty input. */
function parseMemory(raw) {
    const text = raw.trim();
    if (text === '')
        return undefined;
    const match = resources_MEMORY.exec(text);
    const bytes = match
        ? Math.floor(Number(match[1]) * 1024 ** UNIT_POWER[(match[2] ?? 'b').toLowerCase()])
        : NaN;
    if (!(bytes >= MIN_MEMORY_BYTES)) {
        throw new Error(`Input '${constants/* Input */.pd.Memory}' must be ${MEMORY_RULE}; got "${raw}"`);
    }
    return bytes;
}
// docker turns --cpus into nano-CPUs: more than 9 decimals is "too precise"; the kernel's CFS
// quota cannot go below a hundredth of a CPU.
const CPUS = /^\d+(\.\d{1,9})?$/;
const MIN_CPUS = 0.01;
/** A docker --cpus value; undefined for an empty input. */
function parseCpus(raw) {
    const text = raw.trim();
    if (text === '')
        return undefined;
    if (!CPUS.test(text) || Number(text) < MIN_CPUS) {
        throw new Error(`Input '${constants/* Input */.pd.Cpus}' must be a number of CPUs as docker's --cpus takes it, e.g. 1, 0.5 or 1.5 (at least ${MIN_CPUS}, at most 9 decimals); got "${raw}"`);
    }
    return Number(text);
}
const GPU_KEYS = new Set(['count', 'device', 'driver', 'capabilities', 'options']);
const GPUS_RULE = 'all, a GPU count (2), or docker\'s key=value fields: count=, device=, driver=, capabilities=, options= (a list inside a field in double quotes: "device=0,1")';
/** Fields of a CSV line, as docker reads --gpus: double quotes keep commas inside a field. */
function csvFields(text) {
    const fields = [];
    let field = '';
    let quoted = false;
    for (const char of text) {
        if (char === '"')
            quoted = !quoted;
        else if (char === ',' && !quoted) {
            fields.push(field);
            field = '';
        }
        else
            field += char;
    }
    if (quoted)
        return undefined;
    fields.push(field);
    return fields;
}
const isCount = (value) => value === 'all' || /^\d+$/.test(value);
/** Why a --gpus value would be refused by docker; undefined when it is fine. */
function gpusProblem(text) {
    const fields = csvFields(text);
    if (!fields)
        return 'a double quote is not closed';
    const seen = new Set();
    for (const field of fields) {
        const equals = field.indexOf('=');
        const key = equals < 0 ? 'count' : field.slice(0, equals);
        const value = equals < 0 ? field : field.slice(equals + 1);
        if (!GPU_KEYS.has(key))
            return `unknown field "${field}"`;
        if (seen.has(key))
            return `${key} is given twice`;
        seen.add(key);
        if (key === 'count' && !isCount(value))
            return `count must be all or a whole number`;
        if (value === '')
            return `${key} has no value`;
    }
    if (seen.has('count') && seen.has('device'))
        return 'count and device cannot both be given';
    return undefined;
}
/** A docker --gpus value; undefined for an empty input. */
function parseGpus(raw) {
    const text = raw.trim();
    if (text === '')
        return undefined;
    // It is one argv element, never shell text; still, a line break has no place in it.
    const problem = /\p{Cc}/u.test(text) ? 'it contains a control character' : gpusProblem(text);
    if (problem) {
        throw new Error(`Input '${constants/* Input */.pd.Gpus}' must be ${GPUS_RULE}; ${problem} in ${JSON.stringify(raw)}`);
    }
    return text;
}

// EXTERNAL MODULE: ./node_modules/shlex/shlex.js
var shlex = __webpack_require__(5637);
;// CONCATENATED MODULE: ./src/inputs/requirements-files.ts
// What the `requirements` file brings into the dependencies build: the file itself and every
// file its lines name (`-r`/`-c` includes, nested too, local packages, wheels, `-f` folders).
// Each is placed in the staged tree at its workspace-relative path, and pip runs from the top
// file's folder, so both of pip's rules hold unchanged in the build:
// - `-r`/`-c` are joined to the including file's folder;
// - a local package, a wheel or `-e <dir>` is relative to pip's working directory (the top
//   file's folder), whichever file names it;
// - `-f <path>` is relative to the naming file's folder when that exists, else to pip's.
// Lines are read as pip reads them (pip 23 req_file.py): continuation lines joined, comments
// dropped, the options split like a shell (shlex) and matched like optparse (unique prefixes).





// The options pip accepts in a requirements file, and whether each takes a value.
const LONG_OPTIONS = {
    '--index-url': true,
    '--pypi-url': true,
    '--extra-index-url': true,
    '--no-index': false,
    '--constraint': true,
    '--requirement': true,
    '--editable': true,
    '--find-links': true,
    '--no-binary': true,
    '--only-binary': true,
    '--prefer-binary': false,
    '--require-hashes': false,
    '--pre': false,
    '--trusted-host': true,
    '--use-feature': true,
    '--global-option': true,
    '--hash': true,
    '--config-settings': true,
};
const SHORT_OPTIONS = {
    '-i': '--index-url',
    '-c': '--constraint',
    '-r': '--requirement',
    '-e': '--editable',
    '-f': '--find-links',
    '-C': '--config-settings',
};
// pip expands `${NAME}` from its environment; the build has none of the runner's variables.
const ENV_VARIABLE = /\$\{([A-Z0-9_]+)\}/;
const COMMENT = /(^|\s+)#.*$/;
// A line and its break, at Python's str.splitlines() boundaries (which include the file, group
// and record separators U+001C..U+001E).
const BREAKS = '\\n\\r\\v\\f\\u001c-\\u001e\\u0085\\u2028\\u2029';
const LINE = new RegExp(`([^${BREAKS}]*)(\\r\\n|[${BREAKS}]|$)`, 'gu');
const ARCHIVE = /\.(whl|zip|tar\.bz2|tbz|tar\.xz|txz|tlz|tar\.lz|tar\.lzma|tar\.gz|tgz|tar)$/i;
/** Python's str.splitlines(), keeping each line's break so that a file can be put back. */
function physicalLines(content) {
    const lines = [];
    for (const match of content.matchAll(LINE)) {
        if (match[0] === '')
            break;
        lines.push({ text: match[1], ending: match[2] });
    }
    return lines;
}
/** pip's preprocess: join lines ending in '\\' (not comments), drop comments and blank lines. */
function logicalLines(physical) {
    const joined = [];
    let pending;
    physical.forEach(({ text: raw }, index) => {
        const comment = /^\s*#/.test(raw);
        const line = comment ? ` ${raw}` : raw;
        if (!raw.endsWith('\\') || comment) {
            if (pending) {
                pending.text += line;
                pending.lines.push(index);
                joined.push(pending);
                pending = undefined;
            }
            else
                joined.push({ number: index + 1, lines: [index], text: line });
        }
        else {
            pending ??= { number: index + 1, lines: [], text: '' };
            pending.text += raw.replace(/^\\+|\\+$/g, '');
            pending.lines.push(index);
        }
    });
    if (pending)
        joined.push(pending);
    return joined
        .map((line) => ({ ...line, text: line.text.replace(COMMENT, '').trim() }))
        .filter((line) => line.text !== '');
}
function longName(token) {
    if (token in LONG_OPTIONS)
        return token;
    // optparse takes any unique prefix of a long option.
    const matches = Object.keys(LONG_OPTIONS).filter((name) => name.startsWith(token));
    return matches.length === 1 ? matches[0] : undefined;
}
/** pip's break_args_options, then the options as optparse reads them (first value kept). */
function parseLine(text) {
    const tokens = text.split(' ');
    const first = tokens.findIndex((token) => token.startsWith('-'));
    const args = (first < 0 ? tokens : tokens.slice(0, first)).join(' ');
    const words = first < 0 ? [] : (0,shlex/* split */.lD)(tokens.slice(first).join(' '));
    const options = new Map();
    for (let index = 0; index < words.length; index++) {
        const word = words[index];
        if (word === '--')
            break;
        let name;
        let value;
        if (word.startsWith('--')) {
            const equals = word.indexOf('=');
            name = longName(equals < 0 ? word : word.slice(0, equals));
            if (equals >= 0)
                value = word.slice(equals + 1);
        }
        else if (word.startsWith('-') && word.length > 1) {
            name = SHORT_OPTIONS[word.slice(0, 2)];
            if (word.length > 2)
                value = word.slice(2);
        }
        // Unknown options are pip's to refuse, with its own message.
        if (name === undefined)
            continue;
        if (LONG_OPTIONS[name] && value === undefined)
            value = words[++index];
        if (!options.has(name))
            options.set(name, value ?? '');
    }
    return { args, options };
}
/** pip's is_url: a scheme pip fetches from (or a VCS scheme). */
function isUrl(text) {
    const colon = text.indexOf(':');
    if (colon < 0)
        return false;
    const scheme = text.slice(0, colon).toLowerCase();
    return ['http', 'https', 'file', 'ftp'].includes(scheme) || /^(git|hg|bzr|svn)\+/.test(scheme);
}
function looksLikePath(text) {
    return text.includes('/') || text.startsWith('.');
}
function withoutExtras(text) {
    return text.replace(/^(.+)(\[[^\]]+\])$/, '$1');
}
// pip joins paths as strings, so the staged tree holds each file where that join lands: a join
// that climbs above the workspace has no place in it, wherever a symlink would lead. What the
// path then resolves to (symlinks followed) is resolveInWorkspace's check.
// Any root serves: a position is inside when, joined to it, it stays below it.
const STAGED_ROOT = external_node_path_.resolve('/staged');
function isInsidePosition(position) {
    return !external_node_path_.posix.isAbsolute(position) && isInside(STAGED_ROOT, external_node_path_.join(STAGED_ROOT, position));
}
/** Reads the requirements file tree of one top file. */
class Collector {
    workspace;
    top;
    realRoot;
    entries = new Map();
    read = new Set();
    /** pip's working directory, as a position. */
    cwd;
    constructor(workspace, top) {
        this.workspace = workspace;
        this.top = top;
        this.realRoot = external_node_fs_.realpathSync(workspace);
        this.cwd = external_node_path_.posix.dirname(top);
    }
    result() {
        const entries = [...this.entries.values()].sort((a, b) => a.position < b.position ? -1 : a.position > b.position ? 1 : 0);
        return { top: this.top, entries };
    }
    /** Reads the requirements file at `position`; `stack` holds the files that include it. */
    readFile(position, source, stack) {
        if (stack.includes(position)) {
            throw new Error(`Input '${constants/* Input */.pd.Requirements}': ${position} includes itself (${[...stack, position].join(' -> ')})`);
        }
        if (this.read.has(position))
            return;
        this.read.add(position);
        const physical = physicalLines(external_node_fs_.readFileSync(source, 'utf8'));
        let rewritten = false;
        for (const line of logicalLines(physical)) {
            const where = { file: position, line: line.number };
            const replacement = this.readLine(line.text, where, [...stack, position]);
            if (replacement === undefined)
                continue;
            // Line numbers stay: the first physical line gets the new text, the others are emptied.
            line.lines.forEach((index, nth) => (physical[index].text = nth === 0 ? replacement : ''));
            rewritten = true;
        }
        const text = physical.map((line) => line.text + line.ending).join('');
        this.entries.set(position, { position, source, kind: 'file', ...(rewritten ? { text } : {}) });
    }
    /** Follows one logical line; returns its staged text when it must differ from the original. */
    readLine(text, where, stack) {
        const variable = ENV_VARIABLE.exec(text);
        if (variable) {
            throw lineError(where, `uses \${${variable[1]}}: pip would fill it from the environment, and the build has no such variable (write the value, or pass an index with 'pip-index-url')`);
        }
        let parsed;
        try {
            parsed = parseLine(text);
        }
        catch (error) {
            throw lineError(where, 'its options cannot be split (an unclosed quote?)', error);
        }
        const { args, options } = parsed;
        // The order pip gives them: a requirement, else an editable, else an include, else -f.
        if (args !== '') {
            this.requirement(args, where);
            return undefined;
        }
        const editable = options.get('--editable');
        if (editable !== undefined)
            return this.editable(editable, where);
        const include = options.get('--requirement') ?? options.get('--constraint');
        if (include !== undefined) {
            this.include(include, where, stack);
            return undefined;
        }
        const findLinks = options.get('--find-links');
        if (findLinks !== undefined)
            this.findLinks(findLinks, where);
        return undefined;
    }
    /** A requirement: a local folder or archive is staged; a name or a URL is pip's. */
    requirement(args, where) {
        const url = isUrl(args);
        const name = args.split(url ? '; ' : ';')[0].trim();
        if (url)
            return refuseFileUrl(name, where);
        const at = name.indexOf('@');
        // `name @ url`: a direct reference, fetched by pip.
        if (at > 0 && !looksLikePath(name.slice(0, at))) {
            return refuseFileUrl(name.slice(at + 1).trim(), where);
        }
        const local = withoutExtras(name);
        if (looksLikePath(local) || ARCHIVE.test(local)) {
            this.stage(this.position(this.cwd, local, where), 'any', where);
        }
    }
    /**
     * `-e <dir>`: installed non-editable, since the staged folder is deleted after the install
     * (an editable install would point at nothing). A VCS URL drops `-e` too: pip would clone
     * it under the working directory, deleted as well.
     */
    editable(value, where) {
        if (/\s/.test(value)) {
            throw lineError(where, 'an editable path with spaces is not supported: rename the folder');
        }
        // pip takes anything with a scheme (`git+https:`, `git:`) as a VCS URL.
        if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
            refuseFileUrl(value, where);
            return value;
        }
        this.stage(this.position(this.cwd, withoutExtras(value), where), 'dir', where);
        // A bare name is a folder only to -e; without it pip needs the path to look like one.
        return looksLikePath(value) ? value : `./${value}`;
    }
    include(value, where, stack) {
        if (/^(http|https|file):/i.test(value))
            return refuseFileUrl(value, where);
        const position = this.position(external_node_path_.posix.dirname(where.file), value, where);
        this.readFile(position, this.stage(position, 'file', where), stack);
    }
    findLinks(value, where) {
        if (isUrl(value))
            return refuseFileUrl(value, where);
        const besideFile = this.position(external_node_path_.posix.dirname(where.file), value, where);
        const position = external_node_fs_.existsSync(external_node_path_.join(this.realRoot, besideFile))
            ? besideFile
            : this.position(this.cwd, value, where);
        this.stage(position, 'any', where);
    }
    /** Where `value` lands in the staged tree, joined to `base` as pip joins it. */
    position(base, value, where) {
        if (external_node_path_.isAbsolute(value)) {
            throw lineError(where, `"${value}" is an absolute path: the build has only the staged files; write it relative`);
        }
        const position = external_node_path_.posix.normalize(external_node_path_.posix.join(base, value)).replace(/\/$/, '');
        if (!isInsidePosition(position)) {
            throw lineError(where, `"${value}" is outside the workspace`);
        }
        return position;
    }
    /** Checks a named path through resolveInWorkspace (symlinks followed) and records it. */
    stage(position, kind, where) {
        let source;
        try {
            source = resolveInWorkspace(this.realRoot, constants/* Input */.pd.Requirements, position, kind);
            if (external_node_fs_.statSync(source).isDirectory()) {
                checkDirectory(this.workspace, constants/* Input */.pd.Requirements, source);
            }
        }
        catch (error) {
            throw new Error(`${error.message}, named in ${where.file} line ${where.line}`, {
                cause: error,
            });
        }
        const dir = external_node_fs_.statSync(source).isDirectory();
        if (!this.entries.has(position)) {
            this.entries.set(position, { position, source, kind: dir ? 'dir' : 'file' });
        }
        return source;
    }
}
function lineError(where, rule, cause) {
    return new Error(`Input '${constants/* Input */.pd.Requirements}': ${where.file} line ${where.line} ${rule}`, {
        cause,
    });
}
function refuseFileUrl(value, where) {
    if (/^file:/i.test(value)) {
        throw lineError(where, 'names a file: URL, a path on the runner that the build does not have: write a relative path');
    }
}
/**
 * The files the build needs for the requirements file `top` (a real path inside `workspace`,
 * as resolveInWorkspace returns it). Refuses, naming the file and line, what points outside
 * the workspace, what is missing, absolute paths, file: URLs and `${VARIABLE}`s.
 */
function collectRequirements(workspace, top) {
    const position = external_node_path_.relative(external_node_fs_.realpathSync(workspace), top).split(external_node_path_.sep).join('/');
    if (/[\r\n]/.test(position)) {
        throw new Error(`Input '${constants/* Input */.pd.Requirements}': the path cannot hold a line break`);
    }
    const collector = new Collector(workspace, position);
    collector.readFile(position, top, []);
    return collector.result();
}

;// CONCATENATED MODULE: ./src/inputs/scoring-cases.ts
// What the smoke test sends to POST /score: one sample request (inline JSON or a file), or a
// directory of cases, each `<name>.json` with an optional `<name>.expected.json` (JSON the
// answer must contain, or a `/regex/`) and `<name>.status` (the status it must answer).





const EXPECTED_SUFFIX = '.expected.json';
const STATUS_SUFFIX = '.status';
/** Each case starts a request against one container; more than this is a load test. @internal (exported for its unit tests) */
const MAX_CASES = 100;
/** `file` names the request file; without it the input's own value is meant. */
function checkJson(text, file) {
    try {
        JSON.parse(text);
    }
    catch (error) {
        const subject = file
            ? `Input '${constants/* Input */.pd.SampleRequest}': ${file}`
            : `Input '${constants/* Input */.pd.SampleRequest}'`;
        throw new Error(`${subject} is not valid JSON: ${String(error)}`, { cause: error });
    }
    return text;
}
function readStatus(file, name) {
    const raw = external_node_fs_.readFileSync(file, 'utf8').trim();
    if (!/^\d+$/.test(raw) || Number(raw) < 100 || Number(raw) > 599) {
        throw new Error(`Input '${constants/* Input */.pd.SampleRequest}': ${name} must hold one status code from 100 to 599, got "${raw}"`);
    }
    return Number(raw);
}
function readExpected(file, name) {
    try {
        return parseExpected(external_node_fs_.readFileSync(file, 'utf8').trim());
    }
    catch (error) {
        throw new Error(`Input '${constants/* Input */.pd.SampleRequest}': ${name} must be JSON or a /regex/: ${error.message}`, { cause: error });
    }
}
function isCaseFileName(name) {
    return name.endsWith('.json') || name.endsWith(STATUS_SUFFIX);
}
function casesInDirectory(workspace, dir, defaults) {
    checkDirectory(workspace, constants/* Input */.pd.SampleRequest, dir);
    const entries = external_node_fs_.readdirSync(dir, { withFileTypes: true });
    // A folder named like a case would be read as one (EISDIR): say so instead.
    for (const entry of entries) {
        if (entry.isDirectory() && isCaseFileName(entry.name)) {
            throw new Error(`Input '${constants/* Input */.pd.SampleRequest}': ${entry.name} in ${dir} is a directory; a case is a file (<name>.json, <name>${EXPECTED_SUFFIX}, <name>${STATUS_SUFFIX}): rename or move the folder`);
        }
    }
    const files = entries.map((entry) => entry.name).sort();
    const requests = files.filter((file) => file.endsWith('.json') && !file.endsWith(EXPECTED_SUFFIX));
    if (requests.length === 0) {
        throw new Error(`Input '${constants/* Input */.pd.SampleRequest}': directory ${dir} has no request files (<name>.json)`);
    }
    if (requests.length > MAX_CASES) {
        throw new Error(`Input '${constants/* Input */.pd.SampleRequest}': directory ${dir} has ${requests.length} requests; at most ${MAX_CASES}`);
    }
    const names = new Set(requests.map((file) => file.slice(0, -'.json'.length)));
    // A stray expectation would silently check nothing: its request was renamed or deleted.
    for (const file of files) {
        for (const suffix of [EXPECTED_SUFFIX, STATUS_SUFFIX]) {
            if (file.endsWith(suffix) && !names.has(file.slice(0, -suffix.length))) {
                throw new Error(`Input '${constants/* Input */.pd.SampleRequest}': ${file} has no request ${file.slice(0, -suffix.length)}.json next to it`);
            }
        }
    }
    return [...names].map((name) => {
        const expectedFile = external_node_path_.join(dir, `${name}${EXPECTED_SUFFIX}`);
        const statusFile = external_node_path_.join(dir, `${name}${STATUS_SUFFIX}`);
        return {
            name,
            body: checkJson(external_node_fs_.readFileSync(external_node_path_.join(dir, `${name}.json`), 'utf8'), `${name}.json`),
            expectedStatus: external_node_fs_.existsSync(statusFile)
                ? readStatus(statusFile, `${name}${STATUS_SUFFIX}`)
                : defaults.expectedStatus,
            expectedResponse: external_node_fs_.existsSync(expectedFile)
                ? readExpected(expectedFile, `${name}${EXPECTED_SUFFIX}`)
                : defaults.expectedResponse,
        };
    });
}
/** `sample-request` is inline JSON when it looks like JSON, else a file or a directory. */
function scoringCases(workspace, raw, defaults) {
    if (raw === undefined)
        return [];
    const trimmed = raw.trim();
    if (/^[[{"]/.test(trimmed)) {
        return [{ name: constants/* Input */.pd.SampleRequest, body: checkJson(trimmed), ...defaults }];
    }
    const found = resolveInWorkspace(workspace, constants/* Input */.pd.SampleRequest, trimmed, 'any');
    if (external_node_fs_.statSync(found).isDirectory())
        return casesInDirectory(workspace, found, defaults);
    return [
        {
            name: external_node_path_.basename(found).replace(/\.json$/, ''),
            body: checkJson(external_node_fs_.readFileSync(found, 'utf8'), trimmed),
            ...defaults,
        },
    ];
}

;// CONCATENATED MODULE: ./src/inputs/inputs.ts
// Reads and validates every input before anything is built. Each error names the input and the
// rule it broke; inner modules only ever see an Inputs value that already passed these checks.

















const inputs_ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NETWORK = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Enough for a stable p95; the probe runs inside a pull request check. */
const MAX_SCORE_REQUESTS = 1000;
function inputs_text(name) {
    return core.getInput(name);
}
function optionalText(name) {
    const value = inputs_text(name);
    return value === '' ? undefined : value;
}
function booleanInput(name, fallback) {
    const value = inputs_text(name).toLowerCase();
    if (value === '')
        return fallback;
    if (['true', 'yes', '1'].includes(value))
        return true;
    if (['false', 'no', '0'].includes(value))
        return false;
    throw new Error(`Input '${name}' must be true or false, got "${inputs_text(name)}"`);
}
/**
 * Only an image that was built and passed its smoke test may be pushed, and only to a tag the
 * user chose: the default tag names no registry host, so docker would send it to Docker Hub,
 * and only after the whole build and test.
 */
function checkPush(push, build, smokeTest, tags) {
    if (push && tags.length === 0) {
        throw new Error(`Input '${constants/* Input */.pd.Push}': true needs '${constants/* Input */.pd.Tags}' with the registry to push to (e.g. ghcr.io/owner/model:1); the default tag names no registry host, so docker would push it to Docker Hub`);
    }
    if (push && !build) {
        throw new Error(`Input '${constants/* Input */.pd.Push}': true needs '${constants/* Input */.pd.Build}: true' (only an image that was built and passed its smoke test is pushed)`);
    }
    if (push && !smokeTest) {
        throw new Error(`Input '${constants/* Input */.pd.Push}': true needs '${constants/* Input */.pd.SmokeTest}: true' (only an image that passed its smoke test is pushed)`);
    }
    return push;
}
function integerInput(name, fallback, min, max) {
    const raw = inputs_text(name);
    if (raw === '')
        return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
        throw new Error(`Input '${name}' must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return Number(raw);
}
/** @internal (exported for its unit tests) */
function checkAptPackage(entry) {
    parseAptPackage(entry);
    return entry;
}
function checkImageReference(name, value) {
    if ((0,docker_reference/* parseReference */.F)(value) === undefined) {
        throw new Error(`Input '${name}': "${value}" is not ${docker_reference/* REFERENCE_RULE */.v}`);
    }
    return value;
}
function checkTag(value) {
    const reference = (0,docker_reference/* parseReference */.F)(value);
    if (reference === undefined || reference.digest !== undefined) {
        throw new Error(`Input '${constants/* Input */.pd.Tags}': "${value}" is not a tag reference (name[:tag], no @digest)`);
    }
    return value;
}
/** @internal (exported for its unit tests) */
function checkEnv(pairs, allowContractKeys) {
    for (const { key } of pairs) {
        if (!inputs_ENV_KEY.test(key)) {
            throw new Error(`Input '${constants/* Input */.pd.Env}': key "${key}" must match ${inputs_ENV_KEY.source}`);
        }
        if (!allowContractKeys && constants/* CONTRACT_ENV_KEYS */.qi.includes(key)) {
            throw new Error(`Input '${constants/* Input */.pd.Env}': ${key} is set by the action from the serving contract; set '${constants/* Input */.pd.OverrideContractEnv}: true' to override it`);
        }
    }
    return pairs;
}
// The action's own labels (the container label, the recipe digest that decides reuse).
const RESERVED_LABEL_PREFIX = 'io.extend-azureml-image.';
/** @internal (exported for its unit tests) */
function checkLabels(pairs) {
    for (const { key } of pairs) {
        if (!LABEL_KEY.test(key)) {
            throw new Error(`Input '${constants/* Input */.pd.Labels}': key "${key}" must match ${LABEL_KEY.source}`);
        }
        if (key.startsWith(RESERVED_LABEL_PREFIX)) {
            throw new Error(`Input '${constants/* Input */.pd.Labels}': key "${key}" is reserved: the action sets the ${RESERVED_LABEL_PREFIX}* labels itself`);
        }
    }
    return pairs;
}
/** Index URLs may carry credentials: masked first, and never echoed in an error. */
function pipIndexUrl(name, value) {
    core.setSecret(value);
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new Error(`Input '${name}' must be an http(s) URL (value hidden: it may hold a token)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`Input '${name}' must be an http(s) URL (value hidden: it may hold a token)`);
    }
    for (const [part, what] of [
        [url.username, 'user name'],
        [url.password, 'password'],
    ]) {
        if (part === '')
            continue;
        core.setSecret(part);
        let decoded;
        try {
            decoded = decodeURIComponent(part);
        }
        catch {
            throw new Error(`Input '${name}': the ${what} in the URL must be percent-encoded: each '%' followed by two hex digits (a literal '%' is %25), and the bytes UTF-8 (value hidden: it may hold a token)`);
        }
        core.setSecret(decoded);
    }
    return value;
}
function parseExpectedResponse(raw) {
    try {
        return parseExpected(raw);
    }
    catch (error) {
        const regex = raw.length >= 2 && raw.startsWith('/') && raw.endsWith('/');
        throw new Error(regex
            ? `Input '${constants/* Input */.pd.ExpectedResponse}': ${error.message}`
            : `Input '${constants/* Input */.pd.ExpectedResponse}' must be JSON or a /regex/, got "${raw}"`, { cause: error });
    }
}
function entryScript(codeDir, raw) {
    if (raw === undefined)
        return undefined;
    // It becomes an ENV value and a path in the server's argv: a line break has no place there.
    if (/\p{Cc}/u.test(raw)) {
        throw new Error(`Input '${constants/* Input */.pd.EntryScript}': ${JSON.stringify(raw)} must not contain line breaks or control characters`);
    }
    if (codeDir === undefined) {
        throw new Error(`Input '${constants/* Input */.pd.EntryScript}' needs '${constants/* Input */.pd.CodeDir}'`);
    }
    const file = external_node_path_.resolve(codeDir, raw);
    const relative = external_node_path_.relative(codeDir, file);
    if (!isInside(codeDir, file) || !relative.endsWith('.py')) {
        throw new Error(`Input '${constants/* Input */.pd.EntryScript}': "${raw}" must be a .py file inside '${constants/* Input */.pd.CodeDir}'`);
    }
    resolveInWorkspace(codeDir, constants/* Input */.pd.EntryScript, relative, 'file');
    return relative.split(external_node_path_.sep).join('/');
}
/** The requirements file, and the files its lines name (refused when they leave the workspace). */
function requirementsInput(workspace, raw) {
    if (raw === undefined)
        return {};
    const requirements = resolveInWorkspace(workspace, constants/* Input */.pd.Requirements, raw.trim(), 'file');
    return { requirements, requirementFiles: collectRequirements(workspace, requirements) };
}
/** The deployment file, its warnings said now (before anything is built). */
function deploymentInput(workspace, raw, baked) {
    if (raw === undefined)
        return {};
    const deployment = readDeployment(workspace, raw);
    for (const warning of deploymentWarnings(deployment, baked))
        core.warning(warning);
    return { deployment, deploymentResources: deploymentResources(deployment) };
}
/** Given: as given. Otherwise the deployment's probe budget, or 300 s. */
function startupTimeout(deployment) {
    const given = inputs_text(constants/* Input */.pd.StartupTimeout) !== '';
    if (given || !deployment)
        return integerInput(constants/* Input */.pd.StartupTimeout, 300, 1, 3600);
    return startupBudget(deployment).seconds;
}
function getInputs() {
    // Mask first: nothing below may log an index URL before it is a secret.
    const pipIndexRaw = optionalText(constants/* Input */.pd.PipIndexUrl);
    const pipExtraRaw = splitList(inputs_text(constants/* Input */.pd.PipExtraIndexUrl));
    const pipIndex = pipIndexRaw && pipIndexUrl(constants/* Input */.pd.PipIndexUrl, pipIndexRaw);
    const pipExtra = pipExtraRaw.map((url) => pipIndexUrl(constants/* Input */.pd.PipExtraIndexUrl, url));
    const workspace = external_node_path_.resolve(process.env.GITHUB_WORKSPACE || process.cwd());
    const baseImage = inputs_text(constants/* Input */.pd.BaseImage).trim();
    if (baseImage === '')
        throw new Error(`Input '${constants/* Input */.pd.BaseImage}' is required`);
    checkImageReference(constants/* Input */.pd.BaseImage, baseImage);
    const requirementsRaw = optionalText(constants/* Input */.pd.Requirements);
    const codeDirRaw = optionalText(constants/* Input */.pd.CodeDir);
    const modelDirRaw = optionalText(constants/* Input */.pd.ModelDir);
    const codeDir = codeDirRaw && resolveInWorkspace(workspace, constants/* Input */.pd.CodeDir, codeDirRaw, 'dir');
    const modelDir = modelDirRaw && resolveInWorkspace(workspace, constants/* Input */.pd.ModelDir, modelDirRaw, 'dir');
    if (codeDir && codeDir === modelDir) {
        throw new Error(`Input '${constants/* Input */.pd.ModelDir}': "${modelDirRaw}" is the same directory as '${constants/* Input */.pd.CodeDir}'; give the model a directory of its own (a model-dir inside code-dir is left out of the code copy)`);
    }
    const entry = entryScript(codeDir, optionalText(constants/* Input */.pd.EntryScript)?.trim());
    if (codeDir !== undefined && entry === undefined) {
        throw new Error(`Input '${constants/* Input */.pd.EntryScript}' is required with '${constants/* Input */.pd.CodeDir}'`);
    }
    if (codeDir)
        checkNamesUtf8(constants/* Input */.pd.CodeDir, codeDir);
    if (modelDir)
        checkNamesUtf8(constants/* Input */.pd.ModelDir, modelDir);
    const code = codeDir ? codeSnapshot(workspace, codeDir, modelDir) : undefined;
    const model = modelDir ? wholeTreeSnapshot(modelDir) : undefined;
    if (code && entry)
        checkEntryScriptCopied(code, entry);
    if (code)
        checkDirectory(workspace, constants/* Input */.pd.CodeDir, code.root, copiedFiles(code));
    if (model)
        checkDirectory(workspace, constants/* Input */.pd.ModelDir, model.root, copiedFiles(model));
    const network = optionalText(constants/* Input */.pd.Network)?.trim();
    if (network !== undefined && !NETWORK.test(network)) {
        throw new Error(`Input '${constants/* Input */.pd.Network}': "${network}" is not a docker network name`);
    }
    const expectedResponse = optionalText(constants/* Input */.pd.ExpectedResponse);
    const sample = optionalText(constants/* Input */.pd.SampleRequest);
    const cases = scoringCases(workspace, sample, {
        expectedStatus: integerInput(constants/* Input */.pd.ExpectedStatus, 200, 100, 599),
        expectedResponse: expectedResponse === undefined ? undefined : parseExpectedResponse(expectedResponse),
    });
    const scoreRequests = integerInput(constants/* Input */.pd.ScoreRequests, 0, 0, MAX_SCORE_REQUESTS);
    if (scoreRequests > 0 && cases.length === 0) {
        throw new Error(`Input '${constants/* Input */.pd.ScoreRequests}' needs '${constants/* Input */.pd.SampleRequest}' (the request to time)`);
    }
    const build = booleanInput(constants/* Input */.pd.Build, true);
    const smokeTest = booleanInput(constants/* Input */.pd.SmokeTest, true);
    const acr = acrInput(pipIndex, pipExtra, network);
    const tags = splitList(inputs_text(constants/* Input */.pd.Tags))
        .map(checkTag)
        .map((tag) => (acr ? repositoryTag(acr.name, tag) : tag));
    const push = checkPush(booleanInput(constants/* Input */.pd.Push, false), build, smokeTest, tags);
    const env = checkEnv(parseKeyValueLines(constants/* Input */.pd.Env, inputs_text(constants/* Input */.pd.Env)), booleanInput(constants/* Input */.pd.OverrideContractEnv, false));
    const deployment = deploymentInput(workspace, optionalText(constants/* Input */.pd.Deployment), {
        env,
        codeDir,
        modelDir,
    });
    for (const warning of dynamicInstallWarnings(env, deployment.deployment))
        core.warning(warning);
    return {
        workspace,
        baseImage,
        aptPackages: splitList(inputs_text(constants/* Input */.pd.AptPackages)).map(checkAptPackage),
        ...requirementsInput(workspace, requirementsRaw),
        codeDir,
        entryScript: entry,
        modelDir,
        codeSnapshot: code,
        modelSnapshot: model,
        env,
        tags,
        labels: checkLabels(parseKeyValueLines(constants/* Input */.pd.Labels, inputs_text(constants/* Input */.pd.Labels))),
        build,
        network,
        pipIndexUrl: pipIndex,
        pipExtraIndexUrls: pipExtra,
        smokeTest,
        scoringCases: cases,
        scoreRequests,
        startupTimeoutSeconds: startupTimeout(deployment.deployment),
        startupTimeoutGiven: inputs_text(constants/* Input */.pd.StartupTimeout) !== '',
        ...deployment,
        containerPort: integerInput(constants/* Input */.pd.ContainerPort, 5001, 1, 65535),
        memoryBytes: parseMemory(inputs_text(constants/* Input */.pd.Memory)),
        cpus: parseCpus(inputs_text(constants/* Input */.pd.Cpus)),
        gpus: parseGpus(inputs_text(constants/* Input */.pd.Gpus)),
        cache: booleanInput(constants/* Input */.pd.Cache, true),
        push,
        acr,
        // action.yml gives smoke-test no default, so an empty value is the user's silence.
        smokeTestRequired: smokeTest && inputs_text(constants/* Input */.pd.SmokeTest) !== '',
    };
}
/** `builder: acr` and its registry, checked with the rules it sets for other inputs. */
function acrInput(pipIndex, pipExtra, network) {
    if (parseBuilder(inputs_text(constants/* Input */.pd.Builder)) !== 'acr') {
        for (const name of [constants/* Input */.pd.AcrName, constants/* Input */.pd.AcrResourceGroup]) {
            if (optionalText(name) !== undefined) {
                throw new Error(`Input '${name}' needs '${constants/* Input */.pd.Builder}: acr'`);
            }
        }
        return undefined;
    }
    const target = acrTarget(optionalText(constants/* Input */.pd.AcrName), optionalText(constants/* Input */.pd.AcrResourceGroup));
    checkAcrInputs({
        push: booleanInput(constants/* Input */.pd.Push, false),
        network,
        pipIndexUrls: [...(pipIndex ? [pipIndex] : []), ...pipExtra],
    });
    return target;
}

;// CONCATENATED MODULE: ./src/report/outputs.ts
// Step outputs. They are set only once everything passed, so no output of a failed step names
// an image.



/** Long answers are cut for outputs and the summary; the container log has the rest. */
const SCORE_RESPONSE_OUTPUT_LIMIT = 4096;
/** The case the score outputs describe: the first that failed, else the first. */
function reportedCase(cases) {
    return cases?.find((item) => item.problem !== undefined) ?? cases?.[0];
}
function setScoreOutputs(cases) {
    const reported = reportedCase(cases);
    if (reported?.status === undefined)
        return;
    core.setOutput(constants/* Output */.k7.ScoreStatus, String(reported.status));
    core.setOutput(constants/* Output */.k7.ScoreResponse, (0,step_text/* truncate */.xv)(reported.response ?? '', SCORE_RESPONSE_OUTPUT_LIMIT));
}
/** The limits the container ran with, and the memory it used: to choose an instance size by. */
function resourcesMetadata(score) {
    const { resources, memory, gpus } = score ?? {};
    return {
        resources: resources === undefined && gpus === undefined
            ? undefined
            : {
                memoryBytes: resources?.memory?.bytes,
                memorySource: resources?.memory?.source,
                cpus: resources?.cpus?.count,
                cpusSource: resources?.cpus?.source,
                cpusRequested: resources?.cpus?.requested,
                gpus,
            },
        memory: memory && {
            cgroup: (memory.overall ?? memory.atLive)?.cgroup,
            peakAtLiveBytes: memory.atLive?.peakBytes,
            peakBytes: memory.overall?.peakBytes,
            // What a kernel without memory.peak (cgroup v2 before Linux 5.19) can tell instead.
            inUseAtLiveBytes: memory.atLive?.currentBytes,
            inUseAtEndBytes: memory.overall?.currentBytes,
        },
    };
}
/** @internal (exported for its unit tests) */
function metadata(result, baseImage) {
    return {
        baseImage,
        image: result.hasImage ? result.tags[0] : undefined,
        tags: result.hasImage ? result.tags : [],
        imageId: result.imageId,
        reused: result.reused ?? false,
        dockerfile: result.dockerfile,
        context: result.context,
        builder: result.builder,
        acr: result.acr,
        baseUser: result.baseUser,
        smokeTest: result.smokeTest,
        scoreStatus: reportedCase(result.smokeTestResult?.cases)?.status,
        cases: result.smokeTestResult?.cases.map(({ name, status, expectedStatus, ms, problem }) => ({
            name,
            status,
            expectedStatus,
            ms,
            passed: problem === undefined,
        })),
        latency: result.smokeTestResult?.latency,
        concurrent: result.smokeTestResult?.concurrent,
        startup: result.smokeTestResult?.startup,
        ...resourcesMetadata(result.smokeTestResult),
        gpuHint: result.gpuHint,
        swagger: result.smokeTestResult?.swagger && {
            declared: result.smokeTestResult.swagger.declared,
            versions: result.smokeTestResult.swagger.versions,
            checked: result.smokeTestResult.swagger.checked,
        },
        dependencies: result.dependencies,
        adds: result.adds,
        copies: result.copies,
        pushed: result.pushed,
        timings: {
            dependenciesMs: result.timings.dependenciesMs,
            buildMs: result.timings.buildMs,
            smokeTestMs: result.timings.smokeTestMs,
            pushMs: result.timings.pushMs,
            liveAfterMs: result.smokeTestResult?.liveAfterMs,
            scoreMs: result.smokeTestResult?.cases[0]?.ms,
        },
    };
}
function setOutputs(result, baseImage) {
    core.setOutput(constants/* Output */.k7.Dockerfile, result.dockerfile);
    core.setOutput(constants/* Output */.k7.Context, result.context);
    if (result.hasImage) {
        core.setOutput(constants/* Output */.k7.Image, result.tags[0]);
        core.setOutput(constants/* Output */.k7.Tags, result.tags.join('\n'));
        // Unknown only for an image built in ACR and never pulled here (smoke-test: false).
        if (result.imageId)
            core.setOutput(constants/* Output */.k7.ImageId, result.imageId);
    }
    core.setOutput(constants/* Output */.k7.SmokeTest, result.smokeTest);
    setScoreOutputs(result.smokeTestResult?.cases);
    // The first tag's digest, as the registry serves it; set only when every tag was pushed.
    if (result.pushed?.[0])
        core.setOutput(constants/* Output */.k7.Digest, result.pushed[0].digest);
    core.setOutput(constants/* Output */.k7.Metadata, JSON.stringify(metadata(result, baseImage)));
}
/** A failed smoke test still tells later `if: failure()` steps what it saw; never an image. */
function setSmokeTestFailureOutputs(failure) {
    core.setOutput(constants/* Output */.k7.SmokeTest, 'failed');
    setScoreOutputs(failure.result.cases);
}

;// CONCATENATED MODULE: ./src/pipeline-result.ts
// What the pipeline hands to the report (outputs, summary) and to later steps, whichever
// builder made the image.


/**
 * What a run has before it builds anything: paths, tags, what is copied; no image yet. The
 * contexts are staged in `context` (the stable staging folder when building, else the work dir).
 */
function initialResult(inputs, workDir, tags, builder, baseUser, context = workDir) {
    return {
        dockerfile: external_node_path_.join(workDir, 'Dockerfile'),
        context,
        hasImage: false,
        tags,
        builder,
        baseUser,
        timings: {},
        smokeTest: 'skipped',
        copies: {
            code: inputs.codeSnapshot && snapshotReport(inputs.codeSnapshot),
            model: inputs.modelSnapshot && snapshotReport(inputs.modelSnapshot),
        },
    };
}

;// CONCATENATED MODULE: ./src/plan/dockerfile.ts
// Renders the Dockerfile that extends the prebuilt image. Pure: the same plan gives the same
// text. User text reaches it only as validated apt entries (and the architectures they name),
// env and label keys, and env and label values, and those values are quoted so that no
// character can end the instruction or start a new one.



/** Where each input sits inside the build context the action stages. */
const ContextPath = {
    /** A folder: the requirements file and what its lines name, at their workspace paths. */
    requirements: 'requirements',
    model: 'model',
    code: 'code',
};
const PIP_CONFIG_SECRET_ID = 'pip-config';
const PIP_BUILD_ARGS = ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_TRUSTED_HOST'];
const STAGING = '/tmp/extend-azureml-image';
/**
 * Double-quotes a value for ENV or LABEL: backslash, quote and '$' are escaped, so it stays
 * literal.
 * @internal (exported for its unit tests)
 */
function quoteValue(value) {
    if (/[\r\n]/.test(value))
        throw new Error('ENV and LABEL values cannot contain line breaks');
    return `"${value.replace(/[\\"$]/g, (character) => `\\${character}`)}"`;
}
function continued(lines) {
    return lines.join(' \\\n');
}
function aptStep(packages) {
    // apt fetches a foreign architecture's lists only once dpkg knows it: added before the update.
    const [first, ...rest] = [
        ...foreignArchitectures(packages).map((architecture) => `dpkg --add-architecture ${architecture}`),
        'apt-get update',
    ];
    return [
        '# OS packages in one layer; the lists are removed so they do not ship in the image.',
        'RUN ' +
            continued([
                first,
                ...rest.map((command) => ` && ${command}`),
                ' && apt-get install -y --no-install-recommends',
                ...packages.map((name) => `      ${name}`),
                ' && apt-get clean -y',
                ' && rm -rf /var/lib/apt/lists/*',
            ]),
    ];
}
function sourcesOf(plan) {
    return plan.sources ?? ContextPath;
}
// Paths from the workspace go into the RUN line as single-quoted words unless plainly safe; a
// quoted word never starts with '<<' (BuildKit would read a heredoc) nor with '-'.
const PLAIN_WORD = /^[A-Za-z0-9_/][A-Za-z0-9_./+-]*$/;
/** One shell word for a path that came from the workspace: data, never shell code. */
function shellPath(value) {
    if (/[\r\n]/.test(value))
        throw new Error('A path in a RUN step cannot contain line breaks');
    if (PLAIN_WORD.test(value))
        return value;
    const word = value.startsWith('/') ? value : `./${value}`;
    return `'${word.replace(/'/g, "'\\''")}'`;
}
function pipStep(mode, requirements, file) {
    const folder = external_node_path_.posix.dirname(file);
    const workDir = folder === '.' ? STAGING : `${STAGING}/${folder}`;
    const lines = [
        '# Python packages as root: the base image environment may be root-owned.',
        `COPY ${requirements}/ ${STAGING}/`,
    ];
    if (mode === 'build-args')
        lines.push(...PIP_BUILD_ARGS.map((name) => `ARG ${name}`));
    const [mount, config] = mode === 'secret'
        ? [
            `--mount=type=secret,id=${PIP_CONFIG_SECRET_ID},required=true `,
            `PIP_CONFIG_FILE=/run/secrets/${PIP_CONFIG_SECRET_ID} `,
        ]
        : ['', ''];
    // From the requirements file's folder: pip takes local packages and wheels as relative to
    // its working directory (see requirements-files.ts).
    lines.push(`RUN ${mount}cd ${shellPath(workDir)} \\\n` +
        ` && ${config}pip install --no-cache-dir -r ${shellPath(external_node_path_.posix.basename(file))} \\\n` +
        ` && rm -rf ${STAGING}`);
    return lines;
}
const HEADER = '# Generated by extend-azureml-image.';
function render(blocks) {
    return blocks.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}
function hasDependencies(plan) {
    return plan.aptPackages.length > 0 || plan.requirements;
}
/** The steps that need root: OS and Python packages. */
function dependencyBlocks(plan) {
    if (!hasDependencies(plan))
        return [];
    const blocks = [['USER root:root']];
    if (plan.aptPackages.length > 0)
        blocks.push(aptStep(plan.aptPackages));
    if (plan.requirements) {
        const file = plan.requirementsFile ?? 'requirements.txt';
        blocks.push(pipStep(plan.pipConfig, sourcesOf(plan).requirements, file));
    }
    return blocks;
}
// Back to the base image's user even when nothing needed root: never leave the image as root.
function userBlock(plan) {
    return [`USER ${plan.user}`];
}
/** One ENV instruction for all variables: one build step, one layer, however many there are. */
function envBlock(plan) {
    const assignments = [];
    if (plan.model)
        assignments.push(`${constants/* Contract */.NZ.modelDirEnv}=${constants/* Contract */.NZ.modelDir}`);
    if (plan.entryScript !== undefined) {
        assignments.push(`${constants/* Contract */.NZ.entryScriptEnv}=${quoteValue(plan.entryScript)}`);
    }
    for (const { key, value } of plan.env)
        assignments.push(`${key}=${quoteValue(value)}`);
    return assignments.length > 0 ? [`ENV ${assignments.join(' \\\n    ')}`] : [];
}
/** One LABEL instruction for all labels, keys quoted too (they may hold '.' and '-'). */
function labelBlock(plan) {
    if (plan.labels.length === 0)
        return [];
    const assignments = plan.labels.map(({ key, value }) => `${quoteValue(key)}=${quoteValue(value)}`);
    return [`LABEL ${assignments.join(' \\\n      ')}`];
}
/**
 * Model, env, code, labels: least-changing first. A code-only change rebuilds the code layer
 * and the label step; an env change never copies the model again. Labels come last: the commit
 * label changes with every commit, and placed earlier it would rebuild the code layer each time.
 */
function applicationBlocks(plan, modelCopied = false) {
    const blocks = [];
    if (plan.model && !modelCopied)
        blocks.push(modelCopy(plan));
    const env = envBlock(plan);
    if (env.length > 0)
        blocks.push(env);
    if (plan.code)
        blocks.push([`COPY ${sourcesOf(plan).code}/ ${constants/* Contract */.NZ.appRoot}/`]);
    const labels = labelBlock(plan);
    if (labels.length > 0)
        blocks.push(labels);
    return blocks;
}
function modelCopy(plan) {
    return [`COPY ${sourcesOf(plan).model}/ ${constants/* Contract */.NZ.modelDir}/`];
}
/** The whole recipe as one file: what the action shows and outputs. */
function renderDockerfile(plan) {
    return render([
        [HEADER, `FROM ${plan.baseImage}`],
        ...dependencyBlocks(plan),
        userBlock(plan),
        ...applicationBlocks(plan),
    ]);
}
/**
 * The same recipe in the two builds the action runs: the dependencies (an image of its own,
 * reused and cached across runners by its key) and the application on top of it. Together they
 * give the same instructions as renderDockerfile.
 */
function renderDependenciesDockerfile(plan) {
    return render([[HEADER, `FROM ${plan.baseImage}`], ...dependencyBlocks(plan), userBlock(plan)]);
}
/**
 * `from` is the dependencies image, which already ends as the base image's user, or the base
 * image itself when there are no dependencies: only then is the USER step needed (each step
 * costs the legacy builder a container).
 */
function renderApplicationDockerfile(plan, from) {
    const user = hasDependencies(plan) ? [] : [userBlock(plan)];
    return render([[HEADER, `FROM ${from}`], ...user, ...applicationBlocks(plan)]);
}
/**
 * The application's first step alone, for the legacy builder (build/model-image.ts): the model
 * on the dependencies (or the base, then after its USER step), the model folder as the context.
 */
function renderModelDockerfile(plan, from) {
    const user = hasDependencies(plan) ? [] : [userBlock(plan)];
    return render([[HEADER, `FROM ${from}`], ...user, modelCopy({ ...plan, sources: ONE_FOLDER })]);
}
/**
 * The rest of the application on that model image, the code folder as the context: the same
 * steps as renderApplicationDockerfile after its model.
 */
function renderApplicationOnModelDockerfile(plan, model) {
    return render([
        [HEADER, `FROM ${model}`],
        ...applicationBlocks({ ...plan, sources: ONE_FOLDER }, true),
    ]);
}
/** COPY sources when the context is the one folder the step copies. */
const ONE_FOLDER = { requirements: '.', model: '.', code: '.' };
/** The name the application stage builds FROM in the multi-stage file. */
const DEPENDENCIES_STAGE = 'dependencies';
/**
 * The two builds as the two stages of one Dockerfile, for a builder that takes one file and one
 * context (ACR Tasks): the dependencies stage, then the application FROM it, with the same
 * instructions as the two files above. Without dependencies there is one stage, on the base image.
 */
function renderMultiStageDockerfile(plan) {
    if (!hasDependencies(plan))
        return renderApplicationDockerfile(plan, plan.baseImage);
    return render([
        [HEADER, `FROM ${plan.baseImage} AS ${DEPENDENCIES_STAGE}`],
        ...dependencyBlocks(plan),
        userBlock(plan),
        [`FROM ${DEPENDENCIES_STAGE}`],
        ...applicationBlocks(plan),
    ]);
}

;// CONCATENATED MODULE: ./src/plan/build-context.ts
// Stages the build context: only what the Dockerfile copies, never the whole workspace. Files are
// hard-linked where the file system allows it (no data copied, so a large model costs nothing),
// and copied otherwise. Symlinks to files are staged as the file they point to. Code and model
// are staged as their snapshots take them (code-snapshot.ts): no `.git`, nothing ignored.




function stageFile(source, target) {
    external_node_fs_.mkdirSync(external_node_path_.dirname(target), { recursive: true });
    const real = external_node_fs_.realpathSync(source);
    try {
        external_node_fs_.linkSync(real, target);
    }
    catch (error) {
        // Across file systems (EXDEV) or where links are not allowed: fall back to a copy.
        const code = error.code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK')
            throw error;
        external_node_fs_.copyFileSync(real, target);
    }
}
function stageTree(snapshot, targetDir) {
    external_node_fs_.mkdirSync(targetDir, { recursive: true });
    for (const entry of snapshot.entries) {
        const source = external_node_path_.join(snapshot.root, entry.path);
        const target = external_node_path_.join(targetDir, entry.path);
        if (entry.kind === 'dir')
            external_node_fs_.mkdirSync(target, { recursive: true });
        else
            stageFile(source, target);
    }
}
/**
 * The requirements file and what its lines name, each at its workspace path. Folders first: a
 * requirements file inside a staged folder is then replaced by its own staged text (unlinked
 * first, so the workspace's file is never written through the hard link).
 */
function stageRequirements(files, targetDir) {
    external_node_fs_.mkdirSync(targetDir, { recursive: true });
    for (const entry of files.entries.filter(({ kind }) => kind === 'dir')) {
        stageTree(wholeTreeSnapshot(entry.source), external_node_path_.join(targetDir, entry.position));
    }
    for (const entry of files.entries.filter(({ kind }) => kind === 'file')) {
        const target = external_node_path_.join(targetDir, entry.position);
        external_node_fs_.rmSync(target, { force: true });
        if (entry.text === undefined)
            stageFile(entry.source, target);
        else {
            external_node_fs_.mkdirSync(external_node_path_.dirname(target), { recursive: true });
            external_node_fs_.writeFileSync(target, entry.text);
        }
    }
}
/**
 * Stages the two build contexts under `root`: `dependencies/` (the requirements files) and
 * `application/` (model and code), each holding only what its Dockerfile copies.
 */
function stageContexts(root, sources) {
    const staged = {
        dependencies: external_node_path_.join(root, StagedContext.dependencies),
        application: external_node_path_.join(root, StagedContext.application),
    };
    external_node_fs_.mkdirSync(staged.dependencies, { recursive: true });
    external_node_fs_.mkdirSync(staged.application, { recursive: true });
    if (sources.requirementFiles) {
        stageRequirements(sources.requirementFiles, external_node_path_.join(staged.dependencies, ContextPath.requirements));
    }
    if (sources.modelSnapshot) {
        stageTree(sources.modelSnapshot, external_node_path_.join(staged.application, ContextPath.model));
    }
    if (sources.codeSnapshot) {
        stageTree(sources.codeSnapshot, external_node_path_.join(staged.application, ContextPath.code));
    }
    return staged;
}
const StagedContext = { dependencies: 'dependencies', application: 'application' };
/** COPY sources for the standalone Dockerfile, whose context is the root of both. */
const STANDALONE_SOURCES = {
    requirements: `${StagedContext.dependencies}/${ContextPath.requirements}`,
    model: `${StagedContext.application}/${ContextPath.model}`,
    code: `${StagedContext.application}/${ContextPath.code}`,
};
/** The staged requirements folder and the top file in it, for the digests. */
function stagedRequirements(inputs, contexts) {
    if (!inputs.requirementFiles)
        return undefined;
    const folder = external_node_path_.join(contexts.dependencies, ContextPath.requirements);
    return { folder, snapshot: wholeTreeSnapshot(folder), file: inputs.requirementFiles.top };
}

;// CONCATENATED MODULE: ./src/plan/memo-file.ts
// The small JSON files a run remembers next to the stable staging folder (staging-dir.ts): the
// input digests, the images' inventories, the legacy builder's model image. Each is a cache: a
// file that is missing, unreadable or of another version is nothing remembered, and one that
// cannot be written costs the next run a read or a build, never a failure. Written whole, to a
// temp file and then a rename: `build: false` shares the digests file without the folder's lock,
// and a reader must never see half a file.

/** The file's fields (its `version` among them) when it is of this version; else undefined. */
function readMemoFile(file, version) {
    try {
        const saved = JSON.parse(external_node_fs_.readFileSync(file, 'utf8'));
        if (typeof saved !== 'object' || saved === null)
            return undefined;
        const fields = saved;
        return fields.version === version ? fields : undefined;
    }
    catch {
        return undefined;
    }
}
/** Replaces the file with these fields and the version; a file that cannot be written is left. */
function writeMemoFile(file, version, fields) {
    // The temp file's name starts as the memo's does: the staging folder's prune takes it too.
    const written = `${file}.${process.pid}.tmp`;
    try {
        external_node_fs_.writeFileSync(written, JSON.stringify({ ...fields, version }), { mode: 0o600 });
        external_node_fs_.renameSync(written, file);
    }
    catch {
        external_node_fs_.rmSync(written, { force: true });
    }
}

;// CONCATENATED MODULE: ./src/plan/digest-cache.ts
// The SHA-256 of each input file, remembered between runs next to the stable staging folder
// (staging-dir.ts), so that the default tag of a 5 GB model does not cost a 5 GB read when the
// model did not change. A file is known by its path, device, inode, size and mtime (in
// nanoseconds): the test make, rsync and BuildKit's own context transfer apply. A file whose
// mtime is within RACY_MS of the moment it was hashed is not remembered: it may still be
// written to within the same mtime tick ("racily clean", as git calls it).



const RACY_MS = 2000;
const digest_cache_VERSION = 1;
// Read in 1 MiB chunks: a quarter faster than the default 64 KiB on a large model here.
const CHUNK_BYTES = 1024 * 1024;
async function sha256OfFile(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of external_node_fs_.createReadStream(file, { highWaterMark: CHUNK_BYTES }))
        hash.update(chunk);
    return hash.digest('hex');
}
function identity(file) {
    const stat = external_node_fs_.statSync(file, { bigint: true });
    return {
        key: `${file}\0${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`,
        mtimeMs: Number(stat.mtimeMs),
    };
}
class DigestCache {
    file;
    known;
    used = new Map();
    /** Every digest read in this run, the racy ones too: a file is read once per run at most. */
    thisRun = new Map();
    /** `file`: where the digests are kept; unreadable or from another version: none known. */
    constructor(file) {
        this.file = file;
        this.known = new Map();
        const digests = readMemoFile(file, digest_cache_VERSION)?.digests;
        if (typeof digests !== 'object' || digests === null)
            return;
        for (const [key, digest] of Object.entries(digests))
            if (typeof digest === 'string')
                this.known.set(key, digest);
    }
    digest = async (file) => {
        const before = identity(file);
        const read = this.thisRun.get(before.key);
        if (read !== undefined)
            return read;
        const known = this.known.get(before.key);
        if (known !== undefined) {
            this.used.set(before.key, known);
            return known;
        }
        const startedMs = Date.now();
        const digest = await sha256OfFile(file);
        // Changed while it was read: not kept at all. Too recent to trust its mtime: kept for this
        // run only (the model image's key reads it again), not remembered for the next.
        if (identity(file).key !== before.key)
            return digest;
        this.thisRun.set(before.key, digest);
        if (startedMs - before.mtimeMs > RACY_MS)
            this.used.set(before.key, digest);
        return digest;
    };
    /** Keeps the digests of this run's files only: the file stays as small as the inputs. */
    save() {
        writeMemoFile(this.file, digest_cache_VERSION, { digests: Object.fromEntries(this.used) });
    }
}

;// CONCATENATED MODULE: ./src/plan/content-hash.ts
// A digest of every build input, for the default tag: the same inputs give the same tag, and
// legs of a matrix with different base images never collide.




/**
 * Digest of a directory tree as COPY puts it in the image: sorted relative paths of directories
 * (empty ones are copied too) and files, each file's permission bits and content. Only what the
 * snapshot takes counts (code-snapshot.ts): a file left out changes neither the image nor this.
 * The default tag names an image the action may reuse without building (same-build.ts), so
 * whatever changes the copied tree must change this digest. The legacy builder's model image
 * is known by it too (build/model-image.ts).
 */
async function treeDigest(snapshot, fileDigest = sha256OfFile) {
    const entries = [...snapshot.entries].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for (const entry of entries) {
        // A staged directory gets the runner's default mode, whatever the source's: only its path
        // counts. A file is staged as (a link to) the file itself, symlinks followed: its mode counts.
        if (entry.kind === 'dir')
            hash.update(`${entry.path}/\0d\n`);
        else {
            const full = external_node_path_.join(snapshot.root, entry.path);
            const mode = (external_node_fs_.statSync(full).mode & 0o7777).toString(8);
            hash.update(`${entry.path}\0${mode}\0${await fileDigest(full)}\n`);
        }
    }
    return hash.digest('hex');
}
/**
 * Hashes a JSON-able description, files given as paths and trees as snapshots to digest;
 * `fileDigest` may remember the digests of files that did not change (digest-cache.ts).
 */
async function contentHash(description, files, trees, fileDigest = sha256OfFile) {
    const digests = {};
    for (const [name, file] of Object.entries(files)) {
        digests[name] = file ? await fileDigest(file) : null;
    }
    for (const [name, snapshot] of Object.entries(trees)) {
        digests[name] = snapshot ? await treeDigest(snapshot, fileDigest) : null;
    }
    return (0,external_node_crypto_.createHash)('sha256')
        .update(JSON.stringify({ scheme: 2, description, digests }))
        .digest('hex');
}

;// CONCATENATED MODULE: ./src/plan/pip-config.ts
// Private pip indexes: what pip needs (index, extra indexes, trusted plain-http hosts) as a pip
// config file for a BuildKit secret, or as build args for the legacy builder, which has no
// secrets and therefore is only allowed URLs without credentials.

function urls(indexes) {
    return [...(indexes.indexUrl ? [indexes.indexUrl] : []), ...indexes.extraIndexUrls];
}
function hasPipIndexes(indexes) {
    return urls(indexes).length > 0;
}
/** @internal (exported for its unit tests) */
function hasCredentials(indexes) {
    return urls(indexes).some((url) => {
        const parsed = new URL(url);
        return parsed.username !== '' || parsed.password !== '';
    });
}
/** pip refuses plain-http indexes unless their host is trusted. */
function trustedHosts(indexes) {
    const hosts = urls(indexes)
        .map((url) => new URL(url))
        .filter((url) => url.protocol === 'http:')
        .map((url) => url.host);
    return [...new Set(hosts)];
}
function renderPipConf(indexes) {
    const lines = ['[global]'];
    if (indexes.indexUrl)
        lines.push(`index-url = ${indexes.indexUrl}`);
    if (indexes.extraIndexUrls.length > 0) {
        lines.push(`extra-index-url = ${indexes.extraIndexUrls.join('\n    ')}`);
    }
    const hosts = trustedHosts(indexes);
    if (hosts.length > 0)
        lines.push(`trusted-host = ${hosts.join('\n    ')}`);
    return lines.join('\n') + '\n';
}
function pipBuildArgs(indexes) {
    if (hasCredentials(indexes)) {
        throw new Error(`Inputs '${constants/* Input */.pd.PipIndexUrl}'/'${constants/* Input */.pd.PipExtraIndexUrl}' carry credentials, and the legacy Docker builder has no build secrets: they would be stored in the image history. Use BuildKit (docker buildx, or DOCKER_BUILDKIT=1) or an index without credentials`);
    }
    const args = [];
    if (indexes.indexUrl)
        args.push({ key: 'PIP_INDEX_URL', value: indexes.indexUrl });
    if (indexes.extraIndexUrls.length > 0) {
        args.push({ key: 'PIP_EXTRA_INDEX_URL', value: indexes.extraIndexUrls.join(' ') });
    }
    const hosts = trustedHosts(indexes);
    if (hosts.length > 0)
        args.push({ key: 'PIP_TRUSTED_HOST', value: hosts.join(' ') });
    return args;
}
/** The indexes the inputs name. */
function pipIndexesOf(inputs) {
    return { indexUrl: inputs.pipIndexUrl, extraIndexUrls: inputs.pipExtraIndexUrls };
}
/** How the indexes reach pip: a BuildKit secret, or build args on the legacy builder. */
function pipConfigMode(inputs, builder) {
    if (!inputs.requirements || !hasPipIndexes(pipIndexesOf(inputs)))
        return 'none';
    return builder === 'legacy' ? 'build-args' : 'secret';
}
function withoutCredentials(url) {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
}
/** Index URLs without credentials: where packages come from is part of what they are. */
function publicIndexes(inputs) {
    return urls(pipIndexesOf(inputs)).map(withoutCredentials);
}

;// CONCATENATED MODULE: ./src/plan/default-tag.ts




const FALLBACK_NAME = 'extend-azureml-image';
// What docker allows between two alphanumeric runs of a path component.
const SEPARATOR = /^(?:[._]|__|-+)$/;
/** A path component for `owner/name` (or `name`); a name that is already one is kept as it is. @internal (exported for its unit tests) */
function defaultTagName(repository) {
    const name = (repository?.split('/').pop() ?? '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, (run) => (SEPARATOR.test(run) ? run : '-'))
        .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
    const derived = name || FALLBACK_NAME;
    if ((0,docker_reference/* parseReference */.F)(derived)?.name !== derived) {
        throw new Error(`The repository name ${JSON.stringify(repository)} gives no valid image name for the default tag: set '${constants/* Input */.pd.Tags}'`);
    }
    return derived;
}
/** name:tag from the repository name and a digest of every build input. @internal (exported for its unit tests) */
function defaultTag(hash, repository = process.env.GITHUB_REPOSITORY) {
    return `${defaultTagName(repository)}:${hash.slice(0, 16)}`;
}
/** The tags to build: the user's, or the default tag, a digest of every build input. */
async function imageTags(inputs, labels, requirements, fileDigest) {
    if (inputs.tags.length > 0)
        return inputs.tags;
    // Checked before the digest reads every file: a name docker refuses fails here, not later.
    defaultTagName(process.env.GITHUB_REPOSITORY);
    const hash = await contentHash({
        baseImage: inputs.baseImage,
        aptPackages: inputs.aptPackages,
        entryScript: inputs.entryScript ?? null,
        env: inputs.env,
        labels,
        pipIndexes: publicIndexes(inputs),
        requirementsFile: requirements?.file ?? null,
    }, {}, {
        requirements: requirements?.snapshot,
        code: inputs.codeSnapshot,
        model: inputs.modelSnapshot,
    }, fileDigest);
    return [defaultTag(hash)];
}

;// CONCATENATED MODULE: ./src/plan/plan.ts

// A user as docker prints it: name or uid, optional group. Anything else is not trusted into
// the Dockerfile's USER line.
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
/** The user the image ends as: the base image's own, never root (`0`, `00`, `root:x` ...). */
function baseUserOrDefault(user) {
    if (user === '' || /^(root|0+)(:|$)/.test(user))
        return constants/* Contract */.NZ.defaultUser;
    if (!USER.test(user)) {
        throw new Error(`The base image's user "${user}" is not a user name docker accepts`);
    }
    return user;
}
/** OCI labels from the GitHub context; the user's labels win on the same key. */
function imageLabels(inputs, env = process.env) {
    const labels = new Map();
    if (env.GITHUB_REPOSITORY) {
        labels.set('org.opencontainers.image.source', `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`);
    }
    if (env.GITHUB_SHA)
        labels.set('org.opencontainers.image.revision', env.GITHUB_SHA);
    labels.set('org.opencontainers.image.base.name', inputs.baseImage);
    for (const { key, value } of inputs.labels)
        labels.set(key, value);
    return [...labels].map(([key, value]) => ({ key, value }));
}
function makePlan(inputs, facts) {
    return {
        baseImage: inputs.baseImage,
        user: facts.user,
        aptPackages: inputs.aptPackages,
        requirements: inputs.requirements !== undefined,
        requirementsFile: inputs.requirementFiles?.top,
        pipConfig: facts.pipConfig,
        model: inputs.modelDir !== undefined,
        code: inputs.codeDir !== undefined,
        entryScript: inputs.entryScript,
        env: inputs.env,
        labels: facts.labels,
    };
}

// EXTERNAL MODULE: external "node:dns/promises"
var promises_ = __webpack_require__(1553);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: ./src/docker/engine-endpoint.ts
var engine_endpoint = __webpack_require__(9056);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/docker/own-container.ts
// Whether this process runs in a container, and which one: the ids it may have, read from what
// the kernel and docker leave in it. A job GitHub runs in a container (`jobs.<id>.container`)
// talks to the host's engine through the mounted socket; that engine knows the container by
// these ids. Every id is only a candidate: the engine's `docker container inspect` confirms it
// (a machine may look like a container, and a container's id may be unknown to the engine).


const FULL_ID = /[0-9a-f]{64}/;
// docker's default hostname is the first 12 characters of the container's id.
const SHORT_ID = /^[0-9a-f]{12}$/;
/**
 * cgroup v1 (and v2 without a cgroup namespace) puts the id in the path: /docker/<id>,
 * /actions_job/<id> (GitHub's runner), /system.slice/docker-<id>.scope (systemd driver),
 * /kubepods/.../<id>. The last 64-hex segment of any line counts.
 */
function idFromCgroup(cgroup) {
    for (const line of cgroup.split('\n')) {
        const path = line.split(':').slice(2).join(':');
        const segment = path
            .split('/')
            .reverse()
            .find((part) => FULL_ID.test(part));
        const id = segment?.match(FULL_ID)?.[0];
        if (id)
            return id;
    }
    return undefined;
}
/**
 * cgroup v2 with a private namespace shows only `0::/`; the files docker bind-mounts into every
 * container still name it: /var/lib/docker/containers/<id>/hostname on /etc/hostname. Only
 * those mount points count: the host's own mountinfo lists other containers' shm mounts.
 */
function idFromMountinfo(mountinfo) {
    for (const line of mountinfo.split('\n')) {
        const fields = line.split(' ');
        const [root, mountPoint] = [fields[3], fields[4]];
        if (!['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'].includes(mountPoint))
            continue;
        const id = root?.match(/\/containers\/([0-9a-f]{64})\//)?.[1];
        if (id)
            return id;
    }
    return undefined;
}
/** The ids (full, or the 12-character hostname) this process's container may have, best first. */
function ownContainerCandidates(hints) {
    const ids = [idFromCgroup(hints.cgroup), idFromMountinfo(hints.mountinfo)];
    if (SHORT_ID.test(hints.hostname))
        ids.push(hints.hostname);
    return [...new Set(ids.filter((id) => id !== undefined))];
}
function readOr(file) {
    try {
        return external_node_fs_.readFileSync(file, 'utf8');
    }
    catch {
        return '';
    }
}
function readOwnContainerHints() {
    return {
        cgroup: readOr('/proc/self/cgroup'),
        mountinfo: readOr('/proc/self/mountinfo'),
        hostname: external_node_os_.hostname(),
    };
}

;// CONCATENATED MODULE: ./src/smoke-test/loopback-port.ts
// A free TCP port on the loopback interface, as the kernel hands one out: the container is
// published on it, so the smoke test knows where to probe without asking docker afterwards.
// Another process may take it before docker binds it; the caller then tries another.


function freeLoopbackPort() {
    return new Promise((resolve, reject) => {
        const server = external_node_net_.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address !== null ? address.port : 0;
            server.close(() => (port > 0 ? resolve(port) : reject(new Error('No loopback port'))));
        });
    });
}
/** docker's refusal when the host port is bound by then (the message differs by version). */
function isPortTaken(error) {
    const message = (0,step_text/* errorMessage */.gJ)(error);
    return /port is already allocated|address already in use/i.test(message);
}

;// CONCATENATED MODULE: ./src/smoke-test/reach.ts
// Where the smoke test can reach the container, from where the engine runs and where the action
// itself runs:
// - the engine here, the action not in a container: published on this machine's loopback;
// - the engine on another machine (tcp://, ssh://): published on that machine's address, the one
//   this machine reaches it at; on all its interfaces only when that address is not one of its
//   own (a NAT in between), and then a warning says so;
// - the action in a container of that engine (a GitHub container job, the host's socket
//   mounted): the smoke-test container joins the job container's network and is reached at its
//   own address there; nothing is published.








const LOOPBACK = { kind: 'loopback' };
/** The network to join: the one the job container was started on, else the first it is on. */
function networkToJoin(container) {
    const mode = container.networkMode;
    // Host mode shares the engine machine's network: publishing on loopback reaches it there.
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:'))
        return undefined;
    const name = mode === 'default' ? 'bridge' : mode;
    if (name in container.networks)
        return name;
    return Object.keys(container.networks).find((network) => !['host', 'none'].includes(network));
}
/** The container this process runs in, as the engine knows it; undefined when not one of its. */
async function ownContainer(docker, hints) {
    for (const candidate of ownContainerCandidates(hints)) {
        const found = await docker.inspectContainer(candidate).catch(() => undefined);
        // inspect also takes names: only a container whose id starts with the candidate is ours.
        if (found?.id.startsWith(candidate))
            return found;
    }
    return undefined;
}
async function decideReach(docker, engine, hints = readOwnContainerHints(), resolve = async (host) => (await (0,promises_.lookup)(host)).address) {
    const own = await ownContainer(docker, hints);
    const network = own && networkToJoin(own);
    if (own && network) {
        (0,inert_log/* printInert */.C6)(`The action runs in container ${own.id.slice(0, 12)} of the engine: the smoke-test container joins its network ${network}`);
        return { kind: 'network', network, jobContainer: own.id };
    }
    if (engine.remoteHost === undefined)
        return LOOPBACK;
    let address;
    try {
        address = (0,external_node_net_.isIP)(engine.remoteHost) ? engine.remoteHost : await resolve(engine.remoteHost);
    }
    catch (error) {
        throw new Error(`The Docker engine ${(0,engine_endpoint/* describeEngine */.sk)(engine)} runs on ${engine.remoteHost}, whose address could not be found (${(0,step_text/* errorMessage */.gJ)(error)}): the smoke test must reach the container there`, { cause: error });
    }
    (0,inert_log/* printInert */.C6)(`The Docker engine runs on another machine (${(0,engine_endpoint/* describeEngine */.sk)(engine)}): the container is published on ${address}`);
    return { kind: 'engine-host', address };
}
// Below Linux's ephemeral range (32768-60999) and docker's own picks: rarely someone's already.
const REMOTE_PORTS = { first: 20000, count: 12768 };
/** What `docker run` is asked for, one attempt: a loopback port picked here, or a port there. */
async function reachForRun(reach) {
    switch (reach.kind) {
        case 'loopback':
            return { kind: 'publish', hostIp: '127.0.0.1', hostPort: await freeLoopbackPort() };
        case 'engine-host':
            // A free port of another machine cannot be known from here: one is tried, then another.
            return {
                kind: 'publish',
                hostIp: reach.allInterfaces ? '0.0.0.0' : reach.address,
                hostPort: REMOTE_PORTS.first + Math.floor(Math.random() * REMOTE_PORTS.count),
            };
        case 'network':
            return { kind: 'network', network: reach.network };
    }
}
/** The URL the smoke test probes, once `docker run` started the container. */
async function baseUrl(docker, container, reach, run, containerPort) {
    if (run.kind === 'publish') {
        const host = reach.kind === 'engine-host' ? reach.address : run.hostIp;
        return `http://${host.includes(':') ? `[${host}]` : host}:${run.hostPort}`;
    }
    const info = await docker.inspectContainer(container);
    // Gone already (it failed at once): its name still tells the wait where to look, and the
    // wait then reports the exit.
    const address = info?.networks[run.network] || container;
    return `http://${address}:${containerPort}`;
}
/**
 * docker could not bind the engine host's address as this machine sees it (a NAT or a proxy in
 * between): the only way left is all of that machine's interfaces.
 */
function widenedReach(reach, error) {
    if (reach.kind !== 'engine-host' || reach.allInterfaces)
        return undefined;
    if (!/cannot assign requested address/i.test((0,step_text/* errorMessage */.gJ)(error)))
        return undefined;
    core.warning(`The engine's machine does not have the address ${reach.address} this machine reaches it at: the smoke-test container is published on all of its interfaces (0.0.0.0) for the length of the test`);
    return { ...reach, allInterfaces: true };
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
;// CONCATENATED MODULE: ./src/smoke-test/http-client.ts
// One bounded HTTP request to the container. node:http rather than fetch: against a published
// port whose container is not listening yet, Node 20's fetch was seen to hang with nothing
// keeping the process alive, while http reports ECONNRESET. Every request has its own timer.

function httpRequest(request) {
    const limit = request.maxBodyBytes ?? 1024 * 1024;
    return new Promise((resolve, reject) => {
        const req = external_node_http_.request(request.url, { method: request.method ?? 'GET', headers: request.headers, agent: false }, (response) => {
            const chunks = [];
            let size = 0;
            response.on('data', (chunk) => {
                if (size < limit)
                    chunks.push(chunk.subarray(0, limit - size));
                size += chunk.length;
            });
            response.on('end', () => {
                clearTimeout(timer);
                resolve({
                    status: response.statusCode ?? 0,
                    headers: response.headers,
                    body: Buffer.concat(chunks).toString('utf8'),
                    truncated: size > limit,
                });
            });
            response.on('error', fail);
        });
        const timer = setTimeout(() => {
            req.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
        }, request.timeoutMs);
        function fail(error) {
            clearTimeout(timer);
            reject(error);
        }
        req.on('error', fail);
        req.end(request.body);
    });
}

;// CONCATENATED MODULE: ./src/smoke-test/concurrent-burst.ts
/** A burst is capped here: it checks concurrency, it is not a load test. */
const MAX_BURST = 64;
async function sendAtOnce(count, call, now = () => performance.now()) {
    return Promise.all(Array.from({ length: Math.min(count, MAX_BURST) }, async () => {
        const started = now();
        const answer = await call().catch((error) => ({ error: error.message }));
        return { ...answer, ms: Math.round(now() - started) };
    }));
}
/** Why the burst fails the deployment; undefined when every call answered in time. */
function burstProblem(answers, expectedStatus, concurrency, limit) {
    const setting = `request_settings.max_concurrent_requests_per_instance is ${concurrency} (${limit.file})`;
    const failed = answers
        .map((answer, index) => ({ ...answer, call: index + 1 }))
        .map((answer) => ({ answer, problem: answerProblem(answer, expectedStatus, limit) }))
        .filter((item) => item.problem !== undefined);
    if (failed.length === 0)
        return undefined;
    const first = failed[0];
    return `${setting}, and of ${answers.length} POST /score sent at once, ${failed.length} failed (first: call ${first.answer.call} ${first.problem}): the server must serve that many at once; set WORKER_COUNT in environment_variables (the server runs WORKER_COUNT workers, 1 by default)`;
}
function answerProblem(answer, expectedStatus, limit) {
    if (answer.status === undefined)
        return `got no answer (${answer.error ?? 'unknown error'})`;
    if (answer.status !== expectedStatus) {
        return `answered ${answer.status}, expected ${expectedStatus}: ${(answer.body ?? '').slice(0, 200)}`;
    }
    if (answer.ms > limit.ms) {
        return `answered after ${(answer.ms / 1000).toFixed(1)} s; request_settings.request_timeout_ms is ${limit.ms}`;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/smoke-test/latency.ts
// A small latency probe: N sequential scoring calls, summarised as nearest-rank percentiles.
// Sequential on purpose: it measures one request's path through nginx, gunicorn and run(),
// not the container's throughput.
/** Nearest-rank percentile of already sorted values. @internal (exported for its unit tests) */
function percentile(sorted, p) {
    if (sorted.length === 0)
        throw new Error('percentile of no values');
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
const roundMs = (ms) => Math.round(ms * 10) / 10;
async function measureLatency(requests, call, now = () => performance.now()) {
    const durations = [];
    for (let index = 0; index < requests; index++) {
        const started = now();
        await call();
        durations.push(now() - started);
    }
    durations.sort((a, b) => a - b);
    return {
        requests,
        p50Ms: roundMs(percentile(durations, 50)),
        p95Ms: roundMs(percentile(durations, 95)),
        maxMs: roundMs(durations[durations.length - 1]),
    };
}

;// CONCATENATED MODULE: ./src/smoke-test/liveness.ts
// Waiting for the server to become live while watching the container: a container that exits
// ends the wait at once, not after the timeout. Clock and sleep are injectable for tests.

const systemClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
const PROBE_TIMEOUT_MS = 500;
async function waitUntilLive(wait) {
    const clock = wait.clock ?? systemClock;
    const start = clock.now();
    let exitCode;
    void wait.exited.then((code) => (exitCode = code));
    let lastError;
    for (;;) {
        const elapsed = clock.now() - start;
        if (exitCode !== undefined)
            return { kind: 'exited', exitCode, afterMs: elapsed };
        if (elapsed >= wait.timeoutMs)
            return { kind: 'timeout', afterMs: elapsed, lastError };
        try {
            // Short probes: one that hangs (nginx waiting on a booting worker) must not hide a server
            // that is live by the next one.
            const limit = wait.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
            const probeTimeout = Math.max(1, Math.min(limit, wait.timeoutMs - elapsed));
            if (await wait.probe(probeTimeout))
                return { kind: 'live', afterMs: clock.now() - start };
            lastError = undefined;
        }
        catch (error) {
            lastError = (0,step_text/* errorMessage */.gJ)(error);
        }
        // Let a just-settled exit promise be seen before deciding to sleep.
        await Promise.resolve();
        if (exitCode === undefined)
            await clock.sleep(wait.intervalMs);
    }
}

;// CONCATENATED MODULE: ./src/smoke-test/results.ts
/** A failed smoke test; `result` keeps what was measured, `python` the user's exception. */
class SmokeTestFailure extends Error {
    result;
    python;
    constructor(message, result, python) {
        super(message);
        this.result = result;
        this.python = python;
        this.name = 'SmokeTestFailure';
    }
}

;// CONCATENATED MODULE: ./src/smoke-test/request-timeout.ts
const SETTING = 'request_settings.request_timeout_ms';
function setting(limit) {
    return `${SETTING} is ${limit.ms} (${limit.file})`;
}
/** How long the client waits for an answer: well past the limit, to tell how late it is. */
function scoreCallTimeoutMs(fallbackMs, limit) {
    if (!limit)
        return fallbackMs;
    return Math.max(2 * limit.ms, limit.ms + 10_000);
}
/** Why a call that answered after `ms` fails the deployment; undefined when in time. */
function lateAnswer(caseName, ms, limit) {
    if (!limit || ms <= limit.ms)
        return undefined;
    return `case ${caseName}: POST /score answered after ${(ms / 1000).toFixed(1)} s; ${setting(limit)}`;
}
/** What to add to "got no answer" when a deployment limits the call. */
function noAnswerNote(limit) {
    return limit ? `; ${setting(limit)}` : '';
}
function slowP95(latency, limit) {
    if (!limit || latency.p95Ms <= limit.ms)
        return undefined;
    return `the latency probe's p95 is ${latency.p95Ms} ms over ${latency.requests} calls; ${setting(limit)}`;
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./src/smoke-test/swagger-check.ts


/** The versions the check asks for: the OpenAPI 2 and 3 documents the server writes. */
const SWAGGER_VERSIONS = ['2', '3'];
/** What the server writes for a run() that declares nothing, and for a side left undeclared. */
const UNDECLARED = [{ type: 'object', example: {} }, { type: 'object' }];
const ERRORS_PER_CHECK = 3;
// inference-schema puts the sample into the document as `example`: a large array makes a large
// document, so the limit is well above the scoring answers' 1 MiB.
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** @internal (exported for its unit tests) */
function isDeclared(schema) {
    return (schema !== undefined &&
        !UNDECLARED.some((placeholder) => (0,external_node_util_.isDeepStrictEqual)(placeholder, schema)));
}
/** A local `#/a/b` reference, resolved in the document (~0 and ~1 unescaped). */
function resolvePointer(document, ref) {
    if (!ref.startsWith('#/'))
        return undefined;
    let node = document;
    for (const raw of ref.slice(2).split('/')) {
        const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
        if (node === undefined)
            return undefined;
    }
    return node;
}
/** The schema with every local $ref replaced by what it names (a cycle stops at depth 32). @internal (exported for its unit tests) */
function inlineRefs(document, schema, depth = 0) {
    if (depth > 32)
        throw new Error('the schema refers to itself too deeply to be checked');
    if (Array.isArray(schema))
        return schema.map((item) => inlineRefs(document, item, depth));
    if (!isObject(schema))
        return schema;
    if (typeof schema.$ref === 'string') {
        const target = resolvePointer(document, schema.$ref);
        if (target === undefined)
            throw new Error(`$ref ${schema.$ref} names nothing in the document`);
        return inlineRefs(document, target, depth + 1);
    }
    return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inlineRefs(document, value, depth)]));
}
/** The POST /score operation (the server may put a path prefix before /score). */
function scoreOperation(document) {
    const paths = document.paths;
    if (!isObject(paths))
        return undefined;
    const key = Object.keys(paths).find((p) => p === '/score' || p.endsWith('/score'));
    const item = key === undefined ? undefined : paths[key];
    return isObject(item) && isObject(item.post) ? item.post : undefined;
}
/** run()'s input and output schemas as one document version describes POST /score. @internal (exported for its unit tests) */
function scoreSchemas(version, document) {
    const operation = scoreOperation(document);
    if (!operation)
        return undefined;
    const responses = isObject(operation.responses) ? operation.responses : {};
    const ok = responses['200'];
    let input;
    let output;
    if (version === '2') {
        const parameters = Array.isArray(operation.parameters) ? operation.parameters : [];
        const body = parameters.find((p) => isObject(p) && p.in === 'body');
        input = isObject(body) ? body.schema : undefined;
        output = isObject(ok) ? ok.schema : undefined;
    }
    else {
        const request = isObject(operation.requestBody) ? operation.requestBody.content : undefined;
        const media = (content) => isObject(content) && isObject(content['application/json'])
            ? content['application/json'].schema
            : undefined;
        input = media(request);
        output = isObject(ok) ? media(ok.content) : undefined;
    }
    return {
        input: input === undefined ? undefined : inlineRefs(document, input),
        output: output === undefined ? undefined : inlineRefs(document, output),
    };
}
function documentVersionOk(version, document) {
    return version === '2'
        ? document.swagger === '2.0'
        : typeof document.openapi === 'string' && document.openapi.startsWith('3.');
}
async function fetchDocument(request, version) {
    const url = `${request.base}/swagger.json?version=${version}`;
    const get = request.get ??
        ((target, timeoutMs) => httpRequest({ url: target, timeoutMs, maxBodyBytes: MAX_DOCUMENT_BYTES }));
    let answer;
    try {
        answer = await get(url, request.timeoutMs);
    }
    catch (error) {
        return {
            version,
            reason: `GET /swagger.json?version=${version} got no answer (${String(error)})`,
        };
    }
    const said = `GET /swagger.json?version=${version} answered ${answer.status}`;
    if (answer.truncated) {
        const mib = MAX_DOCUMENT_BYTES / 1024 / 1024;
        return {
            version,
            status: answer.status,
            reason: `${said} with more than ${mib} MiB`,
            tooLarge: true,
        };
    }
    if (answer.status !== 200) {
        return { version, status: answer.status, reason: `${said}: ${answer.body.slice(0, 300)}` };
    }
    let document;
    try {
        document = JSON.parse(answer.body);
    }
    catch {
        return { version, status: 200, reason: `${said} but not JSON: ${answer.body.slice(0, 300)}` };
    }
    if (!isObject(document) || !documentVersionOk(version, document)) {
        return {
            version,
            status: 200,
            reason: `${said} but not an OpenAPI ${version === '2' ? '2.0 ("swagger": "2.0")' : '3 ("openapi": "3.x")'} document`,
        };
    }
    let schemas;
    try {
        schemas = scoreSchemas(version, document);
    }
    catch (error) {
        return { version, status: 200, reason: `${said} but ${error.message}` };
    }
    if (!schemas) {
        return { version, status: 200, reason: `${said} but the document has no POST /score operation` };
    }
    return { version, status: 200, document, ...schemas };
}
/** Ajv for OpenAPI's schema objects: their extra keywords (example, xml, discriminator, x-...)
 * are ignored, and so are formats (int64, double, byte, inference-schema's own date-time
 * layout): the check is about types and structure. `nullable` is Ajv's own keyword. */
async function compiler() {
    // Loaded only for a script that declares a schema: most runs never need it at start-up.
    // ajv is CommonJS: its module.exports is `default` both in Node and in the ncc bundle (where
    // the named exports are not copied onto the namespace).
    const { default: ajv } = await __webpack_require__.e(/* import() */ 463).then(__webpack_require__.t.bind(__webpack_require__, 2463, 23));
    return new ajv.Ajv({
        strict: false,
        allErrors: true,
        validateFormats: false,
        validateSchema: false,
    });
}
function describeErrors(errors) {
    const shown = (errors ?? []).filter((e) => e.keyword !== 'if').slice(0, ERRORS_PER_CHECK);
    return shown.map((e) => `${e.instancePath || '/'} ${e.message ?? `fails ${e.keyword}`}`);
}
/** One line for the log and the summary. */
function describeSwagger(report) {
    if (report.declared === undefined)
        return 'not served: whether run() declares a schema is unknown';
    if (!report.declared)
        return `no schema declared (versions ${report.versions.join(', ')} served)`;
    const { requests, answers } = report.checked;
    return `run() declares a schema (versions ${report.versions.join(', ')} served); ${requests} ${requests === 1 ? 'request' : 'requests'} and ${answers} ${answers === 1 ? 'answer' : 'answers'} checked against it`;
}
function addProblem(item, problem) {
    item.problem = item.problem === undefined ? problem : `${item.problem}\n${problem}`;
}
/** GETs the OpenAPI documents; when run() declares a schema, checks each case against it. */
async function checkSwagger(request) {
    const fetched = await Promise.all(SWAGGER_VERSIONS.map((v) => fetchDocument(request, v)));
    const served = fetched.filter((f) => f.document !== undefined);
    const report = {
        versions: served.map((f) => f.version),
        checked: { requests: 0, answers: 0 },
    };
    const tooLarge = fetched.filter((f) => f.tooLarge);
    if (tooLarge.length > 0) {
        report.warning = `The OpenAPI documents were not checked: ${tooLarge.map((f) => f.reason).join('; ')}`;
        return report;
    }
    if (served.length === 0) {
        const reasons = fetched.map((f) => f.reason).join('; ');
        report.warning = `The server served no OpenAPI document, so whether run() declares a schema is unknown: ${reasons}`;
        return report;
    }
    report.declared = served.some((f) => isDeclared(f.input) || isDeclared(f.output));
    if (!report.declared)
        return report;
    // A declared schema must be served in both versions, except that OpenAPI 2 cannot write an
    // array whose items differ in type (oneOf): the server then serves version 3 only.
    const v3 = fetched.find((f) => f.version === '3');
    const needsV3 = v3?.document !== undefined && JSON.stringify([v3.input, v3.output]).includes('"oneOf"');
    const missing = fetched.filter((f) => f.document === undefined && !(f.version === '2' && needsV3));
    if (missing.length > 0 || !v3?.document) {
        report.problem = `run() declares a schema, but ${missing.map((f) => f.reason).join('; ')}`;
        return report;
    }
    let validateInput;
    let validateOutput;
    try {
        const ajv = await compiler();
        if (isDeclared(v3.input))
            validateInput = ajv.compile(v3.input);
        if (isDeclared(v3.output))
            validateOutput = ajv.compile(v3.output);
    }
    catch (error) {
        report.warning = `The schemas in /swagger.json?version=3 could not be read, so the requests and answers were not checked against them: ${error.message}`;
        return report;
    }
    for (const item of request.cases) {
        // A case that expects a failure status may send a request that breaks the schema on purpose.
        if (validateInput && item.expectedStatus >= 200 && item.expectedStatus < 300) {
            report.checked.requests++;
            if (!validateInput(JSON.parse(item.request))) {
                for (const error of describeErrors(validateInput.errors))
                    addProblem(item, `request "${item.name}": ${error}, as run()'s input schema declares (swagger.json)`);
            }
        }
        // An answer cut at the client's limit is not whole JSON: it cannot be checked, only shown.
        if (validateOutput && item.status === 200 && item.response !== undefined && !item.responseCut) {
            report.checked.answers++;
            let answer;
            try {
                answer = JSON.parse(item.response);
            }
            catch {
                addProblem(item, `answer of "${item.name}" is not JSON, but run() declares an output schema (swagger.json)`);
                continue;
            }
            if (!validateOutput(answer)) {
                for (const error of describeErrors(validateOutput.errors))
                    addProblem(item, `answer of "${item.name}": ${error}, as run()'s output schema declares (swagger.json)`);
            }
        }
    }
    return report;
}

;// CONCATENATED MODULE: ./src/smoke-test/container-resources.ts
// How much memory and CPU the smoke-test container gets, and from where: the memory and cpus
// inputs win over the deployment's instance size. The engine's host bounds both: docker refuses
// --cpus above its CPU count (capped here, and said), and a memory limit above its memory is
// never reached (warned: the smoke test then cannot show that init() fits).


/** Bytes as a person reads a memory size: 150 MiB, 3.5 GiB. */
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    const rounded = unit === 0 ? String(value) : value.toFixed(1).replace(/\.0$/, '');
    return `${rounded} ${units[unit]}`;
}
/** What the container's memory limit is, in the words of a failure: "3.5 GiB (memory input)". */
function describeMemoryLimit(resources) {
    const memory = resources?.memory;
    return memory
        ? `the limit is ${formatBytes(memory.bytes)} (${memory.source})`
        : "the container had no memory limit (the engine host's memory ran out)";
}
/**
 * The memory and cpus inputs win over the deployment's size, each on its own.
 * @internal (exported for its unit tests)
 */
function containerResources(memoryBytes, cpus, deployment, engine) {
    const resources = { warnings: [] };
    const memory = memoryBytes !== undefined
        ? { bytes: memoryBytes, source: `${constants/* Input */.pd.Memory} input` }
        : deployment && { bytes: deployment.memoryBytes, source: deployment.source };
    if (memory) {
        resources.memory = memory;
        if (memory.bytes > engine.memoryBytes) {
            resources.warnings.push(`The memory limit ${formatBytes(memory.bytes)} (${memory.source}) is more than the engine host has (${formatBytes(engine.memoryBytes)}): the container cannot reach it here, so the smoke test does not show that init() and run() fit in it`);
        }
    }
    const wanted = cpus !== undefined
        ? { count: cpus, source: `${constants/* Input */.pd.Cpus} input` }
        : deployment && { count: deployment.cpus, source: deployment.source };
    if (wanted) {
        resources.cpus =
            wanted.count > engine.cpus
                ? { count: engine.cpus, source: wanted.source, requested: wanted.count }
                : wanted;
    }
    return resources;
}
/** The CPU line of the summary and the log: "2 (cpus input asks for 64; the engine has 2)". */
function describeCpus(cpus) {
    return cpus.requested === undefined
        ? `${cpus.count} (${cpus.source})`
        : `${cpus.count}: capped, ${cpus.source} asks for ${cpus.requested} and the engine has ${cpus.count} (docker refuses more)`;
}
/**
 * The container's memory and CPUs against the engine's host; undefined when nothing limits
 * them (the engine is then not asked). Warnings are given here, once.
 */
async function resolveContainerResources(docker, limits) {
    const { memoryBytes, cpus, deployment } = limits ?? {};
    if (memoryBytes === undefined && cpus === undefined && deployment === undefined)
        return undefined;
    const resources = containerResources(memoryBytes, cpus, deployment, await docker.engineResources());
    for (const warning of resources.warnings)
        core.warning(warning);
    if (resources.memory)
        core.info(`Memory limit: ${formatBytes(resources.memory.bytes)} (${resources.memory.source}), swap included`);
    if (resources.cpus)
        core.info(`CPUs: ${describeCpus(resources.cpus)}`);
    return resources;
}
function runResources(resources, gpus) {
    if (!resources && gpus === undefined)
        return undefined;
    return { memoryBytes: resources?.memory?.bytes, cpus: resources?.cpus?.count, gpus };
}

;// CONCATENATED MODULE: ./src/smoke-test/memory-usage.ts

/** Single-number files first in each version: the parser relies on that order. */
const FILES = [
    { path: '/sys/fs/cgroup/memory.peak', version: 'v2', holds: 'peakBytes' },
    { path: '/sys/fs/cgroup/memory.current', version: 'v2', holds: 'currentBytes' },
    { path: '/sys/fs/cgroup/memory.events', version: 'v2', holds: 'counters' },
    { path: '/sys/fs/cgroup/memory/memory.max_usage_in_bytes', version: 'v1', holds: 'peakBytes' },
    { path: '/sys/fs/cgroup/memory/memory.usage_in_bytes', version: 'v1', holds: 'currentBytes' },
    { path: '/sys/fs/cgroup/memory/memory.oom_control', version: 'v1', holds: 'counters' },
];
/** Every candidate file, in the order the parser expects them. */
const MEMORY_FILES = FILES.map((file) => file.path);
/**
 * What `cat MEMORY_FILES` printed; undefined when neither version's files were there. A file
 * is missing when stderr names it (GNU and busybox cat both do); stderr may be merged into
 * stdout, as value lines name no path.
 */
function parseMemoryUsage(stdout, stderr) {
    const present = FILES.filter((file) => !stderr.includes(file.path));
    const version = present.find((file) => file.version === 'v2') ? 'v2' : 'v1';
    const files = present.filter((file) => file.version === version);
    if (files.length === 0)
        return undefined;
    const lines = stdout.split('\n').map((line) => line.trim());
    const numbers = lines.filter((line) => /^\d+$/.test(line)).map(Number);
    const counters = new Map(lines
        .map((line) => /^(\w+) (\d+)$/.exec(line))
        .filter((match) => match !== null)
        .map((match) => [match[1], Number(match[2])]));
    const usage = { cgroup: version };
    for (const file of files) {
        if (file.holds === 'counters') {
            const kills = counters.get('oom_kill');
            if (kills !== undefined)
                usage.oomKills = kills;
        }
        else {
            const value = numbers.shift();
            if (value !== undefined)
                usage[file.holds] = value;
        }
    }
    // Nothing read (the exec itself failed, e.g. the container is gone): no usage, not zeros.
    return Object.keys(usage).length > 1 ? usage : undefined;
}
/** The container's memory now; undefined when it cannot be read (the container is gone). */
async function readMemoryUsage(docker, container) {
    try {
        const result = await docker.exec(container, ['cat', ...MEMORY_FILES]);
        return parseMemoryUsage(result.stdout, result.stderr);
    }
    catch {
        return undefined;
    }
}
const NO_PEAK = "no peak: the engine's kernel has no memory.peak (cgroup v2 before Linux 5.19), so this is the use at that moment";
/** For the summary and the log: "peak 312 MiB when live, 318 MiB over the smoke test (cgroup v1)". */
function describeMemory(report) {
    const { atLive, overall } = report;
    const usage = overall ?? atLive;
    if (!usage)
        return undefined;
    const show = (item) => formatBytes((item?.peakBytes ?? item?.currentBytes));
    const parts = [];
    if (atLive && (atLive.peakBytes ?? atLive.currentBytes) !== undefined)
        parts.push(`${show(atLive)} when live`);
    if (overall && (overall.peakBytes ?? overall.currentBytes) !== undefined)
        parts.push(`${show(overall)} over the smoke test`);
    if (parts.length === 0)
        return undefined;
    const peak = usage.peakBytes !== undefined;
    return `${peak ? 'peak ' : 'in use '}${parts.join(', ')} (cgroup ${usage.cgroup}, page cache included${peak ? '' : `; ${NO_PEAK}`})`;
}

;// CONCATENATED MODULE: ./src/smoke-test/memory-reader.ts

/** @internal (exported for its tests) */
const END = '--end-of-memory-files--';
/**
 * A constant: the files are its arguments ("$@"), never shell text. cat's errors, which name
 * the missing files, are merged into stdout so that they arrive before the marker; the parser
 * tells them apart, as value lines name no path. The `echo` ends a file that lacks a newline.
 */
const LOOP = `while read -r _; do cat "$@" 2>&1; echo; echo ${END}; done`;
const READ_TIMEOUT_MS = 3000;
class MemoryReader {
    docker;
    container;
    timeoutMs;
    exec;
    output = '';
    waiting;
    queue = Promise.resolve();
    constructor(docker, container, timeoutMs = READ_TIMEOUT_MS) {
        this.docker = docker;
        this.container = container;
        this.timeoutMs = timeoutMs;
    }
    /** Starts the loop, in the background: the first read waits for it if it is not up yet. */
    start() {
        if (this.exec)
            return;
        const exec = this.docker.execInteractive(this.container, [
            'sh',
            '-c',
            LOOP,
            'sh',
            ...MEMORY_FILES,
        ]);
        this.exec = exec;
        exec.onOutput((text) => {
            this.output += text;
            this.answer();
        });
        void exec.ended.then(() => {
            if (this.exec !== exec)
                return;
            this.exec = undefined;
            this.waiting?.(undefined);
        });
    }
    /** The container's memory now; undefined when it cannot be read (the container is gone). */
    read() {
        const next = this.queue.then(() => this.readOnce());
        this.queue = next.catch(() => undefined);
        return next;
    }
    /** Ends the loop's docker client; call it before the container is removed. */
    async close() {
        const exec = this.exec;
        this.exec = undefined;
        this.waiting?.(undefined);
        await exec?.stop();
    }
    async readOnce() {
        const text = this.exec ? await this.ask(this.exec) : undefined;
        if (text === undefined)
            return readMemoryUsage(this.docker, this.container);
        return parseMemoryUsage(text, text);
    }
    ask(exec) {
        return new Promise((resolve) => {
            const finish = (text) => {
                clearTimeout(timer);
                this.waiting = undefined;
                resolve(text);
            };
            const timer = setTimeout(() => {
                // Its answer, should it come late, would be taken for the next read's: it goes.
                if (this.exec === exec)
                    this.exec = undefined;
                void exec.stop();
                finish(undefined);
            }, this.timeoutMs);
            this.waiting = finish;
            exec.write('\n');
            this.answer();
        });
    }
    answer() {
        const marker = `\n${END}\n`;
        const at = this.output.indexOf(marker);
        if (at < 0 || !this.waiting)
            return;
        const text = this.output.slice(0, at);
        this.output = this.output.slice(at + marker.length);
        this.waiting(text);
    }
}

;// CONCATENATED MODULE: ./src/smoke-test/oom-watch.ts


/** What the liveness wait gets instead of an exit code when a process was killed for memory. */
const KILLED_FOR_MEMORY = -137;
class OomWatch {
    events = 0;
    counted = 0;
    stopping = new AbortController();
    watching;
    startedAt = Date.now();
    /** Settles at the first kill seen in docker's events. */
    firstEvent;
    memory;
    constructor(docker, container) {
        this.memory = new MemoryReader(docker, container);
        let seen = () => undefined;
        this.firstEvent = new Promise((resolve) => (seen = resolve));
        const onOom = () => {
            this.events++;
            seen();
        };
        // A watch that cannot run (an engine without events) leaves the cgroup counter to tell.
        this.watching = docker
            .watchOomEvents(container, onOom, this.stopping.signal)
            .catch(() => undefined);
    }
    /**
     * Marks the start of the container: the time a failure gives is counted from here, and the
     * memory reader's exec starts (in the background: liveness does not wait for it).
     */
    started() {
        this.startedAt = Date.now();
        this.memory.start();
    }
    get kills() {
        return Math.max(this.events, this.counted);
    }
    /** The container's exit code, or KILLED_FOR_MEMORY at the first kill, whichever comes first. */
    exitOrKill(exited) {
        return Promise.race([exited, this.firstEvent.then(() => KILLED_FOR_MEMORY)]);
    }
    /** Reads the container's memory now, counting the kills its cgroup has seen. */
    async recount() {
        const usage = await this.memory.read();
        if (usage?.oomKills !== undefined)
            this.counted = Math.max(this.counted, usage.oomKills);
        return usage;
    }
    /**
     * Why the smoke test failed when a process was killed for memory; undefined when none was.
     * The reason comes first: it is what the user must change.
     */
    failure(phase, resources) {
        if (this.kills === 0)
            return undefined;
        const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
        const times = this.kills === 1 ? 'once' : `${this.kills} times`;
        const consequence = phase === 'init()'
            ? 'gunicorn boots another worker, whose init() is killed again, so the server never becomes live'
            : 'the request it served got no answer, and gunicorn boots another worker, which runs init() again';
        return [
            `Smoke test failed: ${phase} was killed for memory: ${describeMemoryLimit(resources)}.`,
            `The kernel killed a process of the container for memory (${times} in ${seconds} s since it started): ${consequence}.`,
            `Give the container more memory (the memory input, or a larger instance_type) or make ${phase} use less.`,
        ].join(' ');
    }
    /** Ends the event watch and the memory reader's exec: before the container is removed. */
    async stop() {
        this.stopping.abort();
        await Promise.all([this.watching, this.memory.close()]);
    }
}

;// CONCATENATED MODULE: ./src/smoke-test/traceback.ts
// Turns the container log of a server that failed to start into the user's terms: which of
// their functions raised what, in which file and line of their code.


const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;
const EXCEPTION = /^[A-Za-z_][\w.]*(?::\s.*)?$/;
/** The last Python traceback in a log, or undefined when there is none. */
function lastPythonFailure(log, appRoot = constants/* Contract */.NZ.appRoot) {
    const lines = log.split(/\r?\n/);
    const start = lines
        .map((line) => line.includes('Traceback (most recent call last):'))
        .lastIndexOf(true);
    if (start < 0)
        return undefined;
    let userFrame;
    for (let index = start + 1; index < lines.length; index++) {
        const line = lines[index];
        const frame = FRAME.exec(line);
        if (frame) {
            const [, file, lineNumber, functionName] = frame;
            if (file.startsWith(`${appRoot}/`)) {
                userFrame = {
                    file: external_node_path_.posix.relative(appRoot, file),
                    line: Number(lineNumber),
                    functionName,
                };
            }
            continue;
        }
        if (!/^\s/.test(line) && EXCEPTION.test(line.trim())) {
            return { exception: line.trim(), ...userFrame };
        }
    }
    return undefined;
}
/** "init() raised ValueError: bad (score.py line 3)", or the nearest honest equivalent. */
function describeStartupFailure(failure) {
    if (failure === undefined)
        return 'the server did not start (no Python traceback in the log)';
    const where = failure.file ? ` (${failure.file} line ${failure.line})` : '';
    if (failure.functionName === 'init')
        return `init() raised ${failure.exception}${where}`;
    if (failure.functionName === 'run')
        return `run() raised ${failure.exception}${where}`;
    if (/^(SyntaxError|IndentationError|TabError)\b/.test(failure.exception)) {
        return `the entry script does not compile: ${failure.exception}${where}`;
    }
    if (failure.functionName === '<module>') {
        return `importing the entry script raised ${failure.exception}${where}`;
    }
    return `start-up failed: ${failure.exception}${where}`;
}

;// CONCATENATED MODULE: ./src/smoke-test/smoke-test.ts
// Starts the built image the way a deployment would and proves it serves: liveness on GET /,
// then POST /score with the sample request, while watching for a container that exits.




















const LOG_LINES_IN_MESSAGE = 15;
/** The title of the container log's group, then the container's name in parentheses. */
const CONTAINER_LOG_GROUP = 'Container log';
const WAIT_PROGRESS_EVERY_MS = 5000;
function smoke_test_containerName() {
    return `extend-azureml-image-${process.env.GITHUB_RUN_ID ?? 'local'}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
}
async function smokeTest(docker, leftovers, request) {
    const name = smoke_test_containerName();
    leftovers.addContainer(name);
    let log;
    core.startGroup('Smoke test');
    const oom = new OomWatch(docker, name);
    let resources;
    let live = false;
    let killedFailure;
    try {
        resources = await resolveContainerResources(docker, request.limits);
        const base = await startContainer(docker, name, request, resources);
        oom.started();
        // A worker killed for memory ends the wait like an exit: gunicorn would only boot another.
        const exited = oom.exitOrKill(docker.wait(name));
        core.info(`Container ${name} started; waiting for GET ${base}/ (up to ${request.startupTimeoutSeconds} s)`);
        // A line every few seconds, so a slow init() shows progress rather than silence.
        const waitStarted = Date.now();
        let nextProgressAt = waitStarted + WAIT_PROGRESS_EVERY_MS;
        const outcome = await waitUntilLive({
            probe: async (timeoutMs) => {
                if (Date.now() >= nextProgressAt) {
                    nextProgressAt += WAIT_PROGRESS_EVERY_MS;
                    core.info(`Still waiting for GET / (${Math.round((Date.now() - waitStarted) / 1000)} s)`);
                }
                return (await httpRequest({ url: `${base}/`, timeoutMs })).status === 200;
            },
            exited,
            timeoutMs: request.startupTimeoutSeconds * 1000,
            probeTimeoutMs: request.deployment && request.deployment.budget.requestTimeoutSeconds * 1000,
            intervalMs: request.pollIntervalMs ?? 50,
            clock: request.clock,
        });
        if (outcome.kind !== 'live') {
            log = await docker.logs(name);
            await oom.recount();
            const killed = oom.failure('init()', resources);
            if (killed)
                throw new SmokeTestFailure(withLog(killed, log), {});
            const python = outcome.kind === 'exited' ? lastPythonFailure(log) : undefined;
            const reason = outcome.kind === 'exited'
                ? `the container exited with code ${outcome.exitCode} during start-up: ${describeStartupFailure(python)}`
                : notLive(request.startupTimeoutSeconds, outcome.lastError, request.deployment?.budget);
            throw new SmokeTestFailure(withLog(`Smoke test failed: ${reason}`, log), {}, python);
        }
        core.info(`Live after ${outcome.afterMs} ms`);
        live = true;
        const result = { liveAfterMs: outcome.afterMs, cases: [] };
        if (resources)
            result.resources = resources;
        if (request.limits?.gpus !== undefined)
            result.gpus = request.limits.gpus;
        result.memory = { atLive: await oom.recount() };
        const budget = request.deployment?.budget;
        if (budget) {
            result.startup = budgetUse(outcome.afterMs, budget);
            const late = overBudget(outcome.afterMs, budget);
            if (late)
                throw new SmokeTestFailure(`Smoke test failed: ${late}`, result);
        }
        const containerLog = async () => (log = await docker.logs(name));
        for (const scoringCase of request.cases) {
            result.cases.push(await scoreCase(`${base}/score`, scoringCase, request, containerLog));
        }
        // A request that got no answer most likely means the server is gone: nothing to ask then.
        const answered = result.cases.every((item) => item.status !== undefined);
        const swaggerProblem = answered
            ? await swaggerCheck(base, result, request.startupTimeoutSeconds * 1000)
            : undefined;
        const failed = result.cases.filter((item) => item.problem !== undefined);
        if (failed.length > 0 || swaggerProblem !== undefined) {
            const python = failed.find((item) => item.python !== undefined)?.python;
            const message = [
                ...(failed.length > 0 ? [failureMessage(result.cases, failed)] : []),
                ...(swaggerProblem === undefined
                    ? []
                    : [`${failed.length > 0 ? 'Also' : 'Smoke test failed'}: ${swaggerProblem}`]),
            ].join('\n');
            throw new SmokeTestFailure(message, result, python);
        }
        if (request.scoreRequests > 0) {
            result.latency = await latencyProbe(`${base}/score`, request, result);
            core.info(`${request.scoreRequests} scoring calls: p50 ${result.latency.p50Ms} ms, p95 ${result.latency.p95Ms} ms`);
            await deploymentLoad(`${base}/score`, request, result);
        }
        result.memory.overall = await oom.recount();
        const killed = oom.failure('run()', resources);
        if (killed)
            throw (killedFailure = new SmokeTestFailure(killed, result));
        const memory = describeMemory(result.memory);
        if (memory)
            core.info(`Memory: ${memory}`);
        return result;
    }
    catch (error) {
        // Killed for memory: that is the reason, whatever the request that failed with it saw.
        if (!live || !(error instanceof SmokeTestFailure) || error === killedFailure)
            throw error;
        await oom.recount();
        const killed = oom.failure('run()', resources);
        if (!killed)
            throw error;
        const saw = error.message.replace(/^Smoke test failed: /, 'What the smoke test saw: ');
        throw new SmokeTestFailure(`${killed}\n${saw}`, error.result, error.python);
    }
    finally {
        await oom.stop();
        core.endGroup();
        log ??= await docker.logs(name).catch(() => '');
        await (0,inert_log/* showFolded */.Kp)(`${CONTAINER_LOG_GROUP} (${name})`, log);
        await leftovers
            .removeContainer(name)
            .catch((error) => core.warning(`Could not remove container ${name}: ${error.message}`));
    }
}
const PORT_ATTEMPTS = 3;
/**
 * Starts the container where the smoke test can reach it (see reach.ts) and returns the URL to
 * probe. A published port is picked here, so that probing can begin at once; should another
 * process bind it first, docker refuses, after creating the container: it is removed and
 * another port tried.
 */
async function startContainer(docker, name, request, resources) {
    let reach = request.reach ?? LOOPBACK;
    for (let attempt = 1;; attempt++) {
        const run = await reachForRun(reach);
        try {
            await docker.run({
                image: request.image,
                name,
                labels: [{ key: constants/* CONTAINER_LABEL */.Fu, value: name }],
                containerPort: request.containerPort,
                reach: run,
                env: request.deployment?.env,
                files: request.deployment?.files,
                resources: runResources(resources, request.limits?.gpus),
            });
            return await baseUrl(docker, name, reach, run, request.containerPort);
        }
        catch (error) {
            const widened = widenedReach(reach, error);
            if (!widened && (attempt >= PORT_ATTEMPTS || !isPortTaken(error)))
                throw error;
            reach = widened ?? reach;
            await docker.remove(name);
        }
    }
}
/**
 * Adds schema mismatches to the cases; returns why the documents themselves fail (a declared
 * schema needs them), for the failure message with the cases' own problems.
 */
async function swaggerCheck(base, result, timeoutMs) {
    const report = (result.swagger = await checkSwagger({ base, cases: result.cases, timeoutMs }));
    if (report.warning)
        core.warning(report.warning);
    if (report.declared !== undefined && !report.problem)
        core.info(describeSwagger(report));
    return report.problem;
}
function postScore(url, body, request) {
    return httpRequest({
        url,
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
        timeoutMs: scoreCallTimeoutMs(request.startupTimeoutSeconds * 1000, request.deployment?.requestTimeout),
    });
}
/**
 * With a deployment: the latency probe's p95 within its request timeout, and as many calls at
 * once as it lets one instance take, each answered in time.
 */
async function deploymentLoad(url, request, result) {
    const deployment = request.deployment;
    if (!deployment || !result.latency)
        return;
    const slow = slowP95(result.latency, deployment.requestTimeout);
    if (slow)
        throw new SmokeTestFailure(`Smoke test failed: ${slow}`, result);
    if (deployment.maxConcurrentRequests <= 1)
        return;
    const first = request.cases[0];
    const answers = await sendAtOnce(deployment.maxConcurrentRequests, async () => {
        const answer = await postScore(url, first.body, request);
        return { status: answer.status, body: answer.body };
    });
    result.concurrent = { requests: answers.length, maxMs: Math.max(...answers.map((a) => a.ms)) };
    core.info(`${answers.length} scoring calls at once: slowest ${result.concurrent.maxMs} ms`);
    const problem = burstProblem(answers, first.expectedStatus, deployment.maxConcurrentRequests, deployment.requestTimeout);
    if (problem)
        throw new SmokeTestFailure(`Smoke test failed: ${problem}`, result);
}
/**
 * The timed calls with the first case's body. A call that is refused or gets no answer (a
 * server dropping connections under load) fails the smoke test like a case does, keeping the
 * cases for the outputs and the summary.
 */
function latencyProbe(url, request, result) {
    const first = request.cases[0];
    let call = 0;
    return measureLatency(request.scoreRequests, async () => {
        call++;
        const during = `during the latency probe (score-requests: call ${call} of ${request.scoreRequests}, with the request of ${first.name})`;
        let answer;
        try {
            answer = await postScore(url, first.body, request);
        }
        catch (error) {
            throw new SmokeTestFailure(`Smoke test failed: ${during} POST /score got no answer (${error.message})`, result);
        }
        if (answer.status !== first.expectedStatus) {
            throw new SmokeTestFailure(`Smoke test failed: ${during} POST /score answered ${answer.status} (expected ${first.expectedStatus}): ${answer.body.slice(0, 500)}`, result);
        }
    });
}
/** One case: POST /score, then the status and the body against what the case expects. */
async function scoreCase(url, scoringCase, request, containerLog) {
    const result = {
        name: scoringCase.name,
        request: scoringCase.body,
        expectedStatus: scoringCase.expectedStatus,
    };
    const started = Date.now();
    let answer;
    try {
        answer = await postScore(url, scoringCase.body, request);
    }
    catch (error) {
        result.problem = `POST /score got no answer (${error.message})${noAnswerNote(request.deployment?.requestTimeout)}`;
        return result;
    }
    Object.assign(result, {
        status: answer.status,
        response: answer.body,
        ms: Date.now() - started,
        ...(answer.truncated ? { responseCut: true } : {}),
    });
    // The case is named after its file: a pull request chooses it.
    (0,inert_log/* printInert */.C6)(`${scoringCase.name}: POST /score answered ${answer.status} in ${result.ms} ms`);
    const late = lateAnswer(scoringCase.name, result.ms ?? 0, request.deployment?.requestTimeout);
    if (late) {
        result.problem = late;
    }
    else if (answer.status !== scoringCase.expectedStatus) {
        const problems = [
            `POST /score answered ${answer.status} (expected ${scoringCase.expectedStatus}): ${answer.body.slice(0, 500)}`,
        ];
        if (answer.headers['x-ms-run-function-failed'] === 'True') {
            result.python = lastPythonFailure(await containerLog());
            problems.push(describeStartupFailure(result.python).replace(/^start-up failed: /, 'run() failed: '));
        }
        result.problem = problems.join('\n');
    }
    else if (scoringCase.expectedResponse !== undefined) {
        const mismatch = responseMismatch(scoringCase.expectedResponse, answer.body);
        if (mismatch)
            result.problem = `POST /score answered ${answer.status} but ${mismatch}; got: ${answer.body.slice(0, 500)}`;
    }
    return result;
}
function withLog(message, log) {
    return `${message}\nLast lines of the container log:\n${(0,step_text/* lastLines */.w$)(log, LOG_LINES_IN_MESSAGE)}`;
}
/** One case keeps the plain message; several name each failed case. */
function failureMessage(cases, failed) {
    if (cases.length === 1)
        return `Smoke test failed: ${failed[0].problem}`;
    const lines = failed.map((item) => `- ${item.name}: ${item.problem?.replace(/\n/g, '\n  ')}`);
    return `Smoke test failed: ${failed.length} of ${cases.length} scoring requests failed:\n${lines.join('\n')}`;
}

;// CONCATENATED MODULE: ./src/smoke-test/deployment-run.ts
// What the smoke test changes to run the container the way the `deployment` file will: its
// environment variables on the container (not in the image), its code folder where the platform
// mounts it, and the budgets it is held to.




/** Where the platform mounts code_configuration.code, and AML_APP_ROOT with it. */
function mountedCodeRoot(folderName) {
    return `${constants/* Contract */.NZ.appRoot}/${folderName}`;
}
/**
 * A copy of the code folder whose every file and folder anyone may read: `docker cp` makes
 * them root's in the container, keeping their modes, and the image's user is not root. Links
 * (checked to stay inside the workspace) are copied as what they point to; .git is left out.
 */
function stageReadable(source, target) {
    external_node_fs_.cpSync(source, target, {
        recursive: true,
        dereference: true,
        filter: (from) => external_node_path_.basename(from) !== '.git',
    });
    const walk = (dir) => {
        external_node_fs_.chmodSync(dir, 0o755);
        for (const entry of external_node_fs_.readdirSync(dir, { withFileTypes: true })) {
            const full = external_node_path_.join(dir, entry.name);
            if (entry.isDirectory())
                walk(full);
            else
                external_node_fs_.chmodSync(full, external_node_fs_.statSync(full).mode & 0o100 ? 0o755 : 0o644);
        }
    };
    walk(target);
}
function deploymentRun(deployment, workDir) {
    const code = deployment.codeConfiguration;
    const owned = code ? ['AML_APP_ROOT', constants/* Contract */.NZ.entryScriptEnv] : [];
    const env = deployment.environmentVariables.filter(({ key }) => !owned.includes(key));
    const files = [];
    if (code) {
        const staged = external_node_path_.join(workDir, 'deployment-code', code.folderName);
        stageReadable(code.dir, staged);
        const root = mountedCodeRoot(code.folderName);
        files.push({ source: staged, target: root });
        // The platform sets these itself for code_configuration, over the file's own.
        env.push({ key: 'AML_APP_ROOT', value: root }, { key: constants/* Contract */.NZ.entryScriptEnv, value: code.scoringScript });
    }
    return {
        file: deployment.file,
        env,
        files,
        budget: startupBudget(deployment),
        requestTimeout: { ms: deployment.requestTimeoutMs, file: deployment.file },
        maxConcurrentRequests: deployment.maxConcurrentRequestsPerInstance,
    };
}

;// CONCATENATED MODULE: ./src/smoke-test/smoke-test-request.ts

/** `workDir` holds what the container is given (the deployment's code, staged readable). */
function smokeTestRequest(inputs, image, workDir) {
    return {
        image,
        deployment: inputs.deployment && deploymentRun(inputs.deployment, workDir),
        containerPort: inputs.containerPort,
        startupTimeoutSeconds: inputs.startupTimeoutSeconds,
        cases: inputs.scoringCases,
        scoreRequests: inputs.scoreRequests,
        limits: {
            memoryBytes: inputs.memoryBytes,
            cpus: inputs.cpus,
            gpus: inputs.gpus,
            deployment: inputs.deploymentResources,
        },
    };
}

;// CONCATENATED MODULE: ./src/step/temp-root.ts
// Where the step's own files go: the runner's per-job temp dir when there is one (removed with
// the job), the system's otherwise. One rule, so the work dir and the cache archive agree.

function tempRoot() {
    return process.env.RUNNER_TEMP || external_node_os_.tmpdir();
}

;// CONCATENATED MODULE: ./src/build/acr/acr-run.ts
// Builds the candidate in the registry (`az acr build`) and settles how the run ended. The
// client's log stream is not the run: it can crash (a non-ASCII character under an ASCII locale)
// while the run goes on, and it gives up after 30 minutes without a new log line and exits 0
// without saying how the run ended. So only the run's own success line means success, the
// client's final "Run failed" / "Run timed out" / "Run was canceled" means failure, and anything
// else, once the run's id is known, is settled by asking for the run's status until it ends.



const RUN_QUEUED = /Queued a build with ID: (\S+)/;
const RUN_SUCCEEDED = /^Run ID: (\S+) was successful after /;
const CLIENT_VERDICTS = {
    'Run failed': 'failed',
    'Run timed out': 'timed out (the run reached its timeout in ACR)',
    'Run was canceled': 'was canceled',
};
/** A run in any other status is still going (Queued, Started, Running). */
const FINISHED = ['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout'];
const acr_run_LOG_LINES_IN_MESSAGE = 30;
/** What the client's output says of the run. @internal (exported for its unit tests) */
function streamOutcome(result, lines) {
    if (result.exitCode === 0 && lines.some((line) => RUN_SUCCEEDED.test(line.trim()))) {
        return { kind: 'succeeded' };
    }
    // az prints its error last, on stderr ("Run failed", with or without "ERROR: ").
    const last = result.stderr
        .split(/\r?\n/)
        .map((line) => line.trim().replace(/^ERROR: /, ''))
        .filter((line) => line !== '')
        .pop();
    const how = last === undefined ? undefined : CLIENT_VERDICTS[last];
    if (result.exitCode !== 0 && how !== undefined)
        return { kind: 'failed', how };
    return { kind: 'unsettled' };
}
const DEFAULT_WATCH = {
    pollMs: 5000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
async function buildInRegistry(az, build, watch = DEFAULT_WATCH) {
    const recent = [];
    const all = [];
    let runId;
    const title = `Build ${build.request.image} in ${build.registry} (ACR Tasks)`;
    const result = await core.group(title, async () => {
        const relay = (0,inert_log/* startRelay */.sd)();
        try {
            return await az.build(build.request, (line) => {
                relay.line(line);
                all.push(line);
                recent.push(line);
                if (recent.length > acr_run_LOG_LINES_IN_MESSAGE)
                    recent.shift();
                const queued = runId === undefined ? RUN_QUEUED.exec(line) : null;
                if (queued) {
                    runId = queued[1];
                    build.onRunId(runId);
                }
            });
        }
        finally {
            relay.end();
        }
    });
    const outcome = streamOutcome(result, all);
    if (outcome.kind === 'succeeded' && runId !== undefined)
        return runId;
    if (runId === undefined) {
        throw new Error(`az acr build failed before a run was queued in ${build.registry} (exit ${result.exitCode}):\n${(0,step_text/* lastLines */.w$)(result.stderr || result.stdout, 15)}`);
    }
    if (outcome.kind === 'failed') {
        throw new Error(`The build of ${build.request.image} in ACR ${outcome.how} (run ${runId}; az acr task logs --registry ${build.registry} --run-id ${runId}). The end of its log:\n${recent.join('\n')}`);
    }
    core.warning(`The log stream of run ${runId} ended without its result (az exited ${result.exitCode}); following the run by its status every ${watch.pollMs / 1000} s`);
    return followRun(az, build, runId, watch);
}
/** Polls the run until it ends; then shows its whole log, which the stream may have cut short. */
async function followRun(az, build, runId, watch) {
    let status = await az.runStatus(runId);
    while (!FINISHED.includes(status)) {
        await watch.sleep(watch.pollMs);
        status = await az.runStatus(runId);
    }
    const log = await az.runLogs(runId).catch((error) => `(no log: ${error.message})`);
    await (0,inert_log/* showFolded */.Kp)(`Log of run ${runId} (az acr task logs)`, log);
    if (status === 'Succeeded')
        return runId;
    throw new Error(`The build of ${build.request.image} in ACR ended with status ${status} (run ${runId}; az acr task logs --registry ${build.registry} --run-id ${runId}). The end of its log:\n${(0,step_text/* lastLines */.w$)(log, acr_run_LOG_LINES_IN_MESSAGE)}`);
}

// EXTERNAL MODULE: ./src/build/acr/az.ts + 1 modules
var acr_az = __webpack_require__(1735);
// EXTERNAL MODULE: ./src/build/acr/candidate.ts
var acr_candidate = __webpack_require__(7248);
;// CONCATENATED MODULE: ./src/build/acr/acr-pipeline.ts
// The pipeline with `builder: acr`: the image is built in an Azure container registry by ACR
// Tasks from one multi-stage Dockerfile, under a candidate tag; pulled into the local engine
// and smoke-tested there as usual; and only then given the requested tags, inside the registry.
// Without a local engine it is built and not tested: then nothing is promoted.




















async function runAcrPipeline(inputs, docker, leftovers, az = new acr_az.AzCli(inputs.acr)) {
    const workDir = external_node_fs_.mkdtempSync(external_node_path_.join(tempRoot(), 'extend-azureml-image-'));
    leftovers.addDirectory(workDir);
    const { plan, tags, engine } = await prepareAcr(inputs, docker, workDir);
    const dockerfile = external_node_path_.join(workDir, 'Dockerfile');
    const result = initialResult(inputs, workDir, tags, 'acr', plan.user);
    external_node_fs_.writeFileSync(dockerfile, renderMultiStageDockerfile({ ...plan, sources: STANDALONE_SOURCES }));
    // One file, two stages (dependencies, application): what ACR builds, and the dockerfile output.
    await (0,inert_log/* showFolded */.Kp)('Dockerfile', external_node_fs_.readFileSync(dockerfile, 'utf8'));
    if (!inputs.build) {
        leftovers.keepDirectory(workDir);
        return result;
    }
    const loginServer = await az.loginServer();
    const candidate = (0,acr_candidate.candidateTag)(tags[0]);
    const registry = inputs.acr.name;
    leftovers.addRegistryCandidate({ registry, resourceGroup: inputs.acr.resourceGroup, image: candidate }, (left) => az.stop().then(() => (0,acr_candidate.discardCandidate)(az, left)));
    const started = Date.now();
    const runId = await buildInRegistry(az, {
        registry,
        request: {
            image: candidate,
            file: dockerfile,
            context: workDir,
            buildArgs: plan.pipConfig === 'build-args' ? pipBuildArgs(pipIndexesOf(inputs)) : [],
        },
        onRunId: (id) => leftovers.updateRegistryCandidate(candidate, id),
    });
    leftovers.updateRegistryCandidate(candidate, undefined); // the run has ended
    result.timings.buildMs = Date.now() - started;
    result.acr = { registry, loginServer, runId };
    const candidateReference = `${loginServer}/${candidate}`;
    (0,inert_log/* printInert */.C6)(`Built ${candidateReference} in ACR (run ${runId})`);
    if (inputs.smokeTest && !engine) {
        core.warning(`${candidateReference} was built in ACR (run ${runId}) but not tested: there is no Docker engine here to run it. It is not given the requested tags (${tags.join(', ')}), and is deleted.`);
        await leftovers.discardRegistryCandidate(candidate);
        leftovers.keepDirectory(workDir);
        return result;
    }
    if (inputs.smokeTest)
        await testCandidate(inputs, docker, leftovers, candidateReference, result);
    await core.group(`Tag ${tags.join(', ')} in ${registry}`, () => (0,acr_candidate.promote)(az, loginServer, candidate, tags));
    leftovers.forgetRegistryCandidate(candidate);
    Object.assign(result, { hasImage: true, tags: tags.map((tag) => `${loginServer}/${tag}`) });
    leftovers.keepDirectory(workDir);
    return result;
}
/** Pulls the candidate into the local engine, smoke-tests it, and removes the local copy. */
async function testCandidate(inputs, docker, leftovers, reference, result) {
    // The engine that tests it may be remote or this job's own: reached there, cleaned up there.
    const engine = await docker.engine();
    leftovers.useEngine(engine);
    leftovers.addPendingTags([reference]); // the local copy goes, whatever happens
    await docker.pullIfMissingAndReadUser(reference).catch((error) => {
        throw new Error(`Pulling the candidate ${reference} to smoke-test it failed: ${(0,step_text/* errorMessage */.gJ)(error)}. Log docker in to the registry before this step (az acr login --name ${inputs.acr?.name ?? ''})`, { cause: error });
    });
    const local = await docker.localImage(reference);
    if (!local)
        throw new Error(`${reference} is not in the local engine after pulling it`);
    const started = Date.now();
    const request = {
        ...smokeTestRequest(inputs, local.id, result.context),
        reach: await decideReach(docker, engine),
    };
    result.smokeTestResult = await smokeTest(docker, leftovers, request);
    Object.assign(result, { smokeTest: 'passed', imageId: local.id });
    result.timings.smokeTestMs = Date.now() - started;
    await docker.untag([reference]);
    leftovers.commitPendingTags();
}
/** Prepare, for ACR: the contexts staged, the tags, whether an engine answers, the base user. */
async function prepareAcr(inputs, docker, workDir) {
    return core.group('Prepare', async () => {
        const labels = imageLabels(inputs);
        const contexts = stageContexts(workDir, inputs);
        const requirements = stagedRequirements(inputs, contexts);
        const [engine, tags] = await Promise.all([
            docker.serverVersion().then((version) => version, () => undefined),
            imageTags(inputs, labels, requirements),
        ]);
        if (engine === undefined && inputs.build && inputs.smokeTestRequired) {
            throw new Error(`Input '${constants/* Input */.pd.SmokeTest}': true, and no Docker engine answers here to run the image built in ACR: it cannot be tested. Run the step where an engine answers, or leave '${constants/* Input */.pd.SmokeTest}' unset (the image is then built, not tested, and not given the tags)`);
        }
        (0,inert_log/* printInert */.C6)(engine === undefined ? 'No Docker engine here' : `Docker engine ${engine}`);
        const user = engine === undefined ? noEngineUser() : await baseUser(docker, inputs.baseImage);
        // ACR's build takes values as build arguments only: index URLs without credentials (inputs
        // refused any with), passed as the legacy builder gets them.
        const pipConfig = pipConfigMode(inputs, 'legacy');
        for (const line of snapshotLog(inputs.codeSnapshot, inputs.modelSnapshot))
            core.info(line);
        return {
            plan: makePlan(inputs, { user, pipConfig, labels }),
            tags,
            engine: engine !== undefined,
        };
    });
}
/** The base image's own user, read from the local engine (which pulls it when missing). */
async function baseUser(docker, baseImage) {
    return baseUserOrDefault(await docker.pullIfMissingAndReadUser(baseImage));
}
function noEngineUser() {
    core.warning(`No Docker engine here to read the base image's user: the Dockerfile switches back to ${constants/* Contract */.NZ.defaultUser}, the user of Azure ML's prebuilt images`);
    return constants/* Contract */.NZ.defaultUser;
}

;// CONCATENATED MODULE: ./src/plan/same-build.ts
// Whether the image under the default tag is already this very build, so that nothing needs
// building. The tag is a digest of every input (code, model, requirements, apt packages, env,
// labels, base image name), and the image carries a digest of the Dockerfile it was built from
// and of the id of the image that Dockerfile starts from: an action version that writes another
// Dockerfile, or a base or dependencies image that changed, never reuses an older image.



/**
 * `from` is what the Dockerfile's FROM names, and `fromId` that image's id now: a base image
 * rebuilt under the same name with other settings (env, command) and the same layers is another
 * recipe.
 */
function applicationRecipe(plan, from, fromId) {
    const digest = (0,external_node_crypto_.createHash)('sha256')
        .update(JSON.stringify({ dockerfile: renderApplicationDockerfile(plan, from), fromId }))
        .digest('hex');
    const labels = [...plan.labels, { key: constants/* RECIPE_LABEL */.uP, value: digest }];
    return { text: renderApplicationDockerfile({ ...plan, labels }, from), digest, labels };
}
/** Built from the same recipe, on exactly the layers of the image it starts from. */
function isSameBuild(image, recipeDigest, from) {
    return (image !== undefined &&
        image.labels[constants/* RECIPE_LABEL */.uP] === recipeDigest &&
        image.layers.length >= from.layers.length &&
        from.layers.every((layer, index) => image.layers[index] === layer));
}

;// CONCATENATED MODULE: ./src/build/build-image.ts
// One docker build, its log folded and relayed inert (it prints what the user's files and
// packages print); a failure carries the end of the log. The image id is read from --iidfile.





const BUILD_LOG_LINES_IN_MESSAGE = 30;
// The legacy builder names the container of each RUN step in its log.
const LEGACY_STEP_CONTAINER = /^\s*---> Running in ([0-9a-f]{12,64})\s*$/;
async function buildImage(docker, title, request, workDir, signal, 
/** Sees every line of the build's log too (e.g. for pip's resolver warnings). */
observe) {
    const iidFile = external_node_path_.join(workDir, `${external_node_path_.basename(request.dockerfile)}.iid`);
    const recent = [];
    const stepContainers = [];
    const build = await core.group(title, async () => {
        const relay = (0,inert_log/* startRelay */.sd)();
        try {
            return await docker.build({ ...request, iidFile }, (line) => {
                relay.line(line);
                observe?.(line);
                const container = LEGACY_STEP_CONTAINER.exec(line)?.[1];
                if (container)
                    stepContainers.push(container);
                recent.push(line);
                if (recent.length > BUILD_LOG_LINES_IN_MESSAGE)
                    recent.shift();
            }, signal);
        }
        finally {
            relay.end();
        }
    });
    if (signal?.aborted) {
        // The daemon stops the step's container once the client is gone, and removes it a moment
        // later: removed here, the step ends with nothing of the build left.
        for (const container of stepContainers)
            await docker.remove(container).catch(() => undefined);
        signal.throwIfAborted(); // stopped on purpose: the reason is the caller's, not the log's
    }
    if (build.exitCode !== 0)
        throw (0,docker_errors/* buildFailure */.He)(title, build, recent);
    return external_node_fs_.readFileSync(iidFile, 'utf8').trim();
}

;// CONCATENATED MODULE: ./src/build/model-image.ts
// The model in an image of its own, for the legacy builder. That builder sends its whole context
// to the engine on every build, before it looks at its cache: with the model in the application's
// context, a code change sends the whole model again (2 s for 300 MiB here). Built apart, the
// model is sent once per change of the model, and a code change sends the code alone. BuildKit
// sends only what changed since the last run (plan/staging-dir.ts): it builds in one step.
//
// The model image is untagged: it lives as the parent of the application images built on it,
// and goes with the last of them. Its id is remembered next to the stable staging folder, under
// a key of the recipe, the image it is built on and the model's content.








const model_image_VERSION = 1;
/** Whether this run builds its model apart: the legacy builder, a model, somewhere to remember it. */
function buildsModelApart(builder, plan, source) {
    return builder === 'legacy' && plan.model && source !== undefined;
}
function readMemo(file) {
    const memo = readMemoFile(file, model_image_VERSION);
    const { key, image } = memo ?? {};
    return typeof key === 'string' && typeof image === 'string' ? { key, image } : undefined;
}
/** Unwritten, the next run builds the model image again. */
function writeMemo(file, key, image) {
    writeMemoFile(file, model_image_VERSION, { key, image });
}
/**
 * The model image's id: the one remembered when it still exists and has the same key, else one
 * built now (removed at the end unless the step succeeds).
 */
async function modelImage(docker, leftovers, request) {
    const { plan, from, source } = request;
    const text = renderModelDockerfile(plan, from.reference);
    const model = await treeDigest(source.snapshot, source.fileDigest);
    const key = (0,external_node_crypto_.createHash)('sha256')
        .update(JSON.stringify({ dockerfile: text, fromId: from.id, model }))
        .digest('hex');
    const memo = readMemo(source.memoFile);
    // An image id is a digest of its content and parents: if it is still there, it is that build.
    if (memo?.key === key && (await docker.localImage(memo.image))) {
        (0,inert_log/* printInert */.C6)(`Model image ${memo.image}: the model did not change, it is not sent again`);
        return memo.image;
    }
    const dockerfile = external_node_path_.join(request.workDir, 'model.Dockerfile');
    external_node_fs_.writeFileSync(dockerfile, text);
    const image = await buildImage(docker, 'Build the model image', {
        builder: 'legacy',
        dockerfile,
        context: request.context,
        tags: [],
        secrets: [],
        buildArgs: [],
    }, request.workDir);
    leftovers.addPendingImage(image);
    writeMemo(source.memoFile, key, image);
    (0,inert_log/* printInert */.C6)(`Built the model image ${image} (untagged: the application is built on it)`);
    return image;
}

;// CONCATENATED MODULE: ./src/build/build-application.ts
// The Build stage: the application image on the dependencies (or the base) image, or nothing at
// all when the default tag already holds this very build (plan/same-build.ts).







/**
 * The application's Dockerfile and context: in one step, or (legacy builder) on the model image,
 * with the code folder alone as the context. Both carry the one-step recipe's digest.
 */
async function applicationStep(docker, request, application) {
    const { plan, from, model } = request;
    const whole = { text: application.text, context: request.contexts.application };
    if (!model || !buildsModelApart(request.builder, plan, model.source))
        return whole;
    const image = await modelImage(docker, model.leftovers, {
        plan,
        from,
        context: external_node_path_.join(request.contexts.application, ContextPath.model),
        workDir: request.workDir,
        source: model.source,
    });
    const code = external_node_path_.join(request.contexts.application, ContextPath.code);
    external_node_fs_.mkdirSync(code, { recursive: true }); // no code input: an empty context
    const labelled = { ...plan, labels: application.labels };
    return { text: renderApplicationOnModelDockerfile(labelled, image), context: code };
}
async function buildApplication(docker, request) {
    const { plan, from, tags, previous } = request;
    const application = applicationRecipe(plan, from.reference, from.id);
    if (from.found && isSameBuild(previous, application.digest, from.found)) {
        (0,inert_log/* printInert */.C6)(`${tags[0]} already holds this build (${previous.id}): the same inputs and recipe, on ${from.reference}. Nothing to build.`);
        return { imageId: previous.id, reused: true, inspected: Promise.resolve(previous) };
    }
    await request.beforeBuild?.();
    const started = Date.now();
    const { text, context } = await applicationStep(docker, request, application);
    const dockerfile = external_node_path_.join(request.workDir, 'application.Dockerfile');
    external_node_fs_.writeFileSync(dockerfile, text);
    const imageId = await buildImage(docker, `Build ${tags[0]}`, { builder: request.builder, dockerfile, context, tags, secrets: [], buildArgs: [] }, request.workDir);
    const buildMs = Date.now() - started;
    (0,inert_log/* printInert */.C6)(`Built ${imageId} as ${tags.join(', ')}`);
    // Only for the summary's sizes: asked while the smoke test runs.
    return {
        imageId,
        reused: false,
        buildMs,
        inspected: docker.localImage(imageId).catch(() => undefined),
    };
}

// EXTERNAL MODULE: external "node:stream/consumers"
var consumers_ = __webpack_require__(8321);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./node_modules/tar-stream/index.js
var tar_stream = __webpack_require__(6118);
;// CONCATENATED MODULE: ./src/dependencies/archive-check.ts
// Checks a dependencies archive restored from the cache before `docker load` sees it.
// `docker load` applies whatever tags an archive names (manifest.json's RepoTags, the legacy
// `repositories` file, and for an OCI layout the name annotations of index.json), so a poisoned
// or corrupt cache entry could re-tag any image, the base included. Only an archive that holds
// exactly one image, tagged with nothing but the dependencies tag of its key, whose layers start
// with the base image's, is loaded.





/** Metadata is kilobytes; anything larger is not what docker save writes. */
const METADATA_LIMIT = 8 * 1024 * 1024;
/** The largest inventories file an archive gets: a larger one would make the archive refused. */
const INVENTORIES_MAX_BYTES = METADATA_LIMIT;
const MANIFEST = 'manifest.json';
const REPOSITORIES = 'repositories';
const OCI_INDEX = 'index.json';
const CONTAINERD_NAME = 'io.containerd.image.name';
const OCI_REF_NAME = 'org.opencontainers.image.ref.name';
/** The action's own file in the archive: the images' inventories (cache-inventories.ts). */
const INVENTORIES_ENTRY = 'extend-azureml-image-inventories.json';
/** The archive is not one to load; the message says which rule it breaks. */
class UnfitArchiveError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UnfitArchiveError';
    }
}
/** A name as docker's extraction sees it: `./a`, `/a` and `a/` are all `a`. */
function entryName(name) {
    return external_node_path_.posix
        .normalize(name)
        .replace(/^(?:\.?\/)+/, '')
        .replace(/\/+$/, '');
}
/**
 * Names taken from the archive go into a warning: shown only when they look like image
 * references, so that no text from a poisoned entry reaches the log as it is.
 */
function shown(value) {
    return typeof value === 'string' && /^[\w][\w.:/@+-]{0,255}$/.test(value)
        ? `"${value}"`
        : '(a name that is not an image reference)';
}
/** The contents of the entries `wanted` names, each required to be one regular file. */
async function readEntries(file, wanted) {
    try {
        return await readTar(file, wanted);
    }
    catch (error) {
        if (error instanceof UnfitArchiveError)
            throw error;
        throw new UnfitArchiveError(`it is not a readable tar archive (${error.message})`);
    }
}
async function readTar(file, wanted) {
    const found = new Map();
    const extract = tar_stream.extract();
    const reading = (0,external_node_stream_promises_.pipeline)(external_node_fs_.createReadStream(file), extract);
    reading.catch(() => undefined); // awaited below; the loop sees the same failure first
    for await (const entry of extract) {
        const name = entryName(entry.header.name);
        if (!wanted.has(name)) {
            entry.resume();
            continue;
        }
        // A link or a folder would make docker read something other than what is checked here.
        if (entry.header.type !== 'file')
            throw new UnfitArchiveError(`${name} is not a regular file (a ${entry.header.type})`);
        if ((entry.header.size ?? 0) > METADATA_LIMIT)
            throw new UnfitArchiveError(`${name} is larger than ${METADATA_LIMIT} bytes`);
        found.set(name, [...(found.get(name) ?? []), await (0,consumers_.buffer)(entry)]);
    }
    await reading;
    const contents = new Map();
    for (const [name, copies] of found) {
        // Extracted in order, a later copy would replace the one read first.
        if (copies.length > 1)
            throw new UnfitArchiveError(`${name} appears ${copies.length} times`);
        contents.set(name, copies[0]);
    }
    return contents;
}
function parsed(name, data) {
    try {
        return JSON.parse(data.toString('utf8'));
    }
    catch {
        throw new UnfitArchiveError(`${name} is not JSON`);
    }
}
const isRecord = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
function checkRepoTags(entry, tag) {
    const tags = entry.RepoTags;
    if (!Array.isArray(tags) || tags.length !== 1 || tags[0] !== tag) {
        const named = Array.isArray(tags) ? tags.map(shown).join(', ') || 'no tag' : 'no tag list';
        throw new UnfitArchiveError(`${MANIFEST} tags the image ${named}; the only tag allowed is "${tag}"`);
    }
}
/** `{"repo": {"tag": "id"}}`: legacy docker load applies every tag it lists. */
function checkRepositories(data, tag) {
    if (data === undefined)
        return;
    const repositories = parsed(REPOSITORIES, data);
    const colon = tag.lastIndexOf(':');
    const [repository, version] = [tag.slice(0, colon), tag.slice(colon + 1)];
    if (!isRecord(repositories))
        throw new UnfitArchiveError(`${REPOSITORIES} is not a JSON object`);
    for (const [name, versions] of Object.entries(repositories)) {
        const others = isRecord(versions)
            ? Object.keys(versions).filter((key) => name !== repository || key !== version)
            : ['(not an object)'];
        if (others.length > 0) {
            throw new UnfitArchiveError(`${REPOSITORIES} names ${others.map((key) => shown(`${name}:${key}`)).join(', ')}; the only tag allowed is "${tag}"`);
        }
    }
}
/** An OCI layout's index: the containerd image store names images from its annotations. */
function checkIndex(data, tag) {
    if (data === undefined)
        return;
    const index = parsed(OCI_INDEX, data);
    const manifests = isRecord(index) ? index.manifests : undefined;
    if (!Array.isArray(manifests) || manifests.length !== 1) {
        throw new UnfitArchiveError(`${OCI_INDEX} must list exactly one image, it lists ${Array.isArray(manifests) ? manifests.length : 'none'}`);
    }
    const annotations = isRecord(manifests[0]) ? manifests[0].annotations : undefined;
    if (annotations === undefined)
        return;
    const allowed = {
        [CONTAINERD_NAME]: [tag, `docker.io/${tag}`],
        [OCI_REF_NAME]: [tag.slice(tag.lastIndexOf(':') + 1), tag, `docker.io/${tag}`],
    };
    for (const [annotation, names] of Object.entries(allowed)) {
        const value = isRecord(annotations) ? annotations[annotation] : '(not an object)';
        if (value !== undefined && !names.includes(value)) {
            throw new UnfitArchiveError(`${OCI_INDEX} names the image ${shown(value)} (${annotation}); the only tag allowed is "${tag}"`);
        }
    }
}
function checkLayers(configName, data, baseLayers) {
    const config = parsed(configName, data);
    const rootfs = isRecord(config) ? config.rootfs : undefined;
    const diffIds = isRecord(rootfs) ? rootfs.diff_ids : undefined;
    if (!Array.isArray(diffIds))
        throw new UnfitArchiveError(`the image config has no layer list`);
    const differs = baseLayers.findIndex((layer, index) => diffIds[index] !== layer);
    if (differs !== -1) {
        throw new UnfitArchiveError(`its layers do not start with the base image's ${baseLayers.length} layers (layer ${differs + 1} differs)`);
    }
}
/**
 * Throws UnfitArchiveError unless `file` is a dependencies archive that is safe to load. Gives
 * the action's own inventories file when the archive has one (untrusted: the caller checks it).
 */
async function checkDependenciesArchive(file, expected) {
    const metadata = await readEntries(file, new Set([MANIFEST, REPOSITORIES, OCI_INDEX, INVENTORIES_ENTRY]));
    const manifestData = metadata.get(MANIFEST);
    if (manifestData === undefined)
        throw new UnfitArchiveError(`it has no ${MANIFEST}`);
    const manifest = parsed(MANIFEST, manifestData);
    if (!Array.isArray(manifest) || manifest.length !== 1 || !isRecord(manifest[0])) {
        throw new UnfitArchiveError(`${MANIFEST} must list exactly one image, it lists ${Array.isArray(manifest) ? manifest.length : 'none'}`);
    }
    checkRepoTags(manifest[0], expected.tag);
    checkRepositories(metadata.get(REPOSITORIES), expected.tag);
    checkIndex(metadata.get(OCI_INDEX), expected.tag);
    const configPath = manifest[0].Config;
    if (typeof configPath !== 'string')
        throw new UnfitArchiveError(`${MANIFEST} names no config`);
    const configName = entryName(configPath);
    const config = (await readEntries(file, new Set([configName]))).get(configName);
    if (config === undefined)
        throw new UnfitArchiveError(`the image config is not in the archive`);
    checkLayers(configName, config, expected.baseLayers);
    const inventories = metadata.get(INVENTORIES_ENTRY);
    return inventories === undefined ? {} : { inventories };
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/dependencies/layer-archive.ts
// Writes the archive the cache holds: `docker save` of the dependencies image, read as it streams
// out, without the base image's layers. The cache then holds only what apt and pip added
// (megabytes), not the base image (gigabytes for the real ones), which the runner pulls anyway;
// `docker load` skips layers the daemon already has, so it accepts the archive once the base
// image is present. No full copy of the saved image is ever written; at most one layer at a time
// is spooled to a file next to the archive while it is recognised.
//
// A layer is recognised by its diff id, the SHA-256 of its uncompressed tar:
// - OCI layout (docker 25 and later): `blobs/sha256/<hex>` is named by it, so a base layer is
//   skipped unread; with the containerd image store a pulled layer may be kept gzip-compressed
//   (named by the digest of the gzip stream), so other blobs are spooled and a gzip one is
//   recognised by the digest of what it unpacks to;
// - the older layout (`<id>/VERSION`, `<id>/json`, `<id>/layer.tar`): the name says nothing, so
//   `layer.tar` is hashed while it is spooled, and the folder's entries are written out (or
//   dropped) once the hash is known.
// tar-stream is used because GNU `tar --delete` was seen to corrupt the archives docker writes.







const OCI_BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/;
/** `<64 hex>/...`: a folder of the older layout (its config `<hex>.json` does not match). */
const LEGACY_FOLDER = /^([0-9a-f]{64})(?:\/(.*))?$/;
const BLOB_LINK = /blobs\/sha256\/([0-9a-f]{64})$/;
/** Copies the chunks to `file` and resolves with their diff id (`sha256:<hex>`). */
async function spoolAndHash(chunks, file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const hashing = new external_node_stream_.Transform({
        transform(chunk, _encoding, callback) {
            hash.update(chunk);
            callback(null, chunk);
        },
    });
    await (0,external_node_stream_promises_.pipeline)(chunks, hashing, external_node_fs_.createWriteStream(file));
    return `sha256:${hash.digest('hex')}`;
}
function isGzip(file) {
    const magic = Buffer.alloc(2);
    const fd = external_node_fs_.openSync(file, 'r');
    try {
        return external_node_fs_.readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    }
    finally {
        external_node_fs_.closeSync(fd);
    }
}
/** The diff id of a gzip-compressed layer: the digest of what it unpacks to. */
async function gunzippedDigest(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of external_node_fs_.createReadStream(file).pipe((0,external_node_zlib_.createGunzip)()))
        hash.update(chunk);
    return `sha256:${hash.digest('hex')}`;
}
/** Adds one entry to the archive, its data streamed (a layer may be gigabytes). */
async function addEntry(pack, header, chunks) {
    let failure;
    const done = new Promise((resolve, reject) => {
        const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
        // Its failure comes back through the callback above; unheard, the event would be thrown.
        sink.on('error', () => undefined);
        const feed = async () => {
            if (Buffer.isBuffer(chunks))
                sink.write(chunks);
            else
                for await (const chunk of chunks) {
                    if (!sink.write(chunk))
                        await new Promise((drained) => sink.once('drain', () => drained()));
                }
            sink.end(undefined);
        };
        feed().catch((error) => {
            failure = error;
            sink.destroy(error);
        });
    });
    await done.catch((error) => {
        throw failure ?? error;
    });
}
/**
 * Reads a `docker save` stream and writes `destination`: the same archive without the layers
 * whose diff id is in `baseLayers`, and `extra` at its end. Returns how many layers it dropped.
 */
async function writeArchiveWithoutBase(saved, baseLayers, destination, extra) {
    const isBase = (diffId) => baseLayers.includes(diffId);
    const spool = `${destination}.layer`;
    const folders = new Map();
    const pack = tar_stream.pack();
    // The write's own failure (no space, no folder) is the one to report, not what it causes.
    let writeFailure;
    const writing = (0,external_node_stream_promises_.pipeline)(pack, external_node_fs_.createWriteStream(destination)).catch((error) => {
        writeFailure = error;
    });
    let dropped = 0;
    const decide = async (folder, keep) => {
        folder.keep = keep;
        if (keep)
            for (const { header, data } of folder.held)
                await addEntry(pack, header, data);
        else
            dropped++;
        folder.held = [];
    };
    async function onEntry(header, chunks) {
        const blob = OCI_BLOB.exec(header.name);
        if (blob && isBase(`sha256:${blob[1]}`)) {
            dropped++;
            for await (const chunk of chunks)
                void chunk; // skipped: read past, kept nowhere
            return;
        }
        if (blob && header.type === 'file') {
            await (0,external_node_stream_promises_.pipeline)(chunks, external_node_fs_.createWriteStream(spool));
            if (isGzip(spool) && isBase(await gunzippedDigest(spool)))
                dropped++;
            else
                await addEntry(pack, header, external_node_fs_.createReadStream(spool));
            external_node_fs_.rmSync(spool, { force: true });
            return;
        }
        const legacy = LEGACY_FOLDER.exec(header.name);
        if (!legacy)
            return addEntry(pack, header, chunks);
        const folder = folders.get(legacy[1]) ?? { held: [] };
        folders.set(legacy[1], folder);
        if (legacy[2] === 'layer.tar' && header.type === 'file') {
            const diffId = await spoolAndHash(chunks, spool);
            await decide(folder, !isBase(diffId));
            if (folder.keep)
                await addEntry(pack, header, external_node_fs_.createReadStream(spool));
            external_node_fs_.rmSync(spool, { force: true });
            return;
        }
        const data = await (0,consumers_.buffer)(chunks);
        // Docker 25+ may keep the old folders with layer.tar as a link to the blob.
        const link = legacy[2] === 'layer.tar' ? BLOB_LINK.exec(header.linkname ?? '') : null;
        if (folder.keep === undefined)
            folder.held.push({ header, data });
        else if (folder.keep)
            await addEntry(pack, header, data);
        if (link && folder.keep === undefined)
            await decide(folder, !isBase(`sha256:${link[1]}`));
    }
    const extract = tar_stream.extract();
    const reading = (0,external_node_stream_promises_.pipeline)(saved, extract);
    reading.catch(() => undefined); // awaited below; the loop sees the same failure first
    try {
        for await (const entry of extract)
            await onEntry(entry.header, entry);
        await reading;
        // A folder without a layer.tar is not a layer: it is written as it came.
        for (const folder of folders.values())
            if (folder.keep === undefined)
                await decide(folder, true);
        if (extra) {
            const header = {
                name: extra.name,
                size: extra.data.length,
                mode: 0o644,
                type: 'file',
            };
            await addEntry(pack, header, extra.data);
        }
        pack.finalize();
        await writing;
        if (writeFailure !== undefined)
            throw writeFailure;
    }
    catch (error) {
        pack.destroy();
        await writing;
        throw writeFailure ?? error;
    }
    finally {
        external_node_fs_.rmSync(spool, { force: true });
    }
    return dropped;
}

;// CONCATENATED MODULE: ./src/dependencies/dependencies.ts
// The dependencies image: the base image plus apt and pip packages, the slow and rarely
// changing part. It is named by a key over everything that goes into it, so a run reuses it
// from the daemon, or restores it from the Actions cache on a fresh runner, and builds it only
// when neither has it. Both builders simply build FROM it: no builder-specific cache import.








const DEPENDENCIES_REPOSITORY = 'extend-azureml-image/dependencies';
// v2: the key covers every staged requirements file (includes, local packages), not the top one.
// v3: kept (tagged, cached) only once checked against the server's dependencies
// (conflict-check.ts), so an image made before that check is not found, in the daemon or cache.
/** @internal (exported for its unit tests) */
const CACHE_KEY_PREFIX = 'extend-azureml-image-deps-v3-';
const KEY_VERSION = 3;
/**
 * The base image as the daemon has it (pulled first when absent): what `docker build` starts
 * from, so the key follows the base image the build really uses. `inDaemon` is a lookup the
 * caller already made.
 */
async function localBase(docker, reference, inDaemon) {
    const local = inDaemon ?? (await docker.localImage(reference));
    if (local)
        return local;
    await docker.pullIfMissingAndReadUser(reference); // pulls, with retries for transient failures
    const pulled = await docker.localImage(reference);
    if (!pulled)
        throw new Error(`Base image ${reference} is not there after pulling it`);
    return pulled;
}
async function dependenciesKey(base, inputs) {
    const hash = await contentHash({
        keyVersion: KEY_VERSION,
        baseId: base.id,
        aptPackages: inputs.aptPackages,
        pipIndexes: inputs.pipIndexes,
        pipConfig: inputs.pipConfig,
        requirementsFile: inputs.requirements?.file ?? null,
    }, {}, { requirements: inputs.requirements?.snapshot });
    return hash.slice(0, 32);
}
function dependenciesTag(key) {
    return `${DEPENDENCIES_REPOSITORY}:${key}`;
}
/** Where the archive lives: a path that is the same on every run, as the cache requires. @internal (exported for its unit tests) */
function archivePath(key) {
    return external_node_path_.join(tempRoot(), `extend-azureml-image-cache-${key}`, 'dependencies.tar');
}
/**
 * A cache entry cannot be overwritten: a bad one stays a miss, on every run, until deleted.
 * Says how, naming the key.
 */
function deleteHint(cacheKey) {
    return `Cache entries cannot be overwritten, so this one stays a miss until it is deleted: \`gh cache delete ${cacheKey}\`, or the repository's Actions > Caches page.`;
}
/**
 * Finds the dependencies image in the daemon or the cache; undefined when it must be built.
 * A restored archive is checked before `docker load` (see archive-check.ts): the base's layers
 * are what its chain must start with.
 */
async function findDependencies(docker, imageCache, key, base) {
    const tag = dependenciesTag(key);
    const inDaemon = await docker.localImage(tag);
    if (inDaemon)
        return { source: 'daemon', image: inDaemon };
    if (!imageCache)
        return undefined;
    const archive = archivePath(key);
    const cacheKey = `${CACHE_KEY_PREFIX}${key}`;
    try {
        if (!(await imageCache.restore(archive, cacheKey)))
            return undefined;
        const { inventories } = await checkDependenciesArchive(archive, {
            tag,
            baseLayers: base.layers,
        });
        // The base image is present (localBase made sure of it): a refusal now most likely means a
        // corrupt entry.
        await docker.load(archive).catch((error) => {
            throw new UnfitArchiveError(`docker load refused it (${(0,step_text/* errorMessage */.gJ)(error)})`);
        });
        const restored = await docker.localImage(tag);
        if (restored)
            return { source: 'cache', image: restored, ...(inventories && { inventories }) };
        core.warning(`The cached archive (cache key ${cacheKey}) did not hold ${tag}; building the dependencies. ${deleteHint(cacheKey)}`);
        return undefined;
    }
    catch (error) {
        if (error instanceof UnfitArchiveError) {
            core.warning(`The cached dependencies (cache key ${cacheKey}) were not loaded: ${error.message}. Treated as a cache miss: building them. ${deleteHint(cacheKey)}`);
        }
        else {
            core.warning(`Could not use the cached dependencies (${(0,step_text/* errorMessage */.gJ)(error)}); building them.`);
        }
        return undefined;
    }
    finally {
        external_node_fs_.rmSync(external_node_path_.dirname(archive), { recursive: true, force: true });
    }
}
/** Removes the archive folder (and the cache client's scratch files in it). */
function discardArchive(key) {
    external_node_fs_.rmSync(external_node_path_.dirname(archivePath(key)), { recursive: true, force: true });
}
/**
 * Writes the archive of what apt and pip added. Started as soon as the dependencies are built,
 * it runs alongside the application build and the smoke test instead of after them.
 */
async function archiveDependencies(docker, key, base, signal, 
/** The inventories of the base and the dependencies, added to the archive as they are. */
inventories) {
    const archive = archivePath(key);
    try {
        external_node_fs_.mkdirSync(external_node_path_.dirname(archive), { recursive: true });
        const dropped = await docker.save(dependenciesTag(key), (saved) => writeArchiveWithoutBase(saved, base.layers, archive, 
        // Too large (thousands of packages), it would make the whole entry refused: left out.
        inventories && inventories.length <= INVENTORIES_MAX_BYTES
            ? { name: INVENTORIES_ENTRY, data: inventories }
            : undefined), signal);
        // The dependencies image is built on the base: none of its layers found means another base.
        if (dropped === 0 && base.layers.length > 0) {
            throw new Error("none of the base image's layers was recognised in the saved image (by diff id; a layer compressed other than with gzip is not recognised)");
        }
        return archive;
    }
    catch (error) {
        // Stopped because the image failed: there is nothing to save, and nothing to warn about.
        if (!signal?.aborted)
            core.warning(`Could not save the dependencies to the cache: ${(0,step_text/* errorMessage */.gJ)(error)}`);
        discardArchive(key);
        return undefined;
    }
}
/** After a passing smoke test: uploads the archive; it is removed either way. */
async function uploadDependencies(imageCache, key, archive) {
    try {
        const size = external_node_fs_.statSync(archive).size;
        return (await imageCache.save(archive, `${CACHE_KEY_PREFIX}${key}`)) ? size : undefined;
    }
    catch (error) {
        core.warning(`Could not save the dependencies to the cache: ${(0,step_text/* errorMessage */.gJ)(error)}`);
        return undefined;
    }
    finally {
        discardArchive(key);
    }
}

;// CONCATENATED MODULE: ./src/dependencies/cache-save.ts
// Saving freshly built dependencies to the cache. The archive (`docker save`, without the base
// layers) is written while the application is built and tested; it is uploaded ("Save the
// dependencies to the cache") only if that image passes, and stopped and removed otherwise.


/**
 * Starts the archive of the dependencies built now under `key`. Without a cache service (a
 * local run, a runner without one) there is nothing to save to: no `docker save` either.
 */
async function startCacheSave(docker, imageCache, key, base, 
/** The inventories of the base and the dependencies, when they were read (the check's). */
inventories) {
    if (!key || !imageCache || !(await imageCache.available()))
        return undefined;
    const stop = new AbortController();
    const archiving = archiveDependencies(docker, key, base, stop.signal, inventories);
    return {
        async save() {
            core.info('Waiting for the archive of the dependencies (docker save) to end');
            const archive = await archiving;
            if (!archive)
                return undefined;
            const bytes = await core.group('Save the dependencies to the cache', () => uploadDependencies(imageCache, key, archive));
            if (bytes !== undefined)
                core.info(`Saved ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
            return bytes;
        },
        async discard() {
            // After a failure the archive is not wanted: stop `docker save` (minutes for a multi-GB
            // base) instead of waiting for it. After a pass it has ended already.
            stop.abort();
            await archiving;
            discardArchive(key);
        },
    };
}

;// CONCATENATED MODULE: ./src/dependencies/inventory-source.ts
// The inventory program, as Python source: run by an image's own interpreter (no flags, so it
// sees the packages the server would: the env's, the system site, the user site), it prints as
// JSON what is installed there: every Python distribution with the requirements it declares
// (markers evaluated for this interpreter, extras left out), what `pip check` says, and the
// Debian packages when the image has dpkg. The requirements are parsed with pip's vendored
// `packaging` (or `packaging` itself); without either only the names are kept. Written for
// Python 3.6 and later; kept free of backticks and "${" so that it stays a plain String.raw.
const INVENTORY_SOURCE = String.raw `
import json, re, shutil, subprocess, sys

try:
    from importlib import metadata
except ImportError:
    metadata = None

try:
    from pip._vendor.packaging.requirements import Requirement
except Exception:
    try:
        from packaging.requirements import Requirement
    except Exception:
        Requirement = None

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement(text):
    if Requirement is None:
        match = NAME.match(text)
        if match is None or ";" in text:
            return None
        return {"name": normalise(match.group(1)), "specifier": ""}
    try:
        parsed = Requirement(text)
    except Exception:
        return None
    if parsed.marker is not None and not parsed.marker.evaluate({"extra": ""}):
        return None
    return {"name": normalise(parsed.name), "specifier": str(parsed.specifier)}


def distributions():
    found, seen = [], set()
    if metadata is None:
        return found
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name or normalise(name) in seen:
            continue  # the first on sys.path is the one imported
        seen.add(normalise(name))
        requires = [r for r in (requirement(t) for t in (dist.requires or [])) if r]
        found.append({"name": name, "version": dist.version, "requires": requires})
    return found


def pip_check():
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=40,
        )
    except Exception:
        return None
    if done.returncode not in (0, 1) or "No module named pip" in done.stderr:
        return None
    return [line for line in done.stdout.splitlines() if line.strip() and done.returncode == 1]


def native_architecture():
    try:
        return subprocess.run(
            ["dpkg", "--print-architecture"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, timeout=10,
        ).stdout.strip()
    except Exception:
        return ""


def apt():
    if shutil.which("dpkg-query") is None:
        return None
    # Not binary:Package: it names a Multi-Arch "same" package with the native architecture
    # too (libgomp1:amd64); only a foreign one gets it here, as apt-get install takes them.
    fields = ["db:Status-Abbrev", "Package", "Architecture", "Version"]
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f", "\t".join("$" + "{" + f + "}" for f in fields) + "\n"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, timeout=20,
        )
    except Exception:
        return None
    native, packages = native_architecture(), []
    for line in done.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0].startswith("ii"):
            name = parts[1] if parts[2] in (native, "all", "") else parts[1] + ":" + parts[2]
            packages.append({"name": name, "version": parts[3]})
    return packages if done.returncode == 0 else None


version = "%d.%d.%d" % sys.version_info[:3]
json.dump({"python": version, "distributions": distributions(), "pipCheck": pip_check(), "apt": apt()}, sys.stdout)
`;

;// CONCATENATED MODULE: ./src/dependencies/python-inventory.ts


/** The distribution of the real images' HTTP server. */
const SERVER_DISTRIBUTION = 'azureml-inference-server-http';
/** PEP 503's normal form of a distribution name. */
function normaliseName(name) {
    return name.replace(/[-_.]+/g, '-').toLowerCase();
}
/** Reads the inventory in the image; rejects when it cannot run (see runImagePython). */
async function readInventory(docker, leftovers, image) {
    const stdout = await runImagePython(docker, leftovers, {
        image,
        source: INVENTORY_SOURCE,
        input: '',
        role: 'inventory',
    });
    return parseInventory(stdout);
}
function isString(value) {
    return typeof value === 'string';
}
function parseRequirement(value) {
    const item = value;
    if (!item || !isString(item.name) || !isString(item.specifier))
        throw new Error(`a requirement the inventory should not list: ${JSON.stringify(value)}`);
    return { name: item.name, specifier: item.specifier };
}
function parseDistribution(value) {
    const item = value;
    if (!item || !isString(item.name) || !isString(item.version) || !Array.isArray(item.requires))
        throw new Error(`a distribution the inventory should not list: ${JSON.stringify(value)}`);
    return { name: item.name, version: item.version, requires: item.requires.map(parseRequirement) };
}
function parsePackage(value) {
    const item = value;
    if (!item || !isString(item.name) || !isString(item.version))
        throw new Error(`a package the inventory should not list: ${JSON.stringify(value)}`);
    return { name: item.name, version: item.version };
}
/** The program's JSON (as read, or as remembered: inventory-memo.ts); anything else is refused. */
function parseInventory(stdout) {
    const raw = JSON.parse(stdout);
    if (!isString(raw.python) || !Array.isArray(raw.distributions))
        throw new Error(`the inventory answered something else: ${stdout.slice(0, 200)}`);
    const distributions = new Map();
    for (const item of raw.distributions.map(parseDistribution))
        distributions.set(normaliseName(item.name), item);
    const inventory = { python: raw.python, distributions };
    if (Array.isArray(raw.pipCheck))
        inventory.pipCheck = raw.pipCheck.filter(isString);
    if (Array.isArray(raw.apt))
        inventory.apt = raw.apt.map(parsePackage);
    return inventory;
}
/**
 * The server's distribution and everything it requires, transitively, among what is installed
 * (normalised names, the server first); empty when the image has no server distribution.
 */
function serverClosure(inventory) {
    const start = normaliseName(SERVER_DISTRIBUTION);
    if (!inventory.distributions.has(start))
        return [];
    const seen = new Set([start]);
    const queue = [start];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        for (const requirement of inventory.distributions.get(name)?.requires ?? []) {
            if (seen.has(requirement.name))
                continue;
            seen.add(requirement.name);
            if (inventory.distributions.has(requirement.name))
                queue.push(requirement.name);
        }
    }
    return [...seen];
}

;// CONCATENATED MODULE: ./src/dependencies/requirement-lines.ts
// The projects the requirements file asks for itself, with their lines: where a conflict is
// blamed. Read as pip reads a line (comments dropped, `\` continuations joined); options and
// includes (`-r`, `-c`, `-e`, `--index-url`...) name no project of this file and are skipped, and
// a wheel or a URL with `#egg=` counts under its project's name.



const PROJECT = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@(]|$)/;
const WHEEL = /^([A-Za-z0-9][A-Za-z0-9._]*)-[^-/]+(?:-[^-/]+){2,3}\.whl$/;
const EGG = /#egg=([A-Za-z0-9][A-Za-z0-9._-]*)/;
function projectOf(text) {
    if (text.startsWith('-'))
        return undefined;
    const egg = EGG.exec(text)?.[1];
    if (egg)
        return egg;
    const wheel = WHEEL.exec(external_node_path_.posix.basename(text.replace(/\\/g, '/')))?.[1];
    if (wheel)
        return wheel;
    if (/^[a-z+]+:\/\/|^[./~]/i.test(text))
        return undefined; // a path or URL without a name
    return PROJECT.exec(text)?.[1];
}
/** @internal (exported for its unit tests) */
function parseRequirementLines(content) {
    const found = [];
    const lines = content.split(/\r?\n/);
    for (let index = 0; index < lines.length; index++) {
        const first = index + 1;
        let logical = lines[index];
        while (logical.endsWith('\\') && index + 1 < lines.length) {
            logical = logical.slice(0, -1) + lines[++index];
        }
        const text = logical.replace(/(^|\s)#.*$/, '').trim();
        const name = text && projectOf(text);
        if (name)
            found.push({ name: normaliseName(name), line: first, text });
    }
    return found;
}
/** The top requirements file's projects; none when it cannot be read. */
function readRequirementLines(file) {
    if (!file)
        return [];
    try {
        return parseRequirementLines(external_node_fs_.readFileSync(file, 'utf8'));
    }
    catch {
        return [];
    }
}

;// CONCATENATED MODULE: ./src/dependencies/pip-conflicts.ts
// What pip says is broken, as data: the lines of `pip check` and the resolver's warnings at the
// end of `pip install`. Both name the distribution whose requirement is not met, the
// requirement, and what is installed instead (or that nothing is). Forms read (pip 20 to 24):
//   pip check:  `X 1.0 has requirement Y<2, but you have Y 3.0.`
//               `X 1.0 requires Y, which is not installed.`
//   resolver:   `X 1.0 requires Y<2, but you have Y 3.0 which is incompatible.`
//               `X 1.0 requires Y<2, which is not installed.`
//   legacy:     `ERROR: X 1.0 has requirement Y<2, but you'll have Y 3.0 which is incompatible.`

const pip_conflicts_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*/;
const CONFLICTING = /^(\S+) (\S+) (?:has requirement|requires) (.+?), but you(?:'ll)? have (\S+) (\S+?)(?: which is incompatible)?\.$/;
const MISSING = /^(\S+) (\S+) requires (.+?), which is not installed\.$/;
// BuildKit's plain progress puts the step and its seconds before each line: `#12 34.56 `.
const BUILDKIT_PREFIX = /^#\d+ \d+(?:\.\d+)? /;
const LEGACY_PREFIX = /^ERROR: /;
const RESOLVER_HEADER = "pip's dependency resolver does not currently take into account";
function requiredName(requirement) {
    const name = pip_conflicts_NAME.exec(requirement.trim())?.[0];
    return name === undefined ? undefined : normaliseName(name);
}
/** One line of `pip check` or of the resolver's warning; undefined for any other line. @internal (exported for its unit tests) */
function parseConflictLine(raw) {
    const line = raw.trim().replace(LEGACY_PREFIX, '');
    const conflicting = CONFLICTING.exec(line);
    if (conflicting) {
        const [, dependent, dependentVersion, requirement, , installed] = conflicting;
        const required = requiredName(requirement);
        if (!required)
            return undefined;
        return {
            dependent: normaliseName(dependent),
            dependentVersion,
            requirement,
            required,
            installed,
        };
    }
    const missing = MISSING.exec(line);
    if (!missing)
        return undefined;
    const [, dependent, dependentVersion, requirement] = missing;
    const required = requiredName(requirement);
    if (!required)
        return undefined;
    return { dependent: normaliseName(dependent), dependentVersion, requirement, required };
}
/** The same broken requirement whichever tool printed it (pip check names less than the resolver). */
function conflictKey(conflict) {
    return [
        conflict.dependent,
        conflict.dependentVersion,
        conflict.required,
        conflict.installed ?? '',
    ]
        .map((part) => JSON.stringify(part))
        .join(' ');
}
/** Each broken requirement once, in the order first seen. */
function uniqueConflicts(conflicts) {
    const seen = new Map();
    for (const conflict of conflicts) {
        const key = conflictKey(conflict);
        if (!seen.has(key))
            seen.set(key, conflict);
    }
    return [...seen.values()];
}
/** `pip check`'s lines as conflicts; lines of other forms are returned apart, as printed. */
function parsePipCheck(lines) {
    const conflicts = [];
    const other = [];
    for (const line of lines) {
        const conflict = parseConflictLine(line);
        if (conflict)
            conflicts.push(conflict);
        else if (line.trim() !== '')
            other.push(line.trim());
    }
    return { conflicts, other };
}
/**
 * Collects the resolver's warning from a build log: the lines after its header, until one of
 * another form (the legacy resolver's lines carry `ERROR: ` each, without a header).
 */
function watchResolverWarnings() {
    const found = [];
    let inWarning = false;
    return {
        observe(raw) {
            const line = raw.replace(BUILDKIT_PREFIX, '').trimEnd();
            if (line.includes(RESOLVER_HEADER)) {
                inWarning = true;
                return;
            }
            const conflict = parseConflictLine(line);
            if (conflict && (inWarning || LEGACY_PREFIX.test(line)))
                found.push(conflict);
            else
                inWarning = false;
        },
        conflicts: () => [...found],
    };
}

;// CONCATENATED MODULE: ./src/dependencies/server-conflicts.ts
// What the requirements broke, told apart from what the base image had broken already, and
// whether it touches the inference server: a requirement of the server's distribution, or of
// anything in its closure, that is no longer met means the server would not start (the step
// fails); other new conflicts only warn. Each is blamed on the line of the requirements file
// that asked for the package, or that pulled it in: the dependencies image's own graph is walked
// from each top-level requirement (it is there on every run, built now or reused, where a pip
// `--report` would only exist for a build made now).


/** Everything `top` installs, itself first, among what the image has (normalised names). */
function installedBy(inventory, top) {
    const seen = new Set();
    const queue = [top];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        if (seen.has(name) || !inventory.distributions.has(name))
            continue;
        seen.add(name);
        for (const requirement of inventory.distributions.get(name)?.requires ?? []) {
            queue.push(requirement.name);
        }
    }
    return seen;
}
/**
 * The line to blame for `required`: the one naming it, else the first whose graph reaches a
 * distribution outside the server's closure that requires it (what the server itself requires
 * is not what pulled in a version it refuses: `flask` on a line is not blamed for werkzeug). @internal (exported for its unit tests)
 */
function blameLine(required, lines, inventory, closure) {
    const direct = lines.find((line) => line.name === required);
    if (direct)
        return { line: direct, transitive: false };
    for (const line of lines) {
        for (const name of installedBy(inventory, line.name)) {
            if (closure.has(name))
                continue;
            const requires = inventory.distributions.get(name)?.requires ?? [];
            if (requires.some((requirement) => requirement.name === required)) {
                return { line, transitive: true };
            }
        }
    }
    return undefined;
}
/** What pip reports broken in the dependencies image (pip check, the resolver), against the base. */
function judgeConflicts(base, dependencies, resolver, lines) {
    const before = parsePipCheck(base.pipCheck ?? []);
    const after = parsePipCheck(dependencies.pipCheck ?? []);
    const baseKeys = new Set(before.conflicts.map(conflictKey));
    const all = uniqueConflicts([...after.conflicts, ...resolver]);
    const closure = new Set([...serverClosure(base), ...serverClosure(dependencies)]);
    const verdict = {
        server: [],
        other: [],
        inBase: all.filter((conflict) => baseKeys.has(conflictKey(conflict))),
        unparsed: after.other.filter((line) => !before.other.includes(line)),
    };
    for (const conflict of all) {
        if (baseKeys.has(conflictKey(conflict)))
            continue;
        const found = blameLine(conflict.required, lines, dependencies, closure);
        const breaksServer = closure.has(conflict.dependent);
        const transitive = found?.transitive ?? false;
        verdict[breaksServer ? 'server' : 'other'].push({
            ...conflict,
            blame: found?.line,
            transitive,
            breaksServer,
        });
    }
    // In the file's order (the first is annotated); what no line asked for comes last.
    const order = (conflict) => conflict.blame?.line ?? Number.MAX_SAFE_INTEGER;
    verdict.server.sort((a, b) => order(a) - order(b));
    verdict.other.sort((a, b) => order(a) - order(b));
    return verdict;
}
function spelled(inventory, name) {
    return inventory.distributions.get(name)?.name ?? name;
}
/**
 * One conflict in words, e.g. `requirements.txt line 2: pydantic==2.5.0 installs pydantic 2.5.0,
 * but azureml-inference-server-http 0.8.4 requires pydantic>=1.9,<1.11`.
 */
function describeConflict(conflict, dependencies, requirementsLabel) {
    const required = spelled(dependencies, conflict.required);
    const dependent = `${spelled(dependencies, conflict.dependent)} ${conflict.dependentVersion}`;
    const server = dependencies.distributions.get(normaliseName(SERVER_DISTRIBUTION));
    const through = server && conflict.breaksServer && conflict.dependent !== normaliseName(SERVER_DISTRIBUTION)
        ? ` (which ${server.name} ${server.version} needs)`
        : '';
    const what = conflict.installed === undefined
        ? `leaves ${required} uninstalled`
        : `${conflict.transitive ? 'pulls in' : 'installs'} ${required} ${conflict.installed}`;
    let where = `The dependencies (apt, pip) ${what}`;
    if (conflict.blame && requirementsLabel) {
        where = `${requirementsLabel} line ${conflict.blame.line}: ${conflict.blame.text} ${what}`;
    }
    else if (requirementsLabel)
        where = `The requirements (${requirementsLabel}) ${what}`;
    return `${where}, but ${dependent}${through} requires ${conflict.requirement}`;
}
/** A conflict as pip would say it, blaming no one (the base image's own). */
function describeBroken(conflict, inventory) {
    const required = spelled(inventory, conflict.required);
    const installed = conflict.installed === undefined ? 'is not installed' : `${conflict.installed} is installed`;
    return `${spelled(inventory, conflict.dependent)} ${conflict.dependentVersion} requires ${conflict.requirement}, but ${required} ${installed}`;
}
/** The step's failure message: every server conflict, one a line. */
function serverConflictMessage(conflicts, dependencies, requirementsLabel) {
    const lines = conflicts.map((conflict) => `${describeConflict(conflict, dependencies, requirementsLabel)}: the server would not start`);
    if (lines.length === 1)
        return lines[0];
    return `The requirements break the inference server's own dependencies (${lines.length} conflicts):\n${lines.join('\n')}`;
}

;// CONCATENATED MODULE: ./src/dependencies/conflict-check.ts
// The requirements checked against the inference server's own dependencies, once the
// dependencies image is there and before the application is built on it. An image that breaks
// the server is untagged at once, and the cache save starts only after a pass, so an image found
// in the daemon or the cache under a (v3) key never broke it. A reused one is judged again all
// the same, for its warnings: from the inventories remembered next to the staging folder
// (inventory-memo.ts), without a container, else read again (1.5 to 4.5 s of pip here; the
// "nothing changed" floor is a few seconds, so the memo matters). The base's inventory is read
// while the dependencies build, so a cold build waits only for the dependencies image's read.









/** An image's inventory, read once, on the first call; the promise never rejects. */
function inventoryReader(docker, leftovers, image, memo) {
    let read;
    const readIn = () => memo ? memo.read(docker, leftovers, image) : readInventory(docker, leftovers, image);
    return () => {
        read ??= readIn().then((inventory) => ({ inventory }), (error) => ({ error: (0,step_text/* errorMessage */.gJ)(error) }));
        return read;
    };
}
const CANNOT_CHECK = "Could not check the requirements against the inference server's dependencies";
/**
 * Throws a ServerConflictFailure when the requirements broke what the server needs; warns of
 * other new conflicts, notes the base's own. The dependencies image's inventory, when read.
 */
async function checkServerConflicts(docker, leftovers, request) {
    const { dependencies } = request;
    const started = Date.now();
    const after = await inventoryReader(docker, leftovers, dependencies.from.id, request.memo)();
    const before = await request.baseInventory();
    if (!after.inventory || !before.inventory) {
        const which = after.inventory ? 'base image' : 'dependencies image';
        core.warning(`${CANNOT_CHECK}: reading the ${which} failed: ${after.error ?? before.error}`);
        return after.inventory;
    }
    if (after.inventory.pipCheck === undefined || before.inventory.pipCheck === undefined) {
        core.warning(`${CANNOT_CHECK}: pip check could not run in the image`);
        return after.inventory;
    }
    const verdict = judgeConflicts(before.inventory, after.inventory, dependencies.resolverConflicts ?? [], readRequirementLines(request.inputs.requirements));
    try {
        report(verdict, after.inventory, request);
    }
    catch (error) {
        // Not to be found by the next run: it would build on it without a word.
        await docker.untag([dependencies.from.reference]).catch((untag) => {
            core.warning(`Could not remove ${dependencies.from.reference}: ${(0,step_text/* errorMessage */.gJ)(untag)}`);
        });
        throw error;
    }
    if (verdict.server.length === 0) {
        const server = after.inventory.distributions.get(normaliseName(SERVER_DISTRIBUTION));
        const which = dependencies.source === 'built' ? 'Requirements' : 'Reused dependencies';
        // The version is the distribution's metadata: printed inert.
        (0,inert_log/* printInert */.C6)(server
            ? `${which} checked against ${SERVER_DISTRIBUTION} ${server.version} and its dependencies in ${Date.now() - started} ms: nothing it needs is broken`
            : `No ${SERVER_DISTRIBUTION} distribution in the image: the requirements' conflicts only warn`);
    }
    return after.inventory;
}
function requirementsLabel(inputs) {
    if (!inputs.requirements)
        return undefined;
    return external_node_path_.relative(inputs.workspace, inputs.requirements).split(external_node_path_.sep).join('/');
}
/** Every message is built here: what pip and package metadata say is data in them, never a command. */
function report(verdict, after, request) {
    const label = requirementsLabel(request.inputs);
    if (verdict.inBase.length > 0) {
        const lines = verdict.inBase.map((conflict) => describeBroken(conflict, after));
        core.notice(`The base image already has ${verdict.inBase.length} broken requirement(s) (pip check); they come from the base image, not from ${label ?? 'the dependencies'}:\n${lines.join('\n')}`);
    }
    for (const conflict of verdict.other) {
        core.warning(`${describeConflict(conflict, after, label)}: pip check reports it broken`, requirementsLineAnnotation(request.inputs, `${conflict.dependent} has a requirement that is not met`, conflict.blame?.line));
    }
    if (verdict.unparsed.length > 0) {
        core.warning(`pip check in the dependencies image also says:\n${verdict.unparsed.join('\n')}`);
    }
    const [first] = verdict.server;
    if (first) {
        throw new ServerConflictFailure(serverConflictMessage(verdict.server, after, label), first.blame?.line, `${first.required} breaks ${SERVER_DISTRIBUTION}`);
    }
}

;// CONCATENATED MODULE: ./src/dependencies/get-dependencies.ts
// The "Build the dependencies" stage: the dependencies image from the daemon, from the cache, or
// built now. Pip indexes reach the build as a secret or build args, never ENV.








async function getDependencies(docker, imageCache, request, signal) {
    const { inputs, plan, base } = request;
    const started = Date.now();
    const key = await dependenciesKey(base, {
        aptPackages: inputs.aptPackages,
        requirements: request.requirements,
        pipIndexes: publicIndexes(inputs),
        pipConfig: plan.pipConfig,
    });
    const reference = dependenciesTag(key);
    const found = await findDependencies(docker, imageCache, key, base);
    if (found) {
        // An entry's inventories are taken for these two images only, and only as valid ones.
        if (found.inventories)
            request.memo?.seed(found.inventories, [base.id, found.image.id]);
        core.info(`Dependencies: ${reference}, ${found.source === 'daemon' ? 'already in the daemon' : 'restored from the cache'}`);
        return {
            from: { reference, id: found.image.id, found: found.image },
            source: found.source,
            ms: Date.now() - started,
        };
    }
    signal?.throwIfAborted(); // nothing is started once the run has failed
    request.onBuild?.();
    const resolver = watchResolverWarnings();
    const id = await buildDependencies(docker, request, key, signal, resolver.observe);
    return {
        from: { reference, id },
        source: 'built',
        builtKey: key,
        resolverConflicts: resolver.conflicts(),
        ms: Date.now() - started,
    };
}
async function buildDependencies(docker, request, key, signal, observe) {
    const { inputs, plan, workDir } = request;
    const dockerfile = external_node_path_.join(workDir, 'dependencies.Dockerfile');
    external_node_fs_.writeFileSync(dockerfile, renderDependenciesDockerfile(plan));
    const secretsDir = external_node_path_.join(workDir, 'secrets');
    const secrets = [];
    if (plan.pipConfig === 'secret') {
        external_node_fs_.mkdirSync(secretsDir, { mode: 0o700 });
        const file = external_node_path_.join(secretsDir, PIP_CONFIG_SECRET_ID);
        external_node_fs_.writeFileSync(file, renderPipConf(pipIndexesOf(inputs)), { mode: 0o600 });
        secrets.push({ id: PIP_CONFIG_SECRET_ID, file });
    }
    try {
        return await buildImage(docker, 'Build the dependencies (apt, pip)', {
            builder: request.builder,
            dockerfile,
            context: request.contexts.dependencies,
            tags: [dependenciesTag(key)],
            network: inputs.network,
            secrets,
            buildArgs: plan.pipConfig === 'build-args' ? pipBuildArgs(pipIndexesOf(inputs)) : [],
        }, workDir, signal, observe);
    }
    finally {
        external_node_fs_.rmSync(secretsDir, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/dependencies/inventory-memo.ts


const inventory_memo_VERSION = 1;
/** The base, the dependencies image, and the same pair of the previous set of dependencies. */
const MAX_KEPT = 4;
function serialise(inventory) {
    return { ...inventory, distributions: [...inventory.distributions.values()] };
}
class InventoryMemo {
    file;
    known = new Map();
    /** `file`: where they are kept; unreadable or of another version: none known. */
    constructor(file) {
        this.file = file;
        if (file === undefined)
            return;
        const inventories = readMemoFile(file, inventory_memo_VERSION)?.inventories;
        if (typeof inventories !== 'object' || inventories === null)
            return;
        for (const [id, inventory] of Object.entries(inventories))
            this.known.set(id, inventory);
    }
    /** The image's inventory, remembered or read in the image (rejects as readInventory does). */
    async read(docker, leftovers, imageId) {
        const known = this.known.get(imageId);
        if (known !== undefined) {
            try {
                const inventory = parseInventory(JSON.stringify(known));
                this.remember(imageId, known);
                return inventory;
            }
            catch {
                this.known.delete(imageId); // written by something else: read again
            }
        }
        const inventory = await readInventory(docker, leftovers, imageId);
        this.remember(imageId, serialise(inventory));
        return inventory;
    }
    /**
     * The inventories of these images that are known now, as one JSON document, for the cache
     * entry of the dependencies (undefined when none is).
     */
    exported(imageIds) {
        const known = imageIds.filter((id) => this.known.has(id));
        if (known.length === 0)
            return undefined;
        const saved = {
            version: inventory_memo_VERSION,
            inventories: Object.fromEntries(known.map((id) => [id, this.known.get(id)])),
        };
        return Buffer.from(JSON.stringify(saved));
    }
    /**
     * Takes the inventories of these images from a document `exported` wrote (a restored cache
     * entry), each only if it parses as one; anything else in it is ignored. Returns how many.
     */
    seed(document, imageIds) {
        let saved;
        try {
            saved = JSON.parse(document.toString('utf8'));
        }
        catch {
            return 0;
        }
        if (saved?.version !== inventory_memo_VERSION || typeof saved.inventories !== 'object')
            return 0;
        let taken = 0;
        for (const id of imageIds) {
            const inventory = Object.hasOwn(saved.inventories, id) ? saved.inventories[id] : undefined;
            if (inventory === undefined || this.known.has(id))
                continue;
            try {
                parseInventory(JSON.stringify(inventory));
            }
            catch {
                continue;
            }
            this.remember(id, inventory);
            taken++;
        }
        return taken;
    }
    remember(imageId, inventory) {
        this.known.delete(imageId);
        this.known.set(imageId, inventory);
        while (this.known.size > MAX_KEPT)
            this.known.delete(this.known.keys().next().value);
        // Unwritten, the next run reads the images again.
        if (this.file !== undefined)
            writeMemoFile(this.file, inventory_memo_VERSION, { inventories: Object.fromEntries(this.known) });
    }
}

// EXTERNAL MODULE: ./src/docker/engine-traffic.ts
var engine_traffic = __webpack_require__(6696);
;// CONCATENATED MODULE: ./src/plan/prepare.ts
// The Prepare stage: stage the contexts, ask the engine what it is and what it holds, digest the
// inputs for the default tag, all at once; refuse what no daemon state could make right.








async function prepare(inputs, docker, stagingRoot, fileDigest) {
    return core.group('Prepare', async () => {
        const labels = imageLabels(inputs);
        // Staged first: the digests cover the staged requirements (every file their lines name).
        const contexts = stageContexts(stagingRoot, inputs);
        const requirements = stagedRequirements(inputs, contexts);
        // The docker checks, the base image lookup and the input digest do not wait on each other.
        const [version, engine, builder, baseInDaemon, tags] = await Promise.all([
            inputs.build ? docker.serverVersion() : undefined,
            inputs.build ? docker.engine() : undefined,
            inputs.build ? docker.builder() : undefined,
            inputs.build ? docker.localImage(inputs.baseImage) : undefined,
            imageTags(inputs, labels, requirements, fileDigest),
        ]);
        if (version !== undefined && engine !== undefined && builder !== undefined) {
            (0,inert_log/* printInert */.C6)(`Docker engine ${version} at ${(0,engine_endpoint/* describeEngine */.sk)(engine)}`);
            core.info(`Builder: ${builder === 'buildkit' ? 'BuildKit' : 'legacy builder'}`);
        }
        const pipConfig = pipConfigMode(inputs, builder);
        // Refused whatever the daemon holds, so the same inputs never pass on one runner and fail
        // on the next.
        if (pipConfig === 'build-args')
            pipBuildArgs(pipIndexesOf(inputs));
        for (const line of snapshotLog(inputs.codeSnapshot, inputs.modelSnapshot))
            core.info(line);
        return { builder, engine, baseInDaemon, tags, labels, pipConfig, contexts, requirements };
    });
}

;// CONCATENATED MODULE: ./src/plan/staging-dir.ts
// Where the build contexts are staged when the image is built. BuildKit keeps what it received of
// a local context under a key made from the context's path (the docker CLI's build shared key):
// staged at the same path as the last run, a rebuild sends only the files whose size or mtime
// changed, so a code change moves the code, not the model. A new folder per run would make it
// send and checksum everything again. So the contexts go to a stable folder per workspace and
// sources, claimed with a lock file: a second run at the same time stages in its own work dir.
//
// It is a deliberate cache: `<tmp>/extend-azureml-image-staging/<key>/`, where <tmp> is the
// system's temp dir, used only when it is on the workspace's file system (files are hard-linked,
// so it costs no data). Elsewhere a run stages in its own work dir, as before: a copy of the
// model per run would cost more than BuildKit's transfer saves, and RUNNER_TEMP is emptied with
// the job, so a stable folder there would never be found again. Each run
// empties it before staging, so it holds one snapshot; at most MAX_KEPT folders (with the files
// next to them) are kept, the least recently used removed first, and none unused for more than
// MAX_AGE_MS.




const FOLDER = 'extend-azureml-image-staging';
const LOCK = '.lock';
const DIGESTS = '.digests.json';
const INVENTORIES = '.inventories.json';
const MODEL_IMAGE = '.model-image.json';
/** @internal (exported for its unit tests) */
const staging_dir_MAX_KEPT = 4;
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Which folder: the same workspace and sources give the same key, whatever their content. */
function stagingKey(inputs) {
    const sources = {
        workspace: inputs.workspace,
        code: inputs.codeSnapshot?.root ?? null,
        model: inputs.modelSnapshot?.root ?? null,
        requirements: inputs.requirementFiles?.top ?? null,
    };
    return (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(sources)).digest('hex').slice(0, 16);
}
function deviceOf(dir) {
    try {
        return external_node_fs_.statSync(dir).dev;
    }
    catch {
        return undefined;
    }
}
/** The parent folder, where hard links of the workspace's files can be made; else none. */
function stagingParent(workspace, system) {
    const onWorkspaceDevice = deviceOf(system) !== undefined && deviceOf(system) === deviceOf(workspace);
    return onWorkspaceDevice ? external_node_path_.join(system, FOLDER) : undefined;
}
/**
 * Makes the parent (only the owner may enter it) and checks that it is ours: in a shared temp
 * dir another user could have made it first, to read or change what is staged before it is built.
 */
function ownParent(parent) {
    external_node_fs_.mkdirSync(parent, { recursive: true, mode: 0o700 });
    const stat = external_node_fs_.lstatSync(parent);
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
}
function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}
/** The lock's owner, if it is a process that still runs. */
function liveOwner(lock) {
    let text;
    try {
        text = external_node_fs_.readFileSync(lock, 'utf8');
    }
    catch {
        return undefined;
    }
    const pid = Number(text.split(' ')[0]);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}
/** Takes the lock; a lock whose process has ended (a killed run) is taken over. */
function tryLock(lock, token) {
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            external_node_fs_.writeFileSync(lock, token, { flag: 'wx' });
            return true;
        }
        catch (error) {
            if (error.code !== 'EEXIST')
                throw error;
            if (liveOwner(lock) !== undefined)
                return false;
            external_node_fs_.rmSync(lock, { force: true });
        }
    }
    return false;
}
/**
 * What the parent holds, by key: every entry is `<key>` (the folder) or `<key>.<what>` (its lock,
 * the memos, a memo's temp file); a key is last used when its folder was staged, or without a
 * folder (`build: false` writes only the digests) when one of its files was written.
 */
function keysIn(parent) {
    const keys = new Map();
    for (const entry of external_node_fs_.readdirSync(parent, { withFileTypes: true })) {
        const key = entry.name.split('.')[0] ?? entry.name;
        const mtimeMs = external_node_fs_.statSync(external_node_path_.join(parent, entry.name), { throwIfNoEntry: false })?.mtimeMs;
        if (mtimeMs === undefined)
            continue; // removed meanwhile by another run's prune
        const found = keys.get(key) ?? { names: [], usedMs: 0, staged: false };
        found.names.push(entry.name);
        const folder = entry.name === key && entry.isDirectory();
        if (folder)
            found.usedMs = mtimeMs;
        else if (!found.staged)
            found.usedMs = Math.max(found.usedMs, mtimeMs);
        found.staged ||= folder;
        keys.set(key, found);
    }
    return keys;
}
/**
 * Removes the keys beyond MAX_KEPT (least recently used first) or unused for too long: the
 * folder and the files next to it, a digests file whose folder is gone included.
 */
function prune(parent, keep) {
    const keys = [...keysIn(parent)]
        .filter(([key]) => key !== keep)
        .sort(([, a], [, b]) => b.usedMs - a.usedMs);
    const now = Date.now();
    keys.forEach(([key, { names, usedMs }], index) => {
        if (index < staging_dir_MAX_KEPT - 1 && now - usedMs < MAX_AGE_MS)
            return;
        const lock = external_node_path_.join(parent, `${key}${LOCK}`);
        const token = `${process.pid} ${(0,external_node_crypto_.randomBytes)(8).toString('hex')}`;
        if (!tryLock(lock, token))
            return; // in use by a run that still goes on
        for (const name of names) {
            if (name !== `${key}${LOCK}`)
                external_node_fs_.rmSync(external_node_path_.join(parent, name), { recursive: true, force: true });
        }
        external_node_fs_.rmSync(lock, { force: true });
    });
}
/**
 * Where the input digests of these sources are remembered, for a run that stages in its own work
 * dir (`build: false`: its contexts are for later steps): the stable folder's file, without
 * claiming the folder. Written whole by a rename (digest-cache.ts), it may be shared.
 */
function stableDigestsFile(inputs, systemTmp = external_node_os_.tmpdir()) {
    const parent = stagingParent(inputs.workspace, systemTmp);
    try {
        if (parent === undefined || !ownParent(parent))
            return undefined;
    }
    catch {
        return undefined;
    }
    return `${external_node_path_.join(parent, stagingKey(inputs))}${DIGESTS}`;
}
/**
 * The folder to stage the contexts in: the stable one for these sources, emptied, when no other
 * run holds it; the run's own `workDir` otherwise. `systemTmp`: the system's temp dir.
 */
function claimStagingDir(inputs, workDir, systemTmp = external_node_os_.tmpdir()) {
    const own = { root: workDir, stable: false, release: () => undefined };
    const parent = stagingParent(inputs.workspace, systemTmp);
    if (parent === undefined)
        return own;
    const key = stagingKey(inputs);
    const root = external_node_path_.join(parent, key);
    const lock = `${root}${LOCK}`;
    const token = `${process.pid} ${(0,external_node_crypto_.randomBytes)(8).toString('hex')}`;
    try {
        if (!ownParent(parent) || !tryLock(lock, token))
            return own;
    }
    catch {
        return own; // a temp dir that refuses it: stage per run, as before
    }
    const release = () => {
        try {
            if (external_node_fs_.readFileSync(lock, 'utf8') === token)
                external_node_fs_.rmSync(lock, { force: true });
        }
        catch {
            // already gone
        }
    };
    try {
        // Emptied, so that it holds this run's snapshot only (links of files since deleted go).
        external_node_fs_.rmSync(root, { recursive: true, force: true });
        external_node_fs_.mkdirSync(root);
        prune(parent, key);
    }
    catch {
        release();
        return own;
    }
    const files = {
        digests: `${root}${DIGESTS}`,
        inventories: `${root}${INVENTORIES}`,
        modelImage: `${root}${MODEL_IMAGE}`,
    };
    return { root, stable: true, release, ...files };
}

// EXTERNAL MODULE: ./src/docker/retry.ts
var retry = __webpack_require__(6298);
;// CONCATENATED MODULE: ./src/push/push.ts
// Pushes the tags of an image that passed its smoke test, and reads back the digest each
// registry now serves under them. Login is not this action's business: docker/login-action
// before this step writes the credentials docker push uses.







const PUSH_ATTEMPTS = 3;
const DOCKER_HUB = 'docker.io';
function nameOf(reference) {
    const parsed = (0,docker_reference/* parseReference */.F)(reference);
    if (parsed)
        return parsed.name;
    // A RepoDigests entry docker printed: name@digest.
    const at = reference.lastIndexOf('@');
    return at === -1 ? reference : reference.slice(0, at);
}
/** Where docker sends a reference: its host (or Docker Hub) and the full repository name. @internal (exported for its unit tests) */
function repositoryOf(reference) {
    const name = nameOf(reference);
    const [first, ...rest] = name.split('/');
    const host = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost') ? first : undefined;
    let domain = host ?? DOCKER_HUB;
    let path = host === undefined ? name : rest.join('/');
    if (domain === 'index.docker.io')
        domain = DOCKER_HUB;
    if (domain === DOCKER_HUB && !path.includes('/'))
        path = `library/${path}`;
    return { host, canonical: `${domain}/${path}` };
}
function digestsIn(repository, repoDigests) {
    const found = repoDigests
        .filter((entry) => entry.includes('@'))
        .filter((entry) => repositoryOf(entry).canonical === repository)
        .map((entry) => entry.slice(entry.lastIndexOf('@') + 1));
    return [...new Set(found)];
}
/**
 * The digest a push of `tag` produced, from the image's RepoDigests after the push. An image
 * pushed to one repository before may carry more than one digest there; then the one the push
 * added is it.
 * @internal (exported for its unit tests)
 */
function pushedDigest(tag, after, before = []) {
    const repository = repositoryOf(tag).canonical;
    const candidates = digestsIn(repository, after);
    if (candidates.length === 1)
        return candidates[0];
    const earlier = new Set(digestsIn(repository, before));
    const added = candidates.filter((digest) => !earlier.has(digest));
    if (added.length === 1)
        return added[0];
    const seen = after.length > 0 ? after.join(', ') : 'none';
    throw new Error(candidates.length === 0
        ? `docker push ${tag} succeeded, but the image has no digest for ${repository} (RepoDigests: ${seen})`
        : `docker push ${tag} succeeded, but the image has several digests for ${repository} and none is new (${candidates.join(', ')}); cannot tell which one the registry serves`);
}
/** Where the push went, in words: a tag without a host goes to Docker Hub. */
function destination(tag) {
    const { host, canonical } = repositoryOf(tag);
    if (host !== undefined)
        return `registry ${host}`;
    return `Docker Hub (the tag names no registry host, so docker pushes it to ${canonical}; to push elsewhere, start the tag in '${constants/* Input */.pd.Tags}' with the registry, e.g. ghcr.io/owner/name:1)`;
}
function advice(tag, kind) {
    const { host } = repositoryOf(tag);
    switch (kind) {
        case 'denied':
            return `${destination(tag)} refused the push. Log in to ${host ?? DOCKER_HUB} with docker/login-action before this step, and check that the account may push to ${repositoryOf(tag).canonical}`;
        case 'transient':
            return `${destination(tag)} could not be reached or answered with a server error. Check the registry address, the runner's network, proxy and DNS, or try again later`;
        case 'other':
            return `check the tag in '${constants/* Input */.pd.Tags}' and ${destination(tag)}`;
    }
}
function pushFailureMessage(tag, result, context) {
    const output = (0,step_text/* lastLines */.w$)(result.stderr || result.stdout, 5);
    const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
    const reason = result.signal !== undefined
        ? `docker push was stopped by ${result.signal} (a cancellation or a timeout)`
        : advice(tag, (0,docker_errors/* classifyPushFailure */.hN)(output));
    const already = context.pushed.length > 0 ? ` Already pushed: ${context.pushed.join(', ')}.` : '';
    return `Pushing ${tag} failed${tries}: ${reason}. The image passed its smoke test, so its local tags stay (${context.localTags.join(', ')}).${already} docker said:\n${output}`;
}
/** Pushes one tag, retrying network and registry trouble; a refusal fails at once. */
async function pushOne(docker, tag, context, options) {
    await (0,retry/* retryRegistryCommand */.H4)({
        doing: `Pushing ${tag}`,
        attempts: PUSH_ATTEMPTS,
        run: async () => {
            const relay = (0,inert_log/* startRelay */.sd)();
            try {
                return await docker.push(tag, (line) => relay.line(line));
            }
            finally {
                relay.end();
            }
        },
        isTransient: (result, output) => result.signal === undefined && (0,docker_errors/* classifyPushFailure */.hN)(output) === 'transient',
        failure: (result, _output, attempt) => new Error(pushFailureMessage(tag, result, { ...context, attempts: attempt })),
        sleep: options.sleep,
    });
}
/**
 * Pushes every tag in order, each in a folded group with its log relayed inert, and returns the
 * digest each registry serves for it, read from the image's RepoDigests (not from the push log).
 */
async function pushTags(docker, tags, options = {}) {
    const pushed = [];
    for (const tag of tags) {
        const digest = await core.group(`Push ${tag}`, async () => {
            const before = await docker.repoDigests(tag);
            await pushOne(docker, tag, { localTags: tags, pushed: pushed.map((item) => item.tag) }, options);
            const found = pushedDigest(tag, await docker.repoDigests(tag), before);
            (0,inert_log/* printInert */.C6)(`Pushed ${tag}: ${found}`);
            return found;
        });
        pushed.push({ tag, digest });
    }
    return pushed;
}

// EXTERNAL MODULE: ./src/docker/image-history.ts
var image_history = __webpack_require__(2304);
;// CONCATENATED MODULE: ./src/report/image-additions.ts
// What the image adds to its base, as a reviewer reads it: the Debian packages and Python
// distributions added, changed or removed between the base's inventory and the dependencies
// image's (the application layers copy code and a model, never packages), and the size of
// each layer over the base. A change to a distribution the server runs on is flagged: that is
// what breaks a container at start.


/** Sorted by name; what did not change is left out. */
function diff(before, after, describe) {
    const changes = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
        const old = before.get(key);
        const now = after.get(key);
        const oldVersion = old && describe(old).version;
        const newVersion = now && describe(now).version;
        if (oldVersion === newVersion)
            continue;
        const name = describe((now ?? old)).name;
        changes.push({ name, base: oldVersion, version: newVersion });
    }
    return changes.sort((a, b) => a.name.localeCompare(b.name));
}
function byName(packages) {
    return new Map(packages.map((item) => [item.name, item]));
}
function diffApt(base, image) {
    if (!base.apt || !image.apt)
        return undefined;
    return diff(byName(base.apt), byName(image.apt), (item) => item);
}
/** The server's dependencies first (what a reviewer must look at), then by name. */
function diffPip(base, image) {
    const server = new Set([...serverClosure(base), ...serverClosure(image)]);
    const changes = diff(base.distributions, image.distributions, (item) => item);
    return changes
        .map((change) => ({ ...change, server: server.has(normaliseName(change.name)) }))
        .sort((a, b) => Number(b.server) - Number(a.server));
}
function count(changes, what) {
    const added = changes.filter((item) => item.base === undefined).length;
    const removed = changes.filter((item) => item.version === undefined).length;
    const changed = changes.length - added - removed;
    const parts = [`${added} added`, `${changed} changed`, `${removed} removed`];
    return `${what} ${parts.join(', ')}`;
}
/** One line for the log: the counts, never a name (names are the image's text). */
function describeAdditions(adds) {
    const parts = [];
    if (adds.apt)
        parts.push(count(adds.apt, 'apt packages:'));
    if (adds.pip) {
        const server = adds.pip.filter((item) => item.server).length;
        parts.push(`${count(adds.pip, 'pip distributions:')} (${server} the server depends on)`);
    }
    if (adds.layers) {
        const bytes = adds.layers.reduce((sum, layer) => sum + layer.bytes, 0);
        const layers = adds.layers.length === 1 ? '1 layer' : `${adds.layers.length} layers`;
        parts.push(`${layers} over the base, ${(0,step_text/* humanBytes */.p6)(bytes)}`);
    }
    const told = parts.length > 0 ? parts.join('; ') : 'nothing could be read';
    return `What the image adds: ${told}${adds.notes.length > 0 ? ` (${adds.notes.join('; ')})` : ''}`;
}

;// CONCATENATED MODULE: ./src/report/gather-additions.ts




/** Handled at once, so that a read that fails before it is awaited is no unhandled rejection. */
function settle(promise) {
    return promise.then((value) => ({ value }), (error) => ({ reason: (0,step_text/* errorMessage */.gJ)(error).split('\n')[0] }));
}
function inventoryOrNote(settled, which, notes) {
    if ('reason' in settled)
        notes.push(`${which} inventory could not be read: ${settled.reason}`);
    else if (!settled.value)
        notes.push(`${which} inventory could not be read`);
    return 'value' in settled ? settled.value : undefined;
}
async function gather_additions_packages(request, base, notes) {
    // The application layers copy code and a model: only the dependencies image installs.
    if (!request.dependenciesInventory)
        return { apt: [], pip: [] };
    const [before, after] = await Promise.all([base, settle(request.dependenciesInventory)]);
    const baseInventory = inventoryOrNote(before, "the base image's", notes);
    const imageInventory = inventoryOrNote(after, "the dependencies image's", notes);
    if (!baseInventory || !imageInventory)
        return {};
    const apt = diffApt(baseInventory, imageInventory);
    if (!apt)
        notes.push('apt packages left out: no dpkg in the image');
    return { apt, pip: diffPip(baseInventory, imageInventory) };
}
function gatherAdditions(docker, request) {
    const base = settle(request.baseInventory);
    if (request.dependenciesInventory)
        void settle(request.dependenciesInventory);
    const baseHistory = settle(docker.history(request.baseId));
    return {
        async finish(imageId) {
            const notes = [];
            const history = settle(docker.history(imageId));
            const found = await gather_additions_packages(request, base, notes);
            const [image, below] = await Promise.all([history, baseHistory]);
            const adds = { ...found, notes };
            if ('reason' in image)
                notes.push(`layers left out: ${image.reason}`);
            else if ('reason' in below)
                notes.push(`layers left out: ${below.reason}`);
            else
                adds.layers = (0,image_history/* layersOver */.Pz)(image.value, below.value);
            (0,inert_log/* printInert */.C6)(describeAdditions(adds));
            return adds;
        },
    };
}
/**
 * Reads the base's and the dependencies image's inventories (through `memo`, so that a run
 * that built nothing starts no container), each a promise that may reject.
 */
function readInventories(docker, leftovers, memo, images) {
    const { dependencies } = images;
    // Without dependencies nothing is installed on the base: neither needs reading.
    if (!dependencies)
        return { baseInventory: Promise.resolve(undefined) };
    return {
        baseInventory: memo.read(docker, leftovers, images.base),
        dependenciesInventory: memo.read(docker, leftovers, dependencies.id),
    };
}

;// CONCATENATED MODULE: ./src/smoke-test/gpu-hint.ts
// A GPU image smoke-tested without a GPU: what it proves is limited, and on a GPU runner the
// gpus input gives the container the GPUs. The base image tells by its name or its environment.

const GPU_NAME = /gpu|cuda/i;
const GPU_ENV = ['CUDA_VERSION', 'NVIDIA_VISIBLE_DEVICES'];
/** Why the base image looks like a GPU image; undefined when it does not. */
function gpuImageHint(baseImage, env) {
    const why = GPU_NAME.test(baseImage)
        ? `its name has ${GPU_NAME.exec(baseImage)?.[0].toLowerCase()}`
        : GPU_ENV.filter((key) => (env ?? []).some((entry) => entry.startsWith(`${key}=`))).map((key) => `its config sets ${key}`)[0];
    if (!why)
        return undefined;
    return `The base image looks like a GPU image (${why}), and the smoke test ran without a GPU: on a GPU runner, set '${constants/* Input */.pd.Gpus}: all' to give the container its GPUs`;
}

;// CONCATENATED MODULE: ./src/script-check/alongside.ts
// The scoring script check, run alongside the slow stages: started once the base image is in the
// engine, it races the dependencies build, and a failure stops that build at once (its own
// docker command only, by its signal) rather than after apt and pip are done.



const NOTHING_TO_CHECK = {
    start: () => undefined,
    alongside: (work) => work(new AbortController().signal),
    passed: async () => undefined,
    forget: async () => undefined,
};
/**
 * `deferred`: the image under the default tag is likely this very build (it exists), so the
 * check waits until something is built (`start`, or `passed`): a reused image starts no check
 * container, which would compete with the smoke test's for the engine (0.4-0.5 s here).
 */
function startScriptCheck(docker, leftovers, inputs, base, deferred = false) {
    const { codeSnapshot: code, entryScript, codeDir } = inputs;
    if (!code || !entryScript || !codeDir)
        return NOTHING_TO_CHECK;
    const codeDirLabel = external_node_path_.relative(inputs.workspace, codeDir).split(external_node_path_.sep).join('/') || '.';
    let forgotten = false;
    const request = { image: base.id, code, entryScript, codeDirLabel };
    let failure;
    let begun = () => undefined;
    const started = new Promise((resolve) => (begun = resolve));
    const start = () => {
        if (failure)
            return failure;
        const startedAt = Date.now();
        failure = runChecker(docker, leftovers, request, () => forgotten).then((verdict) => {
            if (!verdict || forgotten)
                return undefined;
            const failed = failureOf(verdict, codeDirLabel);
            if (!failed) {
                core.info(`Scoring script checked with the base image's Python ${verdict.python} in ${Date.now() - startedAt} ms: every .py file compiles, init and run are there`);
            }
            return failed;
        });
        begun();
        return failure;
    };
    if (!deferred)
        void start();
    return {
        start: () => void start(),
        async alongside(work) {
            const controller = new AbortController();
            const running = work(controller.signal);
            // Never settles when the check passes (or never starts): then only `running` ends the race.
            const failed = started
                .then(start)
                .then((found) => (found ? found : new Promise(() => undefined)));
            const first = await Promise.race([running.then(() => undefined), failed]);
            if (first === undefined)
                return running;
            controller.abort(first);
            await running.catch(() => undefined);
            throw first;
        },
        async passed() {
            const found = await start();
            if (found)
                throw found;
        },
        async forget() {
            forgotten = true;
            await failure;
        },
    };
}

;// CONCATENATED MODULE: ./src/pipeline.ts
// The whole job of the main step, one call per stage as the log shows them: Prepare, Build the
// dependencies, Build, Smoke test, Push, Save the dependencies. It returns what later steps may
// use, and on any failure leaves nothing behind: no container, no tag of an image that did not
// pass, no temp dir.





























async function runPipeline(inputs, docker, leftovers, imageCache) {
    if (inputs.acr)
        return runAcrPipeline({ ...inputs, acr: inputs.acr }, docker, leftovers);
    const workDir = external_node_fs_.mkdtempSync(external_node_path_.join(tempRoot(), 'extend-azureml-image-'));
    leftovers.addDirectory(workDir);
    // A build stages at a stable path (BuildKit then sends only what changed since the last run);
    // `build: false` leaves the contexts with the Dockerfile in the work dir, for later steps.
    const staging = inputs.build ? claimStagingDir(inputs, workDir) : undefined;
    // Given back at the end, or by the cleanup of a signal (which ends the process first).
    const release = staging && leftovers.holdLock(staging.release);
    try {
        return await runStages(inputs, docker, leftovers, imageCache, {
            workDir,
            stagingRoot: staging?.root ?? workDir,
            digests: digestCache(inputs, staging?.digests),
            inventories: staging?.inventories,
            modelImage: staging?.modelImage,
        });
    }
    finally {
        release?.();
    }
}
/**
 * The input digests remembered next to the stable staging folder; `build: false` stages in its
 * work dir and still uses that folder's file, so that a large model is not read every run.
 */
function digestCache(inputs, stagingDigests) {
    const file = inputs.build ? stagingDigests : stableDigestsFile(inputs);
    return file === undefined ? undefined : new DigestCache(file);
}
/** The legacy builder's model image is remembered next to the stable staging folder only. */
function modelSource(inputs, staging) {
    if (!staging.modelImage || !inputs.modelSnapshot)
        return undefined;
    return {
        memoFile: staging.modelImage,
        snapshot: inputs.modelSnapshot,
        fileDigest: staging.digests?.digest,
    };
}
async function runStages(inputs, docker, leftovers, imageCache, staging) {
    const { workDir, stagingRoot, digests } = staging;
    const prepared = await prepare(inputs, docker, stagingRoot, digests?.digest);
    digests?.save();
    const { builder, tags, engine } = prepared;
    if (engine)
        leftovers.useEngine(engine);
    const base = builder && (await localBase(docker, inputs.baseImage, prepared.baseInDaemon));
    const user = base ? baseUserOrDefault(base.user) : await standaloneUser(docker, inputs);
    const plan = makePlan(inputs, { user, pipConfig: prepared.pipConfig, labels: prepared.labels });
    const result = initialResult(inputs, workDir, prepared.tags, builder, user, stagingRoot);
    if (!builder || !base) {
        writeStandalone(result.dockerfile, plan);
        leftovers.keepDirectory(workDir);
        return result;
    }
    // A default tag digests every input: the daemon may hold this very build under it already.
    const previous = inputs.tags.length === 0 ? await lookUp(docker, tags[0]) : undefined;
    const model = { source: modelSource(inputs, staging), leftovers }; // legacy: built apart
    const stage = { ...prepared, inputs, plan, base, builder, workDir, model };
    // Checked beside apt and pip (a failure stops them); not before a build if the tag may be reused.
    const scriptCheck = startScriptCheck(docker, leftovers, inputs, base, previous !== undefined);
    // The base's inventory (read once, on first call): started when the dependencies are built, it
    // is read alongside them; what the requirements broke is told from it. Kept in one memo with
    // what the image adds, which then reads neither image again.
    const memo = new InventoryMemo(staging.inventories);
    const baseInventory = inventoryReader(docker, leftovers, base.id, memo);
    const onBuild = () => void (baseInventory(), scriptCheck.start());
    const dependencies = hasDependencies(plan)
        ? await scriptCheck.alongside((signal) => getDependencies(docker, imageCache, { ...stage, onBuild, memo }, signal))
        : undefined;
    // Also before it: a conflicting dependencies image is neither built on, nor kept, nor cached.
    // (It gives the dependencies image's inventory when it read it.)
    if (dependencies) {
        await checkServerConflicts(docker, leftovers, { inputs, dependencies, baseInventory, memo });
        result.dependencies = { source: dependencies.source, image: dependencies.from.reference };
        result.timings.dependenciesMs = dependencies.ms;
    }
    (0,inert_log/* printInert */.C6)(`Base image user: ${plan.user}`);
    writeStandalone(result.dockerfile, plan);
    const from = dependencies?.from ?? { reference: inputs.baseImage, id: base.id, found: base };
    // Read while the application builds; awaited before the smoke test, never during it.
    const additions = startAdditions(docker, leftovers, base, dependencies?.from, memo);
    const cacheSave = await startSave(docker, imageCache, { base, dependencies, memo });
    let checkStopped;
    try {
        leftovers.addPendingTags(tags); // pending until the smoke test passes, whether built now or found
        // Passed before anything is built; a reused image was checked when built: not waited for.
        const beforeBuild = () => scriptCheck.passed();
        const application = await buildApplication(docker, { ...stage, from, previous, beforeBuild });
        if (application.reused)
            checkStopped = scriptCheck.forget();
        Object.assign(result, { hasImage: true, imageId: application.imageId });
        if (application.reused)
            result.reused = true;
        if (application.buildMs !== undefined)
            result.timings.buildMs = application.buildMs;
        result.adds = await additions.finish(application.imageId);
        if (inputs.smokeTest) {
            const reach = engine && (await decideReach(docker, engine));
            const request = { ...smokeTestRequest(inputs, application.imageId, workDir), reach };
            result.gpuHint =
                inputs.gpus === undefined ? gpuImageHint(inputs.baseImage, base.env) : undefined;
            if (result.gpuHint)
                core.info(result.gpuHint);
            const [score, ms] = await timed(() => smokeTest(docker, leftovers, request));
            Object.assign(result, { smokeTestResult: score, smokeTest: 'passed' });
            result.timings.smokeTestMs = ms;
        }
        const sizes = sizesAgainst(await application.inspected, base);
        if (sizes)
            result.sizes = sizes;
        if (inputs.push) {
            // Only reached after a passing smoke test (inputs refuse push without one). The image
            // is good whatever the registry does, so its local tags stay even if the push fails.
            leftovers.commitPendingTags();
            [result.pushed, result.timings.pushMs] = await timed(() => pushTags(docker, tags));
        }
        const saved = await cacheSave?.save();
        if (saved !== undefined && result.dependencies)
            result.dependencies.cacheSavedBytes = saved;
    }
    finally {
        await cacheSave?.discard();
        await checkStopped;
    }
    leftovers.commitPendingTags();
    leftovers.keepDirectory(workDir);
    if (engine?.remoteHost !== undefined)
        result.engineTraffic = reportTraffic(engine, docker);
    return result;
}
/** What crossed the network to an engine on another machine, in the log and for the summary. */
function reportTraffic(engine, docker) {
    const traffic = (0,engine_traffic/* describeTraffic */.hA)(docker.traffic());
    if (traffic)
        (0,inert_log/* printInert */.C6)(`Over the network to the engine at ${(0,engine_endpoint/* describeEngine */.sk)(engine)}: ${traffic}`);
    return traffic && `${(0,engine_endpoint/* describeEngine */.sk)(engine)}: ${traffic}`;
}
/** What `run` returned, and how long it took. */
async function timed(run) {
    const started = Date.now();
    const value = await run();
    return [value, Date.now() - started];
}
/** With `build: false` nothing needs the base image but its user: a failure only warns. */
async function standaloneUser(docker, inputs) {
    return docker
        .pullIfMissingAndReadUser(inputs.baseImage)
        .then(baseUserOrDefault)
        .catch((error) => {
        core.warning(`Could not read the base image's user (${error.message}); using ${constants/* Contract */.NZ.defaultUser}`);
        return constants/* Contract */.NZ.defaultUser;
    });
}
/** The Dockerfile that builds the image in one go, kept in the work dir and printed. */
function writeStandalone(file, plan) {
    const text = renderDockerfile({ ...plan, sources: STANDALONE_SOURCES });
    external_node_fs_.writeFileSync(file, text);
    // Env and label values are printed as given: inert, for they may be a pull request's.
    core.startGroup('Dockerfile');
    (0,inert_log/* printInert */.C6)(text);
    core.endGroup();
}
/**
 * The cache save of dependencies built now, with the inventories the check read: a runner that
 * restores them reads neither image again.
 */
function startSave(docker, imageCache, run) {
    const { base, dependencies, memo } = run;
    const inventories = dependencies && memo.exported([base.id, dependencies.from.id]);
    return startCacheSave(docker, imageCache, dependencies?.builtKey, base, inventories);
}
/** What the image adds to the base: its packages (from the inventories) and its layers. */
function startAdditions(docker, leftovers, base, dependencies, memo) {
    const inventories = readInventories(docker, leftovers, memo, { base: base.id, dependencies });
    return gatherAdditions(docker, { baseId: base.id, ...inventories });
}
function lookUp(docker, reference) {
    return docker.localImage(reference).catch(() => undefined);
}
function sizesAgainst(image, base) {
    if (!image)
        return undefined;
    return {
        imageBytes: image.sizeBytes,
        baseBytes: base.sizeBytes,
        layersAdded: image.layers.length - base.layers.length,
    };
}

;// CONCATENATED MODULE: ./src/report/summary.ts
// The job summary: what a reviewer reads first. Each one names its base image and tag in the
// heading, so the legs of a matrix tell themselves apart; a failure puts its reason first.
// core.summary escapes nothing, and every text here may come from user code: all of it is
// escaped before it becomes HTML.







/** Bodies shown in the summary are cut shorter than in outputs: it is read, not parsed. */
const SUMMARY_TEXT_LIMIT = 1000;
/** Rows of each table of what the image adds; `metadata.adds` has them all. */
const ADDS_ROWS = 25;
const STEP_TEXT_LIMIT = 200;
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const code = (text) => `<code>${escapeHtml(text)}</code>`;
const row = (name, html) => [{ data: name, header: true }, html];
function seconds(ms) {
    return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`;
}
function megabytes(bytes) {
    return `${(bytes / 1000 / 1000).toFixed(1)} MB`;
}
function dependenciesCell(result) {
    const dependencies = result.dependencies;
    if (!dependencies)
        return 'none (no apt packages or requirements)';
    const source = {
        daemon: 'reused from the daemon',
        cache: 'restored from the Actions cache (cache hit)',
        built: 'built (cache miss)',
    }[dependencies.source];
    const saved = dependencies.cacheSavedBytes === undefined
        ? ''
        : `, saved to the cache (${megabytes(dependencies.cacheSavedBytes)})`;
    return `${source} in ${seconds(result.timings.dependenciesMs)}${saved}`;
}
function sizeCell(result) {
    const sizes = result.sizes;
    if (!sizes)
        return '–';
    const layers = sizes.layersAdded === 1 ? '1 layer' : `${sizes.layersAdded} layers`;
    return `${megabytes(sizes.imageBytes)} (+${megabytes(sizes.imageBytes - sizes.baseBytes)} and ${layers} over the base)`;
}
function copyRows(copies) {
    const rows = [
        ['Code (code-dir)', copies?.code],
        ['Model (model-dir)', copies?.model],
    ];
    // describeReport holds numbers and fixed names only; escaped all the same.
    return rows
        .filter((entry) => entry[1] !== undefined)
        .map(([name, report]) => row(name, escapeHtml(describeReport(report))));
}
function verdictCell(result) {
    if (result.smokeTest === 'skipped')
        return 'skipped (smoke-test: false)';
    const cases = result.smokeTestResult?.cases ?? [];
    if (cases.length === 0)
        return '✅ passed (liveness only: no sample request)';
    return `✅ passed (${cases.length === 1 ? '1 request' : `${cases.length} requests`})`;
}
/** Time to live, and with a deployment file how much of its probe budget that used. */
function startupCell(score) {
    if (!score)
        return '–';
    const live = `live after ${seconds(score.liveAfterMs)}`;
    const budget = score.startup;
    if (!budget)
        return live;
    // The arithmetic names the deployment file: a pull request's text, escaped.
    return `${live}: ${budget.usedPercent}% of the ${budget.probe} probe's budget (${escapeHtml(budget.arithmetic)})`;
}
function latencyCell(score) {
    const latency = score?.latency;
    if (!latency)
        return undefined;
    const sequential = `p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, max ${latency.maxMs} ms over ${latency.requests} sequential calls`;
    const burst = score?.concurrent;
    if (!burst)
        return sequential;
    return `${sequential}; ${burst.requests} calls at once: slowest ${burst.maxMs} ms`;
}
/** The limits the container ran with; undefined when it had none. */
function resourcesCell(score) {
    const { resources, gpus } = score ?? {};
    const parts = [];
    if (resources?.memory)
        parts.push(`memory ${formatBytes(resources.memory.bytes)} (${resources.memory.source}), swap included`);
    if (resources?.cpus)
        parts.push(`CPUs ${describeCpus(resources.cpus)}`);
    if (gpus !== undefined)
        parts.push(`GPUs ${gpus}`);
    if (parts.length === 0)
        return undefined;
    return [parts.join('; '), ...(resources?.warnings ?? [])].join('. ');
}
/** Rows for the container's resources, its memory use and the GPU hint, when there are any. */
function resourceRows(result) {
    const cells = [
        ['Resources', resourcesCell(result.smokeTestResult)],
        ['Memory', result.smokeTestResult?.memory && describeMemory(result.smokeTestResult.memory)],
        ['GPU', result.gpuHint],
    ];
    return cells
        .filter((cell) => cell[1] !== undefined)
        .map(([name, text]) => row(name, escapeHtml(text)));
}
/** One row per request: what it expected, what came back, how long it took. */
function casesTable(cases) {
    const header = ['Request', 'Status', 'Expected', 'Time', 'Verdict'].map((data) => ({
        data,
        header: true,
    }));
    const rows = cases.map((item) => [
        code(item.name),
        item.status === undefined ? '–' : String(item.status),
        String(item.expectedStatus),
        item.ms === undefined ? '–' : `${item.ms} ms`,
        item.problem === undefined ? '✅' : `❌ ${escapeHtml((0,step_text/* truncate */.xv)(item.problem, 300))}`,
    ]);
    return [header, ...rows];
}
function caseDetails(item) {
    const body = [
        `<p>Request</p><pre>${escapeHtml((0,step_text/* truncate */.xv)(item.request, SUMMARY_TEXT_LIMIT))}</pre>`,
        item.response === undefined
            ? ''
            : `<p>Response (${item.status})</p><pre>${escapeHtml((0,step_text/* truncate */.xv)(item.response, SUMMARY_TEXT_LIMIT))}</pre>`,
    ].join('');
    return [`${escapeHtml(item.name)}: request and response`, body];
}
function addCases(cases) {
    if (!cases || cases.length === 0)
        return;
    core.summary.addTable(casesTable(cases));
    // Failed cases first: they are what the reader came for.
    const ordered = [...cases].sort((a, b) => Number(b.problem !== undefined) - Number(a.problem !== undefined));
    for (const item of ordered)
        core.summary.addDetails(...caseDetails(item));
}
const header = (names) => names.map((data) => ({ data, header: true }));
/** The rows past `limit` as one line, so that a big install does not bury the rest. */
function capped(items, limit, add) {
    add(items.slice(0, limit));
    if (items.length > limit)
        core.summary.addRaw(`<p>and ${items.length - limit} more (all in the metadata output)</p>`, true);
}
function packageRow(kind, item) {
    return [
        code(item.name),
        kind,
        item.base === undefined ? '– (added)' : code(item.base),
        item.version === undefined ? '– (removed)' : code(item.version),
        // Never an empty cell: core.summary leaves its tag unclosed.
        item.server ? '⚠️' : '–',
    ];
}
/** What the image adds: each package added or changed, each layer; every name escaped. */
function addAdditions(adds) {
    if (!adds)
        return;
    core.summary.addHeading('What the image adds', 4);
    const rows = [
        ...(adds.pip ?? []).map((item) => packageRow('pip', item)),
        ...(adds.apt ?? []).map((item) => packageRow('apt', item)),
    ];
    if (adds.pip && adds.apt && rows.length === 0)
        core.summary.addRaw('<p>No package added or changed against the base.</p>', true);
    capped(rows, ADDS_ROWS, (shown) => {
        if (shown.length === 0)
            return;
        core.summary.addTable([header(['Package', 'Kind', 'Base', 'Image', 'Server']), ...shown]);
    });
    if (adds.pip?.some((item) => item.server))
        core.summary.addRaw(`<p>⚠️: the server (${SERVER_DISTRIBUTION}) or a distribution it depends on: a change there can stop it starting.</p>`, true);
    capped(adds.layers ?? [], ADDS_ROWS, (shown) => {
        const layerRows = shown.map((layer) => [
            code((0,step_text/* truncate */.xv)(layer.step, STEP_TEXT_LIMIT)),
            (0,step_text/* humanBytes */.p6)(layer.bytes),
        ]);
        if (layerRows.length > 0)
            core.summary.addTable([header(['Layer', 'Size']), ...layerRows]);
    });
    for (const note of adds.notes)
        core.summary.addRaw(`<p>${escapeHtml(note)}</p>`, true);
}
async function writeSummary(result, baseImage) {
    const title = result.hasImage ? result.tags[0] : 'Dockerfile only';
    const rows = [
        row('Base image', code(baseImage)),
        row('Tags', result.hasImage
            ? result.tags.map(code).join('<br>')
            : 'not built (<code>build: false</code>)'),
        row('Image id', result.imageId ? code(result.imageId) : '–'),
        row('Size', sizeCell(result)),
        ...copyRows(result.copies),
        row('Dependencies', dependenciesCell(result)),
        ...(result.engineTraffic ? [row('Remote engine', escapeHtml(result.engineTraffic))] : []),
        row('Build', result.reused
            ? 'nothing to build: the tag already held this build'
            : seconds(result.timings.buildMs)),
        row('Start-up', startupCell(result.smokeTestResult)),
        row('Smoke test', verdictCell(result)),
        ...resourceRows(result),
    ];
    const swagger = result.smokeTestResult?.swagger;
    if (swagger)
        rows.push(row('Schema (swagger.json)', escapeHtml(describeSwagger(swagger))));
    const latency = latencyCell(result.smokeTestResult);
    if (latency)
        rows.push(row('Latency', latency));
    const pushed = result.pushed ?? [];
    if (pushed.length > 0) {
        rows.push(row('Pushed', pushed.map(({ tag, digest }) => `${code(tag)} ${code(digest)}`).join('<br>')));
    }
    core.summary.addHeading(`✅ ${escapeHtml(title)} on ${escapeHtml(baseImage)}`, 3).addTable(rows);
    addCases(result.smokeTestResult?.cases);
    addAdditions(result.adds);
    await core.summary.write();
}
async function writeFailureSummary(message, baseImage, failure) {
    const on = baseImage ? ` on ${escapeHtml(baseImage)}` : '';
    core.summary
        .addHeading(`❌ extend-azureml-image failed${on}`, 3)
        .addRaw(`<pre>${escapeHtml(message)}</pre>`, true);
    const swagger = failure?.result.swagger;
    if (swagger)
        core.summary.addRaw(`<p>swagger.json: ${escapeHtml(describeSwagger(swagger))}</p>`, true);
    if (failure)
        addCases(failure.result.cases);
    await core.summary.write();
}

;// CONCATENATED MODULE: ./src/main.ts
// The main step. The one place that fails the step: inner modules throw errors that already say
// which input or phase failed and why. It raises exactly one error annotation, pointing at the
// user's file and line when the failure allows (core.error + exit code: what setFailed does,
// with the annotation's properties).











async function run(docker = new docker_docker.DockerCli(), { requireLinuxRunner = true } = {}) {
    const leftovers = new Leftovers(docker);
    const stopWatchingSignals = cleanupOnSignals(leftovers);
    let inputs;
    try {
        if (requireLinuxRunner && process.platform !== 'linux') {
            throw new Error(`extend-azureml-image needs a Linux runner (this is ${process.platform}): Azure ML inference images are Linux images`);
        }
        inputs = getInputs();
        const imageCache = inputs.cache ? new ActionsImageCache() : undefined;
        const result = await runPipeline(inputs, docker, leftovers, imageCache);
        setOutputs(result, inputs.baseImage);
        await writeSummary(result, inputs.baseImage).catch(warnSummary);
    }
    catch (error) {
        const message = (0,step_text/* errorMessage */.gJ)(error);
        await leftovers.cleanup();
        const smokeTestFailure = error instanceof SmokeTestFailure ? error : undefined;
        if (smokeTestFailure)
            setSmokeTestFailureOutputs(smokeTestFailure);
        core.error(message, annotationFor(error, inputs, smokeTestFailure?.python));
        process.exitCode = core.ExitCode.Failure;
        await writeFailureSummary(message, inputs?.baseImage, smokeTestFailure).catch(warnSummary);
    }
    finally {
        stopWatchingSignals();
    }
}
function warnSummary(error) {
    // Outside a runner there is no summary file; that is not the step's failure.
    core.debug(`No job summary written: ${String(error)}`);
}


/***/ }),

/***/ 2687:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   p6: () => (/* binding */ humanBytes),
/* harmony export */   w$: () => (/* binding */ lastLines),
/* harmony export */   xv: () => (/* binding */ truncate)
/* harmony export */ });
// Text helpers every stage uses for messages: the end of a log, a cut value, an error's message.
// One home each, so a message is cut and worded the same way wherever it comes from.
/** The last `count` lines of `text` (LF or CRLF), trailing blank space dropped. */
function lastLines(text, count) {
    return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}
/** `text` cut to `limit` characters, saying how much was left out. */
function truncate(text, limit) {
    return text.length <= limit
        ? text
        : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}
/** What was thrown, as a message; non-Error throws are not lost. */
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}
/** "782 B", "1.2 kB", "40.1 MB": bytes in decimal units, as the summary's sizes. */
function humanBytes(bytes) {
    if (bytes < 1000)
        return `${bytes} B`;
    if (bytes < 1000 * 1000)
        return `${(bytes / 1000).toFixed(1)} kB`;
    return `${(bytes / 1000 / 1000).toFixed(1)} MB`;
}


/***/ })

};
