#!/usr/bin/env bash
# Builds the local stand-in for the Azure ML prebuilt inference image from Debian packages only
# (no registry needed):
#   stage 1: debootstrap a minbase bookworm rootfs -> azureml-standin/rootfs:bookworm (once;
#            needs root or passwordless sudo)
#   stage 2: docker build standin/Dockerfile       -> azureml-standin/minimal-inference:latest
# Stage 2 is skipped when the image's hash label matches standin/ + the rootfs image id.
#
# Env: DOCKER (client, default: docker on PATH), DEBIAN_MIRROR, STANDIN_VERBOSE=1 (stream logs),
#      STANDIN_FORCE=1 (rebuild stage 2 even when up to date), STANDIN_TAG (tag of stage 2,
#      default latest: another tag tries a change without replacing the image every test uses).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCKER="${DOCKER:-docker}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
ROOTFS_IMAGE="azureml-standin/rootfs:${SUITE}"
IMAGE="azureml-standin/minimal-inference:${STANDIN_TAG:-latest}"
HASH_LABEL="io.extend-azureml-image.standin.hash"
# Bump when stage 1 changes: a rootfs image with another recipe label is rebuilt.
ROOTFS_RECIPE=2
ROOTFS_LABEL="io.extend-azureml-image.standin.rootfs-recipe"

say() { printf '[standin] %s\n' "$*"; }
die() { printf '[standin] ERROR: %s\n' "$*" >&2; exit 1; }

# Runs "$@" with output in a log file (streamed with STANDIN_VERBOSE=1); on failure shows its tail.
run_logged() {
  local log="$1"; shift
  if [[ "${STANDIN_VERBOSE:-}" == 1 ]]; then
    "$@" 2>&1 | tee "$log"; return "${PIPESTATUS[0]}"
  fi
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" | sed 's/^/    | /' >&2
    return 1
  fi
}

command -v "$DOCKER" >/dev/null 2>&1 || die "docker client '$DOCKER' not found"
"$DOCKER" info >/dev/null 2>&1 || die "cannot reach the Docker daemon (is dockerd running? permissions on /var/run/docker.sock?)"

workdir="$(mktemp -d "${TMPDIR:-/tmp}/standin-build.XXXXXX")"
rootfs=""
SUDO=""   # stage 1 needs root; a sudo-capable user (e.g. a GitHub runner) works too
cleanup() {
  if [[ -n "$rootfs" && -d "$rootfs" ]]; then
    # debootstrap mounts proc/sys inside the target; never rm -rf through a live mount.
    local m
    for m in $(awk -v r="$rootfs" '($5 == r || index($5, r "/") == 1) { print $5 }' /proc/self/mountinfo | sort -r); do
      $SUDO umount -l "$m" 2>/dev/null || true
    done
    if awk -v r="$rootfs" '($5 == r || index($5, r "/") == 1) { found = 1 } END { exit !found }' /proc/self/mountinfo; then
      printf '[standin] WARNING: mounts left under %s, not removing it\n' "$rootfs" >&2
    else
      $SUDO rm -rf --one-file-system "$rootfs"
    fi
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- stage 1: rootfs -------------------------------------------------------------------------
rootfs_recipe="$("$DOCKER" image inspect -f "{{ index .Config.Labels \"$ROOTFS_LABEL\" }}" "$ROOTFS_IMAGE" 2>/dev/null || true)"
if [[ "$rootfs_recipe" == "$ROOTFS_RECIPE" ]]; then
  say "rootfs $ROOTFS_IMAGE present"
else
  if (( EUID != 0 )); then
    sudo -n true 2>/dev/null \
      || die "the rootfs image $ROOTFS_IMAGE is missing and debootstrap needs root (or passwordless sudo)"
    SUDO=sudo
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    run_logged "$workdir/apt.log" $SUDO env DEBIAN_FRONTEND=noninteractive \
        bash -c 'apt-get update && apt-get install -y --no-install-recommends debootstrap' \
      || die "could not install debootstrap"
  fi
  rootfs="$(mktemp -d "${TMPDIR:-/tmp}/standin-rootfs.XXXXXX")"
  say "debootstrap --variant=minbase $SUITE from $MIRROR (a minute or so)"
  run_logged "$workdir/debootstrap.log" $SUDO debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" \
    || die "debootstrap failed (log tail above; mirror reachable?)"

  # Same mirror for updates and security fixes, so apt in the image gets current packages.
  $SUDO tee "$rootfs/etc/apt/sources.list" >/dev/null <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
SOURCES
  # Keep every later layer small: no man pages, docs or translations (licences stay).
  $SUDO tee "$rootfs/etc/dpkg/dpkg.cfg.d/01-standin-slim" >/dev/null <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
  $SUDO rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
      "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  $SUDO find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  $SUDO find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  $SUDO truncate -s 0 "$rootfs/etc/resolv.conf"   # docker provides its own; don't bake the host's

  say "importing rootfs as $ROOTFS_IMAGE"
  $SUDO tar --numeric-owner -C "$rootfs" -c . | "$DOCKER" import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' \
      --change "LABEL $ROOTFS_LABEL=$ROOTFS_RECIPE" \
      - "$ROOTFS_IMAGE" >/dev/null \
    || die "docker import of the rootfs failed"
fi

# ---- stage 2: the stand-in image ------------------------------------------------------------
rootfs_id="$("$DOCKER" image inspect -f '{{.Id}}' "$ROOTFS_IMAGE")"
# Names, modes and contents of every file in standin/ (run scripts need their x bit) + base id.
hash="$( { tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
                 --exclude='*.swp' --exclude='*~' -C "$here" -cf - . ; echo "$rootfs_id"; } \
         | sha256sum | cut -c1-32)"
old_id="$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
current="$("$DOCKER" image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$IMAGE" 2>/dev/null || true)"
if [[ "$current" == "$hash" && "${STANDIN_FORCE:-}" != 1 ]]; then
  say "$IMAGE is up to date ($hash)"
  exit 0
fi

# Docker >= 23 clients need the buildx plugin for BuildKit; without it fall back to the legacy
# builder instead of failing. Debian's 20.10 client has BuildKit built in, so it is honoured.
if [[ "${DOCKER_BUILDKIT:-}" == 1 ]]; then
  client_major="$("$DOCKER" version -f '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)"
  if [[ "${client_major:-0}" =~ ^[0-9]+$ ]] && (( client_major >= 23 )) \
      && ! "$DOCKER" buildx version >/dev/null 2>&1; then
    say "DOCKER_BUILDKIT=1 but '$DOCKER' has no buildx plugin: using the legacy builder"
    export DOCKER_BUILDKIT=0
  fi
fi

say "building $IMAGE (hash $hash)"
start=$SECONDS
run_logged "$workdir/build.log" "$DOCKER" build \
    --label "$HASH_LABEL=$hash" \
    -t "$IMAGE" -f "$here/Dockerfile" "$here" \
  || die "docker build failed (log tail above; STANDIN_VERBOSE=1 streams the whole log)"
new_id="$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE")"
# Drop the image this build replaced; docker refuses while containers or child images use it.
if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
  "$DOCKER" rmi "$old_id" >/dev/null 2>&1 || true
fi
size="$("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE")"
say "built $IMAGE in $((SECONDS - start))s, $((size / 1000000)) MB"
