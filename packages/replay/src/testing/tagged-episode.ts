import type { Episode } from '@vmbrl/core';
import { makeEpisode } from '../episode';

/** Bytes of one 64x64x3 frame. */
export const FRAME = 64 * 64 * 3;

/** An episode whose every value encodes (tag, row), so a sampled chunk reveals where it came from. */
export function taggedEpisode(tag: number, T: number, options: { state?: boolean } = {}): Episode {
  const image = new Uint8Array(T * FRAME);
  for (let t = 0; t < T; t++) image.fill((tag * 7 + t) % 256, t * FRAME, (t + 1) * FRAME);
  return makeEpisode({
    image,
    state: options.state ? Float32Array.from({ length: T * 2 }, (_, i) => tag + i / 2) : undefined,
    action: Float32Array.from({ length: T * 2 }, (_, i) => tag * 10000 + i),
    reward: Float32Array.from({ length: T }, (_, t) => tag * 1000 + t),
    discount: Float32Array.from({ length: T }, (_, t) => (t === T - 1 ? 0 : 1)),
  });
}
