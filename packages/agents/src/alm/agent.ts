/**
 * ALM (Ghugare et al. 2023) as an {@link Agent} on state observations: the `AlmLearner` of
 * `@vmbrl/objectives` (networks, targets, four Adams, ALM eq. 7-11) plus acting with the policy and
 * the scheduled Gaussian exploration noise, and checkpoints of everything that affects the future.
 */
import { join } from 'node:path';
import {
  type Agent,
  type AgentObservation,
  type PolicyOptions,
  type PolicyResult,
  Rng,
  type RngState,
  type TrainingProgress,
  type TransitionBatch,
  splitSeed,
} from '@vmbrl/core';
import {
  type AlmConfig,
  AlmLearner,
  type AlmMetrics,
  constantNoise,
  seededNoise,
} from '@vmbrl/objectives';
import { loadCheckpoint, saveCheckpoint, tf } from '@vmbrl/tensor';
import { canonicalJson } from '@vmbrl/world-models';

/** Options of {@link AlmAgent}. */
export interface AlmAgentOptions {
  stateDim: number;
  actionDim: number;
  /** ALM's hyper-parameters (Table 3) and ablation flags. */
  config: AlmConfig;
  /** Run seed: the networks, update noise and acting noise are split from it. */
  seed: number;
}

/**
 * One ALM update's data: K-step replayed sequences for the lower bound (ALM eq. 7), and single
 * transitions for the reward, classifier, critics and policy. They are sampled separately so
 * that every transition, including the last K - 1 of an episode and its terminal one, reaches
 * the TD loss.
 */
export interface AlmBatch {
  sequences: TransitionBatch;
  transitions: TransitionBatch;
}

/** What `save` writes besides tensors. */
interface AlmAgentMeta {
  config: AlmConfig;
  learner: ReturnType<AlmLearner['getState']>;
  actingRng: RngState;
}

/** Learner fields older checkpoints saved that are the run loop's now. */
const LOOP_FIELDS = ['batchSize', 'warmupSteps', 'replayCapacity'];

/** Replayed rows [B, T, D] (batch-major) as time-major tensors [T, B, D]. */
function timeMajor(values: Float32Array, shape: number[], from: number, to: number): tf.Tensor {
  return tf.tidy(() => {
    const [B, T, D] = shape as [number, number, number];
    const all = tf.tensor3d(values, [B, T, D]);
    return tf.transpose(all.slice([0, from, 0], [B, to - from, D]), [1, 0, 2]);
  });
}

/**
 * ALM on low-dimensional states. `policy` encodes the state, applies the deterministic policy
 * and, when exploring, adds N(0, std(t)^2) with std on Table 3's linear schedule over env steps
 * (the loop passes `envStep`); evaluation uses the encoder and policy means (no noise at all).
 * The agent is stateless between steps (`state` is always null).
 */
export class AlmAgent implements Agent<null, AlmBatch> {
  readonly learns = true;
  readonly needsSimulatorState = false;
  readonly actionDim: number;
  readonly stateDim: number;
  readonly learner: AlmLearner;
  private readonly actingRng: Rng;
  private readonly actingNoise;

  constructor(options: AlmAgentOptions) {
    this.actionDim = options.actionDim;
    this.stateDim = options.stateDim;
    this.learner = new AlmLearner(
      options.stateDim,
      options.actionDim,
      options.config,
      splitSeed(options.seed, 'alm-learner'),
    );
    this.actingRng = new Rng(splitSeed(options.seed, 'alm-acting-noise'));
    this.actingNoise = seededNoise(this.actingRng);
  }

  get config(): AlmConfig {
    return this.learner.config;
  }

  async policy(
    observation: AgentObservation,
    _state: null,
    options: PolicyOptions,
  ): Promise<PolicyResult<null>> {
    const { state } = observation;
    if (!state || state.length !== this.stateDim) {
      throw new Error(
        `AlmAgent: needs a state observation of ${this.stateDim} values, got ${state ? state.length : 'none'}`,
      );
    }
    const action = tf.tidy(() =>
      this.learner.act(tf.tensor2d(state, [1, this.stateDim]), {
        envStep: options.envStep ?? 0,
        explore: options.explore,
        noise: options.explore ? this.actingNoise : constantNoise(0),
      }),
    );
    const values = (await action.data()) as Float32Array;
    action.dispose();
    return { action: Float32Array.from(values), state: null };
  }

  disposeState(): void {}

  /**
   * One ALM update (Algorithm 1 lines 6-11): the K-step `sequences` train the encoder and the
   * latent model on the lower bound (ALM eq. 7); the first transition of each row of
   * `transitions` trains the reward, classifier, critics and policy.
   */
  train({ sequences, transitions }: AlmBatch, progress: TrainingProgress): Record<string, number> {
    const K = this.config.horizon;
    if (sequences.steps !== K) {
      throw new Error(`AlmAgent.train: sequences have ${sequences.steps} steps, expected K = ${K}`);
    }
    for (const [name, b] of [
      ['sequences', sequences],
      ['transitions', transitions],
    ] as const) {
      if (!b.state || !b.shapes.state || b.shapes.state[2] !== this.stateDim) {
        throw new Error(`AlmAgent.train: ${name} need a state column of ${this.stateDim} values`);
      }
    }
    const S = this.stateDim;
    const A = this.actionDim;
    const tensors = tf.tidy(() => {
      const sb = sequences.batchSize;
      const tb = transitions.batchSize;
      const T = transitions.steps;
      const rows = tf.tensor3d(transitions.state as Float32Array, [tb, T + 1, S]);
      const row = (t: number) => rows.slice([0, t, 0], [tb, 1, S]).reshape([tb, S]);
      // The first transition of each row: [tb, T, D] -> [tb, D].
      const first = (values: Float32Array, D: number) =>
        tf.tensor3d(values, [tb, T, D]).slice([0, 0, 0], [tb, 1, D]).reshape([tb, D]);
      return {
        sequence: {
          states: timeMajor(sequences.state as Float32Array, [sb, K + 1, S], 0, K + 1),
          actions: timeMajor(sequences.action, [sb, K, A], 0, K),
        },
        batch: {
          states: row(0),
          nextStates: row(1),
          actions: first(transitions.action, A),
          rewards: first(transitions.reward, 1).reshape([tb]),
          continues: first(transitions.discount, 1).reshape([tb]),
        },
      };
    });
    try {
      const metrics: AlmMetrics = this.learner.update(
        tensors.sequence,
        tensors.batch,
        progress.envStep,
      );
      const out: Record<string, number> = {};
      for (const [key, value] of Object.entries(metrics)) {
        if (Number.isFinite(value)) out[key] = value;
      }
      return out;
    } finally {
      tf.dispose([tensors.sequence, tensors.batch] as unknown as tf.TensorContainer);
    }
  }

  /** Weights (targets included), the four Adams, and the update and acting RNGs. */
  async save(dir: string): Promise<void> {
    const meta: AlmAgentMeta = {
      config: this.config,
      learner: this.learner.getState(),
      actingRng: this.actingRng.getState(),
    };
    await saveCheckpoint(join(dir, 'alm'), {
      variables: this.learner.networks.namedVariables(),
      optimizers: this.learner.optimizers,
      meta,
    });
  }

  async load(dir: string): Promise<void> {
    const { meta } = await loadCheckpoint(join(dir, 'alm'), {
      variables: this.learner.networks.namedVariables(),
      optimizers: this.learner.optimizers,
    });
    const saved = meta as AlmAgentMeta;
    // Checkpoints written before the loop took over batch size, warm-up and replay capacity
    // hold them in the learner's config.
    const savedConfig = Object.fromEntries(
      Object.entries(saved.config).filter(([key]) => !LOOP_FIELDS.includes(key)),
    );
    if (canonicalJson(savedConfig) !== canonicalJson(this.config)) {
      throw new Error(`AlmAgent.load: ${dir} holds an ALM agent with another config`);
    }
    this.learner.setState(saved.learner);
    this.actingRng.setState(saved.actingRng);
  }

  async dispose(): Promise<void> {
    this.learner.dispose();
  }
}
