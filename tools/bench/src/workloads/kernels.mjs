/**
 * Helpers to compare @vmbrl/tensor's convolution-gradient kernels with the ones tfjs ships.
 */
import { getOriginalKernel } from '@vmbrl/tensor';

const NAMES = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];

/**
 * Puts tfjs' own kernels back for `backend` where @vmbrl/tensor replaced them (wasm has no
 * Conv2DBackpropFilter of its own, so ours stays: without it conv nets cannot train on wasm).
 */
export function useOriginalKernels(tf, backend) {
  for (const name of NAMES) {
    const original = getOriginalKernel(name, backend);
    if (!original) continue;
    tf.unregisterKernel(name, backend);
    tf.registerKernel(original);
  }
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
