/**
 * A fixed synthetic replay batch of B chunks of L 64x64 frames (deterministic pseudo-random
 * pixels, constant action 0.1 and reward 0.5) for timing agent updates; action dim 1.
 */
export function syntheticImageBatch(B, L) {
  const frame = 64 * 64 * 3;
  const image = new Uint8Array(B * L * frame).map((_, i) => (i * 2654435761) >>> 24);
  return {
    batch: {
      image,
      action: new Float32Array(B * L).fill(0.1),
      reward: new Float32Array(B * L).fill(0.5),
      batchSize: B,
      length: L,
    },
    /** One observation (the first frame) for acting steps. */
    observation: { image: image.subarray(0, frame) },
  };
}
