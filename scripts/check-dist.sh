#!/usr/bin/env bash
# Fails when dist/ does not match what the sources build to: dist/ is what the runner executes
# (index.js) and what `npx extend-azureml-image` runs (cli.js, cli/).
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
npx ncc build src/index.ts -o "$fresh" --license licenses.txt --target es2022 >/dev/null
bash scripts/build-cli.sh "$fresh" >/dev/null
if ! diff -r -q dist "$fresh" >/dev/null; then
  echo "check-dist: dist/ is stale; run 'npm run build' and commit dist/:" >&2
  diff -r -q dist "$fresh" >&2 || true
  exit 1
fi
echo "check-dist: dist/ matches the sources"
