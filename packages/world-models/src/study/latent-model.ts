/**
 * The study's designs with latent transitions as one {@link StudyModel} over PlaNet's
 * `LatentWorldModel` (appendix B): LTLR (PlaNet: reward from the latent state), LTOR (reward
 * from the decoded frame by the image reward network; the model has no reward head) and R_LL
 * (LTLR without the image loss; the model has no decoder).
 */
import { type RngState, splitSeed, tf } from '@vmbrl/tensor';
import { type BatchTensors, sliceBatch } from '../batch.js';
import { latentSequenceScorer } from '../dynamics.js';
import { filterStep } from '../filter.js';
import { IMAGE_SIZE } from '../image-loss.js';
import { disposeState, lastStep, mapState, stateFeatures, tidyTree } from '../latent.js';
import { sequenceScorer, sumRewards } from '../scorer.js';
import { trainStep } from '../train-step.js';
import type { LatentState, LossResult, SequenceBatch, TrainMetrics } from '../types.js';
import { LatentWorldModel } from '../world-model.js';
import type { LatentDesignConfig } from './latent-config.js';
import { latentDesignLoss } from './latent-loss.js';
import { checkOpenLoopRange } from './open-loop-range.js';
import { ImageRewardNet } from './reward-nets.js';
import { StudyModelBase, mergeNamedVariables } from './study-model-base.js';
import type { StudyModel, StudyPrediction, StudyScorer, StudyStep } from './types.js';

/** The latent designs: LTLR and LTOR, and R_LL (a variant of R). */
export type LatentVariant = 'LTLR' | 'LTOR' | 'R_LL';

/** Construction options besides the config. */
export interface LatentStudyOptions {
  actionDim: number;
  seed: number;
  /** Largest B * L per forward/backward pass (see `LatentWorldModelOptions`). */
  maxFramesPerPass?: number;
}

/** LTLR, LTOR or R_LL; the belief is the filtered posterior q(s_t | h_t, e_t), [1, ...]. */
export class LatentStudyModel extends StudyModelBase implements StudyModel<LatentState> {
  readonly design: 'LTLR' | 'LTOR' | 'R';
  readonly actionDim: number;
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly predictsFrames: boolean;
  /** PlaNet's model: encoder, RSSM, and the decoder and reward head where the design has them. */
  readonly world: LatentWorldModel;
  /** LTOR's reward network on decoded frames. */
  readonly rewardNet: ImageRewardNet | null;
  private readonly maxFramesPerPass: number;

  constructor(
    readonly config: LatentDesignConfig,
    readonly variant: LatentVariant,
    options: LatentStudyOptions,
  ) {
    super();
    const { actionDim, seed } = options;
    this.design = variant === 'R_LL' ? 'R' : variant;
    this.actionDim = actionDim;
    this.batchSize = config.batchSize;
    this.sequenceLength = config.sequenceLength;
    this.predictsFrames = variant !== 'R_LL';
    this.maxFramesPerPass = options.maxFramesPerPass ?? 512;
    this.world = new LatentWorldModel(config.model, {
      actionDim,
      seed,
      maxFramesPerPass: this.maxFramesPerPass,
      parts: { decoder: variant !== 'R_LL', rewardHead: variant !== 'LTOR' },
    });
    this.rewardNet =
      variant === 'LTOR'
        ? new ImageRewardNet(config.rewardNet, {
            name: 'reward_net',
            seed: splitSeed(seed, 'init/reward_net'),
          })
        : null;
  }

  /** Adam over every variable (the world model's optimiser, with LTOR's reward network too). */
  get optimizer() {
    return this.world.optimizer;
  }

  /** Batch arrays -> tensors, as PlaNet (5-bit images, dequantisation noise when `noise`). */
  toTensors(batch: SequenceBatch, noise: boolean): BatchTensors {
    return this.world.toTensors(batch, noise);
  }

  /** The design's loss terms (call inside a tidy or an optimiser step). */
  lossOf(inputs: BatchTensors): LossResult {
    const { world, rewardNet } = this;
    const image = this.variant !== 'R_LL';
    return latentDesignLoss(
      { world, rewardNet, image, shareLatent: this.config.shareLatent },
      inputs,
    );
  }

  trainStep(batch: SequenceBatch): TrainMetrics {
    return trainStep(this, batch, this.maxFramesPerPass);
  }

  /** One filter step from the previous belief (see `filterStep`). */
  observe(previous: LatentState | null, step: StudyStep): LatentState {
    return filterStep(this.world, previous, step.action, step.image);
  }

  /** Rewards [N] of latent states [N, ...]: the reward head, or LTOR's net on the decoded frame. */
  private rewardOf(state: LatentState): tf.Tensor1D {
    const features = stateFeatures(state);
    if (!this.rewardNet) return this.world.predictReward(features);
    return this.rewardNet.apply(this.world.decode(features));
  }

  scorer(belief: LatentState): StudyScorer {
    if (!this.rewardNet) return latentSequenceScorer(this.world, belief);
    // LTOR decodes every imagined state of every candidate: one tidy per step keeps J decoded
    // frames, not J x H, alive.
    const scoreTensor = (actions: tf.Tensor3D): tf.Tensor1D => {
      const [j, h, a] = actions.shape;
      if (a !== this.actionDim || belief.stoch.shape[0] !== 1) {
        throw new Error(
          `LTOR scorer: actions [${actions.shape}] need A = ${this.actionDim} and a belief of one state`,
        );
      }
      const start = tidyTree(() => mapState(belief, (x) => tf.tile(x, [j, 1]) as tf.Tensor2D));
      return sumRewards(start, h, (state, t) => {
        const action = tf.reshape(tf.slice(actions, [0, t, 0], [j, 1, a]), [j, a]) as tf.Tensor2D;
        const next = this.world.core.imagineStep(state, action, this.world.nextSeed());
        return { state: next, reward: this.rewardOf(next) };
      });
    };
    return sequenceScorer(this.actionDim, scoreTensor, 'LTOR scorer');
  }

  disposeBelief(belief: LatentState): void {
    disposeState(belief);
  }

  /** Filter `context` steps, roll the prior under the next `horizon` actions, read rewards and frames. */
  predict(batch: SequenceBatch, context: number, horizon: number): StudyPrediction {
    checkOpenLoopRange(batch, context, horizon, `${this.variant}.predict`);
    const { world, actionDim: a } = this;
    const b = batch.batchSize;
    return tidyTree(() => {
      const observed = world.toTensors(sliceBatch(batch, a, 0, context), false);
      const start = lastStep(world.observeTensors(observed.images, observed.actions).posteriors);
      const future = sliceBatch(batch, a, context, horizon);
      const imagined = world.imagine(start, tf.tensor3d(future.action, [b, horizon, a]), horizon);
      const states = mapState(
        imagined.states,
        (x) => tf.reshape(x, [b * horizon, -1]) as tf.Tensor2D,
      );
      const rewards = tf.reshape(this.rewardOf(states), [b, horizon]) as tf.Tensor2D;
      if (!this.predictsFrames) return { rewards };
      const frames = world.decode(stateFeatures(states));
      return {
        rewards,
        frames: tf.reshape(frames, [b, horizon, IMAGE_SIZE, IMAGE_SIZE, 3]) as tf.Tensor5D,
      };
    });
  }

  namedVariables(): Map<string, tf.Variable> {
    return mergeNamedVariables([this.world, this.rewardNet]);
  }

  protected override samplingState(): RngState {
    return this.world.getRngState() as RngState;
  }

  protected override restoreSampling(state: RngState): void {
    this.world.setRngState(state);
  }

  dispose(): void {
    this.world.dispose();
    this.rewardNet?.dispose();
  }
}
