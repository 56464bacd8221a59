/**
 * Our wasm kernels (@vmbrl/tensor kernels/wasm: GEMM, implicit-GEMM convolutions, the fused GRU
 * step, tanh) against tfjs' own on the shapes this project runs: the products of one CEM step
 * under the RSSM at J=1000 (w2), the GRU step, a 1024^3 product (w3), the PlaNet encoder's
 * second convolution and its gradients at B*L=128 (w1). Each case runs twice in one process,
 * "ours" with every kernel group on and "tfjs" with VMBRL_WASM_KERNELS=none's choice.
 */
import { intFlag } from '../harness.mjs';

export const description =
  'our wasm kernels vs tfjs on w1/w2/w3 shapes (GEMM, GRU step, conv + gradients, tanh)';
export const defaults = { warmup: 2, repeats: 10, backends: ['wasm'] };

export async function cases(tensor, options) {
  const { tf, GRUCell, setWasmKernels, KERNEL_GROUPS } = tensor;
  const J = intFlag(options, 'J', 1000);
  const images = intFlag(options, 'batch', 128);
  const keep = [];
  const normal = (shape, seed) => {
    const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
    keep.push(t);
    return t;
  };
  const list = [];
  const both = (name, f, flops) => {
    for (const [who, groups] of [
      ['ours', KERNEL_GROUPS],
      ['tfjs', []],
    ]) {
      list.push({
        name: `${name} ${who}`,
        run: () => {
          setWasmKernels(groups);
          try {
            // (A tidy that returned the values would walk all of them looking for tensors.)
            tf.tidy(() => {
              f().dataSync();
            });
          } finally {
            setWasmKernels(KERNEL_GROUPS);
          }
        },
        derive: flops
          ? (s) => ({ gflops: Math.round((flops / (s.median * 1e6)) * 10) / 10 })
          : undefined,
      });
    }
  };

  for (const [m, k, n, label] of [
    [J, 400, 400, 'GRU gates'],
    [J, 400, 200, 'GRU candidate'],
    [J, 230, 200, 'reward layer 1'],
    [J, 200, 60, 'prior out'],
    [1024, 1024, 1024, 'w3'],
  ]) {
    const a = normal([m, k], 1);
    const b = normal([k, n], 2);
    both(`matmul ${m}x${k}x${n} (${label})`, () => tf.matMul(a, b), 2 * m * n * k);
  }
  const cell = new GRUCell(200, 200, { seed: 3 });
  const x = normal([J, 200], 4);
  const h = normal([J, 200], 5);
  both(`GRU step ${J} x (200 -> 200)`, () => cell.apply(x, h), 2 * J * 400 * 600);
  both(`tanh [${J}, 200]`, () => tf.tanh(x));

  const xc = normal([images, 31, 31, 32], 6);
  const w = normal([4, 4, 32, 64], 7);
  const dy = normal([images, 14, 14, 64], 8);
  const convFlops = 2 * images * 14 * 14 * 64 * 16 * 32;
  both(`conv 31->14 (B*L=${images})`, () => tf.conv2d(xc, w, 2, 'valid'), convFlops);
  both(
    'conv 31->14 input gradient',
    () => tf.conv2dTranspose(dy, w, xc.shape, 2, 'valid'),
    convFlops,
  );
  const attrs = { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: w.shape };
  both(
    'conv 31->14 filter gradient',
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x: xc, dy }, attrs),
    convFlops,
  );
  // The inputs are shared by the cases; the last one frees them.
  list[list.length - 1].dispose = () => {
    for (const t of keep) t.dispose();
    for (const v of cell.trainableVariables()) v.dispose();
  };
  return list;
}
