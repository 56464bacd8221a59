/**
 * The run's `metrics.jsonl`: one JSON object per line, appended as training goes. Every row has
 * a `step` (env steps, or whatever counter the agent uses on its x axis) and a `kind` ('train',
 * 'eval', 'episode', ...) plus named values. A run killed mid-append can leave a partial last
 * line; readers drop it and say so, and reopening the log for appending removes it first.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@vmbrl/core';
import type { Series } from './stats.js';

/** A value in a metrics row. */
export type MetricValue = number | string | boolean | null;

/** One line of `metrics.jsonl`. */
export interface MetricsRow {
  step: number;
  kind: string;
  [key: string]: MetricValue;
}

/** What `readMetrics` found. */
export interface MetricsFile {
  rows: MetricsRow[];
  /** The partial last line of a killed run, dropped from `rows`; undefined if the file was whole. */
  truncatedLine?: { lineNumber: number; text: string };
}

/** Throws unless `row` is a valid metrics row; `where` names it in the message. */
export function validateMetricsRow(row: unknown, where: string): asserts row is MetricsRow {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new TypeError(
      `${where}: a metrics row must be a JSON object, got ${JSON.stringify(row)}`,
    );
  }
  const record = row as Record<string, unknown>;
  if (typeof record.step !== 'number' || !Number.isFinite(record.step) || record.step < 0) {
    throw new RangeError(
      `${where}: step is ${JSON.stringify(record.step)}; a finite number >= 0 is required`,
    );
  }
  if (typeof record.kind !== 'string' || record.kind.length === 0) {
    throw new TypeError(
      `${where}: kind is ${JSON.stringify(record.kind)}; a non-empty string such as 'train', 'eval' or 'episode' is required`,
    );
  }
  for (const [key, value] of Object.entries(record)) {
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      throw new TypeError(
        `${where}: ${key} is ${String(value)}; allowed values are finite numbers, strings, booleans and null`,
      );
    }
  }
}

/** Splits file text into complete rows and a possibly truncated last line. */
/** Parses the text of a metrics file (`path` names it in errors). */
export function parseMetricsText(text: string, path: string): MetricsFile {
  const lines = text.split('\n');
  // A file written by the log ends with '\n', so the last element is ''. Anything else is a
  // last line whose append was cut short.
  const last = lines.pop() ?? '';
  const rows: MetricsRow[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new SyntaxError(
        `${path}:${i + 1}: not valid JSON (${(error as Error).message}); each line must be one JSON object`,
      );
    }
    validateMetricsRow(parsed, `${path}:${i + 1}`);
    rows.push(parsed);
  });
  if (last.trim() === '') return { rows };
  // A complete object missing only its newline is kept; anything else is the partial tail.
  try {
    const parsed: unknown = JSON.parse(last);
    validateMetricsRow(parsed, `${path}:${lines.length + 1}`);
    rows.push(parsed);
    return { rows };
  } catch {
    return { rows, truncatedLine: { lineNumber: lines.length + 1, text: last } };
  }
}

/**
 * Reads a metrics file. A truncated last line (a run killed mid-append) is dropped and reported
 * in `truncatedLine`; a malformed line elsewhere is an error naming the file and line.
 */
export function readMetrics(path: string): MetricsFile {
  if (!existsSync(path)) throw new Error(`${path}: metrics file does not exist`);
  return parseMetricsText(readFileSync(path, 'utf8'), path);
}

function serialise(rows: readonly MetricsRow[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

/**
 * Drops every row with `step > step` (a resumed run goes back to its checkpoint's step, so rows
 * logged after the checkpoint would otherwise be duplicated), and a truncated last line.
 * Rewrites the file atomically. Returns how many rows were kept and dropped.
 */
export function truncateMetricsAfter(
  path: string,
  step: number,
): { kept: number; dropped: number } {
  if (typeof step !== 'number' || !Number.isFinite(step)) {
    throw new RangeError(`truncateAfter step is ${String(step)}; a finite number is required`);
  }
  const { rows, truncatedLine } = readMetrics(path);
  const kept = rows.filter((row) => row.step <= step);
  const dropped = rows.length - kept.length;
  if (dropped > 0 || truncatedLine) writeFileAtomic(path, serialise(kept));
  return { kept: kept.length, dropped };
}

/**
 * An append-only metrics log. Opening an existing file keeps its rows; if its last line was cut
 * short by a killed run, that line is removed (atomic rewrite) and reported in
 * `repairedLine`, so the next append starts on a fresh line.
 */
export class MetricsLog {
  /** The partial line removed when the log was opened, if any. */
  readonly repairedLine?: { lineNumber: number; text: string };

  private constructor(
    readonly path: string,
    repairedLine?: { lineNumber: number; text: string },
  ) {
    this.repairedLine = repairedLine;
  }

  /** Opens (creating if needed) the log at `path`. */
  static open(path: string): MetricsLog {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) {
      writeFileAtomic(path, '');
      return new MetricsLog(path);
    }
    const text = readFileSync(path, 'utf8');
    const { rows, truncatedLine } = parseMetricsText(text, path);
    if (truncatedLine || (text.length > 0 && !text.endsWith('\n'))) {
      writeFileAtomic(path, serialise(rows));
    }
    return new MetricsLog(path, truncatedLine);
  }

  /** Appends one row (validated first, written as one line with a single write). */
  append(row: MetricsRow): void {
    validateMetricsRow(row, `${this.path}: row to append`);
    appendFileSync(this.path, `${JSON.stringify(row)}\n`);
  }

  /** All complete rows currently in the file. */
  read(): MetricsRow[] {
    return readMetrics(this.path).rows;
  }

  /** See `truncateMetricsAfter`. */
  truncateAfter(step: number): { kept: number; dropped: number } {
    return truncateMetricsAfter(this.path, step);
  }
}

/**
 * The curve of `key` over `step` for rows of `kind`, sorted by step. Rows without a finite
 * numeric `key` are skipped; if several rows share a step, the last one logged wins (so x is
 * strictly increasing, as plots and `aggregateCurves` need).
 */
export function metricSeries(rows: readonly MetricsRow[], kind: string, key: string): Series {
  const byStep = new Map<number, number>();
  for (const row of rows) {
    const value = row[key];
    if (row.kind === kind && typeof value === 'number' && Number.isFinite(value)) {
      byStep.set(row.step, value);
    }
  }
  const x = Array.from(byStep.keys()).sort((a, b) => a - b);
  return { x, y: x.map((s) => byStep.get(s) as number) };
}

/** Numeric keys present in rows of `kind` (excluding `step`), in first-seen order. */
export function metricKeys(rows: readonly MetricsRow[], kind: string): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    if (row.kind !== kind) continue;
    for (const [key, value] of Object.entries(row)) {
      if (key !== 'step' && typeof value === 'number') keys.add(key);
    }
  }
  return Array.from(keys);
}

/**
 * The latest value of every key per kind: for each kind, the step of its last row and, for each
 * key, the value from the last row that had it (for a "last metrics" table).
 */
export function latestMetrics(
  rows: readonly MetricsRow[],
): Map<string, { step: number; values: Map<string, MetricValue> }> {
  const latest = new Map<string, { step: number; values: Map<string, MetricValue> }>();
  for (const row of rows) {
    let entry = latest.get(row.kind);
    if (!entry) {
      entry = { step: row.step, values: new Map() };
      latest.set(row.kind, entry);
    }
    entry.step = row.step;
    for (const [key, value] of Object.entries(row)) {
      if (key !== 'step' && key !== 'kind') entry.values.set(key, value);
    }
  }
  return latest;
}
