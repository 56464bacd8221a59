/**
 * Prediction errors of a study design on the test split (paper Table 2, Figs 8-9): every test
 * episode is cut into windows of `context + horizon` rows at a fixed stride; from the first
 * `context` rows the design predicts the next `horizon` rewards (and frames) open loop under the
 * episode's own actions. Each window's reward error is the L2 norm over the horizon (the study's
 * code, `reward_error`), its image error the mean squared error per pixel value in [0, 1]; the
 * summary is the median over windows (Table 2) and the mean.
 *
 * The study's code filters from the episode's first frame up to the window; here each window
 * sees `context` rows before it (the designs' beliefs need a few frames, and a bounded context
 * keeps every window's cost the same).
 */
import type { Episode, SequenceBatch } from '@vmbrl/core';
import {
  type ErrorSummary,
  errorSummary,
  imageWindowErrors,
  rewardWindowErrors,
} from '@vmbrl/metrics';
import { allocateBatch, copyEpisodeChunk, specOf } from '@vmbrl/replay';
import { tf } from '@vmbrl/tensor';
import type { StudyModel } from '@vmbrl/world-models';

/** Where the windows are cut. */
export interface WindowOptions {
  /** Rows the design observes before predicting. */
  context: number;
  /** Rows predicted open loop (the planning horizon). */
  horizon: number;
  /** Rows between the starts of consecutive windows of an episode. */
  stride: number;
  /** At most this many windows in all, spread evenly over the candidates (null = all). */
  maxWindows: number | null;
}

/** A window: episode index and first row. */
export interface PredictionWindow {
  episode: number;
  start: number;
}

/**
 * The windows of `lengths` (rows per episode): starts 0, stride, 2 stride, ... with
 * start + context + horizon <= length; when more than `maxWindows`, every k-th evenly.
 */
export function predictionWindows(
  lengths: readonly number[],
  options: WindowOptions,
): PredictionWindow[] {
  const span = options.context + options.horizon;
  const all: PredictionWindow[] = [];
  lengths.forEach((length, episode) => {
    for (let start = 0; start + span <= length; start += options.stride) {
      all.push({ episode, start });
    }
  });
  const max = options.maxWindows;
  if (max === null || all.length <= max) return all;
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)]);
}

/** What {@link predictionErrors} measured. */
export interface PredictionErrors {
  rewardError: ErrorSummary;
  /** Null for designs that do not predict frames (R). */
  imageError: ErrorSummary | null;
  /** Per-window reward errors, window order. */
  rewardErrors: number[];
  /** Every (true, predicted) reward of every window, for the heat maps. */
  rewards: { truth: number[]; predicted: number[] };
}

/**
 * Reward (and image) errors of `model` over the windows of `episodes`, predicted `batchSize`
 * windows at a time. Throws when no episode is long enough for one window.
 */
export function predictionErrors(
  model: StudyModel,
  episodes: readonly Episode[],
  options: WindowOptions & { batchSize: number },
): PredictionErrors {
  const { context, horizon } = options;
  const windows = predictionWindows(
    episodes.map((e) => e.length),
    options,
  );
  if (windows.length === 0) {
    const longest = Math.max(0, ...episodes.map((e) => e.length));
    throw new Error(
      `prediction errors: no test episode has context + horizon = ${context + horizon} rows (the longest has ${longest}); use longer episodes or a shorter context/horizon`,
    );
  }
  const spec = specOf(episodes[0]);
  const frame = 64 * 64 * 3;
  const rewardErrors: number[] = [];
  const imageErrors: number[] = [];
  const truthAll: number[] = [];
  const predictedAll: number[] = [];
  for (let from = 0; from < windows.length; from += options.batchSize) {
    const group = windows.slice(from, from + options.batchSize);
    const batch: SequenceBatch = allocateBatch(spec, group.length, context + horizon, ['image']);
    group.forEach((w, b) => {
      copyEpisodeChunk(episodes[w.episode], w.start, batch, b);
      batch.starts[b] = w.start;
      batch.episodeIds[b] = w.episode;
    });
    // Truth: rows context .. context + horizon - 1 of each window.
    const length = context + horizon;
    const truthRewards = new Float32Array(group.length * horizon);
    const truthFrames = new Uint8Array(group.length * horizon * frame);
    for (let b = 0; b < group.length; b++) {
      const row = b * length + context;
      truthRewards.set(batch.reward.subarray(row, row + horizon), b * horizon);
      truthFrames.set(
        (batch.image as Uint8Array).subarray(row * frame, (row + horizon) * frame),
        b * horizon * frame,
      );
    }
    const prediction = model.predict(batch, context, horizon);
    try {
      const predicted = prediction.rewards.dataSync();
      rewardErrors.push(...rewardWindowErrors(predicted, truthRewards, horizon));
      truthAll.push(...truthRewards);
      predictedAll.push(...predicted);
      if (prediction.frames) {
        // Network scale x/255 - 0.5 back to [0, 1].
        const frames = Float32Array.from(prediction.frames.dataSync(), (v) => v + 0.5);
        imageErrors.push(...imageWindowErrors(frames, truthFrames, horizon * frame));
      }
    } finally {
      tf.dispose([prediction.rewards, ...(prediction.frames ? [prediction.frames] : [])]);
    }
  }
  return {
    rewardError: errorSummary(rewardErrors),
    imageError: imageErrors.length > 0 ? errorSummary(imageErrors) : null,
    rewardErrors,
    rewards: { truth: truthAll, predicted: predictedAll },
  };
}
