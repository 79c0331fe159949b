#!/usr/bin/env bash
# The baseline: the hand-written way to build and smoke-test an extended Azure ML image.
# `docker build .` of the whole project folder, `docker run -d` on a loopback port, a curl loop
# with `sleep 1` until GET / answers 200, one POST /score, `docker rm -f`.
#
#   baseline.sh <project dir> <image tag> <container name> <host port> <pip index url> [<base image>]
#
# The "BASELINE <phase>" lines are the benchmark's markers (it stamps them as they arrive);
# they do no work.
set -euo pipefail
project=$1 tag=$2 name=$3 port=$4 index_url=$5 base=${6:-}

removed=
# Ctrl-C or SIGTERM from the benchmark: do not leave the container running.
trap '[ -n "$removed" ] || docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT TERM

cd "$project"
echo "BASELINE build"
docker build --network host ${base:+--build-arg "BASE=$base"} \
  --build-arg PIP_INDEX_URL="$index_url" --build-arg PIP_TRUSTED_HOST=127.0.0.1 \
  -t "$tag" .

echo "BASELINE run"
docker run -d --name "$name" -p "127.0.0.1:$port:5001" "$tag"

echo "BASELINE started"
tries=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
  tries=$((tries + 1))
  if [ "$tries" -ge 300 ]; then
    echo "not live after 300 tries"
    docker logs "$name" 2>&1 | tail -n 30
    exit 1
  fi
  sleep 1
done
echo "BASELINE live"

response=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  --data @sample-request.json "http://127.0.0.1:$port/score")
echo "BASELINE score $response"

docker rm -f "$name" >/dev/null
removed=1
echo "BASELINE removed"
