#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io when the daemon is missing and
# starts dockerd in the background when it is not running. Idempotent. As root, or as a user with
# passwordless sudo (a GitHub runner's; there docker-ce already answers, so nothing is done).
set -euo pipefail

# Runs "$@" as root: directly when root, else through sudo (-n: fail rather than ask).
as_root() { if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi; }

if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  exit 0
fi
if ((EUID != 0)) && ! sudo -n true 2>/dev/null; then
  echo "docker-engine: no engine answers, and installing or starting one needs root or passwordless sudo" >&2
  exit 1
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker-engine: installing docker.io"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
echo "docker-engine: starting dockerd"
# The log is opened by root's shell: /var/log is not writable by a runner's user.
as_root sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
for _ in $(seq 1 60); do
  if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    echo "docker-engine: engine $(docker version --format '{{.Server.Version}}') is up"
    exit 0
  fi
  sleep 1
done
echo "docker-engine: dockerd did not answer within 60 s; its log:" >&2
as_root tail -n 30 /var/log/dockerd.log >&2
exit 1
