/** Names and listings of episode files in a directory. */
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Dreamer-style file name: `<UTC timestamp>-<uuid>-<length>.npz`, sorting chronologically. */
export function episodeFileName(length: number, date = new Date()): string {
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  return `${stamp}-${randomUUID().replace(/-/g, '')}-${length}.npz`;
}

/** Lists the `.npz` files of a directory, sorted by name (temporary files excluded). */
export function listEpisodeFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.npz') && !name.startsWith('.'))
    .sort();
}

/** Bytes a directory's episodes occupy on disk (for reports). */
export function directoryBytes(dir: string): number {
  return listEpisodeFiles(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}
