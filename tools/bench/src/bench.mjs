#!/usr/bin/env node
/**
 * vmbrl benchmarks. Each (workload, backend) pair runs in its own process, because the tfjs
 * backend is chosen once per process.
 *
 *   pnpm bench [workload...] [--backends wasm,cpu] [--warmup 2] [--repeats 10] [--json file]
 *              [--batch 8] [--kernels fast|original] [--threads 1,2]
 *
 * --threads runs each wasm case once per thread count (VMBRL_WASM_THREADS), back to back.
 *
 * Workloads: see src/workloads/index.mjs (`pnpm bench --list`).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { intFlag, parseArgs } from './harness.mjs';
import { WORKLOADS } from './workloads/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { positional, flags } = parseArgs(process.argv.slice(2));

if (flags.list || flags.help) {
  console.log('workloads:');
  for (const [name, w] of Object.entries(WORKLOADS))
    console.log(`  ${name.padEnd(14)} ${w.description}`);
  console.log(
    'options: --backends wasm,cpu --warmup N --repeats N --json FILE --batch N --kernels fast|original|both --threads 1,2',
  );
  process.exit(0);
}

const workloads = positional.length > 0 ? positional : ['conv-step'];
for (const name of workloads) {
  if (!WORKLOADS[name]) {
    console.error(`Unknown workload '${name}'; available: ${Object.keys(WORKLOADS).join(', ')}`);
    process.exit(2);
  }
}
const backends = String(flags.backends ?? 'wasm,cpu').split(',');
const warmup = intFlag(flags, 'warmup', 2);
const repeats = intFlag(flags, 'repeats', 10);
const threadCounts = flags.threads === undefined ? [undefined] : String(flags.threads).split(',');

const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  loadAverageBefore: os.loadavg(),
  options: { warmup, repeats, ...flags },
  results: [],
};

for (const workload of workloads) {
  for (const backend of backends) {
    for (const threads of backend === 'wasm' ? threadCounts : [undefined]) {
      const args = [path.join(here, 'run-workload.mjs'), workload, '--backend', backend];
      for (const [key, value] of Object.entries(flags)) {
        if (['backends', 'json', 'warmup', 'repeats', 'threads'].includes(key)) continue;
        args.push(`--${key}`, String(value));
      }
      args.push('--warmup', String(warmup), '--repeats', String(repeats));
      const stdout = execFileSync(process.execPath, args, {
        env: {
          ...process.env,
          VMBRL_BACKEND: backend,
          ...(threads ? { VMBRL_WASM_THREADS: threads } : {}),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) throw new Error(`${workload} on ${backend} printed no result:\n${stdout}`);
      const result = JSON.parse(line.slice('BENCH_RESULT '.length));
      if (threads) result.threads = Number(threads);
      report.results.push(result);
      const label = threads ? `${result.backend}x${threads}` : result.backend;
      for (const c of result.cases) {
        console.log(
          `${workload.padEnd(12)} ${label.padEnd(7)} ${c.name.padEnd(44)} median ${c.median.toFixed(2).padStart(9)} ms  (min ${c.min.toFixed(2)}, max ${c.max.toFixed(2)}, n=${c.samples.length})`,
        );
      }
    }
  }
}
report.loadAverageAfter = os.loadavg();
console.log(
  `load average before ${report.loadAverageBefore.map((x) => x.toFixed(2)).join(' ')}, after ${report.loadAverageAfter.map((x) => x.toFixed(2)).join(' ')}`,
);
if (flags.json) {
  writeFileSync(String(flags.json), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${flags.json}`);
}
