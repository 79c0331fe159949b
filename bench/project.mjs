// The benchmark's project folder (what a user's repository holds) and its package index.
//
//   <root>/packages/  tinylinear-1.0.0 (the example's) + eai-bench-bulk-1.0.0 (generated)
//   <root>/project/   Dockerfile (the baseline's), requirements.txt, code/score.py,
//                     model/model.json (+ model/weights.bin for scenario 4), sample-request.json
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const ROOT = path.resolve(here, '..')

export const BASE_IMAGE = 'azureml-standin/minimal-inference:latest'
// ~6.7 MB to download, ~46 MB installed: seconds of real apt work.
export const APT_PACKAGES = ['libgomp1', 'libopenblas0-pthread']
// A pure-Python package with this many modules: pip unpacks and byte-compiles each one, which
// takes seconds, like a real ML dependency (no PyPI here, so it is generated).
const BULK_MODULES = 4000
export const EXPECTED_PREDICTIONS = [4.75, 0.25]

function bulkModule(index) {
  const functions = []
  for (let f = 0; f < 12; f++) {
    functions.push(
      `def f${f}(values, scale=${f + 1}):\n` +
        `    """Function ${f} of module ${index}."""\n` +
        `    total = 0\n` +
        `    for position, value in enumerate(values):\n` +
        `        total += (position + ${index}) * value * scale\n` +
        `    return total\n`,
    )
  }
  return `"""Generated module ${index} of the benchmark's bulk package."""\n\n${functions.join('\n\n')}`
}

/** The index's package folder: the example's tinylinear plus the generated bulk package. */
export function writePackages(dir) {
  fs.cpSync(
    path.join(ROOT, 'examples/packages/tinylinear-1.0.0'),
    path.join(dir, 'tinylinear-1.0.0'),
    { recursive: true },
  )
  const bulk = path.join(dir, 'eai-bench-bulk-1.0.0', 'eai_bench_bulk')
  fs.mkdirSync(bulk, { recursive: true })
  fs.writeFileSync(path.join(bulk, '__init__.py'), `MODULES = ${BULK_MODULES}\n`)
  for (let index = 0; index < BULK_MODULES; index++) {
    fs.writeFileSync(path.join(bulk, `m${String(index).padStart(4, '0')}.py`), bulkModule(index))
  }
}

// init() prints the wall-clock time (ms) just before it returns and run() answers it too, so the
// benchmark can tell when the server was ready (scenario 6) without reading the container's log,
// and REVISION proves that a rebuilt image really has the changed code.
function scoreScript(revision, typo = false) {
  return `"""Scoring script of the benchmark: the example's linear model."""
import json
import os
import time

import eai_bench_bulk  # noqa: F401  (installed by pip: proves the requirements are in)
from tinylinear import LinearModel

REVISION = ${revision}

model = None
init_done_ms = None


def init():
    global model, init_done_ms
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.json"), encoding="utf-8") as handle:
        model = LinearModel.from_dict(json.load(handle))
    init_done_ms = time.time_ns() // 1_000_000
    print(f"EAI_BENCH_INIT_DONE_MS={init_done_ms}", flush=True)


def run(raw_data)${typo ? '' : ':'}
    rows = json.loads(raw_data)["data"]
    return {"predictions": model.predict(rows), "revision": REVISION, "init_done_ms": init_done_ms}
`
}

export class Project {
  constructor(dir) {
    this.dir = dir
    this.revision = 0
    this.weights = path.join(dir, 'model', 'weights.bin')
  }

  write() {
    fs.mkdirSync(path.join(this.dir, 'code'), { recursive: true })
    fs.mkdirSync(path.join(this.dir, 'model'), { recursive: true })
    fs.copyFileSync(path.join(here, 'baseline.Dockerfile'), path.join(this.dir, 'Dockerfile'))
    fs.writeFileSync(
      path.join(this.dir, 'requirements.txt'),
      'tinylinear==1.0.0\neai-bench-bulk==1.0.0\n',
    )
    fs.copyFileSync(
      path.join(ROOT, 'examples/minimal/model/model.json'),
      path.join(this.dir, 'model', 'model.json'),
    )
    fs.copyFileSync(
      path.join(ROOT, 'examples/minimal/sample-request.json'),
      path.join(this.dir, 'sample-request.json'),
    )
    this.writeCode()
  }

  writeCode(typo = false) {
    fs.writeFileSync(path.join(this.dir, 'code', 'score.py'), scoreScript(this.revision, typo))
  }

  /** score.py with a typo (the colon after `def run(raw_data)` left out): a SyntaxError. */
  breakCode() {
    this.writeCode(true)
  }

  /** The line of score.py where Python reports breakCode()'s typo. */
  typoLine() {
    return (
      scoreScript(this.revision, true)
        .split('\n')
        .findIndex((line) => line.startsWith('def run(')) + 1
    )
  }

  /** The typo fixed: score.py as it was before breakCode(). */
  fixCode() {
    this.writeCode()
  }

  /** A code-only change: score.py's content changes (REVISION). */
  changeCode() {
    this.revision++
    this.writeCode()
  }

  /** Writes model/weights.bin of `mib` MiB (random data: nothing for a file system to share). */
  writeWeights(mib) {
    const block = randomBytes(1024 * 1024)
    const fd = fs.openSync(this.weights, 'w')
    try {
      for (let index = 0; index < mib; index++) {
        block.writeUInt32LE(index, 0) // no two blocks alike
        fs.writeSync(fd, block)
      }
    } finally {
      fs.closeSync(fd)
    }
  }

  /** A model-only change: new bytes at the start of weights.bin, same size, same inode. */
  changeModel() {
    const fd = fs.openSync(this.weights, 'r+')
    try {
      fs.writeSync(fd, randomBytes(1024 * 1024), 0, 1024 * 1024, 0)
    } finally {
      fs.closeSync(fd)
    }
  }

  removeWeights() {
    fs.rmSync(this.weights, { force: true })
  }

  modelBytes() {
    return treeBytes(path.join(this.dir, 'model'))
  }

  projectBytes() {
    return treeBytes(this.dir)
  }
}

/** Sum of the sizes of the regular files under `dir` (what a build context sends of them). */
export function treeBytes(dir) {
  let total = 0
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size
  }
  return total
}
