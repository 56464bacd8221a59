/**
 * Dreamer (Hafner et al. 2020): PlaNet's world model, trained the same way, plus an action model
 * and a value model learned by backpropagating value estimates through imagined latent
 * trajectories. Acting filters the belief online (as PlaNet does) and reads the action model.
 */
import { join } from 'node:path';
import { type ModelBatch, Rng, type RngState, type SequenceBatch } from '@vmbrl/core';
import { DreamerBehaviour, type ImaginedTrajectory } from '@vmbrl/objectives';
import { loadCheckpoint, saveCheckpoint, stopGradient, tf } from '@vmbrl/tensor';
import {
  type LatentState,
  canonicalJson,
  disposeState,
  selectSequences,
  stateFeatures,
  tidyTree,
} from '@vmbrl/world-models';
import type { BeliefState } from '../planet/belief.js';
import { LatentAgent, type LatentAgentOptions } from '../planet/latent-agent.js';
import { type DreamerConfig, behaviourOptions, upgradeDreamerConfig } from './config.js';

/** Dreamer's recurrent state while acting: the filtered posterior and the action after it. */
export type DreamerState = BeliefState;

/** Options of {@link DreamerAgent}. */
export interface DreamerAgentOptions extends LatentAgentOptions {
  /** Behaviour learning: horizon, value estimate, networks, optimisers. */
  dreamer: DreamerConfig;
}

/** Dreamer: RSSM world model + actor-critic in imagination. */
export class DreamerAgent extends LatentAgent {
  readonly behaviour: DreamerBehaviour;
  private readonly maxFramesPerPass: number;

  constructor(private readonly options: DreamerAgentOptions) {
    const rng = new Rng(options.seed);
    super('dreamer', options, rng);
    this.maxFramesPerPass = options.maxFramesPerPass ?? 512;
    this.behaviour = new DreamerBehaviour(
      this.model.featureSize,
      options.actionDim,
      behaviourOptions(options.dreamer, rng.split('behaviour').seed32()),
    );
  }

  /**
   * The action model's mode tanh(mean) at the filtered belief; training episodes add N(0, std^2)
   * noise clipped to [-1, 1] (paper appendix B), evaluation uses the mode alone.
   */
  protected choose(belief: LatentState): Float32Array {
    const mode = tf.tidy(() => this.behaviour.actor.mode(stateFeatures(belief)));
    const action = new Float32Array(mode.dataSync());
    mode.dispose();
    return action;
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
        const observed = this.model.observe(selectSequences(batch, this.actionDim, first, count));
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

  override async save(dir: string): Promise<void> {
    await super.save(dir);
    await saveCheckpoint(join(dir, 'behaviour'), {
      variables: this.behaviour.namedVariables(),
      optimizers: this.behaviour.optimizers(),
      meta: { kind: 'dreamer-behaviour', dreamer: this.options.dreamer },
    });
  }

  override async load(dir: string): Promise<void> {
    await super.load(dir);
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
  }

  protected savedState(): object {
    const streams = { exploration: this.acting.noiseRng.getState() };
    return { streams, behaviour: this.behaviour.getState() };
  }

  protected restoreState(saved: Record<string, unknown>, path: string): void {
    const streams = saved.streams as { exploration: RngState } | undefined;
    const behaviour = saved.behaviour as Parameters<DreamerBehaviour['setState']>[0] | undefined;
    if (!streams || !behaviour) {
      throw new Error(`DreamerAgent.load: ${path} is not a Dreamer agent state`);
    }
    this.acting.noiseRng.setState(streams.exploration);
    this.behaviour.setState(behaviour);
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    this.behaviour.dispose();
  }
}
