/**
 * conv-shapes: which convolution kernels (name, input shapes, attributes) one training step and
 * one planned action of a study design run, with their count and summed kernel wall ms from
 * tf.profile, and the 12 kernels that took longest in all. Usage: node tools/bench/src/conv-shapes.mjs DESIGN [--batch B] [--J J] [--I I]
 * (quick preset, 1 wasm thread). Needs built packages (turbo run build --filter=@vmbrl/agents).
 */
import { parseArgs } from './harness.mjs';
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
  const rows = new Map();
  const byName = new Map();
  let total = 0;
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total += ms;
    byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
    if (!CONV.test(k.name)) continue;
    const attrs = k.extraInfo ?? '';
    const key = `${k.name} in ${JSON.stringify(k.inputShapes)} out ${JSON.stringify(k.outputShapes)} ${attrs}`;
    const row = rows.get(key) ?? { count: 0, ms: 0 };
    row.count++;
    row.ms += ms;
    rows.set(key, row);
  }
  console.log(`\n${c.name}: kernels ${profile.kernels.length}, kernel ms ${total.toFixed(0)}`);
  const names = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`by kernel: ${names.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ')}`);
  const sorted = [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [key, row] of sorted)
    console.log(`${row.ms.toFixed(1).padStart(8)} ms ${String(row.count).padStart(5)}x  ${key}`);
  c.dispose?.();
}
