/**
 * What the run loop needs to know about an agent, and no more: its config (preset table, docs,
 * validation, upgrades of older layouts), how to build it for an env, what one training batch
 * is, and the artefacts it can add. Each agent folder exports one; the loop never names an
 * agent class.
 */
import type {
  Agent,
  FieldDocs,
  Overlay,
  PresetName,
  Rng,
  SimulatorEnv,
  Validator,
} from '@vmbrl/core';
import type { EpisodeBuffer } from '@vmbrl/replay';
import type { LoopConfig } from './config.js';

/** The fields of a config a preset sets (the run's identity is given, the action repeat comes from the task). */
export type PresetBody<C extends LoopConfig> = Omit<
  C,
  'agent' | 'preset' | 'task' | 'seed' | 'actionRepeat'
>;

/** An agent's preset table: the paper's values, what each preset changes, and every field's doc. */
export interface AgentPresets<C extends LoopConfig> {
  defaults: PresetBody<C>;
  overlays: Readonly<Record<PresetName, Overlay<PresetBody<C>>>>;
  docs: FieldDocs<C>;
}

/** How the loop draws one training batch of an agent. */
export interface BatchPlan<B> {
  /** Rows an episode needs before a batch can be drawn from it. */
  rows: number;
  sample(replay: EpisodeBuffer, rng: Rng): B;
}

/** Rewards of an open-loop prediction for the report: [examples * horizon] each. */
export interface OpenLoopRewards {
  truth: Float32Array;
  predicted: Float32Array;
  examples: number;
  horizon: number;
  /** Mean squared error of the predicted rewards. */
  mse: number;
}

/** What an agent's model predicts open loop from replayed chunks, for the evaluation artefacts. */
export interface OpenLoopPrediction {
  /** Truth and predicted frames (models that predict frames). */
  frames?: OpenLoopFrames;
  /** True and predicted rewards (models whose predictions the report compares). */
  rewards?: OpenLoopRewards;
}

/** Frames of an open-loop prediction for the evaluation video: [examples * horizon] frames. */
export interface OpenLoopFrames {
  truth: Uint8Array;
  prediction: Uint8Array;
  examples: number;
  horizon: number;
  /** Mean squared error per pixel (values in [0, 1]). */
  mse: number;
}

/** One agent as the loop, the registry and the command line see it. */
export interface AgentDefinition<C extends LoopConfig = LoopConfig, B = unknown> {
  /** One line for listings. */
  readonly summary: string;
  /** What the agent observes, and so what the env renders and the replay keeps. */
  readonly observation: 'image' | 'state';
  readonly presets: AgentPresets<C>;
  /**
   * A config field that picks one of several preset tables (the study's `design`): its values
   * and each one's table; `presets` is the table of the field's default value.
   */
  readonly variant?: {
    field: string;
    choices: readonly string[];
    presets(value: string): AgentPresets<C>;
  };
  /** Control steps per agent step on `task` under `preset`. */
  actionRepeat(task: string, preset: PresetName): number;
  /** Fields the kind implies beyond the table (the model-free ALM variant). */
  kindOverlay?(kind: string): Overlay<PresetBody<C>>;
  /** Checks the agent's own fields (the loop's are checked by the caller). */
  validate(check: Validator, config: C): void;
  /** A config saved by an earlier version in today's layout (loop fields are upgraded apart). */
  upgrade(saved: Record<string, unknown>): Record<string, unknown>;
  /** Builds the agent for `env` (the caller disposes it). */
  create(config: C, env: SimulatorEnv): Promise<Agent<unknown, B>>;
  /** How to draw a training batch; null for agents that do not learn. */
  batches(config: C): BatchPlan<B> | null;
  /**
   * True when a training episode is already an evaluation (an agent that neither learns nor
   * explores): the loop logs it as one instead of playing more episodes.
   */
  trainingEpisodeIsEvaluation(config: C): boolean;
  /** Open-loop predictions from replayed chunks (agents with a model that predicts). */
  openLoop?(
    agent: Agent<unknown, B>,
    config: C,
    replay: EpisodeBuffer,
    seed: number,
  ): OpenLoopPrediction;
  /** The report's loss panels, those of the logged train rows in this order. */
  readonly lossKeys: readonly string[];
}
