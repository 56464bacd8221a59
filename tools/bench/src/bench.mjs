#!/usr/bin/env node
/**
 * vmbrl benchmarks. Each (workload, backend, thread count) runs in its own process, because the
 * tfjs backend is chosen once per process; every case reports warm-up, the median of its timed
 * repeats, and the CPU load of OTHER processes over those repeats (cores; see load.mjs).
 *
 *   pnpm bench [workload...] [--backends wasm,cpu] [--threads 1,2] [--warmup N] [--repeats N]
 *              [--json FILE] [workload flags]
 *   pnpm bench w3 w1 w2 --reference [--rounds 2] [--threads 1]   (side by side with PyTorch)
 *
 * Workloads: src/workloads/index.mjs (`pnpm bench --list`); options: `pnpm bench --help`.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { derivedText, loadText, machineInfo, runOurs } from './child.mjs';
import { intFlag, parseArgs } from './harness.mjs';
import { runReference } from './reference.mjs';
import { WORKLOADS } from './workloads/index.mjs';

/** Harness options and what each does (printed by --help). */
const OPTIONS = {
  '--list': 'list the workloads and exit',
  '--help': 'print this help and exit',
  '--backends wasm,cpu': "tfjs backends to run on (default: the workload's own, else wasm,cpu)",
  '--threads 1,2':
    'wasm thread counts (VMBRL_WASM_THREADS), one process each; one value with --reference (default 1 there)',
  '--warmup N': "untimed runs before timing (default: the workload's, else 2)",
  '--repeats N': "timed runs; the median is reported (default: the workload's, else 10)",
  '--json FILE': 'write every sample, load figures and machine info to FILE',
  '--reference': 'alternate ours and the PyTorch reference (w1, w1big, w2, w3 only)',
  '--rounds N': 'with --reference: ours/reference pairs per workload (default 2)',
  '--python PATH': 'with --reference: the python running the reference (default /usr/bin/python3)',
  '--reference-script PATH':
    'with --reference: planet_bench.py (default ../shared/anchors/torch_reference/planet_bench.py)',
};
/** Workload flags (passed on to every workload named; each reads only its own). */
const WORKLOAD_FLAGS = {
  '--B N --L N': 'w1 batch and length (8, 16); replay-sample (50, 50); dreamer-update (preset)',
  '--big-B N --big-L N': 'w1big batch and length (50, 50)',
  '--J --H --I --K':
    'w2 candidates, horizon, iterations, top-K (1000, 12, 10, 100); --H: dreamer horizon',
  '--matmul-n N': 'w3 matrix side (1024)',
  '--tasks a,b': 'env-physics / env-pixels / render: tasks (default all)',
  '--steps N': 'env-physics control steps (500) / env-pixels agent steps (10) per run',
  '--repeat R': 'env-pixels and cem-oracle action repeat (8)',
  '--frames N --size N': 'render frames per run (10) and image side (64)',
  '--episodes N --episode-length N --disk --cache-mb N':
    'replay-sample data (20 x 500), disk store',
  '--preset P': 'dreamer-update / alm-update run preset (quick)',
  '--agent A --batch N --hidden N --model N': 'alm-update variant and sizes',
  '--batch N --kernels fast|original|both': 'conv-step / conv-kernels image batch (8) and kernels',
  '--designs a,b --presets paper,quick':
    'study-designs: which designs and presets; --batch, --J, --I shrink a case (scaled back)',
  '--cem table10|own': "study-designs: Table 10's CEM (default) or each preset's own",
};

/** Flags without a value. */
const BOOLEANS = ['list', 'help', 'reference', 'disk'];
const { positional, flags } = parseArgs(process.argv.slice(2), BOOLEANS);

if (flags.list || flags.help) {
  console.log('workloads:');
  for (const [name, w] of Object.entries(WORKLOADS))
    console.log(`  ${name.padEnd(15)} ${w.description}${w.reference ? ' [--reference]' : ''}`);
  if (flags.help) {
    console.log('options:');
    const row = ([k, v]) =>
      console.log(k.length > 26 ? `  ${k}\n  ${''.padEnd(26)} ${v}` : `  ${k.padEnd(26)} ${v}`);
    Object.entries(OPTIONS).forEach(row);
    console.log('workload flags:');
    Object.entries(WORKLOAD_FLAGS).forEach(row);
  }
  process.exit(0);
}

const reference = Boolean(flags.reference);
const workloads =
  positional.length > 0 ? positional : reference ? ['w3', 'w1', 'w2'] : ['conv-step'];
for (const name of workloads) {
  if (!WORKLOADS[name]) {
    console.error(`Unknown workload '${name}'; available: ${Object.keys(WORKLOADS).join(', ')}`);
    process.exit(2);
  }
}
// Validate early (the child reads them again).
if (flags.warmup !== undefined) intFlag(flags, 'warmup', 0);
if (flags.repeats !== undefined) intFlag(flags, 'repeats', 0);

const report = {
  date: new Date().toISOString(),
  ...machineInfo(),
  loadAverageBefore: os.loadavg(),
  options: { ...flags },
  results: [],
};

/** Workload runs that failed (their errors went to stderr); the exit code is 1 if any. */
const failures = [];
if (reference) {
  await runReference({ workloads, flags, report, failures });
} else {
  const threadCounts = flags.threads === undefined ? [undefined] : String(flags.threads).split(',');
  for (const workload of workloads) {
    const own = WORKLOADS[workload];
    const backends = flags.backends
      ? String(flags.backends).split(',')
      : (own.defaults?.backends ?? ['wasm', 'cpu']);
    for (const backend of own.usesTensor === false ? backends.slice(0, 1) : backends) {
      const perThreads = backend === 'wasm' && own.usesTensor !== false;
      for (const threads of perThreads ? threadCounts : [undefined]) {
        let result;
        try {
          result = runOurs(workload, { backend, threads, flags });
        } catch (error) {
          failures.push(`${workload} on ${backend}${threads ? `x${threads}` : ''}`);
          console.error(`${workload} on ${backend} failed: ${error.message.split('\n')[0]}`);
          continue;
        }
        report.results.push(result);
        const label = result.threads ? `${result.backend}x${result.threads}` : result.backend;
        for (const c of result.cases) {
          const extra = derivedText(c);
          console.log(
            `${workload.padEnd(13)} ${label.padEnd(7)} ${c.name.padEnd(48)} median ${c.median.toFixed(2).padStart(9)} ms  (min ${c.min.toFixed(2)}, max ${c.max.toFixed(2)}, n=${c.samples.length})  other load ${loadText(c.load)}${extra ? `  ${extra}` : ''}`,
          );
        }
      }
    }
  }
}

report.loadAverageAfter = os.loadavg();
const fmt = (xs) => xs.map((x) => x.toFixed(2)).join(' ');
console.log(
  `load average before ${fmt(report.loadAverageBefore)}, after ${fmt(report.loadAverageAfter)}; "other load" = CPU cores used by other processes during the timed runs`,
);
if (flags.json) {
  // Relative to where `pnpm bench` was typed (pnpm runs this in tools/bench, INIT_CWD is there).
  const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), String(flags.json));
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
if (failures.length > 0) {
  console.error(`failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
