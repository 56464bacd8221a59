/**
 * Train/test splits by episode, recorded in the manifest (files stay where they are).
 *
 * - Random: the study's offline protocol trains every design on one fixed split per task
 *   (paper section 4.3: 1.25M training and 125K test samples per task, a test fraction of about
 *   0.09). Episodes are ordered by file name and shuffled with `Rng(seed)` (Fisher-Yates); the
 *   first round(testFraction * n) are test. Same files, seed and fraction: same split.
 * - Optimism (paper appendix A.2, Fig. 9): the training set holds only low-reward data and the
 *   test set the high-reward trajectories, to see which models extrapolate to unseen high
 *   rewards. Here by episode return: return >= threshold is test, the rest train; the threshold
 *   is given, or is the q-quantile of the returns (linear interpolation, as numpy's default).
 */
import { Rng, percentiles, validator } from '@vmbrl/core';
import { DatasetUsageError } from './dataset-errors';
import { withDatasetLock } from './dataset-lock';
import {
  type DatasetManifest,
  type SplitRecord,
  readDatasetManifest,
  writeDatasetManifest,
} from './dataset-manifest';

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  seed: number;
  /** Fraction of episodes in the test split, in (0, 1). */
  testFraction: number;
  /** Replace an existing split (otherwise refused). */
  force?: boolean;
}

/** Options of {@link optimismSplit}: exactly one of `threshold` and `quantile`. */
export interface OptimismSplitOptions {
  /** Episodes with return >= threshold go to test. */
  threshold?: number;
  /** Use the q-quantile of the returns as the threshold, q in (0, 1). */
  quantile?: number;
  force?: boolean;
}

function describe(split: SplitRecord): string {
  return split.method === 'random'
    ? `random, seed ${split.seed}, test fraction ${split.testFraction}`
    : `optimism, threshold ${split.threshold}${split.quantile === undefined ? '' : ` (quantile ${split.quantile})`}`;
}

/** Reads the manifest, refuses what cannot be split, assigns, writes; under the lock. */
function assign(
  dir: string,
  command: string,
  force: boolean | undefined,
  choose: (manifest: DatasetManifest) => {
    test: Set<string>;
    record: Omit<SplitRecord, 'train' | 'test'>;
  },
): SplitRecord {
  return withDatasetLock(dir, command, () => {
    const manifest = readDatasetManifest(dir);
    if (manifest.episodes.length < 2) {
      throw new DatasetUsageError(
        `${command}: ${dir} has ${manifest.episodes.length} episode${manifest.episodes.length === 1 ? '' : 's'}; a split needs at least 2 (one train, one test)`,
      );
    }
    if (manifest.split && !force) {
      throw new DatasetUsageError(
        `${command}: ${dir} is already split (${describe(manifest.split)}); pass --force to replace that split`,
      );
    }
    const { test, record } = choose(manifest);
    for (const e of manifest.episodes) e.split = test.has(e.file) ? 'test' : 'train';
    const split = {
      ...record,
      train: manifest.episodes.length - test.size,
      test: test.size,
    } as SplitRecord;
    manifest.split = split;
    writeDatasetManifest(dir, manifest);
    return split;
  });
}

/** Deterministic random split by episode; records it in the manifest and returns it. */
export function randomSplit(dir: string, options: RandomSplitOptions): SplitRecord {
  const check = validator('split');
  const seed = check.integer('seed', options.seed, 0);
  const testFraction = check.number('testFraction', options.testFraction, {
    min: 0,
    max: 1,
    minOpen: true,
    maxOpen: true,
  });
  return assign(dir, 'split', options.force, (manifest) => {
    const files = manifest.episodes.map((e) => e.file).sort();
    const rng = new Rng(seed);
    for (let i = files.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [files[i], files[j]] = [files[j], files[i]];
    }
    const n = files.length;
    const testCount = Math.round(testFraction * n);
    if (testCount < 1 || testCount > n - 1) {
      throw new DatasetUsageError(
        `split: test fraction ${testFraction} of ${n} episodes puts ${testCount} in test; allowed: a fraction with 1 <= round(fraction * ${n}) <= ${n - 1}`,
      );
    }
    return {
      test: new Set(files.slice(0, testCount)),
      record: { method: 'random', seed, testFraction },
    };
  });
}

/** The paper's optimism split by episode return; records it in the manifest and returns it. */
export function optimismSplit(dir: string, options: OptimismSplitOptions): SplitRecord {
  const check = validator('optimism');
  const given =
    (options.threshold !== undefined ? 1 : 0) + (options.quantile !== undefined ? 1 : 0);
  if (given !== 1) {
    check.fail('threshold/quantile', options, 'exactly one of a return threshold and a quantile');
  }
  const quantile =
    options.quantile === undefined
      ? undefined
      : check.number('quantile', options.quantile, {
          min: 0,
          max: 1,
          minOpen: true,
          maxOpen: true,
        });
  const fixed =
    options.threshold === undefined ? undefined : check.number('threshold', options.threshold);
  return assign(dir, 'optimism', options.force, (manifest) => {
    const returns = manifest.episodes.map((e) => e.return).sort((a, b) => a - b);
    const lowest = returns[0];
    const highest = returns[returns.length - 1];
    const threshold = fixed ?? percentiles(returns, [quantile! * 100])[0];
    if (!(threshold > lowest && threshold <= highest)) {
      const why =
        quantile === undefined
          ? `threshold ${threshold}`
          : `quantile ${quantile} (return ${threshold})`;
      throw new DatasetUsageError(
        `optimism: ${why} leaves ${threshold > highest ? 'test' : 'train'} empty; the returns of ${dir} span ${lowest} to ${highest}; allowed: a threshold in (${lowest}, ${highest}]`,
      );
    }
    const test = new Set(manifest.episodes.filter((e) => e.return >= threshold).map((e) => e.file));
    const record =
      quantile === undefined
        ? { method: 'optimism' as const, threshold }
        : { method: 'optimism' as const, threshold, quantile };
    return { test, record };
  });
}
