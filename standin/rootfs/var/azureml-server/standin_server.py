"""Scoring server of the Azure ML inference image stand-in.

A small Flask reimplementation of the HTTP contract of azureml-inference-server-http: gunicorn
imports this module in each worker (once in the master with --preload); importing it loads the
entry script and calls its init(). Any failure there exits with code 3, so gunicorn stops with
"Worker failed to boot" and the container exits.

An undecorated run(data) gets the raw body as a string. A run() decorated with inference_schema's
@input_schema/@output_schema gets keyword arguments from the JSON object in the body, and
/swagger.json carries the schemas the decorators declared.
"""

import copy
import importlib.util
import inspect
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback
import uuid

from flask import Flask, Response, g, request
from inference_schema.schema_util import (
    get_input_schema,
    get_output_schema,
    get_supported_versions,
    is_schema_decorated,
)
from werkzeug.exceptions import HTTPException

WORKER_BOOT_ERROR = 3  # gunicorn's exit code for a worker that could not boot
RUN_FAILED_MESSAGE = "An unexpected error occurred in scoring script. Check the logs for more info."
# Each OpenAPI document the server can write: the names ?version= accepts for it, the version
# inference_schema knows it by, the user's file in the app root that replaces it.
SWAGGER_VERSIONS = {
    "2": {"aliases": ("2", "2.0"), "schema_version": "2.0", "user_files": ("swagger.json", "swagger2.json")},
    "3": {"aliases": ("3", "3.0"), "schema_version": "3.0", "user_files": ("swagger3.json",)},
    "3.1": {"aliases": ("3.1",), "schema_version": "3.1", "user_files": ("swagger3.1.json",)},
}
# What an undecorated run() is said to take and return.
UNDECLARED_SCHEMA = {"type": "object", "example": {}}

logger = logging.getLogger("azmlinfsrv")


def _configure_logging():
    name = os.environ.get("AZUREML_LOG_LEVEL", "INFO").upper()
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        level = logging.INFO
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(name)s - %(message)s")
    )
    # On the root logger, so the entry script's own logging shows up too.
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def _fail_boot(message):
    logger.error(message)
    logger.error("The server cannot start: exiting with code %d", WORKER_BOOT_ERROR)
    sys.exit(WORKER_BOOT_ERROR)


def _model_dir_listing(limit=200):
    model_dir = os.environ.get("AZUREML_MODEL_DIR")
    if not model_dir:
        return "AZUREML_MODEL_DIR is not set"
    if not os.path.isdir(model_dir):
        return f"AZUREML_MODEL_DIR={model_dir} is not a directory"
    lines = [f"AZUREML_MODEL_DIR={model_dir}:"]
    for top, dirs, files in os.walk(model_dir):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(top, name)
            try:
                size = os.path.getsize(path)
            except OSError:
                size = "?"
            lines.append(f"  {os.path.relpath(path, model_dir)} ({size} bytes)")
            if len(lines) > limit:
                lines.append("  ...")
                return "\n".join(lines)
    if len(lines) == 1:
        lines.append("  (empty)")
    return "\n".join(lines)


def _check_config_json(app_root):
    # The real server reads <app root>/config.json as its own settings: an unreadable one stops
    # it. The stand-in has no settings there, so any keys only earn a warning.
    path = os.path.join(app_root, "config.json")
    if not os.path.isfile(path):
        return
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, ValueError) as e:
        _fail_boot(f"Cannot read server config {path}: {e}")
    if not isinstance(config, dict):
        _fail_boot(f"Server config {path} must be a JSON object")
    if config:
        logger.warning(
            "%s is read as the server's config; ignoring keys it does not know: %s",
            path,
            ", ".join(sorted(config)),
        )


def _load_entry_script():
    app_root = os.environ.get("AML_APP_ROOT", "/var/azureml-app")
    entry = os.environ.get("AZUREML_ENTRY_SCRIPT", "main.py")
    path = os.path.normpath(entry if os.path.isabs(entry) else os.path.join(app_root, entry))
    _check_config_json(app_root)
    if not os.path.isfile(path):
        _fail_boot(f"Entry script not found: {path} (AZUREML_ENTRY_SCRIPT={entry}, AML_APP_ROOT={app_root})")

    # The script's own directory first (as `python score.py` would), then the app root, so
    # modules shipped next to it import.
    for directory in (app_root, os.path.dirname(path)):
        if directory not in sys.path:
            sys.path.insert(0, directory)

    name = os.path.splitext(os.path.basename(path))[0]
    logger.info("Loading entry script %s as module %r", path, name)
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except Exception:
        _fail_boot(f"Failed to import the entry script {path}:\n{traceback.format_exc()}")

    missing = [fn for fn in ("init", "run") if not callable(getattr(module, fn, None))]
    if missing:
        _fail_boot(f"The entry script {path} must define init() and run(); missing: {', '.join(missing)}")
    _analyze_run(module.run, path)

    logger.info("Calling init()")
    started = time.perf_counter()
    # Exception, not BaseException: when gunicorn's worker timeout aborts a slow init() the
    # worker must exit as aborted (gunicorn boots a new one), not as a boot failure.
    try:
        module.init()
    except Exception:
        _fail_boot(
            f"init() of {path} raised:\n{traceback.format_exc()}"
            f"Model directory contents:\n{_model_dir_listing()}"
        )
    logger.info("init() done in %.1f ms", (time.perf_counter() - started) * 1000)
    return module


class RunSignature:
    """How run() is called: its input parameters, and whether it also wants the headers."""

    def __init__(self, parameters, wants_headers, decorated):
        self.parameters = parameters
        self.wants_headers = wants_headers
        self.decorated = decorated


def _analyze_run(run, path):
    global run_signature
    parameters = list(inspect.signature(run).parameters.values())
    odd = [p.name for p in parameters if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if odd:
        _fail_boot(f"run() in {path} cannot take positional-only parameters, *args or **kwargs: {', '.join(odd)}")
    wants_headers = any(p.name == "request_headers" for p in parameters)
    inputs = [p for p in parameters if p.name != "request_headers"]
    if not inputs:
        _fail_boot(f"run() in {path} needs a parameter for the input data")
    decorated = is_schema_decorated(run)
    run_signature = RunSignature(inputs, wants_headers, decorated)
    if decorated:
        logger.info(
            "run() declares a schema (inference_schema): called with keyword arguments %s from the JSON body",
            ", ".join(p.name for p in inputs),
        )
    else:
        logger.info("run() declares no schema: called with the raw body as a string")


class BadRequest(Exception):
    """The request cannot be turned into run()'s arguments; `status` is the answer."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _query_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def _run_arguments():
    """run()'s keyword arguments for this request (BadRequest when it cannot give them)."""
    signature = run_signature
    if not signature.decorated:
        if request.method == "GET":
            raw = json.dumps(_query_arguments())
        else:
            try:
                raw = request.get_data().decode("utf-8")
            except UnicodeDecodeError as error:
                raise BadRequest(400, f"The body is not UTF-8: {error}") from None
        return {signature.parameters[0].name: raw}
    if request.method == "GET":
        body = _query_arguments()
    else:
        if not request.is_json:
            raise BadRequest(415, "run() declares an input schema: send Content-Type: application/json")
        data = request.get_data()
        if not data:
            raise BadRequest(400, "The body is empty: run() declares an input schema and expects a JSON object")
        try:
            body = json.loads(data)
        except ValueError as error:
            raise BadRequest(400, f"The body is not JSON: {error}") from None
        if not isinstance(body, dict):
            raise BadRequest(400, "The body must be a JSON object whose keys are run()'s parameters")
    arguments = {}
    for parameter in signature.parameters:
        if parameter.name in body:
            arguments[parameter.name] = body[parameter.name]
        elif parameter.default is not inspect.Parameter.empty:
            arguments[parameter.name] = parameter.default
        else:
            raise BadRequest(400, f"The body has no value for run()'s parameter {parameter.name!r}")
    return arguments


def _query_arguments():
    """Query parameters as JSON values; a repeated one becomes a list."""
    return {
        key: (_query_value(values[0]) if len(values) == 1 else [_query_value(v) for v in values])
        for key, values in request.args.lists()
    }


def _json_response(status, payload):
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _scoring_timeout_ms():
    try:
        return int(os.environ.get("SCORING_TIMEOUT_MS", "3600000"))
    except ValueError:
        return 3600000


def _on_alarm(signum, frame):
    # A TimeoutError, as the real server raises; like it, a TimeoutError run() raises itself
    # is answered as a timeout too.
    raise TimeoutError()


def _call_run(arguments, timeout_ms):
    """Calls run(**arguments), interrupted after timeout_ms as the real server does it: a
    SIGALRM timer raises inside run() (in the worker's main thread, where gunicorn's sync
    worker serves requests; elsewhere signals cannot be used and there is no timeout).

    Returns (outcome, value, elapsed ms) with outcome "ok", "error" (value: traceback) or
    "timeout" (value: traceback of where run() was interrupted).
    """
    timed = threading.current_thread() is threading.main_thread()
    started = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _on_alarm) if timed else None
    if timed:
        signal.setitimer(signal.ITIMER_REAL, timeout_ms / 1000)
    try:
        value = entry_script.run(**arguments)
        outcome = "ok"
    except TimeoutError:
        value, outcome = traceback.format_exc(), "timeout"
    except Exception:
        value, outcome = traceback.format_exc(), "error"
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return outcome, value, (time.perf_counter() - started) * 1000


def _swagger_documents(app_root, run):
    """The OpenAPI document of each version this entry script can have: the user's own file
    from the app root, else one written from the decorators' schemas."""
    decorated = is_schema_decorated(run)
    if decorated:
        input_schema, output_schema = get_input_schema(run), get_output_schema(run)
        versions = get_supported_versions(run)
    else:
        input_schema, output_schema = UNDECLARED_SCHEMA, UNDECLARED_SCHEMA
        versions = [spec["schema_version"] for spec in SWAGGER_VERSIONS.values()]
    documents = {}
    for name, spec in SWAGGER_VERSIONS.items():
        user_file = next(
            (os.path.join(app_root, f) for f in spec["user_files"] if os.path.isfile(os.path.join(app_root, f))),
            None,
        )
        if user_file:
            try:
                with open(user_file, encoding="utf-8") as f:
                    documents[name] = json.load(f)
            except (OSError, ValueError) as error:
                _fail_boot(f"Cannot read the swagger file {user_file}: {error}")
            logger.info("Serving %s as /swagger.json?version=%s", user_file, name)
        elif spec["schema_version"] in versions:
            documents[name] = _openapi_document(name, copy.deepcopy(input_schema), copy.deepcopy(output_schema))
    skipped = [name for name in SWAGGER_VERSIONS if name not in documents]
    logger.info(
        "Swagger documents for versions [%s]%s",
        ", ".join(documents),
        f"; none for [{', '.join(skipped)}] (the declared schema needs a later version)" if skipped else "",
    )
    return documents


def _openapi_document(version, input_schema, output_schema):
    """An OpenAPI document of the given version for the three routes, with run()'s schemas as
    ServiceInput and ServiceOutput (OpenAPI 2 keeps them in definitions, 3 in components)."""
    title = "ML service"
    info = {
        "title": title,
        "description": f"API specification for the Azure Machine Learning service {title}",
        "version": "1.0",
    }
    openapi2 = version == "2"
    ref = "#/definitions/" if openapi2 else "#/components/schemas/"
    versions = {"type": "string", "enum": list(SWAGGER_VERSIONS)}

    def answer(description, schema):
        if openapi2:
            return {"description": description, "schema": schema}
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    if openapi2:
        score_input = {
            "parameters": [
                {"name": "serviceInputPayload", "in": "body", "schema": {"$ref": ref + "ServiceInput"}}
            ]
        }
        version_parameter = {"name": "version", "in": "query", "required": False, **versions}
    else:
        score_input = {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": ref + "ServiceInput"}}}}
        }
        version_parameter = {"name": "version", "in": "query", "required": False, "schema": versions}
    failure = answer("The request failed", {"$ref": ref + "ErrorResponse"})

    def operation(operation_id, description, ok, **more):
        return {
            "operationId": operation_id,
            "description": description,
            **more,
            "responses": {"200": ok, "default": failure},
        }

    paths = {
        "/": {"get": operation("ServiceHealthCheck", "Liveness", answer("Healthy", {"type": "string"}))},
        "/score": {
            "post": operation(
                "RunMLService",
                "Calls run() and answers what it returned",
                answer("What run() returned", {"$ref": ref + "ServiceOutput"}),
                **score_input,
            )
        },
        "/swagger.json": {
            "get": operation(
                "GetSwaggerSpec",
                "This document",
                answer("The OpenAPI document", {"type": "object"}),
                parameters=[version_parameter],
            )
        },
    }
    schemas = {
        "ServiceInput": input_schema,
        "ServiceOutput": output_schema,
        "ErrorResponse": {"type": "object", "properties": {"message": {"type": "string"}}},
    }
    if openapi2:
        return {
            "swagger": "2.0",
            "info": info,
            "schemes": ["https"],
            "consumes": ["application/json"],
            "produces": ["application/json"],
            "paths": paths,
            "definitions": schemas,
        }
    return {
        "openapi": "3.1.0" if version == "3.1" else "3.0.3",
        "info": info,
        "paths": paths,
        "components": {"schemas": schemas},
    }


_configure_logging()
run_signature = None
entry_script = _load_entry_script()
swagger_documents = _swagger_documents(
    os.environ.get("AML_APP_ROOT", "/var/azureml-app"), entry_script.run
)
app = Flask(__name__)


@app.before_request
def _take_request_id():
    g.request_id = request.headers.get("x-request-id") or str(uuid.uuid4())


@app.after_request
def _add_request_id(response):
    response.headers["x-request-id"] = g.get("request_id") or str(uuid.uuid4())
    return response


@app.errorhandler(HTTPException)
def _http_error(error):
    response = error.get_response()  # keeps headers such as Allow on 405
    response.set_data(json.dumps({"message": error.description}))
    response.mimetype = "application/json"
    return response


@app.errorhandler(Exception)
def _unexpected_error(error):
    logger.exception("Unexpected server error")
    return _json_response(500, {"message": "An unexpected internal error occurred. Check the logs for more info."})


@app.route("/", methods=["GET"])
def liveness():
    return Response("Healthy", mimetype="text/plain")


@app.route("/swagger.json", methods=["GET"])
def swagger():
    version = request.args.get("version", "2")
    known = {alias: name for name, spec in SWAGGER_VERSIONS.items() for alias in spec["aliases"]}
    supported = f"Supported versions: [{', '.join(sorted(swagger_documents))}]."
    if version not in known:
        return _json_response(404, {"message": f"Swagger version [{version}] is not valid. {supported}"})
    document = swagger_documents.get(known[version])
    if document is None:
        message = f"Swagger version [{version}] is not supported by the entry script's schema. {supported}"
        return _json_response(404, {"message": message})
    return _json_response(200, document)


@app.route("/score", methods=["GET", "POST"])
def score():
    timeout_ms = _scoring_timeout_ms()
    try:
        arguments = _run_arguments()
    except BadRequest as error:
        return _json_response(error.status, {"message": error.message})
    if run_signature.wants_headers:
        arguments["request_headers"] = dict(request.headers)
    outcome, value, elapsed = _call_run(arguments, timeout_ms)
    if outcome == "timeout":
        logger.error("run() did not finish within SCORING_TIMEOUT_MS=%d:\n%s", timeout_ms, value)
        response = _json_response(500, {"message": f"Scoring timeout after {timeout_ms} ms"})
        response.headers["x-ms-run-function-failed"] = "True"
        return response

    if outcome == "error":
        logger.error("run() raised:\n%s", value)
        response = _json_response(500, {"message": RUN_FAILED_MESSAGE})
        response.headers["x-ms-run-function-failed"] = "True"
    elif isinstance(value, Response):  # run() may build its own response
        response = value
    else:
        try:
            response = _json_response(200, value)
        except (TypeError, ValueError):
            logger.error("The value returned by run() is not JSON serializable:\n%s", traceback.format_exc())
            response = _json_response(500, {"message": RUN_FAILED_MESSAGE})
    response.headers["x-ms-run-fn-exec-ms"] = f"{elapsed:.3f}"
    return response
