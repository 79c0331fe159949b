"""Writes the RECORD of a distribution copied into site-packages by hand, as pip would have.

Usage: python write-record.py SITE_PACKAGES DIST_INFO_DIR...
Each DIST_INFO_DIR (a name inside SITE_PACKAGES) names its packages in top_level.txt; RECORD
lists every file of those packages (the compiled __pycache__ files too) and of the dist-info
folder with its sha256 and size, so that pip knows which files the distribution owns
(`pip show -f`, `pip uninstall`). Written at image build time: the hashes follow the files.
"""

import base64
import hashlib
import os
import sys


def record_line(site, path):
    with open(path, "rb") as handle:
        data = handle.read()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{os.path.relpath(path, site)},sha256={digest},{len(data)}"


def files_under(path):
    if os.path.isfile(path):
        yield path
        return
    for folder, subfolders, names in os.walk(path):
        subfolders.sort()
        for name in sorted(names):
            yield os.path.join(folder, name)


def write_record(site, dist_info):
    info = os.path.join(site, dist_info)
    record = os.path.join(info, "RECORD")
    with open(os.path.join(info, "top_level.txt"), encoding="utf-8") as handle:
        packages = [line.strip() for line in handle if line.strip()]
    paths = []
    for package in packages:
        module = os.path.join(site, package + ".py")
        paths.extend(files_under(module if os.path.isfile(module) else os.path.join(site, package)))
    paths.extend(p for p in files_under(info) if p != record)
    lines = [record_line(site, p) for p in paths]
    lines.append(f"{os.path.relpath(record, site)},,")
    with open(record, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    for name in sys.argv[2:]:
        write_record(sys.argv[1], name)
