/**
 * The run directory's logs for other tools, derived from `metrics.jsonl` (the one record) and
 * rewritten whole, atomically, each time the report is: `metrics.csv` (one line per row, a column
 * per key) and a TensorBoard event file in `tensorboard/` (a scalar `kind/key` per numeric value
 * at the row's step, and images such as the open-loop predictions). metrics.jsonl holds no wall
 * clock, so the events carry wall_time 0: read them on TensorBoard's STEP axis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@vmbrl/core';
import { type MetricValue, type MetricsRow, readMetrics } from './metrics-log.js';
import { type TensorBoardEvent, eventFileBytes, imageSize } from './tfevents.js';

/** File names inside the run directory. */
export const RUN_LOG_FILES = {
  csv: 'metrics.csv',
  tensorboard: join('tensorboard', 'events.out.tfevents.0.vmbrl'),
} as const;

/** An image for TensorBoard's image dashboard: a GIF or PNG file shown at `step`. */
export interface LoggedImage {
  tag: string;
  step: number;
  path: string;
}

function csvCell(value: MetricValue | undefined): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `rows` as CSV text: columns step, kind, then every other key in order of first appearance. */
export function metricsCsv(rows: readonly MetricsRow[]): string {
  const columns = ['step', 'kind'];
  const seen = new Set(columns);
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const lines = [columns.map((c) => csvCell(c)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** The events of `rows` (a scalar per finite number) and of `images`. */
export function runEvents(
  rows: readonly MetricsRow[],
  images: readonly LoggedImage[] = [],
): TensorBoardEvent[] {
  const events: TensorBoardEvent[] = [];
  for (const row of rows) {
    const values = Object.entries(row)
      .filter(([key, v]) => key !== 'step' && typeof v === 'number' && Number.isFinite(v))
      .map(([key, v]) => ({ tag: `${row.kind}/${key}`, scalar: v as number }));
    if (values.length > 0) events.push({ wallTime: 0, step: row.step, values });
  }
  for (const image of images) {
    const bytes = new Uint8Array(readFileSync(image.path));
    events.push({
      wallTime: 0,
      step: image.step,
      values: [{ tag: image.tag, image: { bytes, ...imageSize(bytes) } }],
    });
  }
  return events;
}

/** Writes `metrics.csv` and the TensorBoard event file of `runDir`; returns their paths. */
export function writeRunLogs(
  runDir: string,
  images: readonly LoggedImage[] = [],
): { csv: string; tensorboard: string } {
  const { rows } = readMetrics(join(runDir, 'metrics.jsonl'));
  const csv = join(runDir, RUN_LOG_FILES.csv);
  const tensorboard = join(runDir, RUN_LOG_FILES.tensorboard);
  writeFileAtomic(csv, metricsCsv(rows));
  writeFileAtomic(tensorboard, eventFileBytes(runEvents(rows, images)));
  return { csv, tensorboard };
}
