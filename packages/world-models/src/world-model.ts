import {
  Adam,
  ConvDecoder,
  ConvEncoder,
  MLP,
  Rng,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  splitSeed,
  tf,
} from '@vmbrl/tensor';
import { type BatchTensors, batchToTensors, validateBatch } from './batch.js';
import {
  type PresetName,
  type WorldModelConfig,
  canonicalJson,
  resolveConfig,
  upgradeConfig,
  validateConfig,
} from './config.js';
import { IMAGE_SIZE } from './image-loss.js';
import {
  GaussianHead,
  type LatentCore,
  lastStep,
  stackStates,
  stateFeatures,
  tidyTree,
} from './latent.js';
import { worldModelLoss } from './loss.js';
import { RSSM, SSM } from './rssm.js';
import { trainStep } from './train-step.js';
import type {
  ContrastiveBound,
  ImaginePolicy,
  ImagineResult,
  LatentState,
  LossResult,
  ObserveResult,
  SequenceBatch,
  TrainMetrics,
  WorldModel,
} from './types.js';

/** Construction options besides the config. */
export interface LatentWorldModelOptions {
  /** Action dimension A of the task. */
  actionDim: number;
  /** Seed of the run; parameters and sampling noise derive from it. */
  seed: number;
  /**
   * Largest B * L pushed through one forward/backward pass; bigger batches accumulate gradients
   * over groups of whole sequences (see `trainStep`). Default 512, which fits the 4 GB wasm heap
   * at the paper's sizes; B = 50, L = 50 (2500 frames) needs it.
   */
  maxFramesPerPass?: number;
  /**
   * Leave out the decoder (a model trained without the image loss, the study's R_LL) or the
   * reward head (reward predicted elsewhere, the study's LTOR). Both are built by default.
   */
  parts?: { decoder?: boolean; rewardHead?: boolean };
  /**
   * The contrastive bound of Dreamer eq. 12 as a loss, for `objective: 'contrastive'`: states
   * [N, S] and the state model's q(s | o) (mean, std [N, S]) of the same N observations ->
   * scalar. The agents pass @vmbrl/objectives' `contrastiveLoss` (this package does not
   * depend on that one).
   */
  contrastiveLoss?: ContrastiveBound;
}

/**
 * PlaNet's latent world model (section 3): conv encoder -> embedding, a latent core (RSSM, SSM
 * or RNN), deconv decoder with unit-variance Gaussian pixels, and a reward MLP on the features.
 */
export class LatentWorldModel implements WorldModel {
  readonly config: WorldModelConfig;
  readonly actionDim: number;
  readonly core: LatentCore;
  readonly optimizer: Adam;
  private readonly encoder: ConvEncoder;
  private readonly decoder: ConvDecoder | null;
  private readonly rewardHead: MLP | null;
  /** q(s_t | o_t) of the contrastive objective: its own CNN and a Gaussian head over s_t. */
  private readonly stateModel: { encoder: ConvEncoder; head: GaussianHead } | null;
  readonly contrastiveBound: ContrastiveBound | null;
  private readonly samplingRng: Rng;
  private readonly maxFramesPerPass: number;

  constructor(config: WorldModelConfig, options: LatentWorldModelOptions) {
    validateConfig(config);
    const { actionDim, seed } = options;
    if (!Number.isInteger(actionDim) || actionDim < 1) {
      throw new Error(`LatentWorldModel: actionDim ${actionDim} must be an integer >= 1`);
    }
    this.maxFramesPerPass = options.maxFramesPerPass ?? 512;
    if (!Number.isInteger(this.maxFramesPerPass) || this.maxFramesPerPass < 1) {
      throw new Error(
        `LatentWorldModel: maxFramesPerPass ${options.maxFramesPerPass} must be an integer >= 1`,
      );
    }
    this.config = structuredClone(config);
    this.actionDim = actionDim;
    const rng = new Rng(seed);
    // Each part's initialisation derives from the run seed and the part's name.
    const part = (name: string) => ({ name, seed: splitSeed(seed, `init/${name}`) });
    const depth = config.cnnDepth;
    this.encoder = new ConvEncoder({ depth, ...part('encoder') });
    const sizes = {
      actionDim,
      embedSize: this.encoder.outDim,
      deterSize: config.deterSize,
      stochSize: config.stochSize,
      hiddenSize: config.hiddenSize,
      minStd: config.minStd,
    };
    this.core =
      config.variant === 'ssm'
        ? new SSM(sizes, part('ssm'))
        : new RSSM(sizes, config.variant === 'rnn', part(config.variant));
    const featureSize = this.core.featureSize;
    const parts = options.parts ?? {};
    // Only reconstruction decodes images; the other objectives have no decoder to train.
    const decodes = parts.decoder !== false && config.objective === 'reconstruction';
    this.decoder = decodes ? new ConvDecoder(featureSize, { depth, ...part('decoder') }) : null;
    this.contrastiveBound = options.contrastiveLoss ?? null;
    if (config.objective === 'contrastive') {
      if (!this.contrastiveBound) {
        throw new Error(
          "LatentWorldModel: objective 'contrastive' needs options.contrastiveLoss (the agents pass @vmbrl/objectives' contrastiveLoss)",
        );
      }
      // The paper (Dreamer eq. 13) implements q(s_t | o_t) as a CNN: here an encoder of the
      // same architecture as the model's own (separate weights) and a Gaussian head over s_t
      // with the posterior's hidden size and min std.
      const encoder = new ConvEncoder({ depth, ...part('state-encoder') });
      const head = new GaussianHead(
        encoder.outDim,
        config.hiddenSize,
        config.stochSize,
        config.minStd,
        part('state-head'),
      );
      this.stateModel = { encoder, head };
    } else {
      this.stateModel = null;
    }
    this.rewardHead =
      parts.rewardHead === false
        ? null
        : new MLP(featureSize, config.rewardHidden, 1, { activation: 'relu', ...part('reward') });
    this.samplingRng = rng.split('sampling');
    this.optimizer = new Adam({
      lr: config.learningRate,
      eps: config.adamEps,
      clipNorm: config.clipNorm,
      warmup: config.lrWarmup,
    });
  }

  /** Build from a preset name plus overrides. */
  static fromPreset(
    preset: PresetName,
    options: LatentWorldModelOptions,
    overrides: Partial<WorldModelConfig> = {},
  ): LatentWorldModel {
    return new LatentWorldModel(resolveConfig(preset, overrides), options);
  }

  /** Size of the features [h, s] (or s for the SSM). */
  get featureSize(): number {
    return this.core.featureSize;
  }

  /** A fresh uint32 seed for one sampling op (deterministic given the model seed). */
  nextSeed(): number {
    return this.samplingRng.seed32();
  }

  /** State of the sampling RNG, for resuming a run. */
  getRngState(): unknown {
    return this.samplingRng.getState();
  }

  setRngState(state: unknown): void {
    this.samplingRng.setState(state as Parameters<Rng['setState']>[0]);
  }

  /** Batch arrays -> tensors (with dequantisation noise when `noise` is true). */
  toTensors(batch: SequenceBatch, noise: boolean): BatchTensors {
    return batchToTensors(
      batch,
      this.actionDim,
      this.config.bitDepth,
      noise && this.config.bitDepth < 8 ? this.nextSeed() : undefined,
    );
  }

  /**
   * Filter sequences: for t = 0..L-1, h_t from (h, s, a)_{t-1} and the posterior from e_t,
   * starting at the fixed zero state. images float [B, L, 64, 64, 3], actions [B, L, A].
   * Tensors are not tidied here; call inside a tidy.
   */
  observeTensors(images: tf.Tensor5D, actions: tf.Tensor3D): ObserveResult {
    const [b, l] = actions.shape;
    const flat = tf.reshape(images, [b * l, IMAGE_SIZE, IMAGE_SIZE, 3]) as tf.Tensor4D;
    const embed = tf.reshape(this.encoder.apply(flat), [b, l, -1]) as tf.Tensor3D;
    const embeds = tf.unstack(embed, 1) as tf.Tensor2D[];
    const stepActions = tf.unstack(actions, 1) as tf.Tensor2D[];
    let state = this.core.initialState(b);
    const priors: LatentState[] = [];
    const posteriors: LatentState[] = [];
    for (let t = 0; t < l; t += 1) {
      const step = this.core.observeStep(
        state,
        stepActions[t] as tf.Tensor2D,
        embeds[t] as tf.Tensor2D,
        this.nextSeed(),
      );
      priors.push(step.prior);
      posteriors.push(step.posterior);
      state = step.posterior;
    }
    const post = stackStates(posteriors);
    return { posteriors: post, priors: stackStates(priors), features: stateFeatures(post) };
  }

  observe(batch: SequenceBatch): ObserveResult {
    return tidyTree(() => {
      // Same input distribution as in training (dequantisation noise, seeded).
      const { images, actions } = this.toTensors(batch, true);
      return this.observeTensors(images, actions);
    });
  }

  imagine(
    start: LatentState,
    actions: tf.Tensor3D | ImaginePolicy,
    horizon: number,
  ): ImagineResult {
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new Error(`imagine: horizon ${horizon} must be an integer >= 1`);
    }
    const n = start.stoch.shape[0];
    if (typeof actions !== 'function') {
      const [an, ah, aa] = actions.shape;
      if (an !== n || ah < horizon || aa !== this.actionDim) {
        throw new Error(
          `imagine: actions have shape [${actions.shape}], expected [${n}, >=${horizon}, ${this.actionDim}]`,
        );
      }
    }
    return tidyTree(() => {
      const given =
        typeof actions === 'function' ? null : (tf.unstack(actions, 1) as tf.Tensor2D[]);
      const states: LatentState[] = [];
      const taken: tf.Tensor2D[] = [];
      let state = start;
      for (let k = 0; k < horizon; k += 1) {
        const action = given
          ? (given[k] as tf.Tensor2D)
          : (actions as ImaginePolicy)(stateFeatures(state), k);
        taken.push(action);
        state = this.core.imagineStep(state, action, this.nextSeed());
        states.push(state);
      }
      const stacked = stackStates(states);
      return {
        states: stacked,
        features: stateFeatures(stacked),
        actions: tf.stack(taken, 1) as tf.Tensor3D,
      };
    });
  }

  /** Embeddings e_t of images [N, 64, 64, 3] (network scale) -> [N, E], for online filtering. */
  embed(images: tf.Tensor4D): tf.Tensor2D {
    return this.encoder.apply(images) as tf.Tensor2D;
  }

  /** Whether this model decodes images (reconstruction, with a decoder built). */
  get decodes(): boolean {
    return this.decoder !== null;
  }

  /** The state model q(s_t | o_t) of images [N, 64, 64, 3] (network scale): mean and std [N, S]. */
  stateDistribution(images: tf.Tensor4D): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    const model = this.stateModel;
    if (!model) {
      throw new Error(
        "LatentWorldModel.stateDistribution: only a model with objective 'contrastive' has a state model",
      );
    }
    return model.head.apply(model.encoder.apply(images) as tf.Tensor2D);
  }

  decode(features: tf.Tensor2D): tf.Tensor4D {
    if (!this.decoder)
      throw new Error('LatentWorldModel.decode: this model was built without a decoder');
    return this.decoder.apply(features) as tf.Tensor4D;
  }

  predictReward(features: tf.Tensor2D): tf.Tensor1D {
    const head = this.rewardHead;
    if (!head) throw new Error('LatentWorldModel.predictReward: this model has no reward head');
    return tf.tidy(() => tf.reshape(head.apply(features), [-1]) as tf.Tensor1D);
  }

  /** Loss on a batch; the returned tensors are owned by the caller. */
  loss(batch: SequenceBatch): LossResult {
    return tidyTree(() => worldModelLoss(this, this.toTensors(batch, true)));
  }

  /** Loss terms of already converted tensors (call inside a tidy or an optimiser step). */
  lossOf(inputs: BatchTensors): LossResult {
    return worldModelLoss(this, inputs);
  }

  trainStep(batch: SequenceBatch): TrainMetrics {
    validateBatch(batch, this.actionDim);
    return trainStep(this, batch, this.maxFramesPerPass);
  }

  trainableVariables(): tf.Variable[] {
    return this.builtParts().flatMap((part) => part.trainableVariables());
  }

  /** The parts this model was built with, in the order of its variables. */
  private builtParts(): Array<{
    trainableVariables(): tf.Variable[];
    namedVariables(): Map<string, tf.Variable>;
  }> {
    return [
      this.encoder,
      this.core,
      this.decoder,
      this.rewardHead,
      this.stateModel?.encoder ?? null,
      this.stateModel?.head ?? null,
    ].filter((p) => p !== null);
  }

  namedVariables(): Map<string, tf.Variable> {
    const named = new Map<string, tf.Variable>();
    for (const part of this.builtParts()) {
      for (const [name, variable] of part.namedVariables()) {
        if (named.has(name)) throw new Error(`LatentWorldModel: duplicate variable name ${name}`);
        named.set(name, variable);
      }
    }
    return named;
  }

  /** Features of N states, [N, F]. */
  features(state: LatentState): tf.Tensor2D {
    return stateFeatures(state);
  }

  /** Last filtered state of each sequence, [B, ...] (the belief a planner starts from). */
  lastState(observed: ObserveResult): LatentState {
    return lastStep(observed.posteriors);
  }

  /**
   * Save variables, Adam state, sampling RNG state and config to `dir` (atomic, via
   * `@vmbrl/tensor`'s checkpoints) so a killed run resumes exactly.
   */
  async save(dir: string): Promise<void> {
    await saveCheckpoint(dir, {
      variables: this.namedVariables(),
      optimizers: { model: this.optimizer },
      meta: { kind: 'LatentWorldModel', config: this.config, rng: this.getRngState() },
    });
  }

  /** Restore what `save` wrote; the saved config must equal this model's. */
  async load(dir: string): Promise<void> {
    const { meta } = await loadCheckpoint(dir, {
      variables: this.namedVariables(),
      optimizers: { model: this.optimizer },
    });
    this.checkSavedMeta(meta, dir);
  }

  /**
   * Restores the variables (not the optimiser) from a checkpoint held in memory: its
   * `manifest.json` text and data bytes, as a web export ships them. `source` names it in errors.
   */
  async restoreFrom(manifestText: string, body: Uint8Array, source: string): Promise<void> {
    const { meta } = await restoreCheckpoint(
      manifestText,
      body,
      {
        variables: this.namedVariables(),
        allowExtra: true, // a full checkpoint also holds Adam's moments
      },
      source,
    );
    this.checkSavedMeta(meta, source);
  }

  private checkSavedMeta(meta: unknown, source: string): void {
    const saved = meta as { config?: WorldModelConfig; rng?: unknown } | null;
    const mine = canonicalJson(this.config);
    if (!saved?.config || canonicalJson(upgradeConfig(saved.config)) !== mine) {
      throw new Error(
        `LatentWorldModel.load: checkpoint ${source} was saved with config ${JSON.stringify(saved?.config)}, this model has ${mine}`,
      );
    }
    if (saved.rng !== undefined) this.setRngState(saved.rng);
  }

  /** Release the model's variables and optimiser state. */
  dispose(): void {
    tf.dispose(this.trainableVariables());
    this.optimizer.dispose();
  }
}
