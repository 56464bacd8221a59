import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoopState } from '@vmbrl/agents';
import { afterAll, describe, expect, it } from 'vitest';
import { closingLines } from './closing.js';

const out = mkdtempSync(join(tmpdir(), 'vmbrl-closing-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const state = (episodes: number, envSteps: number) =>
  ({ episodes, envSteps, updates: 1234, evaluations: 2 }) as LoopState;

describe('closingLines', () => {
  it('latest and best evaluation, the random line, and what the checkpoint is past', () => {
    const rows = [
      { step: 100, kind: 'episode', episode: 1, return: 10, random: true },
      { step: 200, kind: 'episode', episode: 2, return: 20, random: true },
      { step: 300, kind: 'episode', episode: 3, return: 50, random: false },
      { step: 300, kind: 'eval', episode: 3, return: 80 },
      { step: 500, kind: 'eval', episode: 5, return: 60.04 },
    ];
    writeFileSync(join(out, 'metrics.jsonl'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    mkdirSync(join(out, 'checkpoints', 'best'), { recursive: true });
    const lines = closingLines(out, {
      stoppedBy: 'time',
      reportPath: join(out, 'report.html'),
      state: state(6, 6000),
    });
    expect(lines).toEqual([
      'episodes     6 (6,000 env steps, 1,234 updates)',
      'eval return  60.0 at 500 env steps (evaluation 2)',
      'best eval    80.0 at 300 env steps',
      'random       15.0 (mean of 2 random seed episodes)',
      `evaluate     the checkpoint is 1 episode past the last evaluation: vmbrl-online evaluate --out ${out}`,
      `report       ${join(out, 'report.html')}`,
      `logs         ${join(out, 'metrics.csv')}; tensorboard --logdir ${join(out, 'tensorboard')}`,
      `weights      vmbrl-online export --out ${out} --checkpoint best (or latest)`,
      'resume       run the same command again to continue from the last checkpoint',
    ]);
  });

  it('a run without evaluations says so', () => {
    const empty = join(out, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'metrics.jsonl'), '');
    const lines = closingLines(empty, {
      stoppedBy: 'budget',
      reportPath: 'r',
      state: state(1, 10),
    });
    expect(lines.slice(0, 2)).toEqual([
      'episodes     1 (10 env steps, 1,234 updates)',
      'eval return  - (no evaluation yet)',
    ]);
    expect(lines.some((l) => l.startsWith('resume'))).toBe(false);
  });
});
