/**
 * The lines a training command prints when it stops: what the run reached, its latest and best
 * evaluation against the random policy of its seed episodes, whether the checkpoint went past the
 * last evaluation, and where the report, the logs and the next commands are.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoopState, RunLoopResult } from '@vmbrl/agents';
import { type MetricsRow, formatSteps, readMetrics } from '@vmbrl/metrics';

/** Labels are padded to one column; every label is shorter than it. */
const label = (name: string) => name.padEnd(13);

/** The closing lines of a run in `out` that stopped with `result`. */
export function closingLines(
  out: string,
  result: Pick<RunLoopResult, 'stoppedBy' | 'reportPath'> & { state: LoopState },
): string[] {
  const s = result.state;
  const metrics = join(out, 'metrics.jsonl');
  const rows: MetricsRow[] = existsSync(metrics) ? readMetrics(metrics).rows : [];
  const evals = rows.filter((r) => r.kind === 'eval' && typeof r.return === 'number');
  const random = rows
    .filter((r) => r.kind === 'episode' && r.random === true && typeof r.return === 'number')
    .map((r) => r.return as number);
  const lines = [
    `${label('episodes')}${s.episodes} (${formatSteps(s.envSteps)} env steps, ${formatSteps(s.updates)} updates)`,
  ];
  const last = evals.at(-1);
  if (!last) {
    lines.push(`${label('eval return')}- (no evaluation yet)`);
  } else {
    const at = `at ${formatSteps(last.step)} env steps`;
    lines.push(
      `${label('eval return')}${(last.return as number).toFixed(1)} ${at} (evaluation ${evals.length})`,
    );
    const best = evals.reduce((a, b) => ((b.return as number) > (a.return as number) ? b : a));
    if (best !== last) {
      lines.push(
        `${label('best eval')}${(best.return as number).toFixed(1)} at ${formatSteps(best.step)} env steps`,
      );
    }
  }
  if (random.length > 0) {
    const mean = random.reduce((a, b) => a + b, 0) / random.length;
    lines.push(
      `${label('random')}${mean.toFixed(1)} (mean of ${random.length} random seed episodes)`,
    );
  }
  if (last && typeof last.episode === 'number' && last.episode < s.episodes) {
    const past = s.episodes - last.episode;
    lines.push(
      `${label('evaluate')}the checkpoint is ${past} episode${past === 1 ? '' : 's'} past the last evaluation: vmbrl-online evaluate --out ${out}`,
    );
  }
  lines.push(`${label('report')}${result.reportPath}`);
  lines.push(
    `${label('logs')}${join(out, 'metrics.csv')}; tensorboard --logdir ${join(out, 'tensorboard')}`,
  );
  if (existsSync(join(out, 'checkpoints', 'best'))) {
    lines.push(`${label('weights')}vmbrl-online export --out ${out} --checkpoint best (or latest)`);
  }
  if (result.stoppedBy !== 'budget') {
    lines.push(`${label('resume')}run the same command again to continue from the last checkpoint`);
  }
  return lines;
}
