/** PlaNet's exploration: Gaussian noise on the planned action, clipped to the action bounds. */

/** Adds N(0, std^2) noise to each component and clips to [min, max] (PlaNet's exploration). */
export function addExplorationNoise(
  action: Float32Array,
  std: number,
  normal: () => number,
  min = -1,
  max = 1,
): Float32Array {
  const out = new Float32Array(action.length);
  for (let i = 0; i < action.length; i++) {
    const v = (action[i] as number) + std * normal();
    out[i] = v < min ? min : v > max ? max : v;
  }
  return out;
}
