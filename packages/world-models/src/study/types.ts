/**
 * The one interface every design of the study implements (paper Table 4), so an agent wraps any
 * of them as a CEM agent: train on replayed sequences, update a belief from each observation,
 * and score action sequences from that belief for the planner (Table 10: H = 12, I = 10,
 * J = 128, K = 12).
 *
 * The Oracle fits the same shape without parameters: its belief is the acting simulator's state
 * (`observe` returns the observation's `SimulatorState`), `scorer` is `@vmbrl/envs`'
 * `SimulatorScorer` after `setBelief(belief)` (a JS-side `SequenceScorer`, which CEM accepts as
 * well as a tensor scorer), `trainStep` does nothing, and it has no variables, no checkpoint
 * beyond its random streams and no predictions of its own. The agent wrapping keeps that case
 * in `@vmbrl/agents` (it needs `@vmbrl/envs`, which this package does not depend on).
 */
import type { tf } from '@vmbrl/tensor';
import type { SequenceBatch, TrainMetrics } from '../types.js';
import type { StudyDesign } from './study-config.js';

/** What a design sees at one step of an episode (the layout of replay's episodes). */
export interface StudyStep {
  /** The 64 x 64 x 3 uint8 observation. */
  image: Uint8Array;
  /** The action that led to it, [A] (zeros at the episode's first step). */
  action: Float32Array;
  /** The reward that came with it (0 at the first step). */
  reward: number;
}

/**
 * Scores action sequences from one belief: structurally both a `TensorSequenceScorer` and a
 * `SequenceScorer` of `@vmbrl/planners`, so the same CEM plans with every design.
 */
export interface StudyScorer {
  readonly actionDim: number;
  /** Predicted returns [J] of action sequences [J, H, A]; synchronous, tidy-safe. */
  scoreTensor(actions: tf.Tensor3D): tf.Tensor1D;
  /** The same on row-major [J, H, A] numbers. */
  score(actions: Float32Array, candidates: number, horizon: number): Float32Array;
}

/** Open-loop predictions of a batch (the report's rows; `StudyModel.predict`). */
export interface StudyPrediction {
  /** Predicted rewards [B, H]. */
  rewards: tf.Tensor2D;
  /** Predicted frames [B, H, 64, 64, 3] in network scale (x/255 - 0.5), for designs that predict frames. */
  frames?: tf.Tensor5D;
}

/** A learned design of the study. `Belief` is whatever it carries between steps. */
export interface StudyModel<Belief = unknown> {
  /** Which design (Table 4). */
  readonly design: StudyDesign;
  /** The variant within the design (R: R_recurrent, R_conv, R_LL; others: the design). */
  readonly variant: string;
  /** Action dimension A. */
  readonly actionDim: number;
  /** Sequences per update the design trains on (Tables 11-13). */
  readonly batchSize: number;
  /** Steps per training sequence the design needs (R: horizon + 1, SV2P: 2 + 12, PlaNet: 12). */
  readonly sequenceLength: number;
  /** Whether the design predicts frames (open-loop image rows in the report). */
  readonly predictsFrames: boolean;
  /** One optimiser step on B sequences of `sequenceLength` (or more) steps. */
  trainStep(batch: SequenceBatch): TrainMetrics;
  /**
   * The belief after `step`, from the previous belief (null at the episode's first step). The
   * previous belief is left alone: the caller disposes it with `disposeBelief`.
   */
  observe(previous: Belief | null, step: StudyStep): Belief;
  /** Scores action sequences from `belief`, which must stay alive while the scorer is used. */
  scorer(belief: Belief): StudyScorer;
  disposeBelief(belief: Belief): void;
  /**
   * Open-loop prediction: from the first `context` steps of each sequence, the rewards (and
   * frames) of the next `horizon` steps under the batch's actions. Needs L >= context + horizon.
   * The caller owns the tensors.
   */
  predict(batch: SequenceBatch, context: number, horizon: number): StudyPrediction;
  /** Variables by stable name, for checkpoints. */
  namedVariables(): Map<string, tf.Variable>;
  /** Number of trainable scalars. */
  parameterCount(): number;
  /** Writes variables, optimiser state, random streams and config to `dir` (atomically). */
  save(dir: string): Promise<void>;
  /** Restores what `save` wrote; the saved design and config must equal this model's. */
  load(dir: string): Promise<void>;
  dispose(): void;
}
