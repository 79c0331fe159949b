#!/usr/bin/env node
// A/B of two builds of the action: runs bench/benchmark.mjs alternately with BENCH_ACTION_DIST set
// to the old and the new `dist/` folder, the order swapped every pair (old,new / new,old) so that
// drift on a shared machine falls on both, then prints each run's figures for scenarios 2, 3 and 7
// and the medians, new against old.
//
//   node bench/ab.mjs --old DIR --new DIR [--pairs N (5)] [--from N (1)] [--out DIR (/tmp/ab)]
//                     [--builder legacy|buildkit (legacy)] [--report]
//
// Each run writes OUT/<old|new>-<pair>.json and .log; --from resumes at that pair, --report only
// reads the JSONs in OUT. A failed run is run once more: on a shared engine another process may
// have removed the dependencies image scenario 2 expects (an integration run's teardown removes
// the dependencies images that appeared during it), and the benchmark then fails, not measures.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from './project.mjs'
import { median } from './report.mjs'

const { values: args } = parseArgs({
  options: {
    old: { type: 'string' },
    new: { type: 'string' },
    pairs: { type: 'string', default: '5' },
    from: { type: 'string', default: '1' },
    out: { type: 'string', default: '/tmp/ab' },
    builder: { type: 'string', default: 'legacy' },
    report: { type: 'boolean', default: false },
  },
})
// One builder per A/B (legacy or buildkit): scenarios 2 and 3 are run with it.
const BUILDER = args.builder
const out = path.resolve(args.out)
const pairs = Number(args.pairs)
if (!Number.isInteger(pairs) || pairs < 1) throw new Error('--pairs wants a positive integer')

if (!args.report) {
  for (const side of ['old', 'new']) {
    if (!args[side] || !fs.existsSync(path.join(args[side], 'index.js')))
      throw new Error(`--${side} wants a dist/ folder with an index.js`)
  }
  fs.mkdirSync(out, { recursive: true })
  for (let pair = Number(args.from); pair <= pairs; pair++) {
    for (const side of pair % 2 ? ['old', 'new'] : ['new', 'old'])
      for (let attempt = 1; !runOnce(pair, side, attempt); attempt++)
        if (attempt === 2)
          throw new Error(`the benchmark failed twice: see ${out}/${side}-${pair}.log`)
  }
}

function runOnce(pair, side, attempt) {
  const name = path.join(out, `${side}-${pair}`)
  const log = fs.openSync(`${name}.log`, 'w')
  const started = Date.now()
  const bench = [
    'bench/benchmark.mjs',
    '--only',
    '2,3,7',
    '--repetitions',
    '1',
    '--builders',
    BUILDER,
  ]
  const result = spawnSync(process.execPath, [...bench, '--json', `${name}.json`], {
    cwd: ROOT,
    env: { ...process.env, BENCH_ACTION_DIST: path.resolve(args[side]) },
    stdio: ['ignore', log, log],
  })
  fs.closeSync(log)
  const took = ((Date.now() - started) / 1000).toFixed(0)
  console.log(`pair ${pair} ${side}: exit ${result.status ?? result.signal}, ${took} s`)
  if (result.status !== 0) fs.renameSync(`${name}.log`, `${name}.failed-${attempt}.log`)
  return result.status === 0
}

// The benchmark's own figures: the action's time (main + post) and action/baseline for 2 and 3,
// then the part of it that is the action's own code, not the engine's (node start-up, prepare,
// post step); for 7 the main step with build: false (median of its 10) and that minus a bare node.
const own = (run) => OWN.reduce((sum, segment) => sum + run.segments[segment], 0)
const OWN = ['node start-up', 'prepare (docker checks, input digest, staging)', 'post step']
// The builder's figures (results.builders.<builder>, since the benchmark runs both).
const of = (r) => ({ summary: r.summary[BUILDER], scenarios: r.builders[BUILDER].scenarios })
const FIGURES = [
  ['2 nothing changed: action ms', (r) => of(r).summary.unchanged.actionMs],
  ['2 action/baseline', (r) => of(r).summary.unchanged.ratio],
  ['2 start-up+prepare+post ms', (r) => own(of(r).scenarios.unchanged.action[0])],
  ['3 code change: action ms', (r) => of(r).summary.code.actionMs],
  ['3 action/baseline', (r) => of(r).summary.code.ratio],
  ['3 start-up+prepare+post ms', (r) => own(of(r).scenarios.code.action[0])],
  ['7 build: false main ms', (r) => r.summary.overhead.actionMainMs],
  ['7 minus node -e 0, ms', (r) => r.summary.overhead.overheadMs],
]
const runs = { old: [], new: [] }
for (const file of fs
  .readdirSync(out)
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
  const match = /^(old|new)-(\d+)\.json$/.exec(file)
  if (!match) continue
  const results = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'))
  runs[match[1]].push({ pair: Number(match[2]), results })
}
const format = (value, label) => (label.includes('/') ? value.toFixed(3) : value.toFixed(0))
console.log(`\ncolumns: ${FIGURES.map(([label]) => label).join(' | ')}`)
for (const side of ['old', 'new']) {
  console.log(`\n${side} (dist ${runs[side][0]?.results.machine.distSha256}):`)
  for (const { pair, results } of runs[side]) {
    const figures = FIGURES.map(([label, get]) => `${format(get(results), label)}`)
    const load = `${results.machine.loadAverageAtStart[0]}-${results.machine.loadAverageAtEnd[0]}`
    console.log(`  pair ${String(pair).padStart(2)}: ${figures.join('  ')}  (load ${load})`)
  }
}
function compare(label, old, now) {
  const diff = now - old
  const sign = diff >= 0 ? '+' : ''
  console.log(
    `  ${label.padEnd(30)} old ${format(old, label)}  new ${format(now, label)}  ` +
      `${sign}${format(diff, label)} (${sign}${((diff / old) * 100).toFixed(1)} %)`,
  )
}
console.log(`\nmedians over ${runs.old.length} old and ${runs.new.length} new runs:`)
for (const [label, get] of FIGURES) {
  compare(label, ...['old', 'new'].map((side) => median(runs[side].map((r) => get(r.results)))))
}
// Scenario 7's samples of every run together (10 a run): steadier than a median of medians.
for (const key of ['actionMainMs', 'bareNodeMs']) {
  const pooled = (side) => median(runs[side].flatMap((r) => r.results.scenarios.overhead[key]))
  compare(`7 ${key}, all samples`, pooled('old'), pooled('new'))
}
