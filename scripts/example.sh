#!/usr/bin/env bash
# The main job on the embedded default: builds the bundled example (examples/minimal) on the
# local stand-in of the Azure ML image and smoke-tests it, with no registry, through the
# product's own command line, dist/cli.js: committed and bundled, it needs no `npm install`.
# Its Python requirement is served from the project's local index on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f dist/cli.js ]; then
  echo "example: dist/cli.js is missing (it is committed; after changing src/, run npm ci && npm run build)" >&2
  exit 1
fi
bash scripts/docker-engine.sh
bash standin/build.sh

index_log=$(mktemp)
python3 scripts/local-pypi.py --packages examples/packages --max-seconds 1800 >"$index_log" 2>/dev/null &
index_pid=$!
trap 'kill "$index_pid" 2>/dev/null || true; rm -f "$index_log"' EXIT
for _ in $(seq 1 50); do [ -s "$index_log" ] && break; sleep 0.1; done
index_url=$(head -n 1 "$index_log")
if [ -z "$index_url" ]; then
  echo "example: the local package index (scripts/local-pypi.py) did not start" >&2
  exit 1
fi

node dist/cli.js --workspace examples/minimal \
  --base-image azureml-standin/minimal-inference:latest \
  --apt-packages libgomp1 \
  --requirements requirements.txt \
  --code-dir code \
  --entry-script score.py \
  --model-dir model \
  --pip-index-url "$index_url" \
  --network host \
  --sample-request sample-request.json \
  --deployment deployment.yml \
  --score-requests 5 \
  --expected-response '{"predictions": [4.75, 0.25], "openmp": true}'
