import * as tf from '../tf.js';

type TensorInfo = tf.TensorInfo;
type Attrs = tf.NamedAttrMap;

/**
 * Runs other kernels of one backend directly (below the engine, so nothing is recorded on the
 * gradient tape) and frees every intermediate result except the one kept as output.
 *
 * Kernels built from it can be registered like native ones; they only use kernels that every
 * tfjs backend has (Conv2D, Transpose, Reverse, Slice, Reshape, PadV2, Concat).
 */
export class KernelComposer {
  private readonly temporaries: TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs kernel `name` on this backend; its output is freed by {@link KernelComposer.finish}. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const config = tf.getKernel(name, this.backendName);
    if (!config) throw new Error(`Kernel ${name} is not registered for ${this.backendName}`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`Kernel ${name} returned several outputs`);
    this.temporaries.push(out);
    return out;
  }

  /** Frees `x` with the other intermediates (for outputs of kernels run directly). */
  track(x: TensorInfo): TensorInfo {
    this.temporaries.push(x);
    return x;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    const unchanged = begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i]);
    return unchanged ? x : this.run('Slice', { x }, { begin, size });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  concat(values: TensorInfo[], axis: number): TensorInfo {
    if (values.length === 1) return values[0] as TensorInfo;
    // Concat kernels take their inputs as an array of tensors, not a named map.
    return this.run('Concat', values as unknown as Record<string, TensorInfo>, { axis });
  }

  /** Stride-1 NHWC convolution with explicit padding [[top, bottom], [left, right]]. */
  conv2d(x: TensorInfo, filter: TensorInfo, pads: number[][], dilation = 1): TensorInfo {
    const [[top, bottom], [left, right]] = pads as [[number, number], [number, number]];
    const pad = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ] as tf.backend_util.ExplicitPadding;
    return this.run(
      'Conv2D',
      { x, filter },
      { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [dilation, dilation] },
    );
  }

  /** A copy of `x` (for outputs that would otherwise alias a kernel input). */
  identity(x: TensorInfo): TensorInfo {
    return this.run('Identity', { x });
  }

  /** Frees all intermediates except `output` (which may share a buffer with one of them). */
  finish(output: TensorInfo): TensorInfo {
    for (const t of this.temporaries) {
      if (t !== output) this.backend.disposeData(t.dataId);
    }
    this.temporaries.length = 0;
    return output;
  }

  /** Frees all intermediates (after an error). */
  abort(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
    this.temporaries.length = 0;
  }
}
