/**
 * `exportWebRun`: a trained PlaNet run as a static directory the web page loads over HTTP:
 * the model's weights (no optimiser moments), config, the agent's random streams and a few
 * recorded episodes. Node only (reads the run directory).
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { readJsonFile } from '@vmbrl/core';
import { listEpisodeFiles, readEpisode } from '@vmbrl/replay';
import { readCheckpointTensors } from '@vmbrl/tensor';
import { locateCheckpoint, runPaths } from '../loop/run-dir.js';
import type { PlanetRunConfig } from '../planet/config.js';
import { readRunConfig } from '../registry.js';
import { WEB_EXPORT_FILE, type WebEpisodeEntry, type WebExportManifest } from './format.js';

/** Options of {@link exportWebRun}. */
export interface ExportWebOptions {
  /** Recorded episodes to include, the latest ones (default 2). */
  episodes?: number;
  /** Rows kept of each episode (default 64: about 1 MB of frames for two). */
  maxSteps?: number;
}

/** Writes the web export of the run in `runDir` to `outDir` (replaced); returns its manifest. */
export async function exportWebRun(
  runDir: string,
  outDir: string,
  options: ExportWebOptions = {},
): Promise<WebExportManifest> {
  const config = readRunConfig(runDir);
  if (config.agent !== 'planet') {
    throw new Error(`export-web: ${runDir} is a '${config.agent}' run; the page plays PlaNet runs`);
  }
  const checkpoint = locateCheckpoint(runDir);
  if (!checkpoint) throw new Error(`export-web: ${runDir} has no checkpoint yet`);
  const counters = readJsonFile(join(checkpoint, 'state.json')) as {
    episodes: number;
    envSteps: number;
    lastEvalReturn?: number | null;
  };
  // Replace an earlier export only: never delete a directory this did not write.
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    if (!existsSync(join(outDir, WEB_EXPORT_FILE))) {
      throw new Error(
        `export-web: ${outDir} is not empty and holds no web export; pick another --out`,
      );
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(join(outDir, 'model'), { recursive: true });
  mkdirSync(join(outDir, 'episodes'), { recursive: true });

  // The weights alone, in the checkpoint format (the page verifies length and SHA-256).
  const modelDir = join(checkpoint, 'agent', 'model');
  const saved = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as {
    meta: unknown;
  };
  const tensors = [...(await readCheckpointTensors(modelDir))].filter(
    ([name]) => !name.startsWith('optimizer/'),
  );
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const entries = tensors.map(([name, t]) => {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    chunks.push(bytes);
    const entry = { name, shape: t.shape, dtype: t.dtype, offset, byteLength: bytes.byteLength };
    offset += bytes.byteLength;
    return entry;
  });
  const body = Buffer.concat(chunks);
  writeFileSync(join(outDir, 'model', 'data.bin'), body);
  const checkpointManifest = {
    format: 'vmbrl-checkpoint',
    version: 1,
    dataFile: 'data.bin',
    byteLength: body.byteLength,
    sha256: createHash('sha256').update(body).digest('hex'),
    tensors: entries,
    optimizers: {},
    meta: saved.meta,
  };
  writeFileSync(join(outDir, 'model', 'manifest.json'), JSON.stringify(checkpointManifest));
  writeFileSync(
    join(outDir, 'agent.json'),
    readFileSync(join(checkpoint, 'agent', 'agent.json'), 'utf8'),
  );

  const files = listEpisodeFiles(runPaths(runDir).episodes).slice(-(options.episodes ?? 2));
  const maxSteps = options.maxSteps ?? 64;
  let actionDim = 0;
  const episodes: WebEpisodeEntry[] = files.map((file, i) => {
    const episode = readEpisode(join(runPaths(runDir).episodes, file));
    if (!episode.image) throw new Error(`export-web: ${file} holds no frames`);
    actionDim = episode.actionDim;
    const length = Math.min(episode.length, maxSteps);
    const name = `episodes/${i}.bin`;
    writeFileSync(join(outDir, name), episode.image.subarray(0, length * 64 * 64 * 3));
    return {
      file: name,
      length,
      actions: Array.from(episode.action.subarray(0, length * episode.actionDim)),
      rewards: Array.from(episode.reward.subarray(0, length)),
    };
  });
  if (episodes.length === 0) throw new Error(`export-web: ${runDir} has no recorded episodes`);

  const manifest: WebExportManifest = {
    format: 'vmbrl-web-export',
    version: 1,
    agent: 'planet',
    task: config.task,
    actionDim,
    config: config as PlanetRunConfig,
    checkpoint: { manifest: 'model/manifest.json', data: 'model/data.bin' },
    agentState: 'agent.json',
    episodes,
    source: {
      run: resolve(runDir),
      episodes: counters.episodes,
      envSteps: counters.envSteps,
      evalReturn: counters.lastEvalReturn ?? null,
    },
  };
  // The run's metrics, for the page's charts.
  const metrics = runPaths(runDir).metrics;
  if (existsSync(metrics)) copyFileSync(metrics, join(outDir, 'metrics.jsonl'));
  writeFileSync(join(outDir, WEB_EXPORT_FILE), `${JSON.stringify(manifest)}\n`);
  return manifest;
}
