#!/usr/bin/env bash
# The project's test command (README): installs what it needs, then lint, format, types, the
# validation of action.yml and the example workflows, unit tests, the dist check, and the
# integration tests against a real Docker engine and the local stand-in image. Integration tests
# never skip: without an engine they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/docker-engine.sh
bash scripts/registry.sh
bash standin/build.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
step() { echo; echo "=== $1"; }

step lint && npm run --silent lint
step format && npm run --silent format:check
step typecheck && npm run --silent typecheck
step workflows && npm run --silent validate-workflows
step unit && NODE_OPTIONS=--experimental-vm-modules npx jest --config jest.config.js --json --outputFile "$results/unit.json"
step dist && bash scripts/check-dist.sh
step integration && NODE_OPTIONS=--experimental-vm-modules npx jest --config jest.integration.config.js --json --outputFile "$results/integration.json"

# One closing line over both suites (they only get here when every test passed).
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of process.argv.slice(1)) { const r = JSON.parse(fs.readFileSync(f, "utf8")); passed += r.numPassedTests; failed += r.numFailedTests; }
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
' "$results/unit.json" "$results/integration.json"
