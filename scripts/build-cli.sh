#!/usr/bin/env bash
# Builds the command line (src/cli.ts) into OUTDIR/cli/ and writes OUTDIR/cli.js, the small
# launcher that package.json's "bin" names. ncc writes index.js plus lazily loaded chunks, which
# would collide with the action's own in OUTDIR, hence the folder of its own.
#   bash scripts/build-cli.sh dist
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: build-cli.sh OUTDIR}
rm -rf "$out/cli"
npx ncc build src/cli.ts -o "$out/cli" --license licenses.txt --target es2022
cat >"$out/cli.js" <<'LAUNCHER'
#!/usr/bin/env node
// The extend-azureml-image command line, bundled in ./cli/ by scripts/build-cli.sh (src/cli.ts).
import './cli/index.js'
LAUNCHER
chmod +x "$out/cli.js"
