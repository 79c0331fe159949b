#!/usr/bin/env bash
# Makes sure Debian's docker-registry (the CNCF distribution registry) is installed: the push
# tests start their own instance of it on loopback (__tests__/helpers/registry.ts). Only the
# binary is wanted, so the package's own service is kept from starting. Idempotent.
set -euo pipefail

if command -v docker-registry >/dev/null 2>&1; then
  exit 0
fi
echo "registry: installing docker-registry"
log=$(mktemp)
made_policy=
trap 'rm -f "$log"; [ -z "$made_policy" ] || rm -f "$policy"' EXIT
# Without a policy-rc.d, the package's postinst would start a registry service on :5000.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  made_policy=1
fi
# apt's chatter (debconf, needrestart) only matters when the install fails.
if ! { apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
    apt-get install -y -qq --no-install-recommends docker-registry; } >"$log" 2>&1; then
  echo "registry: installing docker-registry failed:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
command -v docker-registry >/dev/null
