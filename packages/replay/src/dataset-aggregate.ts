/**
 * Merging datasets of one task into one (the study aggregates every online run of a task into
 * one offline dataset, paper section 4.3). Files are checked against their manifest's sha256,
 * then hard-linked or copied under new names; every episode keeps its source. An episode whose
 * bytes are already in the output is added once, so re-running an interrupted aggregate
 * finishes it. Splits are not carried over: split the merged dataset.
 */
import { join } from 'node:path';
import { DatasetUsageError } from './dataset-errors';
import { type DatasetManifest, readDatasetManifest } from './dataset-manifest';
import { DatasetWriter } from './dataset-writer';
import { specMismatch } from './sampling';

/** Outcome of {@link aggregateDatasets}. */
export interface AggregateReport {
  out: string;
  /** Episodes added, and how many of them were hard-linked. */
  added: number;
  linked: number;
  /** Episodes whose bytes the output already held. */
  duplicates: number;
  /** Episodes per source in the output after the merge. */
  sources: DatasetManifest['sources'];
}

/**
 * Merges the datasets `dirs` into `out` (created when missing; an existing dataset there must be
 * of the same task and action repeat). Refuses datasets of different tasks, action repeats or
 * episode shapes, naming both values and both directories, before writing anything.
 */
export function aggregateDatasets(
  out: string,
  dirs: readonly string[],
  options: { link?: boolean } = {},
): AggregateReport {
  if (dirs.length === 0) throw new DatasetUsageError('aggregate: no input datasets given');
  const inputs = dirs.map((dir) => ({ dir, manifest: readDatasetManifest(dir) }));
  const first = inputs[0];
  for (const other of inputs.slice(1)) {
    for (const [key, name] of [
      ['task', 'task'],
      ['actionRepeat', 'action repeat'],
    ] as const) {
      if (other.manifest[key] !== first.manifest[key]) {
        throw new DatasetUsageError(
          `aggregate: ${first.dir} has ${name} ${first.manifest[key]} but ${other.dir} has ${name} ${other.manifest[key]}; only datasets of one task and action repeat can be merged`,
        );
      }
    }
    const mismatch =
      first.manifest.spec &&
      other.manifest.spec &&
      specMismatch(first.manifest.spec, other.manifest.spec);
    if (mismatch) {
      throw new DatasetUsageError(
        `aggregate: episodes of ${other.dir} have ${mismatch} (those of ${first.dir}); only episodes of one shape can be merged`,
      );
    }
  }
  const writer = DatasetWriter.open(out, {
    task: first.manifest.task,
    actionRepeat: first.manifest.actionRepeat,
  });
  const report: AggregateReport = { out, added: 0, linked: 0, duplicates: 0, sources: {} };
  try {
    for (const { dir, manifest } of inputs) {
      for (const entry of manifest.episodes) {
        if (writer.has(entry.sha256)) {
          report.duplicates++;
          continue;
        }
        const { linked } = writer.addFile(join(dir, entry.file), entry, manifest.spec!, options);
        report.added++;
        if (linked) report.linked++;
      }
    }
    report.sources = writer.manifest.sources;
    return report;
  } finally {
    writer.close();
  }
}
