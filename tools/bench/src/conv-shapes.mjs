/**
 * conv-shapes: which convolution kernels (name, input shapes, attributes) one training step and
 * one planned action of a study design run, with their count and summed kernel wall ms from
 * tf.profile, and the 12 kernels that took longest in all. Usage: node tools/bench/src/conv-shapes.mjs DESIGN [--batch B] [--J J] [--I I]
 * (quick preset, 1 wasm thread). Needs built packages (turbo run build --filter=@vmbrl/agents).
 */
import { parseArgs } from './harness.mjs';
import { KernelTimes } from './kernel-times.mjs';
import { cases } from './workloads/study-designs.mjs';

const CONV = /Conv2D|Conv2d|Depthwise/;
const [design, ...rest] = process.argv.slice(2);
if (!design) {
  console.error('usage: conv-shapes.mjs DESIGN [--batch B] [--J J] [--I I]');
  process.exit(2);
}
const { flags } = parseArgs(rest);
process.env.VMBRL_WASM_KERNEL_THREADS ??= '1';
const tensor = await import('@vmbrl/tensor');
await tensor.initBackend({ backend: 'wasm' });
const list = await cases(tensor, { ...flags, designs: design, presets: 'quick' });
for (const c of list) {
  await c.setup?.();
  await c.run(); // warm-up
  const profile = await tensor.tf.profile(async () => {
    await c.run();
  });
  const times = new KernelTimes((name) => CONV.test(name));
  times.add(profile);
  const total = times.totalMs;
  console.log(`\n${c.name}: kernels ${times.calls}, kernel ms ${total.toFixed(0)}`);
  const names = KernelTimes.sorted(times.byName).slice(0, 12);
  console.log(`by kernel: ${names.map(([n, row]) => `${n} ${row.ms.toFixed(0)}`).join(', ')}`);
  const sorted = KernelTimes.sorted(times.byShape);
  for (const [key, row] of sorted)
    console.log(`${row.ms.toFixed(1).padStart(8)} ms ${String(row.count).padStart(5)}x  ${key}`);
  c.dispose?.();
}
