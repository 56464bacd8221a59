/**
 * Checkpoints of the study's models through `@vmbrl/tensor`'s atomic checkpoints: variables,
 * the Adam state, the sampling stream and the design's resolved config, which must match on load.
 */
import { type Adam, type RngState, loadCheckpoint, saveCheckpoint, type tf } from '@vmbrl/tensor';
import { type WorldModelConfig, canonicalJson, upgradeConfig } from '../config.js';

/** What identifies a study model's checkpoint and what it holds. */
export interface StudyCheckpoint {
  design: string;
  variant: string;
  config: unknown;
  variables: Map<string, tf.Variable>;
  optimizer: Adam;
}

const KIND = 'StudyModel';

/** Saves `contents` and the sampling stream's state (for designs that sample) to `dir`. */
export async function saveStudyCheckpoint(
  dir: string,
  contents: StudyCheckpoint,
  rng?: RngState,
): Promise<void> {
  const { design, variant, config } = contents;
  await saveCheckpoint(dir, {
    variables: contents.variables,
    optimizers: { model: contents.optimizer },
    meta: { kind: KIND, design, variant, config, rng: rng ?? null },
  });
}

/**
 * Restores variables and the optimiser from `dir` and returns the saved sampling-stream state
 * (null for designs that do not sample).
 * Throws naming the checkpoint when it holds another design, variant or config.
 */
export async function loadStudyCheckpoint(
  dir: string,
  contents: StudyCheckpoint,
): Promise<RngState | null> {
  const { meta } = await loadCheckpoint(dir, {
    variables: contents.variables,
    optimizers: { model: contents.optimizer },
  });
  const saved = meta as {
    kind?: string;
    design?: string;
    variant?: string;
    config?: unknown;
    rng?: RngState | null;
  } | null;
  const mine = canonicalJson({
    design: contents.design,
    variant: contents.variant,
    config: contents.config,
  });
  const theirs = canonicalJson({
    design: saved?.design,
    variant: saved?.variant,
    config: upgradeLatentDesign(saved?.config),
  });
  if (saved?.kind !== KIND || mine !== theirs) {
    throw new Error(
      `study checkpoint ${dir} holds ${saved?.kind ?? 'another kind'} ${theirs}; this model is ${mine}`,
    );
  }
  return saved.rng ?? null;
}

/** A latent design's saved config with the world-model fields added since filled in. */
export function upgradeLatentDesign(config: unknown): unknown {
  const model = (config as { model?: unknown } | null | undefined)?.model;
  if (!model || typeof model !== 'object' || !('variant' in model)) return config;
  return { ...(config as object), model: upgradeConfig(model as WorldModelConfig) };
}
