import type { DatasetIdentity } from '../dataset-manifest';
import { DatasetWriter } from '../dataset-writer';
import { taggedEpisode } from './tagged-episode';

export const CARTPOLE: DatasetIdentity = { task: 'cartpole-swingup', actionRepeat: 8 };

/** taggedEpisode(tag, T) has rewards tag*1000 + t, so its return is T*tag*1000 + T(T-1)/2. */
export const taggedReturn = (tag: number, T: number) => T * tag * 1000 + (T * (T - 1)) / 2;

/** Writes a dataset of tagged episodes, one per [tag, rows, source]; returns `dir`. */
export function taggedDataset(
  dir: string,
  episodes: readonly (readonly [tag: number, rows: number, source: string])[],
  identity: DatasetIdentity = CARTPOLE,
): string {
  const writer = DatasetWriter.open(dir, identity);
  try {
    for (const [tag, rows, source] of episodes) writer.append(taggedEpisode(tag, rows), { source });
  } finally {
    writer.close();
  }
  return dir;
}
