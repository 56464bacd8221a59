/**
 * Scoring an offline run as the paper does (section 4.3, Tables 1-2): the last checkpoint plans
 * in the real environment for N episodes without noise — the score is the 90th percentile of
 * their returns — and, for the study's designs, predicts the test split's windows, whose median
 * reward error is Table 2's L_R (plus the image error of designs that predict frames). Written to
 * `evaluation.json` (format below, read by `vmbrl-offline report` and `apps/ablation`) and the
 * (true, predicted) rewards to `rewards.json` for the heat maps.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileError, Rng, UsageError, splitSeed, writeFileAtomic } from '@vmbrl/core';
import {
  type ErrorSummary,
  type OfflineRow,
  type ScoreSummary,
  scoreSummary,
} from '@vmbrl/metrics';
import { type BackendName, initBackend } from '@vmbrl/tensor';
import type { StudyModel } from '@vmbrl/world-models';
import { playEpisode } from '../loop/episodes.js';
import { locateCheckpoint, readLoopState } from '../loop/run-dir.js';
import { type RunConfig, makeEnvAndAgent, readRunConfig } from '../registry.js';
import { predictionErrors } from './prediction.js';
import { type DatasetRecord, readOfflineRecord, readSplit } from './train.js';

export const OFFLINE_EVALUATION_FORMAT = 'vmbrl-offline-evaluation/1';
export const EVALUATION_FILE = 'evaluation.json';
export const REWARDS_FILE = 'rewards.json';

/** `evaluation.json` of an offline run: one cell of Tables 1-2. */
export interface OfflineEvaluation {
  format: typeof OFFLINE_EVALUATION_FORMAT;
  task: string;
  /** The agent kind (`study` for the study's designs). */
  agent: string;
  /** The design of Table 4 (the agent kind for agents outside the study). */
  design: string;
  preset: string;
  seed: number;
  dataset: DatasetRecord;
  /** Updates of the checkpoint that was scored. */
  updates: number;
  /** The score: p90 of `returns` (Table 1), mean and std. */
  score: ScoreSummary;
  returns: number[];
  /** Agent steps per evaluation episode (null: the task's full episode). */
  episodeSteps: number | null;
  /** Median and mean per-window reward error on the test split (Table 2); null if not measured. */
  rewardError: ErrorSummary | null;
  /** Per-window image error (mean squared, [0, 1] pixels); null for designs without frames. */
  imageError: ErrorSummary | null;
  /** The windows behind the errors; null when not measured. */
  prediction: { context: number; horizon: number; stride: number; windows: number } | null;
  /** Why the prediction errors are missing, when they are. */
  noPrediction?: string;
  /** Wall-clock seconds of the evaluation. */
  seconds: number;
}

/** Options of {@link evaluateOffline}. */
export interface EvaluateOfflineOptions {
  out: string;
  /** Episodes in the real environment (default: the run's `evalEpisodes`). */
  episodes?: number;
  backend?: BackendName;
  onEpisode?: (index: number, episodeReturn: number) => void;
  checkStop?: () => void;
}

/** The design's model when the agent plans with one of the study's designs. */
function studyModelOf(agent: unknown): StudyModel | null {
  const model = (agent as { model?: Partial<StudyModel> }).model;
  return model && typeof model.predict === 'function' && typeof model.design === 'string'
    ? (model as StudyModel)
    : null;
}

/** The design a run config stands for. */
export function designOf(config: RunConfig): string {
  const design = (config as { design?: unknown }).design;
  return typeof design === 'string' ? design : config.agent;
}

/** Scores the last checkpoint of the offline run in `out` and writes `evaluation.json`. */
export async function evaluateOffline(options: EvaluateOfflineOptions): Promise<OfflineEvaluation> {
  const started = performance.now();
  const { out } = options;
  const record = readOfflineRecord(out);
  if (!record) {
    throw new UsageError(
      `${out} is not an offline run (no offline.json); train one with \`vmbrl-offline train\``,
    );
  }
  const config = readRunConfig(out);
  const checkpoint = locateCheckpoint(out); // read only: the run may be training
  if (!checkpoint) throw new UsageError(`${out} has no checkpoint yet; train it first`);
  const { settings } = record;
  const episodes = options.episodes ?? settings.evalEpisodes;
  await initBackend(options.backend ? { backend: options.backend } : {});
  const { env, agent } = await makeEnvAndAgent(config);
  try {
    await agent.load(join(checkpoint, 'agent'));
    const { updates } = readLoopState(checkpoint);
    // Returns in the real environment, on reset seeds no training stream uses.
    const returns: number[] = [];
    const actionRng = new Rng(splitSeed(config.seed, 'offline-eval-actions'));
    for (let k = 0; k < episodes; k++) {
      const played = await playEpisode({
        env,
        agent,
        mode: 'eval',
        seed: splitSeed(config.seed, `offline-eval/${k}`),
        actionRng,
        checkStop: options.checkStop ?? (() => {}),
        actionRepeat: config.actionRepeat,
      });
      returns.push(played.return);
      options.onEpisode?.(k, played.return);
    }
    // Prediction errors on the test split.
    const model = studyModelOf(agent);
    let prediction: OfflineEvaluation['prediction'] = null;
    let errors: ReturnType<typeof predictionErrors> | null = null;
    let noPrediction: string | undefined;
    if (model) {
      const { episodes: test } = readSplit(record.dataset.path, 'test');
      const windows = {
        context: settings.predictionContext,
        horizon: settings.predictionHorizon,
        stride: settings.predictionStride,
        maxWindows: settings.predictionWindows,
        batchSize: settings.predictionBatch,
      };
      errors = predictionErrors(model, test, windows);
      prediction = {
        context: windows.context,
        horizon: windows.horizon,
        stride: windows.stride,
        windows: errors.rewardError.windows,
      };
      writeFileAtomic(join(out, REWARDS_FILE), `${JSON.stringify(errors.rewards)}\n`);
    } else {
      noPrediction = `${config.agent} has no study model to predict the test split with`;
    }
    const evaluation: OfflineEvaluation = {
      format: OFFLINE_EVALUATION_FORMAT,
      task: config.task,
      agent: config.agent,
      design: designOf(config),
      preset: config.preset,
      seed: config.seed,
      dataset: record.dataset,
      updates,
      score: scoreSummary(returns),
      returns,
      episodeSteps: config.episodeSteps,
      rewardError: errors?.rewardError ?? null,
      imageError: errors?.imageError ?? null,
      prediction,
      ...(noPrediction ? { noPrediction } : {}),
      seconds: (performance.now() - started) / 1000,
    };
    writeFileAtomic(join(out, EVALUATION_FILE), `${JSON.stringify(evaluation, null, 2)}\n`);
    return evaluation;
  } finally {
    env.close();
    await agent.dispose();
  }
}

/** Reads `evaluation.json` of a run; a missing or foreign file is named. */
export function readOfflineEvaluation(out: string): OfflineEvaluation {
  const path = join(out, EVALUATION_FILE);
  let parsed: OfflineEvaluation;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as OfflineEvaluation;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(
        `${out} has no ${EVALUATION_FILE}; run \`vmbrl-offline evaluate --out ${out}\` first`,
      );
    }
    throw new FileError(path, `not valid JSON (${(error as Error).message})`);
  }
  if (parsed.format !== OFFLINE_EVALUATION_FORMAT) {
    throw new FileError(path, `format is ${parsed.format}; expected ${OFFLINE_EVALUATION_FORMAT}`);
  }
  return parsed;
}

/** The (true, predicted) rewards an evaluation wrote, or null. */
export function readRewardPairs(out: string): { truth: number[]; predicted: number[] } | null {
  const path = join(out, REWARDS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FileError(path, `not valid JSON (${(error as Error).message})`);
  }
}

/** The row Tables 1-2 read of an evaluation. */
export function offlineRowOf(evaluation: OfflineEvaluation): OfflineRow {
  return {
    task: evaluation.task,
    design: evaluation.design,
    seed: evaluation.seed,
    score: evaluation.score.p90,
    rewardError: evaluation.rewardError?.median ?? null,
  };
}
