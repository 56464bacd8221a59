/**
 * Workload w1 exactly as the PyTorch anchor defines it
 * (../shared/anchors/torch_reference/planet_bench.py): PlaNet conv encoder (depth 32), RSSM
 * 200/30/200, decoder, reward head 2 x 200 ReLU; loss = summed squared pixel error + squared
 * reward error (scale 1) + KL clamped per step at 3 free nats, each averaged over batch and time;
 * Adam lr 1e-3, eps 1e-4, global-norm clip 1000; action dim 6; uniform random images and actions
 * in [-1, 1], standard normal rewards. w1 is B = 8, L = 16; w1big is B = 50, L = 50.
 * Needs built packages: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/world-models...
 */
import { LatentWorldModel, resolveConfig } from '@vmbrl/world-models';

export const W1_ACTION_DIM = 6;

/** The anchor's w1 model configuration. */
export function w1Config() {
  return resolveConfig('paper', {
    variant: 'rssm',
    rewardHidden: [200, 200],
    rewardScale: 1,
    freeNats: 3,
    freeNatsConvention: 'clampPerStep',
    // The anchor feeds float images without bit reduction or noise.
    bitDepth: 8,
  });
}

/** Seeded uniform numbers in [0, 1) (mulberry32), independent of tfjs randomness. */
function uniforms(n, seed) {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

/** A random batch in the anchor's distribution (images as uint8, as replay delivers them). */
export function w1Batch(B, L, seed = 1) {
  const frame = 64 * 64 * 3;
  const u = uniforms(B * L * (frame + W1_ACTION_DIM + 2), seed);
  let k = 0;
  const image = new Uint8Array(B * L * frame);
  for (let i = 0; i < image.length; i += 1) image[i] = Math.floor(u[k++] * 256);
  const action = new Float32Array(B * L * W1_ACTION_DIM);
  for (let i = 0; i < action.length; i += 1) action[i] = u[k++] * 2 - 1;
  const reward = new Float32Array(B * L);
  for (let i = 0; i < reward.length; i += 1) {
    reward[i] = Math.sqrt(-2 * Math.log(1 - u[k++])) * Math.cos(2 * Math.PI * u[k++]);
  }
  return { image, action, reward, batchSize: B, length: L };
}

/** Model + batch of w1 at B x L; `step()` runs one training step and returns its metrics. */
export function createW1({ B = 8, L = 16, seed = 0 } = {}) {
  const model = new LatentWorldModel(w1Config(), { actionDim: W1_ACTION_DIM, seed });
  const batch = w1Batch(B, L, seed + 1);
  return {
    model,
    batch,
    step: () => model.trainStep(batch),
    dispose: () => model.dispose(),
  };
}
