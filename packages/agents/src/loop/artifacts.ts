/** Videos and the report of a run directory, built with @vmbrl/metrics. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Episode, writeGif } from '@vmbrl/core';
import {
  type MetricsRow,
  type ReportSection,
  composeOpenLoopVideo,
  readMetrics,
  rewardPredictionSvg,
  splitFrames,
  writePlotFiles,
  writeRunReport,
} from '@vmbrl/metrics';
import type { OpenLoopFrames, OpenLoopRewards } from './definition.js';
import { runPaths } from './run-dir.js';

const SIZE = { height: 64, width: 64 };
const FRAME = 64 * 64 * 3;

/** File names of the videos, inside `videos/`. */
export const VIDEO_FILES = { eval: 'eval-episode.gif', openLoop: 'open-loop.gif' } as const;

/** Name of the open-loop reward plot inside `plots/` (without extension). */
const OPEN_LOOP_REWARD_PLOT = 'open-loop-reward';

/** Writes the frames of an (evaluation) episode as `videos/eval-episode.gif`. */
export function writeEpisodeVideo(out: string, episode: Episode): string {
  if (!episode.image) throw new Error('writeEpisodeVideo: the episode has no image column');
  const path = join(runPaths(out).videos, VIDEO_FILES.eval);
  writeGif(path, splitFrames(episode.image, SIZE), { ...SIZE, fps: 15, scale: 2 });
  return path;
}

/**
 * Writes `videos/open-loop.gif` from an open-loop prediction: one column per replayed chunk,
 * rows truth, prediction from the actions alone after the context frames, and |error|.
 */
export function writeOpenLoopVideo(out: string, frames: OpenLoopFrames): string {
  const truth: Uint8Array[][] = [];
  const prediction: Uint8Array[][] = [];
  for (let e = 0; e < frames.examples; e++) {
    const from = e * frames.horizon * FRAME;
    const to = from + frames.horizon * FRAME;
    truth.push(splitFrames(frames.truth.subarray(from, to), SIZE));
    prediction.push(splitFrames(frames.prediction.subarray(from, to), SIZE));
  }
  const video = composeOpenLoopVideo(truth, prediction, SIZE);
  const path = join(runPaths(out).videos, VIDEO_FILES.openLoop);
  writeGif(path, video.frames, { height: video.height, width: video.width, fps: 8, scale: 2 });
  return path;
}

/**
 * Writes `plots/open-loop-reward.svg` (and .png): predicted against true rewards of the
 * open-loop prediction, one panel per replayed chunk.
 */
export async function writeOpenLoopRewards(out: string, rewards: OpenLoopRewards): Promise<string> {
  const svg = await rewardPredictionSvg({
    horizon: rewards.horizon,
    truth: rewards.truth,
    predicted: rewards.predicted,
  });
  return writePlotFiles(join(out, 'plots', OPEN_LOOP_REWARD_PLOT), svg).svgPath;
}

/** Mean return of the random seed episodes logged so far (the report's reference line). */
function randomPolicyReturn(rows: readonly MetricsRow[]): number | null {
  const returns = rows
    .filter((r) => r.kind === 'episode' && r.random === true && typeof r.return === 'number')
    .map((r) => r.return as number);
  return returns.length > 0 ? returns.reduce((a, b) => a + b, 0) / returns.length : null;
}

/**
 * Writes plots (SVG + PNG) and `report.html` from the run directory's files; `lossKeys` are the
 * loss panels wanted, in order (those the train rows hold are drawn).
 */
export async function writeReport(out: string, lossKeys: readonly string[]): Promise<string> {
  const paths = runPaths(out);
  const { rows } = readMetrics(paths.metrics);
  const random = randomPolicyReturn(rows);
  const videos = [];
  const evalVideo = join(paths.videos, VIDEO_FILES.eval);
  if (existsSync(evalVideo)) {
    videos.push({ title: 'Evaluation episode (latest)', path: evalVideo, displayWidth: 256 });
  }
  const openLoop = join(paths.videos, VIDEO_FILES.openLoop);
  if (existsSync(openLoop)) {
    videos.push({
      title: 'Open-loop prediction (latest)',
      path: openLoop,
      caption: 'rows: truth, prediction from the actions alone after the context frames, |error|',
    });
  }
  const rewardPlot = join(out, 'plots', `${OPEN_LOOP_REWARD_PLOT}.svg`);
  const extraSections: ReportSection[] = existsSync(rewardPlot)
    ? [
        {
          kind: 'plot',
          title: 'Open-loop reward prediction (latest)',
          svg: { path: rewardPlot },
          caption: 'true and predicted rewards from the actions alone after the context steps',
        },
      ]
    : [];
  const trainKeys = new Set(rows.filter((r) => r.kind === 'train').flatMap((r) => Object.keys(r)));
  const drawn = lossKeys.filter((k) => trainKeys.has(k));
  const { reportPath } = await writeRunReport(out, {
    references: random === null ? [] : [{ label: 'random policy (seed episodes)', value: random }],
    videos,
    lossKeys: drawn.length > 0 ? drawn : undefined,
    extraSections,
  });
  return reportPath;
}
