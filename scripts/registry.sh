#!/usr/bin/env bash
# Makes sure Debian's docker-registry (the CNCF distribution registry) is installed: the push
# tests start their own instance of it on loopback (__tests__/helpers/registry.ts). Only the
# binary is wanted, so the package's own service is kept from starting. Idempotent. As root, or as
# a user with passwordless sudo (a GitHub runner's).
set -euo pipefail

# Runs "$@" as root: directly when root, else through sudo (-n: fail rather than ask).
as_root() { if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi; }

if command -v docker-registry >/dev/null 2>&1; then
  exit 0
fi
echo "registry: installing docker-registry"
if ((EUID != 0)) && ! sudo -n true 2>/dev/null; then
  echo "registry: installing docker-registry needs root or passwordless sudo" >&2
  exit 1
fi
log=$(mktemp)
made_policy=
trap 'rm -f "$log"; [ -z "$made_policy" ] || as_root rm -f "$policy"' EXIT
# Without a policy-rc.d, the package's postinst would start a registry service on :5000.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
  made_policy=1
  as_root chmod 755 "$policy"
fi
# apt's chatter (debconf, needrestart) only matters when the install fails.
# (sudo resets the environment: apt's variables are passed with env.)
if ! { as_root apt-get update -qq &&
  as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
    apt-get install -y -qq --no-install-recommends docker-registry; } >"$log" 2>&1; then
  echo "registry: installing docker-registry failed:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
command -v docker-registry >/dev/null
