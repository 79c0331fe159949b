#!/usr/bin/env bash
# The engine's floor for one smoke test: what no tool can go below on this machine.
# `docker run -d` on a loopback port, curl every 20 ms until GET / answers 200, one
# POST /score, `docker rm -f`. No build: the image exists already.
#
#   floor.sh <image> <container name> <host port> <sample request file>
#
# "FLOOR <phase>" lines are the benchmark's markers.
set -euo pipefail
image=$1 name=$2 port=$3 sample=$4

removed=
trap '[ -n "$removed" ] || docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT TERM

echo "FLOOR run"
docker run -d --name "$name" -p "127.0.0.1:$port:5001" "$image" >/dev/null
tries=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
  tries=$((tries + 1))
  if [ "$tries" -ge 15000 ]; then
    echo "not live after 300 s"
    exit 1
  fi
  sleep 0.02
done
echo "FLOOR live"
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' --data @"$sample" \
  "http://127.0.0.1:$port/score"
docker rm -f "$name" >/dev/null
removed=1
echo "FLOOR removed"
