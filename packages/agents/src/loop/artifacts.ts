/** Videos and the report of a run directory, built with @vmbrl/metrics. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Agent, type Episode, Rng, writeGif } from '@vmbrl/core';
import {
  type MetricsRow,
  composeOpenLoopVideo,
  readMetrics,
  splitFrames,
  writeRunReport,
} from '@vmbrl/metrics';
import type { EpisodeBuffer } from '@vmbrl/replay';
import { openLoopPrediction } from '@vmbrl/world-models';
import { DreamerAgent } from '../dreamer/agent.js';
import { PlanetAgent } from '../planet/agent.js';
import { runPaths } from './run-dir.js';

const SIZE = { height: 64, width: 64 };
const FRAME = 64 * 64 * 3;

/** File names of the videos, inside `videos/`. */
export const VIDEO_FILES = { eval: 'eval-episode.gif', openLoop: 'open-loop.gif' } as const;

/** Writes the frames of an (evaluation) episode as `videos/eval-episode.gif`. */
export function writeEpisodeVideo(out: string, episode: Episode): string {
  if (!episode.image) throw new Error('writeEpisodeVideo: the episode has no image column');
  const path = join(runPaths(out).videos, VIDEO_FILES.eval);
  writeGif(path, splitFrames(episode.image, SIZE), { ...SIZE, fps: 15, scale: 2 });
  return path;
}

/**
 * Writes `videos/open-loop.gif` for a PlaNet agent: `examples` replayed chunks, `context`
 * frames filtered, the rest predicted from the actions alone (rows: truth, prediction, error).
 * Returns the path and the mean squared error per pixel, or null for agents without a model.
 */
export function writeOpenLoopVideo(
  out: string,
  agent: Agent,
  replay: EpisodeBuffer,
  options: { length: number; context: number; seed: number; examples?: number },
): { path: string; mse: number } | null {
  if (!(agent instanceof PlanetAgent || agent instanceof DreamerAgent)) return null;
  const examples = options.examples ?? 3;
  const batch = replay.sample(examples, options.length, new Rng(options.seed), ['image']);
  const result = openLoopPrediction(agent.model, batch, { context: options.context });
  const truth: Uint8Array[][] = [];
  const prediction: Uint8Array[][] = [];
  for (let e = 0; e < examples; e++) {
    const from = e * result.horizon * FRAME;
    const to = from + result.horizon * FRAME;
    truth.push(splitFrames(result.truth.subarray(from, to), SIZE));
    prediction.push(splitFrames(result.prediction.subarray(from, to), SIZE));
  }
  const video = composeOpenLoopVideo(truth, prediction, SIZE);
  const path = join(runPaths(out).videos, VIDEO_FILES.openLoop);
  writeGif(path, video.frames, { height: video.height, width: video.width, fps: 8, scale: 2 });
  return { path, mse: result.meanMse };
}

/** Mean return of the random seed episodes logged so far (the report's reference line). */
function randomPolicyReturn(rows: readonly MetricsRow[]): number | null {
  const returns = rows
    .filter((r) => r.kind === 'episode' && r.random === true && typeof r.return === 'number')
    .map((r) => r.return as number);
  return returns.length > 0 ? returns.reduce((a, b) => a + b, 0) / returns.length : null;
}

/** Writes plots (SVG + PNG) and `report.html` from the run directory's files. */
export async function writeReport(out: string): Promise<string> {
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
  const trainKeys = new Set(rows.filter((r) => r.kind === 'train').flatMap((r) => Object.keys(r)));
  const almKeys = ['lowerBoundLoss', 'rewardLoss', 'classifierLoss', 'criticLoss', 'policyLoss'];
  const lossKeys = ['loss', 'image', 'reward', 'kl', ...almKeys].filter((k) => trainKeys.has(k));
  const { reportPath } = await writeRunReport(out, {
    references: random === null ? [] : [{ label: 'random policy (seed episodes)', value: random }],
    videos,
    lossKeys: lossKeys.length > 0 ? lossKeys : undefined,
  });
  return reportPath;
}
