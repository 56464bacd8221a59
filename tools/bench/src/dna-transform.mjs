/**
 * dna-transform: CPU ms (process.cpuUsage) of SV2P's DNA transform (CDNA's per-pixel 5 x 5
 * kernels, 64 x 64 RGB frames) as built now (`dnaTransform`: padded-window slices) against the
 * former one-hot tap-bank convolution (kept here), forward alone and forward plus both gradients,
 * at OTOR / OTLR's quick planning batch (J = 16) and training batch (B = 2), our wasm kernels,
 * one thread, and the largest difference of the two. Median of --repeats (9) after --warmup (10).
 * Usage: node tools/bench/src/dna-transform.mjs [--repeats N] [--warmup N].
 * Needs built packages (turbo run build --filter=@vmbrl/agents).
 */
import { parseArgs } from './harness.mjs';

const { flags } = parseArgs(process.argv.slice(2));
const repeats = Number(flags.repeats ?? 9);
const warmup = Number(flags.warmup ?? 10);
process.env.VMBRL_WASM_KERNEL_THREADS ??= '1';
const tensor = await import('@vmbrl/tensor');
const { tf } = tensor;
await tensor.initBackend({ backend: 'wasm', log: false, wasmThreads: 1 });
const { cdnaComposite, dnaTransform } = await import('@vmbrl/world-models');

/** The former implementation (one-hot [k, k, 1, k*k] convolution, then a k*k-channel product). */
function tapBankDna(image, kernels) {
  return tf.tidy(() => {
    const [n, h, w, c] = image.shape;
    const taps = kernels.shape[3];
    const k = Math.round(Math.sqrt(taps));
    const bank = new Float32Array(taps * taps);
    for (let d = 0; d < taps; d += 1) bank[d * taps + d] = 1;
    const planes = tf.reshape(tf.transpose(image, [0, 3, 1, 2]), [n * c, h, w, 1]);
    const copies = tf.conv2d(planes, tf.tensor4d(bank, [k, k, 1, taps]), 1, 'same');
    const weighted = tf.mul(
      tf.reshape(copies, [n, c, h * w, taps]),
      tf.reshape(kernels, [n, 1, h * w, taps]),
    );
    return tf.reshape(tf.transpose(tf.sum(weighted, 3), [0, 2, 1]), [n, h, w, c]);
  });
}

/** The former cdnaComposite: pixel-major per-pixel kernels into the tap-bank transform. */
function tapBankComposite(previous, generated, masks, kernels) {
  return tf.tidy(() => {
    const [n, h, w] = previous.shape;
    const [, m, taps] = kernels.shape;
    // The channel split as study/channels.ts does it (transpose, leading-axis slices).
    const byChannel = tf.transpose(tf.reshape(masks, [n * h * w, m + 2]));
    const keep = tf.reshape(tf.slice(byChannel, [0, 0], [1, -1]), [n, h, w, 1]);
    const fresh = tf.reshape(tf.slice(byChannel, [1, 0], [1, -1]), [n, h, w, 1]);
    const moving = tf.transpose(tf.slice(byChannel, [2, 0], [m, -1]));
    const perPixel = tf.matMul(tf.reshape(moving, [n, h * w, m]), kernels);
    const advected = tapBankDna(previous, tf.reshape(perPixel, [n, h, w, taps]));
    return tf.addN([tf.mul(keep, previous), tf.mul(fresh, generated), advected]);
  });
}

function cpuMs(fn) {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Each case in its own run of calls: alternating them made the forward pass pay for the
// gradient pass's freed memory (90 against 14 ms).
function measure(fn) {
  for (let i = 0; i < warmup; i += 1) fn();
  return Array.from({ length: repeats }, () => cpuMs(fn));
}

function report(label, outputs) {
  const [a, b] = Object.values(outputs);
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  console.log(`${label}: largest difference ${diff.toExponential(2)}`);
}

const IMPLS = { 'tap bank (before)': tapBankDna, 'direct (now)': dnaTransform };
const SHAPES = [
  ['plan J=16', [16, 64, 64, 3], 25],
  ['train B=2', [2, 64, 64, 3], 25],
];

for (const [label, shape, taps] of SHAPES) {
  const image = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const kernels = tf.randomUniform([...shape.slice(0, 3), taps], 0, 1, 'float32', 2);
  const outputs = {};
  for (const [name, f] of Object.entries(IMPLS)) {
    // wasm runs kernels synchronously: no read-back (its copy to JavaScript) is needed.
    const forward = () => tf.dispose(f(image, kernels));
    const both = () => tf.dispose(tf.grads((x, y) => tf.sum(f(x, y)))([image, kernels]));
    const fw = measure(forward);
    const bw = measure(both);
    outputs[name] = tf.tidy(() => f(image, kernels).dataSync());
    console.log(
      `${label} ${JSON.stringify(shape)} x ${taps} taps, ${name}: forward ${median(fw).toFixed(2)} ms, forward + gradients ${median(bw).toFixed(2)} ms CPU`,
    );
  }
  report(label, outputs);
  // The whole CDNA composite (M = 10 masked kernels), as the SV2P tower calls it.
  const m = 10;
  const generated = tf.randomUniform(shape, 0, 1, 'float32', 3);
  const masks = tf.softmax(tf.randomNormal([...shape.slice(0, 3), m + 2], 0, 1, 'float32', 4));
  const cdna = tf.randomUniform([shape[0], m, taps], 0, 1, 'float32', 5);
  const composites = {};
  for (const [name, f] of Object.entries({
    'tap bank (before)': tapBankComposite,
    'direct (now)': cdnaComposite,
  })) {
    const args = [image, generated, masks, cdna];
    const forward = () => tf.dispose(f(...args));
    const both = () =>
      tf.dispose(
        tf.grads((x, g, ms, k) => tf.sum(f(x, g, ms, k)))([image, generated, masks, cdna]),
      );
    const fw = measure(forward);
    const bw = measure(both);
    composites[name] = tf.tidy(() => f(...args).dataSync());
    console.log(
      `${label} cdnaComposite M=${m}, ${name}: forward ${median(fw).toFixed(2)} ms, forward + gradients ${median(bw).toFixed(2)} ms CPU`,
    );
  }
  report(`${label} cdnaComposite`, composites);
  tf.dispose([image, kernels, generated, masks, cdna]);
}
