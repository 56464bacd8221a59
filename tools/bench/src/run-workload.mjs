/** Runs one workload on one backend and prints `BENCH_RESULT <json>` (used by bench.mjs). */
import { intFlag, measure, parseArgs } from './harness.mjs';
import { WORKLOADS } from './workloads/index.mjs';

const { positional, flags } = parseArgs(process.argv.slice(2));
const [name] = positional;
const workload = WORKLOADS[name];
if (!workload) throw new Error(`Unknown workload '${name}'`);

let tensor;
try {
  tensor = await import('@vmbrl/tensor');
} catch (error) {
  console.error(
    'Cannot load @vmbrl/tensor; build it first: npx turbo run build --filter=@vmbrl/tensor',
  );
  throw error;
}
const backend = await tensor.initBackend({ backend: flags.backend });
const options = { ...flags, batch: intFlag(flags, 'batch', 8), kernels: flags.kernels ?? 'fast' };
const cases = await workload.cases(tensor, options);
const results = [];
for (const c of cases) {
  const stats = await measure(c.run, {
    warmup: intFlag(flags, 'warmup', 2),
    repeats: intFlag(flags, 'repeats', 10),
  });
  results.push({ name: c.name, ...stats, ...(c.info ?? {}) });
  c.dispose?.();
}
console.log(`BENCH_RESULT ${JSON.stringify({ workload: name, backend, options, cases: results })}`);
