/**
 * Helpers to compare @vmbrl/tensor's kernels with the ones tfjs ships.
 */
import { getOriginalKernel } from '@vmbrl/tensor';

const NAMES = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul'];
const ours = new Map();

/**
 * Registers tfjs' own kernels (`which = 'original'`) or @vmbrl/tensor's (`'fast'`) for
 * `backend`, where @vmbrl/tensor replaced one. wasm has no Conv2DBackpropFilter of its own,
 * so ours stays in both modes (without it conv nets cannot train on wasm).
 */
export function selectKernels(tf, backend, which) {
  for (const name of NAMES) {
    const original = getOriginalKernel(name, backend);
    if (!original) continue;
    const key = `${backend}/${name}`;
    if (!ours.has(key)) ours.set(key, tf.getKernel(name, backend));
    const wanted = which === 'original' ? original : ours.get(key);
    if (tf.getKernel(name, backend) === wanted) continue;
    tf.unregisterKernel(name, backend);
    tf.registerKernel(wanted);
  }
}

/** Backwards-compatible alias: tfjs' own kernels. */
export function useOriginalKernels(tf, backend) {
  selectKernels(tf, backend, 'original');
}

/**
 * A function running kernel `config` directly on the current backend and freeing the result.
 * Both backends used here compute synchronously, so timing the call times the work.
 */
export function kernelRunner(tf, config, inputs, attrs) {
  const backend = tf.backend();
  const infos = Object.fromEntries(
    Object.entries(inputs).map(([k, t]) => [
      k,
      { dataId: t.dataId, shape: t.shape, dtype: t.dtype },
    ]),
  );
  return () => {
    const out = config.kernelFunc({ inputs: infos, backend, attrs });
    backend.disposeData(out.dataId);
  };
}
