/**
 * The static web export of a trained run: what `exportWebRun` writes (Node) and the page reads
 * over HTTP, validated with one readable error per missing or damaged file. No Node module.
 */
import { upgradeConfig as upgradeModelConfig } from '@vmbrl/world-models';
import { PlanetAgent } from '../planet/agent.js';
import type { PlanetRunConfig } from '../planet/config.js';

/** `export.json` of a web export. */
export interface WebExportManifest {
  format: 'vmbrl-web-export';
  version: 1;
  agent: 'planet';
  task: string;
  /** A: action dimensions of the task. */
  actionDim: number;
  /** The run's config (config.json, in today's layout). */
  config: PlanetRunConfig;
  /** The model checkpoint (variables only): its manifest and data file, relative paths. */
  checkpoint: { manifest: string; data: string };
  /** The agent's random streams (agent.json). */
  agentState: string;
  /** A few recorded episodes: frames in `file` (uint8 [T, 64, 64, 3]), actions [T, A], rewards [T]. */
  episodes: WebEpisodeEntry[];
  /** Where it came from: the run directory, its checkpoint's counters, the last evaluation. */
  source: { run: string; episodes: number; envSteps: number; evalReturn: number | null };
}

/** One episode of an export as listed in `export.json`. */
export interface WebEpisodeEntry {
  file: string;
  length: number;
  actions: number[];
  rewards: number[];
}

/** A recorded episode, loaded. */
export interface WebEpisode {
  length: number;
  images: Uint8Array;
  actions: Float32Array;
  rewards: Float32Array;
}

/** A web export, loaded. */
export interface WebExport {
  manifest: WebExportManifest;
  checkpoint: { manifest: string; data: Uint8Array; agent: unknown };
  episodes: WebEpisode[];
  /** Where it was read from, for messages. */
  source: string;
}

/** Reads one file of an export (by its relative path) as text or bytes; throws naming it. */
export type ExportReader = {
  text(path: string): Promise<string>;
  bytes(path: string): Promise<Uint8Array>;
};

export const WEB_EXPORT_FILE = 'export.json';
const FRAME = 64 * 64 * 3;

/** Loads and checks the export `read` serves; `source` (a URL or directory) names it in errors. */
export async function loadWebExport(read: ExportReader, source: string): Promise<WebExport> {
  const manifestText = await read.text(WEB_EXPORT_FILE).catch((error: unknown) => {
    throw new Error(
      `No web export at ${source}: ${WEB_EXPORT_FILE} cannot be read (${message(error)})`,
    );
  });
  let manifest: WebExportManifest;
  try {
    manifest = JSON.parse(manifestText) as WebExportManifest;
  } catch (error) {
    throw new Error(`${source}/${WEB_EXPORT_FILE} is damaged: not valid JSON (${message(error)})`);
  }
  if (manifest?.format !== 'vmbrl-web-export' || manifest.version !== 1) {
    throw new Error(`${source}/${WEB_EXPORT_FILE} is not a vmbrl web export (format version 1)`);
  }
  if (manifest.agent !== 'planet') {
    throw new Error(`${source}: the page plays PlaNet exports; this one is '${manifest.agent}'`);
  }
  const file = async <T>(path: string, load: (p: string) => Promise<T>): Promise<T> =>
    load(path).catch((error: unknown) => {
      throw new Error(
        `Web export ${source} is incomplete: ${path} cannot be read (${message(error)})`,
      );
    });
  const [checkpointManifest, data, agentText] = await Promise.all([
    file(manifest.checkpoint.manifest, read.text),
    file(manifest.checkpoint.data, read.bytes),
    file(manifest.agentState, read.text),
  ]);
  const episodes = await Promise.all(
    manifest.episodes.map(async (entry) => {
      const images = await file(entry.file, read.bytes);
      if (images.length !== entry.length * FRAME) {
        throw new Error(
          `Web export ${source}: ${entry.file} has ${images.length} bytes, expected ${entry.length} frames of 64x64x3`,
        );
      }
      return {
        length: entry.length,
        images,
        actions: Float32Array.from(entry.actions),
        rewards: Float32Array.from(entry.rewards),
      };
    }),
  );
  let agent: unknown;
  try {
    agent = JSON.parse(agentText);
  } catch (error) {
    throw new Error(
      `${source}/${manifest.agentState} is damaged: not valid JSON (${message(error)})`,
    );
  }
  return { manifest, checkpoint: { manifest: checkpointManifest, data, agent }, episodes, source };
}

/** A PlaNet agent with the export's weights and random streams (call `initBrowserBackend` first). */
export async function restoreWebAgent(exported: WebExport): Promise<PlanetAgent> {
  const { config } = exported.manifest;
  const agent = new PlanetAgent({
    actionDim: exported.manifest.actionDim,
    seed: config.seed,
    model: upgradeModelConfig(config.model),
    explorationNoise: config.explorationNoise,
    maxFramesPerPass: config.maxFramesPerPass,
    planner: config.planner,
  });
  try {
    await agent.restoreFrom(exported.checkpoint, exported.source);
  } catch (error) {
    await agent.dispose();
    throw error;
  }
  return agent;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
