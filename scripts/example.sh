#!/usr/bin/env bash
# The main job on the embedded default: builds the bundled example (examples/minimal) on the
# local stand-in of the Azure ML image and smoke-tests it, with no registry. Its Python
# requirement is served from the project's local index on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/docker-engine.sh
bash standin/build.sh

index_log=$(mktemp)
python3 scripts/local-pypi.py --packages examples/packages --max-seconds 1800 >"$index_log" 2>/dev/null &
index_pid=$!
trap 'kill "$index_pid" 2>/dev/null || true; rm -f "$index_log"' EXIT
for _ in $(seq 1 50); do [ -s "$index_log" ] && break; sleep 0.1; done
index_url=$(head -n 1 "$index_log")

node scripts/run-action.mjs --workspace examples/minimal \
  --input base-image=azureml-standin/minimal-inference:latest \
  --input apt-packages=libgomp1 \
  --input requirements=requirements.txt \
  --input code-dir=code \
  --input entry-script=score.py \
  --input model-dir=model \
  --input pip-index-url="$index_url" \
  --input network=host \
  --input sample-request=sample-request.json \
  --input expected-response='{"predictions": [4.75, 0.25], "openmp": true}'
