import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optimismSplit, readDatasetManifest } from '@vmbrl/replay';
import { afterAll, describe, expect, it } from 'vitest';
import { collectDataset } from './collect.js';
import {
  EVALUATION_FILE,
  OFFLINE_EVALUATION_FORMAT,
  type OfflineEvaluation,
  REWARDS_FILE,
} from './evaluate.js';
import { offlineReport } from './report.js';

const root = mkdtempSync(join(tmpdir(), 'vmbrl-offline-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('offline report', () => {
  it('tabulates evaluations beside the paper and draws the optimism heat map', async () => {
    const dataset = join(root, 'data');
    await collectDataset({
      dataset,
      task: 'cartpole-swingup',
      actionRepeat: 4,
      episodeSteps: 6,
      seed: 1,
      sources: [{ kind: 'random', name: 'random', episodes: 4 }],
    });
    const split = optimismSplit(dataset, { quantile: 0.5 });
    expect(split).toMatchObject({ method: 'optimism', train: 2, test: 2 });
    const manifest = readDatasetManifest(dataset);
    // Three designs with scores 100, 300, 200 and errors 0.3, 0.1, 0.2: rho = -1 exactly.
    const runs = [
      ['R', 100, 0.3],
      ['OTOR', 300, 0.1],
      ['LTLR', 200, 0.2],
    ].map(([design, score, error]) => {
      const run = join(root, `run-${design}`);
      mkdirSync(run);
      const evaluation: OfflineEvaluation = {
        format: OFFLINE_EVALUATION_FORMAT,
        task: 'cartpole-swingup',
        agent: 'study',
        design: design as string,
        preset: 'debug',
        seed: 0,
        dataset: {
          path: dataset,
          task: manifest.task,
          actionRepeat: 4,
          split,
          trainFingerprint: '0',
        },
        updates: 4,
        score: { p90: score as number, mean: 0, std: 0, episodes: 2 },
        returns: [0, 0],
        episodeSteps: 6,
        rewardError: { median: error as number, mean: error as number, windows: 3 },
        imageError: null,
        prediction: { context: 2, horizon: 3, stride: 2, windows: 3 },
        seconds: 1,
      };
      writeFileSync(join(run, EVALUATION_FILE), JSON.stringify(evaluation));
      // One prediction below 0 is drawn at the edge, not dropped.
      writeFileSync(
        join(run, REWARDS_FILE),
        JSON.stringify({ truth: [0.5, 1, 3.9], predicted: [0.4, -0.2, 2] }),
      );
      return run;
    });
    const out = join(root, 'report');
    const report = await offlineReport({ runs, out });
    expect(report.tables.pearson['cartpole-swingup'].ours).toBeCloseTo(-1, 12);
    expect(report.markdown).toContain('| OTOR | 300.0 / 684.7 / -384.7 |');
    expect(readFileSync(join(out, 'table.csv'), 'utf8')).toContain(
      'pearson_LR_S,all,cartpole-swingup,-1,3,-0.53,-0.47',
    );
    const svg = readFileSync(join(out, 'heatmap-cartpole-swingup.svg'), 'utf8');
    expect(svg).toContain('(optimism split)');
    // Three panels, three occupied bins each (the -0.2 prediction is drawn in the bottom row).
    expect((svg.match(/aria-label="true reward: /g) ?? []).length).toBe(9);
    expect((svg.match(/aria-roledescription="rule mark"/g) ?? []).length).toBe(3);
    expect(report.files).toContain(join(out, 'heatmap-cartpole-swingup.png'));
    await expect(offlineReport({ runs: [join(root, 'none')], out })).rejects.toThrow(
      /has no evaluation.json; run `vmbrl-offline evaluate/,
    );
  }, 60_000);
});
