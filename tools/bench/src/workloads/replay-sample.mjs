/**
 * replay-sample: sequence-batch sampling for the world model, as
 * packages/replay/bench/sample-bench.mjs (a CLI without exports) sets it up: synthetic episodes
 * (--episodes 20 of --episode-length 500 rows, 64x64x3 uint8 frames that change every step,
 * action dim 6), batches of B = --B (50) chunks of L = --L (50) rows from an EpisodeBuffer,
 * with new arrays per batch and reusing one batch; --disk adds a warm DiskEpisodeStore (stored
 * .npz episodes in a temporary directory, --cache-mb 128) after every episode was touched once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intFlag } from '../harness.mjs';

export const description = 'replay batch sampling B=50 L=50 (memory; --disk too), --episodes';
/** Warm-up and repeats when --warmup / --repeats are not given. */
export const defaults = { warmup: 5, repeats: 50, backends: ['wasm'] };
/** No tfjs backend is needed (the seeded Rng comes from @vmbrl/tensor all the same). */
export const usesTensor = false;

const FRAME = 64 * 64 * 3;

/** sample-bench.mjs' synthetic episode: moving gradients plus per-pixel noise. */
function syntheticEpisode(replay, Rng, steps, seed) {
  const rng = new Rng(seed);
  const image = new Uint8Array(steps * FRAME);
  for (let t = 0; t < steps; t++) {
    const phase = rng.int(256);
    let x = rng.seed32();
    for (let i = 0; i < FRAME; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      image[t * FRAME + i] = (phase + (i >> 6) + (x >>> 29)) & 255;
    }
  }
  const action = Float32Array.from({ length: steps * 6 }, () => rng.uniform(-1, 1));
  const reward = Float32Array.from({ length: steps }, (_, t) => (t === 0 ? 0 : rng.next()));
  action.fill(0, 0, 6);
  return replay.makeEpisode({ image, action, reward, discount: new Float32Array(steps).fill(1) });
}

export async function cases({ Rng }, options) {
  let replay;
  try {
    replay = await import('@vmbrl/replay');
  } catch (error) {
    console.error(
      'replay-sample needs a built @vmbrl/replay: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/replay',
    );
    throw error;
  }
  const episodes = intFlag(options, 'episodes', 20);
  const steps = intFlag(options, 'episode-length', 500);
  const B = intFlag(options, 'B', 50);
  const L = intFlag(options, 'L', 50);
  const disk = options.disk === true || options.disk === 'true';
  const dir = disk ? mkdtempSync(join(tmpdir(), 'vmbrl-bench-replay-')) : undefined;
  const buffer = new replay.EpisodeBuffer({ capacitySteps: episodes * steps });
  for (let e = 0; e < episodes; e++) {
    const episode = syntheticEpisode(replay, Rng, steps, e);
    buffer.add(episode);
    if (dir) replay.writeEpisode(join(dir, `ep-${String(e).padStart(4, '0')}.npz`), episode);
  }
  const rng = new Rng(0);
  let reused = buffer.sample(B, L, rng);
  const data = `${episodes}x${steps} rows`;
  const list = [
    { name: `memory B=${B} L=${L}, new arrays (${data})`, run: () => buffer.sample(B, L, rng) },
    {
      name: `memory B=${B} L=${L}, reusing a batch (${data})`,
      run: () => {
        reused = buffer.sample(B, L, rng, undefined, reused);
      },
    },
  ];
  if (dir) {
    const cacheMb = intFlag(options, 'cache-mb', 128);
    const store = replay.DiskEpisodeStore.open(dir, { cacheBytes: cacheMb * 2 ** 20 });
    // First touches load whole episodes and check CRC-32; time the store once it is warm.
    for (let i = 0; store.cacheStats.misses < episodes && i < 200; i++) store.sample(B, L, rng);
    list.push({
      name: `disk B=${B} L=${L}, warm, cache ${cacheMb} MB (${data})`,
      run: () => store.sample(B, L, rng),
    });
  }
  list[list.length - 1].dispose = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return list;
}
