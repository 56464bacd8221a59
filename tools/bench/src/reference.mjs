/**
 * --reference: our workload and the PyTorch CPU anchor (planet_bench.py) side by side, never at
 * the same time: per workload, --rounds N pairs of (ours, reference), each in a fresh process,
 * with the same warm-up, repeats, sizes and thread count (VMBRL_WASM_THREADS for ours, --threads
 * for the reference). Medians are over all samples of all rounds. The reference measures other
 * processes' load itself, the same way (planet_bench.py `timed`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHORT_WINDOW_MS, cores, loadText, runOurs } from './child.mjs';
import { intFlag, summarise } from './harness.mjs';
import { WORKLOADS } from './workloads/index.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the anchor lives next to the repository. */
export const DEFAULT_SCRIPT = path.resolve(
  repoRoot,
  '../shared/anchors/torch_reference/planet_bench.py',
);
const INSTALL =
  'apt-get update && apt-get install -y python3-torch python3-numpy libopenblas0-openmp';
/** Size flags passed unchanged to planet_bench.py (it has the same names). */
const SIZE_FLAGS = ['B', 'L', 'big-B', 'big-L', 'J', 'H', 'I', 'K', 'matmul-n'];

/** Whether the reference can run: `{ ok, torch?, python?, reason? }`. */
export function checkReference(python, script) {
  if (!existsSync(script)) {
    return { ok: false, reason: `${script} not found`, hint: 'pass --reference-script PATH' };
  }
  const probe = spawnSync(
    python,
    ['-c', 'import platform, torch; print(torch.__version__, platform.python_version())'],
    { encoding: 'utf8' },
  );
  const hint = `install it with: ${INSTALL} (see ${path.dirname(script)}/README.md)`;
  if (probe.error) return { ok: false, reason: `${python}: ${probe.error.message}`, hint };
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').pop();
    return { ok: false, reason: `${python} cannot import torch (${last})`, hint };
  }
  const [torch, pythonVersion] = probe.stdout.trim().split(' ');
  return { ok: true, torch, python: pythonVersion };
}

/** Runs the anchor's `name` once; returns its JSON (the workload's figures under `result`). */
function runTorch(python, script, name, { threads, warmup, repeats, flags }) {
  const args = [script, '--threads', threads, '--workloads', name];
  args.push('--warmup', warmup, '--runs', repeats, '--matmul-runs', repeats);
  args.push('--big-warmup', warmup, '--big-runs', repeats);
  for (const key of SIZE_FLAGS) if (flags[key] !== undefined) args.push(`--${key}`, flags[key]);
  const stdout = execFileSync(python, args.map(String), {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const json = JSON.parse(stdout);
  return { json, result: json.workloads[name], command: [python, ...args].join(' ') };
}

const mean = (xs) => {
  const v = xs.filter((x) => typeof x === 'number');
  return v.length ? Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 100) / 100 : null;
};

/**
 * Alternates ours and the reference for each workload and prints the comparison table; fills
 * `report.reference` and `report.comparisons`.
 */
export async function runReference({ workloads, flags, report, failures }) {
  const unsupported = workloads.filter((w) => !WORKLOADS[w].reference);
  if (unsupported.length > 0) {
    const ok = Object.keys(WORKLOADS).filter((w) => WORKLOADS[w].reference);
    console.error(
      `--reference: no PyTorch reference for ${unsupported.join(', ')} (${ok.join(', ')} have one)`,
    );
    process.exit(2);
  }
  const threads = String(flags.threads ?? '1');
  if (!/^\d+$/.test(threads)) {
    console.error(`--reference takes one --threads value, got '${threads}'`);
    process.exit(2);
  }
  const rounds = intFlag(flags, 'rounds', 2);
  const backend = String(flags.backends ?? 'wasm').split(',')[0];
  const python = String(flags.python ?? '/usr/bin/python3');
  const script = path.resolve(String(flags['reference-script'] ?? DEFAULT_SCRIPT));
  const check = checkReference(python, script);
  report.reference = {
    pythonPath: python,
    script,
    threads: Number(threads),
    rounds,
    backend,
    ...check,
  };
  if (!check.ok) {
    console.error(`PyTorch reference unavailable: ${check.reason}; ${check.hint}.`);
    console.error('Running ours only.');
    failures.push('reference unavailable');
  }
  report.comparisons = [];
  for (const workload of workloads) {
    const own = WORKLOADS[workload];
    const warmup = intFlag(flags, 'warmup', own.defaults?.warmup ?? 2);
    const repeats = intFlag(flags, 'repeats', own.defaults?.repeats ?? 10);
    const entry = { workload, reference: own.reference, warmup, repeats, ours: [], torch: [] };
    report.comparisons.push(entry);
    for (let round = 1; round <= rounds; round++) {
      let ours;
      try {
        ours = runOurs(workload, {
          backend,
          threads: backend === 'wasm' ? threads : undefined,
          flags: { ...flags, warmup, repeats },
        });
      } catch (error) {
        failures.push(`${workload} round ${round} (ours)`);
        console.error(`${workload} round ${round}: ours failed: ${error.message.split('\n')[0]}`);
        continue;
      }
      const c = ours.cases[0];
      entry.ours.push({ round, ...c, backend: ours.backend, threads: ours.threads });
      console.log(
        `${workload} round ${round} ours  median ${c.median.toFixed(2)} ms, other load ${loadText(c.load)}`,
      );
      if (!check.ok) continue;
      try {
        const ref = runTorch(python, script, own.reference, { threads, warmup, repeats, flags });
        const r = ref.result;
        // The reference's timed block lasts about as long as its runs together.
        const wallMs = r.all_ms.reduce((a, b) => a + b, 0);
        const load = { otherCores: r.other_procs_cpu_cores_avg, wallMs };
        report.reference.torchRun ??= { ...ref.json, workloads: undefined };
        entry.torch.push({
          round,
          command: ref.command,
          load,
          loadAverage: { before: ref.json.loadavg_start, after: ref.json.loadavg_end },
          ...r,
        });
        console.log(
          `${workload} round ${round} torch median ${r.median_ms.toFixed(2)} ms, other load ${loadText(load)}`,
        );
      } catch (error) {
        entry.torch.push({ round, error: String(error.message ?? error) });
        failures.push(`${workload} round ${round} (reference)`);
        console.error(`${workload} round ${round}: the reference failed: ${error.message}`);
      }
    }
    const oursAll = entry.ours.flatMap((r) => r.samples);
    const torchAll = entry.torch.flatMap((r) => r.all_ms ?? []);
    entry.summary = {
      oursMedian: oursAll.length ? summarise(oursAll).median : null,
      oursSamples: oursAll.length,
      torchMedian: torchAll.length ? summarise(torchAll).median : null,
      torchSamples: torchAll.length,
      oursOtherLoad: mean(entry.ours.map((r) => r.load.otherCores)),
      torchOtherLoad: mean(entry.torch.map((r) => r.load?.otherCores)),
      // Any load figure taken over less than SHORT_WINDOW_MS is rough (shown with ~).
      loadRough: [...entry.ours, ...entry.torch].some((r) => r.load?.wallMs < SHORT_WINDOW_MS),
    };
    const s = entry.summary;
    s.ratio =
      s.torchMedian && s.oursMedian ? Math.round((s.oursMedian / s.torchMedian) * 100) / 100 : null;
    if (entry.ours[0]?.gflops !== undefined) {
      const n = Number(flags['matmul-n'] ?? 1024);
      const gf = (ms) => (ms ? Math.round(((2 * n ** 3) / (ms * 1e6)) * 100) / 100 : null);
      s.oursGflops = gf(s.oursMedian);
      s.torchGflops = gf(s.torchMedian);
    }
  }
  printTable(report);
}

/** The side-by-side table. */
function printTable(report) {
  const { threads, rounds, backend, torch } = report.reference;
  console.log(
    `\nours: ${backend}, ${threads} thread(s), node ${report.node}; reference: torch ${torch ?? 'unavailable'}, --threads ${threads}; ${rounds} round(s), ${report.cpuModel}`,
  );
  const head = ['workload', 'ours median ms', 'ref median ms', 'ours/ref', 'other load ours/ref'];
  console.log(
    `${head[0].padEnd(9)} ${head[1].padStart(16)} ${head[2].padStart(16)} ${head[3].padStart(9)}  ${head[4]}`,
  );
  for (const { workload, summary: s } of report.comparisons) {
    const ours = s.oursMedian === null ? 'n/a' : `${s.oursMedian.toFixed(2)} (n=${s.oursSamples})`;
    const ref =
      s.torchMedian === null ? 'n/a' : `${s.torchMedian.toFixed(2)} (n=${s.torchSamples})`;
    const ratio = s.ratio === null ? 'n/a' : `${s.ratio.toFixed(2)}x`;
    console.log(
      `${workload.padEnd(9)} ${ours.padStart(16)} ${ref.padStart(16)} ${ratio.padStart(9)}  ${s.loadRough ? '~' : ''}${cores(s.oursOtherLoad)} / ${cores(s.torchOtherLoad)} cores`,
    );
    if (s.oursGflops !== undefined) {
      console.log(
        `${''.padEnd(9)} GFLOP/s: ours ${s.oursGflops}, reference ${s.torchGflops ?? 'n/a'}`,
      );
    }
  }
}
