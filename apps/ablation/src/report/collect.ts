/**
 * What the report reads from each cell's run directory, and nothing else: the evaluation curve
 * and final score (metrics.jsonl eval rows), the measured step times (train rows' update rate,
 * planned episodes' planning seconds per step), the parameter count (the checkpoint manifest's
 * tensors, optimiser slots excluded) and the per-step rewards of the collected training episodes
 * (episodes/*.npz). An offline cell's numbers are its evaluation.json (score and reward error).
 * A cell that is not done is missing, with the reason.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { offlineRowOf, readOfflineEvaluation, runPaths } from '@vmbrl/agents';
import {
  type EvalCurve,
  type OfflineRow,
  median,
  randomEpisodeReturns,
  readEvalCurve,
  readMetrics,
} from '@vmbrl/metrics';
import { readNpz } from '@vmbrl/replay';
import { cellDir, readCellStatus } from '@vmbrl/sweep';
import type { PlannedCell } from '../plan.js';

/** One done cell's numbers. */
export interface CellResult {
  curve: EvalCurve;
  /** Return of the last evaluation (the paper's "score after training"). */
  finalScore: number;
  /** Median seconds per world-model/behaviour update (1 / the train rows' updatesPerSecond). */
  trainStepSeconds: number | null;
  /** Median seconds the agent takes to choose one action (planned episodes' planSecondsPerStep). */
  inferenceSeconds: number | null;
  /** Trainable parameters of the agent's networks (null when it has none, e.g. the oracle). */
  params: number | null;
  /** Last evaluation's open-loop image error (mean squared error per pixel), if logged. */
  imageError: number | null;
  /** Last train row's reward loss, if logged. */
  rewardError: number | null;
  /** Rewards of every agent step of the collected training episodes. */
  rewards: number[];
  /** Returns of the random-policy (seed) episodes. */
  randomReturns: number[];
}

/** A planned cell and its result, or why there is none. */
export interface CollectedCell {
  planned: PlannedCell;
  /** An online cell's numbers (null for offline cells and missing ones). */
  result: CellResult | null;
  /** An offline cell's row of Tables 1-2, labelled with the study's design name. */
  offline?: OfflineRow;
  missing?: string;
}

/** Reads every planned cell under `runsDir`. */
export function collectCells(cells: readonly PlannedCell[], runsDir: string): CollectedCell[] {
  return cells.map((planned) => {
    if (!planned.cell)
      return { planned, result: null, missing: `unavailable: ${planned.unavailable}` };
    const dir = cellDir(runsDir, planned.cell);
    const status = existsSync(dir) ? readCellStatus(dir) : null;
    if (status?.state !== 'done') {
      const why = status
        ? `${status.state}${status.error ? `: ${status.error.split('\n')[0]}` : ''}`
        : 'not run';
      return { planned, result: null, missing: why };
    }
    if (planned.cell.config.protocol === 'offline') {
      const row = offlineRowOf(readOfflineEvaluation(dir));
      return { planned, result: null, offline: { ...row, design: offlineLabel(planned) } };
    }
    return { planned, result: readCellResult(dir) };
  });
}

/** A planned offline cell's design in Tables 1-2: its name, with its sweep point if any. */
export function offlineLabel(planned: PlannedCell): string {
  return planned.point ? `${planned.design} (${planned.point})` : planned.design;
}

/** The numbers of one finished run directory. */
export function readCellResult(runDir: string): CellResult {
  const curve = readEvalCurve(runDir);
  const { rows } = readMetrics(runPaths(runDir).metrics);
  const rates = rows
    .filter(
      (r) => r.kind === 'train' && typeof r.updatesPerSecond === 'number' && r.updatesPerSecond > 0,
    )
    .map((r) => 1 / (r.updatesPerSecond as number));
  const planning = rows
    .filter(
      (r) => r.kind === 'episode' && r.random !== true && typeof r.planSecondsPerStep === 'number',
    )
    .map((r) => r.planSecondsPerStep as number);
  const lastOf = (kind: string, key: string): number | null => {
    const values = rows.filter((r) => r.kind === kind && typeof r[key] === 'number');
    return values.length ? (values[values.length - 1][key] as number) : null;
  };
  return {
    curve,
    finalScore: curve.y[curve.y.length - 1],
    trainStepSeconds: rates.length ? median(rates) : null,
    inferenceSeconds: planning.length ? median(planning) : null,
    params: parameterCount(runDir),
    imageError: lastOf('eval', 'openLoopMse'),
    rewardError: lastOf('train', 'reward'),
    rewards: episodeRewards(runDir),
    randomReturns: randomEpisodeReturns(runDir),
  };
}

/** Sum over the checkpoint's tensors of their element counts (null without a model). */
export function parameterCount(runDir: string): number | null {
  const agentDir = join(runPaths(runDir).checkpoint, 'agent');
  if (!existsSync(agentDir)) return null;
  let total = 0;
  let found = false;
  for (const entry of readdirSync(agentDir, { withFileTypes: true })) {
    const manifest = join(agentDir, entry.name, 'manifest.json');
    if (!entry.isDirectory() || !existsSync(manifest)) continue;
    const { tensors } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      tensors: { shape: number[] }[];
    };
    for (const { shape } of tensors) total += shape.reduce((a, b) => a * b, 1);
    found = true;
  }
  return found ? total : null;
}

/** Per-step rewards of the training episodes (row 0, the reset, has none). */
function episodeRewards(runDir: string): number[] {
  const dir = runPaths(runDir).episodes;
  if (!existsSync(dir)) return [];
  const rewards: number[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.npz'))
    .sort()) {
    const reward = readNpz(join(dir, name)).get('reward');
    if (reward) rewards.push(...Array.from(reward.data as ArrayLike<number>).slice(1));
  }
  return rewards;
}
