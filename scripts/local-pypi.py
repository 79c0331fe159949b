#!/usr/bin/env python3
"""A package index on loopback, for builds that must not reach PyPI.

Builds a pure-Python wheel from each folder <dist>-<version>/ under --packages (the folder holds
the importable package(s); no build tools are needed) and serves them as a PEP 503 "simple"
index at http://127.0.0.1:<port>/simple/. Prints that URL on its first line, then serves until
SIGTERM or --max-seconds, so a forgotten index stops by itself. With --write-wheels it only
writes the wheels (for `pip install <file>` or `--find-links`).

A file named REQUIRES at the top of a folder is not packaged: each of its non-blank lines is a
requirement of the wheel (a `Requires-Dist:` line of its METADATA, e.g. `pydantic>=2`).
"""
import argparse
import base64
import hashlib
import html
import http.server
import io
import os
import re
import signal
import sys
import threading
import zipfile


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(folder):
    """Returns (wheel file name, bytes) for a <dist>-<version> folder."""
    dist, version = os.path.basename(folder).rsplit("-", 1)
    wheel_dist = re.sub(r"[-.]+", "_", dist)
    info = f"{wheel_dist}-{version}.dist-info"
    files = {}
    requires = []
    for root, _dirs, names in os.walk(folder):
        for name in sorted(names):
            if name.endswith(".pyc"):
                continue
            if root == folder and name == "REQUIRES":
                with open(os.path.join(root, name), encoding="utf-8") as handle:
                    requires = [line.strip() for line in handle if line.strip()]
                continue
            full = os.path.join(root, name)
            with open(full, "rb") as handle:
                files[os.path.relpath(full, folder).replace(os.sep, "/")] = handle.read()
    metadata = f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {line}\n" for line in requires)
    files[f"{info}/METADATA"] = metadata.encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: local-pypi\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return f"{wheel_dist}-{version}-py3-none-any.whl", buffer.getvalue(), normalise(dist)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", required=True, help="folder of <dist>-<version>/ folders")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--write-wheels", metavar="DIR", help="write the wheels to DIR and exit")
    args = parser.parse_args()

    wheels = {}  # file name -> bytes
    projects = {}  # normalised project -> [file names]
    for entry in sorted(os.listdir(args.packages)):
        folder = os.path.join(args.packages, entry)
        if os.path.isdir(folder) and "-" in entry:
            name, data, project = build_wheel(folder)
            wheels[name] = data
            projects.setdefault(project, []).append(name)

    if args.write_wheels:
        for name, data in wheels.items():
            with open(os.path.join(args.write_wheels, name), "wb") as handle:
                handle.write(data)
            print(os.path.join(args.write_wheels, name))
        return

    class Handler(http.server.BaseHTTPRequestHandler):
        def send(self, status, body, content_type="text/html"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            parts = [part for part in self.path.split("?")[0].split("/") if part]
            if parts == ["simple"]:
                links = "".join(f'<a href="/simple/{p}/">{p}</a>\n' for p in sorted(projects))
                return self.send(200, f"<html><body>\n{links}</body></html>\n".encode())
            if len(parts) == 2 and parts[0] == "simple" and normalise(parts[1]) in projects:
                links = "".join(
                    f'<a href="/files/{html.escape(n)}#sha256={hashlib.sha256(wheels[n]).hexdigest()}">{html.escape(n)}</a>\n'
                    for n in projects[normalise(parts[1])]
                )
                return self.send(200, f"<html><body>\n{links}</body></html>\n".encode())
            if len(parts) == 2 and parts[0] == "files" and parts[1] in wheels:
                return self.send(200, wheels[parts[1]], "application/octet-stream")
            return self.send(404, b"not found\n", "text/plain")

        def log_message(self, format, *arguments):
            sys.stderr.write("local-pypi: " + (format % arguments) + "\n")

    server = http.server.ThreadingHTTPServer((args.host, 0), Handler)
    print(f"http://{args.host}:{server.server_address[1]}/simple/", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    threading.Timer(args.max_seconds, server.shutdown).start()
    server.serve_forever()
    os._exit(0)


if __name__ == "__main__":
    main()
