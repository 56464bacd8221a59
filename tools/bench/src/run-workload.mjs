/**
 * Runs one workload on one backend and prints `BENCH_RESULT <json>` (used by bench.mjs).
 *   node run-workload.mjs <workload> --backend wasm [--warmup N] [--repeats N] [workload flags]
 * --warmup / --repeats default to the workload's `defaults`, then 2 / 10.
 */
import { intFlag, measure, parseArgs } from './harness.mjs';
import { WORKLOADS } from './workloads/index.mjs';

const { positional, flags } = parseArgs(process.argv.slice(2), ['disk']);
const [name] = positional;
const workload = WORKLOADS[name];
if (!workload) throw new Error(`Unknown workload '${name}'`);

let tensor;
try {
  tensor = await import('@vmbrl/tensor');
} catch (error) {
  console.error(
    'Cannot load @vmbrl/tensor; build it first: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/tensor',
  );
  throw error;
}
const backend =
  workload.usesTensor === false ? 'none' : await tensor.initBackend({ backend: flags.backend });
const threads = backend === 'wasm' ? (tensor.currentWasmThreads?.() ?? null) : null;
const options = { ...flags, kernels: flags.kernels ?? 'fast' };
const warmup = intFlag(flags, 'warmup', workload.defaults?.warmup ?? 2);
const repeats = intFlag(flags, 'repeats', workload.defaults?.repeats ?? 10);
if (repeats < 1) throw new Error('--repeats must be at least 1');
const cases = await workload.cases(tensor, options);
const results = [];
for (const c of cases) {
  await c.setup?.();
  const stats = await measure(c.run, { warmup, repeats });
  results.push({ name: c.name, ...stats, ...(c.info ?? {}), ...(c.derive?.(stats) ?? {}) });
  await c.dispose?.();
}
const result = { workload: name, backend, threads, warmup, repeats, options, cases: results };
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
// Worker threads (env workers, disk samplers) must not keep the process alive.
process.exit(0);
