/**
 * What the latent-model agents (PlaNet, Dreamer) share: the world model, trained the same way,
 * online belief filtering, the exploration noise of training episodes, checkpoints of the model
 * and of `agent.json` (random streams and what the agent adds), and open-loop predictions.
 */
import {
  type Agent,
  type AgentObservation,
  type ModelBatch,
  type PolicyOptions,
  type PolicyResult,
  Rng,
  type SequenceBatch,
  readJsonFile,
  writeFileAtomic,
} from '@vmbrl/core';
import { contrastiveLoss } from '@vmbrl/objectives';
import type { EpisodeBuffer } from '@vmbrl/replay';
import { Normal } from '@vmbrl/tensor';
import {
  type LatentState,
  LatentWorldModel,
  type WorldModelConfig,
  disposeState,
  openLoopPrediction,
} from '@vmbrl/world-models';
import type { OpenLoopFrames } from '../loop/definition.js';
import { BeliefActing, type BeliefState } from './belief.js';

/** Options every latent-model agent takes. */
export interface LatentAgentOptions {
  actionDim: number;
  /** Run seed: initialisation and every random stream derive from it. */
  seed: number;
  /** The resolved world-model config. */
  model: WorldModelConfig;
  /** Std of the Gaussian noise added to the chosen action in training episodes (0.3). */
  explorationNoise: number;
  /** Largest B*L frames per forward/backward pass of the world model (default 512). */
  maxFramesPerPass?: number;
}

/** The world model, belief filtering, exploration and checkpoints of PlaNet and Dreamer. */
export abstract class LatentAgent implements Agent<BeliefState> {
  readonly model: LatentWorldModel;
  readonly actionDim: number;
  readonly learns = true;
  readonly needsSimulatorState = false;
  protected readonly acting: BeliefActing;

  /** `kind` is written into `agent.json` and checked on load; `rng` is the run's root stream. */
  protected constructor(
    private readonly kind: string,
    options: LatentAgentOptions,
    rng: Rng,
  ) {
    this.actionDim = options.actionDim;
    // The same stream name for both agents: with one seed they start from the same model.
    this.model = new LatentWorldModel(options.model, {
      actionDim: options.actionDim,
      seed: rng.split('model').seed32(),
      maxFramesPerPass: options.maxFramesPerPass ?? 512,
      // Dreamer eq. 12, used when the config's objective is contrastive.
      contrastiveLoss: (states, q) => contrastiveLoss(states, new Normal(q.mean, q.std)),
    });
    this.acting = new BeliefActing(this.model, rng, options.explorationNoise);
  }

  /** The action at a filtered belief (before exploration noise). */
  protected abstract choose(belief: LatentState): Float32Array | Promise<Float32Array>;

  /** One update on a replayed batch. */
  abstract train(batch: SequenceBatch): Record<string, number>;

  /** What `agent.json` holds besides `kind` (random streams, behaviour state). */
  protected abstract savedState(): object;

  /** Restores what {@link savedState} returned; throws when it is not this agent's. */
  protected abstract restoreState(saved: Record<string, unknown>, path: string): void;

  /**
   * Filters one step (PlaNet eq. 4 with the posterior): h_t from (h, s, a)_{t-1}, then
   * q(s_t | h_t, e_t). At the episode start the previous state is the model's zero state and the
   * action is zero, exactly as training sees row 0 of an episode.
   */
  filter(image: Uint8Array, previous: BeliefState | null): LatentState {
    return this.acting.filter(image, previous);
  }

  /** Filters the new image, chooses, adds exploration noise in training episodes. */
  async policy(
    observation: AgentObservation,
    state: BeliefState | null,
    options: PolicyOptions,
  ): Promise<PolicyResult<BeliefState>> {
    const belief = this.filter(this.acting.image(observation, this.constructor.name), state);
    let chosen: Float32Array;
    try {
      chosen = await this.choose(belief);
    } catch (error) {
      disposeState(belief);
      throw error;
    }
    const action = this.acting.explore(chosen, options.explore);
    this.disposeState(state);
    return { action, state: { belief, action } };
  }

  disposeState(state: BeliefState | null): void {
    if (state) disposeState(state.belief);
  }

  /** The world model's step alone (PlaNet's whole update; Dreamer's pretraining). */
  trainWorldModel(batch: ModelBatch): Record<string, number> {
    return this.model.trainStep(batch);
  }

  async save(dir: string): Promise<void> {
    await this.model.save(`${dir}/model`);
    const state = { kind: this.kind, ...this.savedState() };
    writeFileAtomic(`${dir}/agent.json`, `${JSON.stringify(state)}\n`);
  }

  async load(dir: string): Promise<void> {
    await this.model.load(`${dir}/model`);
    const path = `${dir}/agent.json`;
    this.restoreAgentJson(readJsonFile(path), path);
  }

  /**
   * Restores from files held in memory (a web export): the model checkpoint's `manifest.json`
   * text and data bytes, and the parsed `agent.json`. `source` names them in errors.
   */
  async restoreFrom(
    files: { manifest: string; data: Uint8Array; agent: unknown },
    source: string,
  ): Promise<void> {
    await this.model.restoreFrom(files.manifest, files.data, `${source}/model`);
    this.restoreAgentJson(files.agent, `${source}/agent.json`);
  }

  private restoreAgentJson(json: unknown, path: string): void {
    const saved = (json ?? {}) as Record<string, unknown>;
    if (saved.kind !== this.kind) {
      throw new Error(`${this.constructor.name}.load: ${path} is not a ${this.kind} agent state`);
    }
    this.restoreState(saved, path);
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}

/**
 * Open-loop prediction of `examples` replayed chunks of `length` rows: `context` frames are
 * filtered, the rest predicted from the actions alone.
 */
export function openLoopFrames(
  model: LatentWorldModel,
  replay: EpisodeBuffer,
  options: { length: number; context: number; seed: number; examples?: number },
): OpenLoopFrames {
  const examples = options.examples ?? 3;
  const batch = replay.sample(examples, options.length, new Rng(options.seed), ['image']);
  const result = openLoopPrediction(model, batch, { context: options.context });
  return {
    truth: result.truth,
    prediction: result.prediction,
    examples,
    horizon: result.horizon,
    mse: result.meanMse,
  };
}
