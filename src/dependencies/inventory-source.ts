// The inventory program, as Python source: run by an image's own interpreter (no flags, so it
// sees the packages the server would: the env's, the system site, the user site), it prints as
// JSON what is installed there: every Python distribution with the requirements it declares
// (markers evaluated for this interpreter, extras left out), what `pip check` says, and the
// Debian packages when the image has dpkg. The requirements are parsed with pip's vendored
// `packaging` (or `packaging` itself); without either only the names are kept. Written for
// Python 3.6 and later; kept free of backticks and "${" so that it stays a plain String.raw.

export const INVENTORY_SOURCE = String.raw`
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
`
