/**
 * Videos, the report, metrics.csv and the TensorBoard event file of a run directory, built with
 * @vmbrl/metrics.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Episode, writeFileAtomic, writeGif } from '@vmbrl/core';
import {
  type MetricsRow,
  type ReportSection,
  composeOpenLoopVideo,
  readMetrics,
  rewardPredictionSvg,
  splitFrames,
  writePlotFiles,
  writeRunLogs,
  writeRunReport,
} from '@vmbrl/metrics';
import type { OpenLoopFrames, OpenLoopRewards } from './definition.js';
import { runPaths } from './run-dir.js';

const SIZE = { height: 64, width: 64 };
const FRAME = 64 * 64 * 3;

/** File names of the latest videos, inside `videos/`. */
export const VIDEO_FILES = { eval: 'eval-episode.gif', openLoop: 'open-loop.gif' } as const;

/** Name of the open-loop reward plot inside `plots/` (without extension). */
const OPEN_LOOP_REWARD_PLOT = 'open-loop-reward';

/** Folder of `videos/` that keeps every evaluation's videos, `<evaluation>-<file>`. */
export const EVALUATION_VIDEOS = 'evaluations';

/** Path of evaluation `index`'s (0-based) copy of a video. */
export function evaluationVideoPath(out: string, index: number, file: string): string {
  return join(runPaths(out).videos, EVALUATION_VIDEOS, `${String(index).padStart(4, '0')}-${file}`);
}

/** Keeps a copy of a just-written latest video under the evaluation's own name. */
function keepForEvaluation(out: string, latest: string, file: string, evaluation?: number): void {
  if (evaluation === undefined) return;
  writeFileAtomic(evaluationVideoPath(out, evaluation, file), readFileSync(latest));
}

/**
 * Writes the frames of an (evaluation) episode as `videos/eval-episode.gif`, and a copy for
 * evaluation number `evaluation` (0-based) when given.
 */
export function writeEpisodeVideo(out: string, episode: Episode, evaluation?: number): string {
  if (!episode.image) throw new Error('writeEpisodeVideo: the episode has no image column');
  const path = join(runPaths(out).videos, VIDEO_FILES.eval);
  writeGif(path, splitFrames(episode.image, SIZE), { ...SIZE, fps: 15, scale: 2 });
  keepForEvaluation(out, path, VIDEO_FILES.eval, evaluation);
  return path;
}

/**
 * Writes `videos/open-loop.gif` from an open-loop prediction: one column per replayed chunk,
 * rows truth, prediction from the actions alone after the context frames, and |error|.
 */
export function writeOpenLoopVideo(
  out: string,
  frames: OpenLoopFrames,
  evaluation?: number,
): string {
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
  keepForEvaluation(out, path, VIDEO_FILES.openLoop, evaluation);
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

/** A kept evaluation video: its file, evaluation number (0-based) and eval row, if logged. */
interface EvaluationVideo {
  path: string;
  href: string;
  index: number;
  openLoop: boolean;
  row: MetricsRow | undefined;
}

/** Every evaluation's kept videos, in order (evaluation k is the k-th eval row). */
function evaluationVideos(out: string, rows: readonly MetricsRow[]): EvaluationVideo[] {
  const dir = join(runPaths(out).videos, EVALUATION_VIDEOS);
  if (!existsSync(dir)) return [];
  const evals = rows.filter((r) => r.kind === 'eval');
  return readdirSync(dir)
    .filter((f) => /^\d{4}-.*\.gif$/.test(f))
    .sort()
    .map((f) => ({
      path: join(dir, f),
      href: `videos/${EVALUATION_VIDEOS}/${f}`,
      index: Number(f.slice(0, 4)),
      openLoop: f.endsWith(VIDEO_FILES.openLoop),
      row: evals[Number(f.slice(0, 4))],
    }));
}

/** The report's gallery of every evaluation's videos; null when none were kept. */
function evaluationGallery(videos: readonly EvaluationVideo[]): ReportSection | null {
  const items = videos.map((v) => {
    const ret = v.row?.return;
    const when = v.row
      ? `step ${v.row.step}${typeof ret === 'number' ? `, return ${ret.toFixed(1)}` : ''}`
      : 'not logged';
    return {
      href: v.href,
      caption: `eval ${v.index + 1} ${v.openLoop ? 'open loop' : 'episode'}: ${when}`,
    };
  });
  return items.length === 0
    ? null
    : {
        kind: 'gallery',
        title: 'Every evaluation',
        items,
        caption: `linked from videos/${EVALUATION_VIDEOS}/ next to this report`,
      };
}

/**
 * Writes plots (SVG + PNG) and `report.html` from the run directory's files; `lossKeys` are the
 * loss panels wanted, in order (those the train rows hold are drawn). A `live` report (a run
 * still training) reloads itself every 30 s and skips the PNG plots.
 */
export async function writeReport(
  out: string,
  lossKeys: readonly string[],
  live = false,
): Promise<string> {
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
  const kept = evaluationVideos(out, rows);
  const gallery = evaluationGallery(kept);
  const { reportPath } = await writeRunReport(out, {
    references: random === null ? [] : [{ label: 'random policy (seed episodes)', value: random }],
    videos,
    extraSections: gallery ? [...extraSections, gallery] : extraSections,
    lossKeys: drawn.length > 0 ? drawn : undefined,
    refreshSeconds: live ? 30 : undefined,
    png: !live,
  });
  // metrics.csv and TensorBoard's events (scalars; every logged evaluation's videos as images).
  writeRunLogs(
    out,
    kept.flatMap((v) =>
      v.row
        ? [{ tag: v.openLoop ? 'eval/open_loop' : 'eval/episode', step: v.row.step, path: v.path }]
        : [],
    ),
  );
  return reportPath;
}
