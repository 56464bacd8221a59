/**
 * Dreamer (Hafner et al. 2020): PlaNet's world model, trained the same way, plus an action model
 * and a value model learned by backpropagating value estimates through imagined latent
 * trajectories. Acting filters the belief online (as PlaNet does) and reads the action model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Agent,
  type AgentObservation,
  type PolicyOptions,
  Rng,
  type RngState,
  type SequenceBatch,
  writeFileAtomic,
} from '@vmbrl/core';
import { DreamerBehaviour, type ImaginedTrajectory } from '@vmbrl/objectives';
import { loadCheckpoint, saveCheckpoint, stopGradient, tf } from '@vmbrl/tensor';
import {
  type LatentState,
  LatentWorldModel,
  type SequenceBatch as ModelBatch,
  canonicalJson,
  disposeState,
  stateFeatures,
  tidyTree,
} from '@vmbrl/world-models';
import type { OnlineConfig } from '../loop/config.js';
import { BeliefActing, type BeliefState } from '../planet/belief.js';
import { type DreamerConfig, behaviourOptions, upgradeDreamerConfig } from './config.js';

/** Dreamer's recurrent state while acting: the filtered posterior and the action after it. */
export type DreamerState = BeliefState;

/** Options of {@link DreamerAgent}. */
export interface DreamerAgentOptions {
  actionDim: number;
  /** Run seed: initialisation and every random stream derive from it. */
  seed: number;
  /** The resolved world-model config (from `OnlineConfig.model`), trained exactly as PlaNet's. */
  model: OnlineConfig['model'];
  /** Behaviour learning: horizon, value estimate, networks, optimisers. */
  dreamer: DreamerConfig;
  /** Std of the Gaussian noise added to the action model's mode in training episodes (0.3). */
  explorationNoise: number;
  /** Largest B*L per forward/backward pass of the world model. */
  maxFramesPerPass?: number;
}

/** Dreamer: RSSM world model + actor-critic in imagination. */
export class DreamerAgent implements Agent<DreamerState> {
  readonly model: LatentWorldModel;
  readonly behaviour: DreamerBehaviour;
  readonly actionDim: number;
  readonly learns = true;
  readonly needsSimulatorState = false;
  private readonly acting: BeliefActing;
  private readonly maxFramesPerPass: number;

  constructor(private readonly options: DreamerAgentOptions) {
    const rng = new Rng(options.seed);
    this.actionDim = options.actionDim;
    this.maxFramesPerPass = options.maxFramesPerPass ?? 512;
    // Same stream name as PlanetAgent: with the same seed both start from the same world model.
    this.model = new LatentWorldModel(options.model, {
      actionDim: options.actionDim,
      seed: rng.split('model').seed32(),
      maxFramesPerPass: this.maxFramesPerPass,
    });
    this.behaviour = new DreamerBehaviour(
      this.model.featureSize,
      options.actionDim,
      behaviourOptions(options.dreamer, rng.split('behaviour').seed32()),
    );
    this.acting = new BeliefActing(this.model, rng, options.explorationNoise);
  }

  /** One online filter step (shared with PlaNet). */
  filter(image: Uint8Array, previous: DreamerState | null): LatentState {
    return this.acting.filter(image, previous);
  }

  /**
   * Acts from the filtered belief: the action model's mode tanh(mean), plus N(0, std^2) noise
   * clipped to [-1, 1] in training episodes (paper appendix B), the mode alone in evaluation.
   */
  async policy(
    observation: AgentObservation,
    state: DreamerState | null,
    options: PolicyOptions,
  ): Promise<{ action: Float32Array; state: DreamerState }> {
    const belief = this.filter(this.acting.image(observation, 'DreamerAgent'), state);
    const mode = tf.tidy(() => this.behaviour.actor.mode(stateFeatures(belief)));
    const modeAction = new Float32Array(mode.dataSync());
    mode.dispose();
    const action = this.acting.explore(modeAction, options.explore);
    this.disposeState(state);
    return { action, state: { belief, action } };
  }

  disposeState(state: DreamerState | null): void {
    if (state) disposeState(state.belief);
  }

  /**
   * One update: the world model's step on the batch (PlaNet's loss), then one behaviour update
   * imagining from every posterior state of the batch. Metrics of the behaviour are prefixed
   * (`actorLoss`, `valueLoss`, ...); the value ones are left out when no value model trains.
   */
  train(batch: SequenceBatch): Record<string, number> {
    const worldModel = this.model.trainStep(batch);
    const behaviour = this.behaviourUpdate(batch);
    const out: Record<string, number> = { ...worldModel };
    for (const [key, value] of Object.entries(behaviour)) {
      if (Number.isFinite(value)) out[key] = value;
    }
    return out;
  }

  /** The world model's step alone (pretraining before behaviour learning starts). */
  trainWorldModel(batch: SequenceBatch): Record<string, number> {
    return this.model.trainStep(batch);
  }

  /**
   * Dreamer's behaviour step (Algorithm 1, lines 7-12): start states are the posteriors of all
   * B*L replayed steps, flattened and stop-gradient; the prior is rolled H steps with
   * reparameterised actions; rewards come from the reward head. Only the actor, the value
   * model and its slow copy change; the world model's variables are read, never updated.
   */
  behaviourUpdate(batch: ModelBatch): ReturnType<DreamerBehaviour['update']> {
    const start = this.startStates(batch);
    const horizon = this.options.dreamer.horizon;
    try {
      return this.behaviour.update((policy): ImaginedTrajectory => {
        const rolled = this.model.imagine(
          start,
          (features) => policy(features) as tf.Tensor2D,
          horizon,
        );
        const n = start.stoch.shape[0] as number;
        const featureSize = this.model.featureSize;
        // [N, H, F] -> time-major [H, N, F]; features[t] goes with rewards[t].
        const features = tf.transpose(rolled.features, [1, 0, 2]);
        const flat = tf.reshape(features, [horizon * n, featureSize]) as tf.Tensor2D;
        const rewards = tf.reshape(this.model.predictReward(flat), [horizon, n]);
        return { features, rewards };
      });
    } finally {
      disposeState(start);
    }
  }

  /**
   * Posterior states of every step of `batch`, [B*L, ...], filtered with the just-updated world
   * model in groups of whole sequences (at most `maxFramesPerPass` frames per pass) and cut off
   * from the gradient.
   */
  startStates(batch: ModelBatch): LatentState {
    const { batchSize: b, length: l } = batch;
    const perGroup = Math.max(1, Math.floor(this.maxFramesPerPass / l));
    const parts: LatentState[] = [];
    try {
      for (let first = 0; first < b; first += perGroup) {
        const count = Math.min(perGroup, b - first);
        const observed = this.model.observe(sequencesOf(batch, first, count, this.actionDim));
        parts.push(
          tidyTree(() => {
            const flat = (x: tf.Tensor3D) =>
              stopGradient(tf.reshape(x, [count * l, x.shape[2]])) as tf.Tensor2D;
            const p = observed.posteriors;
            return {
              deter: p.deter ? flat(p.deter) : null,
              stoch: flat(p.stoch),
              mean: flat(p.mean),
              std: flat(p.std),
            };
          }),
        );
        disposeState(observed.posteriors);
        disposeState(observed.priors);
        observed.features.dispose();
      }
      if (parts.length === 1) return parts[0] as LatentState;
      return tidyTree(() => {
        const cat = (pick: (s: LatentState) => tf.Tensor2D) =>
          tf.concat(parts.map(pick), 0) as tf.Tensor2D;
        return {
          deter: parts[0]?.deter ? cat((s) => s.deter as tf.Tensor2D) : null,
          stoch: cat((s) => s.stoch),
          mean: cat((s) => s.mean),
          std: cat((s) => s.std),
        };
      });
    } finally {
      if (parts.length > 1) for (const part of parts) disposeState(part);
    }
  }

  async save(dir: string): Promise<void> {
    await this.model.save(join(dir, 'model'));
    await saveCheckpoint(join(dir, 'behaviour'), {
      variables: this.behaviour.namedVariables(),
      optimizers: this.behaviour.optimizers(),
      meta: { kind: 'dreamer-behaviour', dreamer: this.options.dreamer },
    });
    const streams = { exploration: this.acting.noiseRng.getState() };
    const behaviour = this.behaviour.getState();
    writeFileAtomic(
      join(dir, 'agent.json'),
      `${JSON.stringify({ kind: 'dreamer', streams, behaviour })}\n`,
    );
  }

  async load(dir: string): Promise<void> {
    await this.model.load(join(dir, 'model'));
    const { meta } = await loadCheckpoint(join(dir, 'behaviour'), {
      variables: this.behaviour.namedVariables(),
      optimizers: this.behaviour.optimizers(),
    });
    const savedConfig = (meta as { dreamer?: DreamerConfig } | null)?.dreamer;
    const upgraded = savedConfig ? canonicalJson(upgradeDreamerConfig(savedConfig)) : undefined;
    if (upgraded !== canonicalJson(this.options.dreamer)) {
      throw new Error(
        `DreamerAgent.load: ${join(dir, 'behaviour')} was saved with dreamer config ${JSON.stringify(savedConfig)}, this agent has ${JSON.stringify(this.options.dreamer)}`,
      );
    }
    const saved = JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')) as {
      kind?: string;
      streams?: { exploration: RngState };
      behaviour?: Parameters<DreamerBehaviour['setState']>[0];
    };
    if (saved.kind !== 'dreamer' || !saved.streams || !saved.behaviour) {
      throw new Error(`DreamerAgent.load: ${join(dir, 'agent.json')} is not a Dreamer agent state`);
    }
    this.acting.noiseRng.setState(saved.streams.exploration);
    this.behaviour.setState(saved.behaviour);
  }

  async dispose(): Promise<void> {
    this.model.dispose();
    this.behaviour.dispose();
  }
}

/** Sequences [first, first + count) of a batch, sharing the arrays' memory. */
function sequencesOf(
  batch: ModelBatch,
  first: number,
  count: number,
  actionDim: number,
): ModelBatch {
  if (first === 0 && count === batch.batchSize) return batch;
  const l = batch.length;
  const frame = 64 * 64 * 3;
  const image = batch.image as Uint8Array;
  return {
    image: image.subarray(first * l * frame, (first + count) * l * frame),
    action: batch.action.subarray(first * l * actionDim, (first + count) * l * actionDim),
    reward: batch.reward.subarray(first * l, (first + count) * l),
    batchSize: count,
    length: l,
  };
}
