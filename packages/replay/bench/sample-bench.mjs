#!/usr/bin/env node
/**
 * Benchmark (not a test): B=50, L=50 batch sampling from memory and from disk.
 * Synthetic data: 100 episodes of 500 rows (64x64x3 uint8 frames), written as stored .npz
 * episodes to a temporary directory (~615 MB). Reports medians in ms.
 *
 *   npx turbo run build --filter=@vmbrl/replay && node packages/replay/bench/sample-bench.mjs
 *   flags (--help lists them): --episodes --steps --iterations --cache-mb --compress --keep
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, scriptFlags } from '@vmbrl/core';
import {
  DiskEpisodeStore,
  EpisodeBuffer,
  PrefetchingSampler,
  WorkerDiskSampler,
  makeEpisode,
  writeEpisode,
} from '@vmbrl/replay';

const flags = scriptFlags('usage: node packages/replay/bench/sample-bench.mjs [flags]', {
  episodes: { type: 'int', doc: 'synthetic episodes', default: 100, min: 1 },
  steps: {
    type: 'int',
    doc: 'rows per episode (at least the chunk length 50)',
    default: 500,
    min: 50,
  },
  iterations: { type: 'int', doc: 'timed batches per measurement', default: 30, min: 1 },
  'cache-mb': { type: 'int', doc: "disk store's episode cache (MB)", default: 128, min: 0 },
  compress: { type: 'boolean', doc: 'deflated episodes (savez_compressed-style)', default: false },
  keep: { type: 'boolean', doc: 'keep the temporary directory', default: false },
});
const EPISODES = flags.episodes;
const STEPS = flags.steps;
const ITERATIONS = flags.iterations;
const CACHE_MB = flags['cache-mb'];
const COMPRESS = flags.compress;
const B = 50;
const L = 50;
const FRAME = 64 * 64 * 3;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const time = (fn) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

function syntheticEpisode(seed) {
  const rng = new Rng(seed);
  const image = new Uint8Array(STEPS * FRAME);
  // Moving gradients plus noise: frames differ from step to step like rendered video.
  for (let t = 0; t < STEPS; t++) {
    const phase = rng.int(256);
    let x = rng.seed32();
    for (let i = 0; i < FRAME; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0; // cheap per-pixel noise
      image[t * FRAME + i] = (phase + (i >> 6) + (x >>> 29)) & 255;
    }
  }
  const action = Float32Array.from({ length: STEPS * 6 }, () => rng.uniform(-1, 1));
  const reward = Float32Array.from({ length: STEPS }, (_, t) => (t === 0 ? 0 : rng.next()));
  const discount = new Float32Array(STEPS).fill(1);
  action.fill(0, 0, 6);
  return makeEpisode({ image, action, reward, discount });
}

const dir = mkdtempSync(join(tmpdir(), 'vmbrl-replay-bench-'));
const results = {};
try {
  console.log(`generating ${EPISODES} episodes x ${STEPS} rows into ${dir} ...`);
  const buffer = new EpisodeBuffer({ capacitySteps: EPISODES * STEPS });
  const writeMs = [];
  for (let e = 0; e < EPISODES; e++) {
    const episode = syntheticEpisode(e);
    buffer.add(episode);
    writeMs.push(
      time(() =>
        writeEpisode(join(dir, `ep-${String(e).padStart(4, '0')}.npz`), episode, {
          compress: COMPRESS,
        }),
      ),
    );
  }
  results[`write one episode (${COMPRESS ? 'deflated' : 'stored'} .npz, atomic)`] = median(writeMs);

  const rng = new Rng(0);
  // Warm-up: right after generating ~600 MB the first batches pay for GC and page reclaim.
  for (let i = 0; i < 20; i++) buffer.sample(B, L, rng);
  results['memory: sample B=50 L=50 (new arrays each batch)'] = median(
    Array.from({ length: ITERATIONS }, () => time(() => buffer.sample(B, L, rng))),
  );
  let reused = buffer.sample(B, L, rng);
  results['memory: sample B=50 L=50 (reusing a batch)'] = median(
    Array.from({ length: ITERATIONS }, () =>
      time(() => {
        reused = buffer.sample(B, L, rng, undefined, reused);
      }),
    ),
  );

  let store;
  results['disk: open + index headers'] = time(() => {
    store = DiskEpisodeStore.open(dir, { cacheBytes: CACHE_MB * 2 ** 20 });
  });
  // First touches load whole episodes and check CRC-32; afterwards evicted stored episodes are
  // read row by row from the files.
  const cold = [];
  while (store.cacheStats.misses < EPISODES && cold.length < 200)
    cold.push(time(() => store.sample(B, L, rng)));
  results[`disk: first-touch batches (verify + load), ${cold.length} batches, median`] =
    median(cold);
  results['disk: first-touch batches, mean'] = cold.reduce((a, b) => a + b, 0) / cold.length;
  const before = { ...store.cacheStats };
  results[
    `disk: warm, cache ${CACHE_MB} MB of ~${Math.round((EPISODES * STEPS * FRAME) / 2 ** 20)} MB`
  ] = median(Array.from({ length: ITERATIONS }, () => time(() => store.sample(B, L, rng))));
  const after = store.cacheStats;
  results['disk warm: direct row reads / cache hits per batch'] =
    `${((after.directReads - before.directReads) / ITERATIONS).toFixed(1)} / ${((after.hits - before.hits) / ITERATIONS).toFixed(1)}`;

  // Consumer wait with prefetching: the trainer step is simulated by busy work.
  const busy = (ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {}
  };
  const waitsOf = async (sampler, steps, stepMs, yieldMs) => {
    const waits = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      const batch = await sampler.next();
      waits.push(performance.now() - t0);
      busy(stepMs);
      sampler.recycle?.(batch);
      if (yieldMs) await new Promise((r) => setTimeout(r, yieldMs));
    }
    return median(waits);
  };
  const prefetch = new PrefetchingSampler((reuse) => buffer.sample(B, L, rng, undefined, reuse));
  await new Promise((r) => setTimeout(r, 50));
  results['memory prefetch: next() wait, trainer 50 ms busy + 20 ms awaiting'] = await waitsOf(
    prefetch,
    15,
    50,
    20,
  );
  prefetch.close();
  const worker = new WorkerDiskSampler({
    dir,
    seed: 1,
    batchSize: B,
    length: L,
    cacheBytes: CACHE_MB * 2 ** 20,
  });
  await worker.started;
  await new Promise((r) => setTimeout(r, 200));
  // The worker's store starts cold (each episode's first use loads and CRC-checks the whole file).
  const coldWait = await waitsOf(worker, 10, 100, 0);
  const produced = worker.stats.produceMs;
  const batches = worker.stats.batches;
  results['disk worker, batches 1-10: next() wait, trainer 100 ms busy (never yields)'] = coldWait;
  results['disk worker, batches 1-10: mean produce time in the worker'] = produced / batches;
  results['disk worker, batches 11-30: next() wait, trainer 100 ms busy'] = await waitsOf(
    worker,
    20,
    100,
    0,
  );
  results['disk worker, batches 11-30: mean produce time in the worker'] =
    (worker.stats.produceMs - produced) / (worker.stats.batches - batches);
  await worker.close();
} finally {
  if (!flags.keep) rmSync(dir, { recursive: true, force: true });
}
for (const [name, value] of Object.entries(results)) {
  console.log(`${name.padEnd(72)} ${typeof value === 'number' ? `${value.toFixed(2)} ms` : value}`);
}
console.log(
  `load average during run (1/5/15 min): ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; ${process.version}`,
);
