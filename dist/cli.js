#!/usr/bin/env node
// The extend-azureml-image command line, bundled in ./cli/ by scripts/build-cli.sh (src/cli.ts).
import './cli/index.js'
