/**
 * ALM (Ghugare et al. 2023) as an {@link Agent} on state observations: the `AlmLearner` of
 * `@vmbrl/objectives` (networks, targets, four Adams, eq. 7-11) plus acting with the policy and
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
  type SequenceBatch,
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

/** Options of {@link AlmAgent}. */
export interface AlmAgentOptions {
  stateDim: number;
  actionDim: number;
  /** ALM's hyper-parameters (Table 3) and ablation flags. */
  config: AlmConfig;
  /** Run seed: the networks, update noise and acting noise are split from it. */
  seed: number;
}

/** What `save` writes besides tensors. */
interface AlmAgentMeta {
  config: AlmConfig;
  learner: ReturnType<AlmLearner['getState']>;
  actingRng: RngState;
  envStep: number;
}

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
 * (`envStep`, set by the loop); evaluation uses the encoder and policy means (no noise at all).
 * The agent is stateless between steps (`state` is always null).
 */
export class AlmAgent implements Agent<null> {
  readonly learns = true;
  readonly needsSimulatorState = false;
  readonly actionDim: number;
  readonly stateDim: number;
  readonly learner: AlmLearner;
  /** Env steps collected so far: the position on the exploration schedule. */
  envStep = 0;
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
        envStep: this.envStep,
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
   * One update from a single replayed batch of K+1 rows (the contract's form): the K-step
   * sequences, and their first transitions for the reward, classifier, critic and policy.
   */
  train(batch: SequenceBatch): Record<string, number> {
    if (!batch.state || !batch.shapes.state)
      throw new Error('AlmAgent.train: the batch has no state column');
    const K = batch.length - 1;
    if (K !== this.config.horizon) {
      throw new Error(
        `AlmAgent.train: batch length ${batch.length}, expected K + 1 = ${this.config.horizon + 1}`,
      );
    }
    const A = this.actionDim;
    const B = batch.batchSize;
    const action = new Float32Array(B * K * A);
    const reward = new Float32Array(B * K);
    const discount = new Float32Array(B * K);
    for (let b = 0; b < B; b++) {
      const from = b * (K + 1) + 1; // row 0's action is the one that led into s_0
      action.set(batch.action.subarray(from * A, (from + K) * A), b * K * A);
      reward.set(batch.reward.subarray(from, from + K), b * K);
      discount.set(batch.discount.subarray(from, from + K), b * K);
    }
    const transitions: TransitionBatch = {
      batchSize: B,
      steps: K,
      state: batch.state,
      action,
      reward,
      discount,
      shapes: { action: [B, K, A], reward: [B, K], discount: [B, K], state: batch.shapes.state },
      episodeIds: batch.episodeIds,
      starts: batch.starts,
    };
    return this.update(transitions, transitions);
  }

  /**
   * One ALM update (Algorithm 1 lines 6-11): `sequences` are K-step replayed sequences for the
   * lower bound (eq. 7); the first transition of each row of `transitions` trains the reward,
   * classifier, critics and policy. The loop samples them separately, so that every transition,
   * including the last K - 1 of an episode and its terminal one, reaches the TD loss.
   */
  update(sequences: TransitionBatch, transitions: TransitionBatch): Record<string, number> {
    const K = this.config.horizon;
    if (sequences.steps !== K) {
      throw new Error(
        `AlmAgent.update: sequences have ${sequences.steps} steps, expected K = ${K}`,
      );
    }
    for (const [name, b] of [
      ['sequences', sequences],
      ['transitions', transitions],
    ] as const) {
      if (!b.state || !b.shapes.state || b.shapes.state[2] !== this.stateDim) {
        throw new Error(`AlmAgent.update: ${name} need a state column of ${this.stateDim} values`);
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
        this.envStep,
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

  /** Weights (targets included), the four Adams, the update and acting RNGs and `envStep`. */
  async save(dir: string): Promise<void> {
    const meta: AlmAgentMeta = {
      config: this.config,
      learner: this.learner.getState(),
      actingRng: this.actingRng.getState(),
      envStep: this.envStep,
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
    if (JSON.stringify(saved.config) !== JSON.stringify(this.config)) {
      throw new Error(`AlmAgent.load: ${dir} holds an ALM agent with another config`);
    }
    this.learner.setState(saved.learner);
    this.actingRng.setState(saved.actingRng);
    this.envStep = saved.envStep;
  }

  async dispose(): Promise<void> {
    this.learner.dispose();
  }
}
