#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io when the daemon is missing and
# starts dockerd in the background when it is not running. Idempotent.
set -euo pipefail

if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker-engine: installing docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
echo "docker-engine: starting dockerd"
nohup dockerd >/var/log/dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    echo "docker-engine: engine $(docker version --format '{{.Server.Version}}') is up"
    exit 0
  fi
  sleep 1
done
echo "docker-engine: dockerd did not answer within 60 s; its log:" >&2
tail -n 30 /var/log/dockerd.log >&2
exit 1
