/**
 * small-conv: CPU ms (process.cpuUsage) of the study designs' few-channel convolutions (SV2P's
 * OTOR/OTLR at quick size, planning batch 16, training batch 2; LTOR's encoder and decoder in
 * planning, batch 128) with tfjs' kernels, our implicit GEMM (kernel groups without `direct`)
 * and all our groups (`direct`: conv_direct.c where it applies, else XNNPACK for few-channel
 * Conv2D), one wasm thread, and the largest difference of ours to tfjs'. Median of --repeats
 * (9) after --warmup (10) runs: V8 tiers a wasm function up to optimised code only after some
 * calls. Usage: node tools/bench/src/small-conv.mjs [--repeats N] [--warmup N] [--only TEXT].
 * Needs a built @vmbrl/tensor.
 */
import { parseArgs } from './harness.mjs';

const { flags } = parseArgs(process.argv.slice(2));
const repeats = Number(flags.repeats ?? 9);
const warmup = Number(flags.warmup ?? 10);
process.env.VMBRL_WASM_KERNEL_THREADS ??= '1';
const tensor = await import('@vmbrl/tensor');
const { tf } = tensor;
await tensor.initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });

// [label, kind, x (conv) or dy (deconv) shape, filter shape, stride, pad, deconv output shape]
const SHAPES = [
  ['OTOR plan cdna taps', 'conv', [48, 64, 64, 1], [5, 5, 1, 25], 1, 'same'],
  ['OTOR plan lstm 32x32 2->8', 'conv', [16, 32, 32, 2], [5, 5, 2, 8], 1, 'same'],
  ['OTOR plan lstm 32x32 4->8', 'conv', [16, 32, 32, 4], [5, 5, 4, 8], 1, 'same'],
  ['OTOR plan lstm 32x32 6->8', 'conv', [16, 32, 32, 6], [5, 5, 6, 8], 1, 'same'],
  ['OTOR plan lstm 16x16 4->16', 'conv', [16, 16, 16, 4], [5, 5, 4, 16], 1, 'same'],
  ['OTOR plan lstm 8x8 8->32', 'conv', [16, 8, 8, 8], [5, 5, 8, 32], 1, 'same'],
  ['OTOR plan lstm 8x8 4->32', 'conv', [16, 8, 8, 4], [5, 5, 4, 32], 1, 'same'],
  ['OTOR plan lstm 16x16 8->16', 'conv', [16, 16, 16, 8], [5, 5, 8, 16], 1, 'same'],
  ['OTOR plan lstm 16x16 2->16', 'conv', [16, 16, 16, 2], [5, 5, 2, 16], 1, 'same'],
  ['OTOR plan first 64->32 3->4 s2', 'conv', [16, 64, 64, 3], [5, 5, 3, 4], 2, 'same'],
  ['OTOR plan down 32->16 2->2 s2', 'conv', [16, 32, 32, 2], [3, 3, 2, 2], 2, 'same'],
  ['OTOR plan down 16->8 4->4 s2', 'conv', [16, 16, 16, 4], [3, 3, 4, 4], 2, 'same'],
  ['OTOR plan 1x1 6->12', 'conv', [16, 64, 64, 6], [1, 1, 6, 12], 1, 'same'],
  ['OTOR plan 1x1 6->3', 'conv', [16, 64, 64, 6], [1, 1, 6, 3], 1, 'same'],
  ['OTOR train lstm 32x32 2->8', 'conv', [2, 32, 32, 2], [5, 5, 2, 8], 1, 'same'],
  ['OTOR train lstm 16x16 4->16', 'conv', [2, 16, 16, 4], [5, 5, 4, 16], 1, 'same'],
  ['LTOR plan enc 64->31 3->16 s2', 'conv', [128, 64, 64, 3], [3, 3, 3, 16], 2, 'valid'],
  [
    'OTOR plan deconv 32->65 2->6',
    'deconv',
    [16, 32, 32, 2],
    [3, 3, 6, 2],
    2,
    'valid',
    [16, 65, 65, 6],
  ],
  [
    'OTOR plan deconv 32->65 4->6',
    'deconv',
    [16, 32, 32, 4],
    [3, 3, 6, 4],
    2,
    'valid',
    [16, 65, 65, 6],
  ],
  [
    'OTOR plan deconv 16->33 2->6',
    'deconv',
    [16, 16, 16, 2],
    [3, 3, 6, 2],
    2,
    'valid',
    [16, 33, 33, 6],
  ],
  [
    'OTOR plan deconv 8->17 8->8',
    'deconv',
    [16, 8, 8, 8],
    [3, 3, 8, 8],
    2,
    'valid',
    [16, 17, 17, 8],
  ],
  ['OTOR train dx 32x32 8->2', 'deconv', [2, 32, 32, 8], [5, 5, 2, 8], 1, 'same', [2, 32, 32, 2]],
  [
    'OTOR train dx 16x16 16->4',
    'deconv',
    [2, 16, 16, 16],
    [5, 5, 4, 16],
    1,
    'same',
    [2, 16, 16, 4],
  ],
  ['OTOR train dx 32x32 8->4', 'deconv', [2, 32, 32, 8], [5, 5, 4, 8], 1, 'same', [2, 32, 32, 4]],
  [
    'OTOR train dx 16->32 2->2 s2',
    'deconv',
    [2, 16, 16, 2],
    [3, 3, 2, 2],
    2,
    'same',
    [2, 32, 32, 2],
  ],
  [
    'LTOR plan deconv 30->64 8->3',
    'deconv',
    [128, 30, 30, 8],
    [6, 6, 3, 8],
    2,
    'valid',
    [128, 64, 64, 3],
  ],
  [
    'LTOR plan deconv 13->30 16->8',
    'deconv',
    [128, 13, 13, 16],
    [6, 6, 8, 16],
    2,
    'valid',
    [128, 30, 30, 8],
  ],
];

const MODES = {
  tfjs: [],
  gemm: tensor.KERNEL_GROUPS.filter((g) => g !== 'direct'),
  direct: tensor.KERNEL_GROUPS,
};

function cpuMs(f) {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `small-conv: CPU ms, median of ${repeats}; load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('shape | tfjs | gemm | direct | gemm/direct | max |direct - tfjs|');
for (const [label, kind, xs, fs, stride, pad, outShape] of SHAPES) {
  if (flags.only && !label.includes(flags.only)) continue;
  const x = tf.randomNormal(xs, 0, 1, 'float32', 1);
  const f = tf.randomNormal(fs, 0, 1, 'float32', 2);
  const op = () =>
    kind === 'conv'
      ? tf.conv2d(x, f, stride, pad)
      : tf.conv2dTranspose(x, f, outShape, stride, pad);
  const row = {};
  const values = {};
  for (const [mode, groups] of Object.entries(MODES)) {
    tensor.setWasmKernels(groups);
    values[mode] = tf.tidy(() => op().dataSync());
    for (let i = 0; i < warmup; i++) tf.dispose(op());
    const samples = [];
    for (let i = 0; i < repeats; i++) {
      let out;
      samples.push(
        cpuMs(() => {
          out = op();
        }),
      );
      out.dispose();
    }
    row[mode] = median(samples);
  }
  let worst = 0;
  values.direct.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - values.tfjs[i]));
  });
  tf.dispose([x, f]);
  const ms = (m) => row[m].toFixed(2);
  console.log(
    `${label} | ${ms('tfjs')} | ${ms('gemm')} | ${ms('direct')} | ${(row.gemm / row.direct).toFixed(2)}x | ${worst.toExponential(1)}`,
  );
}
tensor.setWasmKernels(tensor.KERNEL_GROUPS);
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; tensors left ${tf.memory().numTensors}`,
);
