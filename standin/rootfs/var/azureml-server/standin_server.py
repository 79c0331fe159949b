"""Scoring server of the Azure ML inference image stand-in.

A small Flask reimplementation of the HTTP contract of azureml-inference-server-http for an
undecorated entry script: gunicorn imports this module in each worker (once in the master with
--preload); importing it loads the entry script and calls its init(). Any failure there exits
with code 3, so gunicorn stops with "Worker failed to boot" and the container exits.
"""

import importlib.util
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

WORKER_BOOT_ERROR = 3  # gunicorn's exit code for a worker that could not boot
RUN_FAILED_MESSAGE = "An unexpected error occurred in scoring script. Check the logs for more info."
SWAGGER_VERSIONS = {"2": "2.0", "3": "3.0.1", "3.1": "3.1.0"}

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


def _json_response(status, payload):
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _scoring_timeout_ms():
    try:
        return int(os.environ.get("SCORING_TIMEOUT_MS", "3600000"))
    except ValueError:
        return 3600000


def _call_run(data, timeout_ms):
    """Calls run(data) in a thread so a slow run() can be answered with a timeout.

    Returns (outcome, value, elapsed ms) with outcome "ok", "error" (value: traceback) or
    "timeout". A run() that timed out keeps going in the background until it returns.
    """
    box = {}

    def target():
        try:
            box["value"] = entry_script.run(data)
        except BaseException:
            box["error"] = traceback.format_exc()

    started = time.perf_counter()
    worker = threading.Thread(target=target, name="run", daemon=True)
    worker.start()
    worker.join(timeout_ms / 1000)
    elapsed = (time.perf_counter() - started) * 1000
    if worker.is_alive():
        return "timeout", None, elapsed
    if "error" in box:
        return "error", box["error"], elapsed
    return "ok", box.get("value"), elapsed


_configure_logging()
entry_script = _load_entry_script()
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
    if version not in SWAGGER_VERSIONS:
        return _json_response(
            404,
            {"message": f"Swagger version [{version}] is not valid. Supported versions: {', '.join(SWAGGER_VERSIONS)}"},
        )
    info = {"title": "ML service", "description": "API specification for the Azure ML model service", "version": "1.0"}
    score_op = {
        "description": "Run web service's model and get the prediction output",
        "responses": {"200": {"description": "Success"}, "default": {"description": "Failure"}},
    }
    paths = {
        "/": {"get": {"description": "Simple health check endpoint", "responses": {"200": {"description": "Healthy"}}}},
        "/score": {"get": score_op, "post": score_op},
    }
    if version == "2":
        doc = {"swagger": "2.0", "info": info, "schemes": ["http"], "paths": paths}
    else:
        doc = {"openapi": SWAGGER_VERSIONS[version], "info": info, "paths": paths}
    return _json_response(200, doc)


@app.route("/score", methods=["GET", "POST"])
def score():
    timeout_ms = _scoring_timeout_ms()
    outcome, value, elapsed = _call_run(request.get_data(as_text=True), timeout_ms)
    if outcome == "timeout":
        logger.error("run() did not finish within SCORING_TIMEOUT_MS=%d", timeout_ms)
        return _json_response(500, {"message": f"Scoring timeout after {timeout_ms} ms"})

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
