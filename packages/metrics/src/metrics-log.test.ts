import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MetricsLog,
  type MetricsRow,
  latestMetrics,
  metricKeys,
  metricSeries,
  readMetrics,
  truncateMetricsAfter,
} from './metrics-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmbrl-metrics-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('MetricsLog', () => {
  it('appends one JSON object per line and reads them back', () => {
    const path = join(dir, 'run', 'metrics.jsonl');
    const log = MetricsLog.open(path);
    log.append({ step: 0, kind: 'episode', return: 12.5, length: 1000 });
    log.append({ step: 100, kind: 'train', model_loss: 3.25, kl: 1 });
    log.append({ step: 1000, kind: 'eval', return: 80, task: 'cartpole-swingup' });
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')).toEqual([
      '{"step":0,"kind":"episode","return":12.5,"length":1000}',
      '{"step":100,"kind":"train","model_loss":3.25,"kl":1}',
      '{"step":1000,"kind":"eval","return":80,"task":"cartpole-swingup"}',
      '',
    ]);
    expect(log.read()).toHaveLength(3);
    expect(log.repairedLine).toBeUndefined();
  });

  it('rejects bad rows naming the field', () => {
    const log = MetricsLog.open(join(dir, 'metrics.jsonl'));
    expect(() => log.append({ step: -1, kind: 'train' })).toThrow(/step is -1/);
    expect(() => log.append({ step: 1, kind: '' })).toThrow(/kind is ""/);
    expect(() => log.append({ step: 1, kind: 'train', loss: Number.NaN })).toThrow(
      /loss is NaN; allowed values are finite numbers/,
    );
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe('');
  });

  it('a truncated last line is dropped and reported; reopening removes it before appending', () => {
    const path = join(dir, 'metrics.jsonl');
    writeFileSync(
      path,
      '{"step":1,"kind":"train","loss":2}\n{"step":2,"kind":"train","loss":1.5}\n',
    );
    appendFileSync(path, '{"step":3,"kind":"tra'); // a run killed mid-write
    const read = readMetrics(path);
    expect(read.rows.map((r) => r.step)).toEqual([1, 2]);
    expect(read.truncatedLine).toEqual({ lineNumber: 3, text: '{"step":3,"kind":"tra' });

    const log = MetricsLog.open(path);
    expect(log.repairedLine?.lineNumber).toBe(3);
    log.append({ step: 3, kind: 'train', loss: 1.25 });
    expect(readMetrics(path)).toEqual({
      rows: [
        { step: 1, kind: 'train', loss: 2 },
        { step: 2, kind: 'train', loss: 1.5 },
        { step: 3, kind: 'train', loss: 1.25 },
      ],
    });
  });

  it('a complete last row without its newline is kept', () => {
    const path = join(dir, 'metrics.jsonl');
    writeFileSync(path, '{"step":1,"kind":"eval","return":5}');
    expect(readMetrics(path).rows).toHaveLength(1);
    const log = MetricsLog.open(path);
    log.append({ step: 2, kind: 'eval', return: 6 });
    expect(readMetrics(path).rows.map((r) => r.return)).toEqual([5, 6]);
  });

  it('a malformed line in the middle is an error naming file and line', () => {
    const path = join(dir, 'metrics.jsonl');
    writeFileSync(path, '{"step":1,"kind":"eval"}\nnot json\n{"step":2,"kind":"eval"}\n');
    expect(() => readMetrics(path)).toThrow(/metrics\.jsonl:2: not valid JSON/);
    writeFileSync(path, '{"kind":"eval"}\n');
    expect(() => readMetrics(path)).toThrow(/metrics\.jsonl:1: step is undefined/);
    expect(() => readMetrics(join(dir, 'missing.jsonl'))).toThrow(/does not exist/);
  });

  it('truncateAfter drops rows after the checkpoint step atomically', () => {
    const path = join(dir, 'metrics.jsonl');
    const log = MetricsLog.open(path);
    for (const step of [0, 500, 1000, 1500, 2000]) log.append({ step, kind: 'train', loss: step });
    appendFileSync(path, '{"step":25');
    expect(log.truncateAfter(1000)).toEqual({ kept: 3, dropped: 2 });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readMetrics(path).truncatedLine).toBeUndefined();
    // no temporary files left behind
    expect(readdirSync(dir)).toEqual(['metrics.jsonl']);
    expect(truncateMetricsAfter(path, 1000)).toEqual({ kept: 3, dropped: 0 });
    expect(() => truncateMetricsAfter(path, Number.NaN)).toThrow(/finite number/);
  });
});

describe('row helpers', () => {
  const rows: MetricsRow[] = [
    { step: 0, kind: 'train', loss: 5, kl: 3 },
    { step: 1000, kind: 'eval', return: 10 },
    { step: 100, kind: 'train', loss: 4, kl: 2, note: 'warmup' },
    { step: 2000, kind: 'eval', return: 30 },
    { step: 2000, kind: 'eval', return: 35 },
    { step: 200, kind: 'train', loss: 3 },
  ];

  it('metricSeries sorts by step and keeps the last value of a repeated step', () => {
    expect(metricSeries(rows, 'eval', 'return')).toEqual({ x: [1000, 2000], y: [10, 35] });
    expect(metricSeries(rows, 'train', 'kl')).toEqual({ x: [0, 100], y: [3, 2] });
  });

  it('metricKeys and latestMetrics', () => {
    expect(metricKeys(rows, 'train')).toEqual(['loss', 'kl']);
    const latest = latestMetrics(rows);
    expect(latest.get('train')?.step).toBe(200);
    expect(Object.fromEntries(latest.get('train')?.values ?? [])).toEqual({
      loss: 3,
      kl: 2,
      note: 'warmup',
    });
    expect(latest.get('eval')?.values.get('return')).toBe(35);
  });
});
