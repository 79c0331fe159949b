#!/usr/bin/env bash
# The ways this engine has to export what a dependencies image adds to its base, for the cache
# (issue 16: "if no engine API allows it, show the measurements of the ways you tried"). Each is
# timed on the stand-in and on a fat base (the stand-in plus FAT_MIB of random bytes in two
# layers, as the benchmark's 1f), with the same 20 MiB added on top, and printed with the
# fat/stand-in ratio: a way whose cost does not grow with the base stays near 1.0x.
#   bash bench/save-ways.sh            # FAT_MIB=2048 REPETITIONS=3
# Everything it makes (images, containers, temp dir) carries its run id and is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

FAT_MIB=${FAT_MIB:-2048}
REPETITIONS=${REPETITIONS:-3}
BASE=azureml-standin/minimal-inference:latest
RUN=eai-save-ways-$$
TMP=$(mktemp -d)
BUILDKIT_CLIENT=/usr/bin/docker # Debian's 20.10 client: BuildKit built in

cleanup() {
  docker rm -f "$RUN-c-small" "$RUN-c-fat" >/dev/null 2>&1 || true
  docker image rm "$RUN-deps:small" "$RUN-deps:fat" "$RUN-fatbase:latest" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

docker image inspect "$BASE" >/dev/null || bash standin/build.sh >/dev/null
user=$(docker image inspect --format '{{.Config.User}}' "$BASE")
half=$((FAT_MIB / 2))
mkdir -p "$TMP/fat" "$TMP/deps"
printf 'FROM %s\nUSER root\nRUN head -c %sM /dev/urandom > /opt/fat-1.bin\nRUN head -c %sM /dev/urandom > /opt/fat-2.bin\nUSER %s\n' \
  "$BASE" "$half" "$half" "$user" >"$TMP/fat/Dockerfile"
echo "building the fat base (+$FAT_MIB MiB) and a dependencies image (+20 MiB) on each base" >&2
DOCKER_BUILDKIT=0 docker build --quiet --tag "$RUN-fatbase:latest" "$TMP/fat" >/dev/null
for kind in small fat; do
  from=$BASE
  [ "$kind" = fat ] && from="$RUN-fatbase:latest"
  printf 'FROM %s\nUSER root\nRUN mkdir -p /opt/deps && head -c 20M /dev/urandom > /opt/deps/blob\nUSER %s\n' \
    "$from" "$user" >"$TMP/deps/Dockerfile"
  DOCKER_BUILDKIT=0 docker build --quiet --tag "$RUN-deps:$kind" "$TMP/deps" >/dev/null
  docker create --name "$RUN-c-$kind" "$RUN-deps:$kind" >/dev/null
done
# What only the added layer holds, through BuildKit's tar exporter: files, not layers.
cat >"$TMP/diff.Dockerfile" <<'DOCKERFILE'
ARG DEPS
FROM ${DEPS} AS deps
FROM scratch
COPY --from=deps /opt/deps /opt/deps
DOCKERFILE

ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Each way: a name, and the command that streams its export to stdout for the image $1 / container $2.
way_save() { docker save "$1"; }
way_export() { docker export "$2"; }
way_buildkit_tar() {
  DOCKER_BUILDKIT=1 "$BUILDKIT_CLIENT" build --quiet --build-arg "DEPS=$1" \
    --file "$TMP/diff.Dockerfile" --output type=tar,dest=- "$TMP/deps"
}

printf '%-42s %12s %12s %8s %10s\n' "way (streamed to a byte count)" "stand-in" "fat base" "fat/std" "fat bytes"
for way in save export buildkit_tar; do
  declare -A median_ms=() bytes=()
  for kind in small fat; do
    times=()
    for _ in $(seq 1 "$REPETITIONS"); do
      start=$(ms)
      count=$("way_$way" "$RUN-deps:$kind" "$RUN-c-$kind" | wc -c)
      times+=($(($(ms) - start)))
    done
    median_ms[$kind]=$(printf '%s\n' "${times[@]}" | median)
    bytes[$kind]=$count
  done
  ratio=$(awk -v a="${median_ms[fat]}" -v b="${median_ms[small]}" 'BEGIN {printf "%.2fx", a / b}')
  case $way in
    save) label='docker save (what the action filters)' ;;
    export) label='docker export of a container (whole FS)' ;;
    buildkit_tar) label='BuildKit --output type=tar (added files)' ;;
  esac
  printf '%-42s %10s ms %10s ms %8s %10s\n' "$label" "${median_ms[small]}" "${median_ms[fat]}" "$ratio" "${bytes[fat]}"
  unset median_ms bytes
done
