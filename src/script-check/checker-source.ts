// The checker, as Python source: run by the base image's own interpreter (`python -c`), it
// reads the code files as JSON on stdin and prints its verdicts as JSON. It parses, never imports:
// init() may need the model and packages that are not installed yet. It fails only what the
// server (azureml-inference-server-http, server/user_script.py) would certainly refuse at start:
// a file that does not compile, no binding of init or run at all, and a plain `def run` whose
// parameters inspect.signature would show as positional-only, *args or **kwargs, or with no
// parameter for the data. Written for Python 3.6 and later (older images run older Pythons).
// Kept free of backticks and "${" so that it stays a plain String.raw.

export const CHECKER_SOURCE = String.raw`
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
`
