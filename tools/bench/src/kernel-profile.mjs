/**
 * kernel-profile: where one case of a workload spends its time, by tfjs kernel name (tf.profile's
 * per-kernel wall ms, summed over --repeats profiled runs after one warm-up), with the time
 * outside kernels (the case's wall time minus the kernels' sum: JavaScript between ops, tfjs'
 * bookkeeping). Run it at 1 and 2 threads to see which kernels the second thread speeds up.
 *   node tools/bench/src/kernel-profile.mjs w1 [--threads 2] [--repeats 3] [--top 15]
 * --shapes NAME also lists that kernel's calls by input shapes (count and ms per run).
 * Needs built packages (npx -y pnpm@10 exec turbo run build --filter=@vmbrl/agents...).
 */
import { performance } from 'node:perf_hooks';
import { intFlag, parseArgs } from './harness.mjs';
import { KernelTimes } from './kernel-times.mjs';
import { WORKLOADS } from './workloads/index.mjs';

const [name, ...rest] = process.argv.slice(2);
const workload = WORKLOADS[name];
if (!workload) {
  console.error(
    `usage: kernel-profile.mjs WORKLOAD [--repeats N] [--top N]; WORKLOAD is one of: ${Object.keys(WORKLOADS).join(', ')}`,
  );
  process.exit(2);
}
const { flags } = parseArgs(rest);
const repeats = intFlag(flags, 'repeats', 3);
const top = intFlag(flags, 'top', 15);
const shapesOf = typeof flags.shapes === 'string' ? flags.shapes : undefined;
const tensor = await import('@vmbrl/tensor');
const threads = intFlag(flags, 'threads', 1);
await tensor.initBackend({ backend: 'wasm', wasmThreads: threads });
const list = await workload.cases(tensor, flags);
for (const c of list) {
  await c.setup?.();
  await c.run(); // warm-up
  const times = new KernelTimes((kernel) => kernel === shapesOf);
  let wallMs = 0;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    times.add(
      await tensor.tf.profile(async () => {
        await c.run();
      }),
    );
    wallMs += performance.now() - start;
  }
  const { totalMs: kernelMs, calls: count } = times;
  const per = (ms) => (ms / repeats).toFixed(1).padStart(8);
  console.log(
    `${name} ${c.name}, threads ${process.env.VMBRL_WASM_THREADS ?? threads}: wall ${per(wallMs)} ms per run (profiled), kernels ${per(kernelMs)} ms in ${count / repeats} calls, outside kernels ${per(wallMs - kernelMs)} ms`,
  );
  const sorted = KernelTimes.sorted(times.byName);
  for (const [kernel, row] of sorted.slice(0, top))
    console.log(`${per(row.ms)} ms ${String(row.count / repeats).padStart(6)}x  ${kernel}`);
  const restMs = sorted.slice(top).reduce((s, [, row]) => s + row.ms, 0);
  console.log(
    `${per(restMs)} ms          the other ${Math.max(0, sorted.length - top)} kernel names`,
  );
  if (shapesOf) {
    console.log(`${shapesOf} by input shapes:`);
    for (const [key, row] of KernelTimes.sorted(times.byShape))
      console.log(`${per(row.ms)} ms ${String(row.count / repeats).padStart(6)}x  ${key}`);
  }
  c.dispose?.();
}
