/**
 * The study's pixel-space designs (appendix B): OTOR, SV2P with the reward read from each
 * predicted frame by the image reward network, and OTLR, SV2P with the reward read from the
 * tower's ConvLSTM states. With the latent not shared (the paper's setting) the reward loss
 * moves no variable of the video model.
 *
 * Training (the study code's SV2P loss): the tower runs over a sequence of inputFrames +
 * predictedFrames steps; step i reads frame i (the true one during the context, afterwards the
 * true or the predicted one by scheduled sampling) and the action that leads to frame i + 1,
 * and predicts frame i + 1 and its reward. Loss: per-pixel mean squared error of the predicted
 * frames in [0, 1] + rewardScale x reward MSE + beta x KL[q(z | frames) || N(0, I)] (summed
 * over z, averaged over sequences). Planning draws z from the prior N(0, I) per candidate.
 */
import { Adam, Rng, type RngState, stopGradient, tf } from '@vmbrl/tensor';
import { type BatchTensors, batchToTensors, sliceBatch } from '../batch.js';
import { IMAGE_SIZE } from '../image-loss.js';
import { tidyTree } from '../latent.js';
import { sequenceScorer, sumRewards } from '../scorer.js';
import { trainStep } from '../train-step.js';
import type { LossResult, SequenceBatch, TrainMetrics } from '../types.js';
import { checkOpenLoopRange } from './open-loop-range.js';
import { ImageRewardNet, StateRewardNet } from './reward-nets.js';
import { StudyModelBase, mergeNamedVariables } from './study-model-base.js';
import { LATENT_SIDE, Sv2pNetwork, type TowerState, hiddenMaps } from './sv2p.js';
import type { StudyModel, StudyPrediction, StudyScorer, StudyStep } from './types.js';
import type { VideoDesignConfig } from './video-config.js';

/**
 * The video designs' belief: the last `inputFrames` frames [K, 64, 64, 3] in [0, 1] and the
 * actions that led to them [K, A]. At an episode's start the first frame fills every slot (the
 * study code pads with black frames, which training never shows the model).
 */
export interface VideoBelief {
  frames: tf.Tensor4D;
  actions: tf.Tensor2D;
}

/** Construction options besides the config. */
export interface VideoStudyOptions {
  actionDim: number;
  seed: number;
  /**
   * Largest B * L per forward/backward pass; larger batches accumulate gradients. Default 28:
   * two sequences of 14 fit the 4 GB wasm heap at the paper's size, four do not.
   */
  maxFramesPerPass?: number;
}

/**
 * Frames [B, 64, 64, 3] in [0, 1] of images [B, L, 64, 64, 3] (x/255 - 0.5), one per step:
 * sliced from a 3-D view (wasm slices and unstacks 5-D tensors element by element).
 */
function framesOf(images: tf.Tensor5D): tf.Tensor4D[] {
  const [b, l] = images.shape;
  const flat = tf.reshape(tf.add(images, 0.5), [b, l, -1]) as tf.Tensor3D;
  const p = flat.shape[2];
  return Array.from(
    { length: l },
    (_, t) =>
      tf.reshape(tf.slice(flat, [0, t, 0], [b, 1, p]), [
        b,
        IMAGE_SIZE,
        IMAGE_SIZE,
        3,
      ]) as tf.Tensor4D,
  );
}

/** One rollout state: the frame to read next, the tower's state and each sequence's z. */
interface Rollout {
  frame: tf.Tensor4D;
  tower: TowerState;
  z: tf.Tensor4D;
}

/** OTOR or OTLR as a {@link StudyModel}. */
export class VideoStudyModel extends StudyModelBase implements StudyModel<VideoBelief> {
  readonly actionDim: number;
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly predictsFrames = true;
  readonly optimizer: Adam;
  readonly video: Sv2pNetwork;
  private readonly frameReward: ImageRewardNet | null;
  private readonly stateReward: StateRewardNet | null;
  private readonly samplingRng: Rng;
  private readonly maxFramesPerPass: number;

  constructor(
    readonly config: VideoDesignConfig,
    readonly design: 'OTOR' | 'OTLR',
    options: VideoStudyOptions,
  ) {
    super();
    const { actionDim, seed } = options;
    this.actionDim = actionDim;
    this.batchSize = config.batchSize;
    this.sequenceLength = config.inputFrames + config.predictedFrames;
    this.maxFramesPerPass = options.maxFramesPerPass ?? 28;
    const rng = new Rng(seed);
    const part = (name: string) => ({ name, seed: rng.split(`init/${name}`).seed32() });
    this.video = new Sv2pNetwork(config, actionDim, part('sv2p'));
    this.frameReward =
      design === 'OTOR' ? new ImageRewardNet(config.rewardNet, part('reward_net')) : null;
    this.stateReward =
      design === 'OTLR'
        ? new StateRewardNet(hiddenMaps(config), config.stateRewardNet, part('state_reward'))
        : null;
    this.samplingRng = rng.split('sampling');
    const { learningRate: lr, adamEps: eps, clipNorm } = config;
    this.optimizer = new Adam({ lr, eps, clipNorm });
  }

  get variant(): string {
    return this.design;
  }

  /** Rewards [N] of the step that predicted `frame`: from the frame (OTOR) or the states (OTLR). */
  private reward(frame: tf.Tensor4D, hidden: tf.Tensor4D[]): tf.Tensor1D {
    const shared = <T extends tf.Tensor>(x: T): T =>
      this.config.shareLatent ? x : stopGradient(x);
    if (this.frameReward) return this.frameReward.apply(tf.sub(shared(frame), 0.5) as tf.Tensor4D);
    return (this.stateReward as StateRewardNet).apply(hidden.map(shared));
  }

  /** Batch arrays -> tensors (8-bit images, x/255 - 0.5; SV2P reads images without noise). */
  toTensors(batch: SequenceBatch, _noise: boolean): BatchTensors {
    const l = this.sequenceLength;
    const used = batch.length > l ? sliceBatch(batch, this.actionDim, 0, l) : batch;
    return batchToTensors(used, this.actionDim, 8);
  }

  /** The SV2P loss of a batch (see the file comment); call inside a tidy or optimiser step. */
  lossOf(inputs: BatchTensors): LossResult {
    const { config } = this;
    const [b, l] = inputs.rewards.shape;
    if (l !== this.sequenceLength) {
      throw new Error(
        `${this.design}: sequences of ${l} steps; the design trains on ${this.sequenceLength}`,
      );
    }
    const frames = framesOf(inputs.images);
    const a = this.actionDim;
    const actionAt = (t: number) =>
      tf.reshape(tf.slice(inputs.actions, [0, t, 0], [b, 1, a]), [b, a]) as tf.Tensor2D;
    const { mean, logVar } = this.video.posterior(tf.add(inputs.images, 0.5) as tf.Tensor5D);
    const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', this.samplingRng.seed32());
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor4D;
    const klPerElement = tf.mul(
      0.5,
      tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(1, logVar)),
    );
    const kl = tf.div(tf.sum(klPerElement), b) as tf.Scalar;
    // Scheduled sampling (SV2P): the chance of reading the true frame after the context falls
    // linearly from 1 to 0 over `scheduledSamplingSteps` updates, one draw per step.
    const steps = config.scheduledSamplingSteps;
    const truthChance = steps > 0 ? Math.max(0, 1 - this.optimizer.iterations / steps) : 0;
    let tower = this.video.initialState(b);
    let predicted = frames[0] as tf.Tensor4D;
    const errors: tf.Scalar[] = [];
    const rewards: tf.Tensor1D[] = [];
    for (let i = 0; i + 1 < l; i += 1) {
      const truth = i < config.inputFrames || this.samplingRng.uniform(0, 1) < truthChance;
      const out = this.video.step(
        truth ? (frames[i] as tf.Tensor4D) : predicted,
        actionAt(i + 1),
        z,
        tower,
      );
      errors.push(tf.mean(tf.square(tf.sub(out.frame, frames[i + 1] as tf.Tensor4D))) as tf.Scalar);
      rewards.push(this.reward(out.frame, out.hidden));
      tower = out.state;
      predicted = out.frame;
    }
    const image = tf.div(tf.addN(errors), errors.length) as tf.Scalar;
    const targets = tf.slice(inputs.rewards, [0, 1], [b, l - 1]);
    // Columns by concat, not stack: tfjs' unstack gradient fails for a single step.
    const predictedRewards = tf.concat(
      rewards.map((r) => tf.reshape(r, [b, 1])),
      1,
    );
    const reward = tf.mean(tf.square(tf.sub(predictedRewards, targets))) as tf.Scalar;
    const total = tf.addN([image, tf.mul(reward, config.rewardScale), tf.mul(kl, config.klScale)]);
    return { total: total as tf.Scalar, terms: { image, reward, kl } };
  }

  trainStep(batch: SequenceBatch): TrainMetrics {
    if (batch.length < this.sequenceLength) {
      throw new Error(
        `${this.design}.trainStep: sequences of ${batch.length} steps; the design needs ${this.sequenceLength} (inputFrames + predictedFrames)`,
      );
    }
    return trainStep(this, batch, this.maxFramesPerPass);
  }

  observe(previous: VideoBelief | null, step: StudyStep): VideoBelief {
    const { actionDim: a } = this;
    const k = this.config.inputFrames;
    if (step.action.length !== a) {
      throw new Error(
        `${this.design}.observe: action has ${step.action.length} values, expected ${a}`,
      );
    }
    return tidyTree(() => {
      const raw = tf.tensor4d(step.image, [1, IMAGE_SIZE, IMAGE_SIZE, 3], 'int32');
      const frame = tf.div(tf.cast(raw, 'float32'), 255) as tf.Tensor4D;
      const action = tf.tensor2d(step.action, [1, a]);
      if (!previous) {
        return {
          frames: tf.tile(frame, [k, 1, 1, 1]) as tf.Tensor4D,
          actions: tf.concat([tf.zeros([k - 1, a]), action]) as tf.Tensor2D,
        };
      }
      const keep = (x: tf.Tensor) => tf.slice(x, 1, k - 1);
      return {
        frames: tf.concat([keep(previous.frames), frame]) as tf.Tensor4D,
        actions: tf.concat([keep(previous.actions), action]) as tf.Tensor2D,
      };
    });
  }

  /**
   * Runs the tower over the context (frames[k] [N, ...] read with the action that led to
   * frames[k + 1]) with z drawn from the prior, and returns the state ready to predict the
   * frame after the last context frame.
   */
  private warmUp(frames: tf.Tensor4D[], actions: tf.Tensor2D[]): Rollout {
    return tidyTree(() => {
      const n = (frames[0] as tf.Tensor4D).shape[0];
      const zShape: [number, number, number, number] = [
        n,
        LATENT_SIDE,
        LATENT_SIDE,
        this.config.latentChannels,
      ];
      const z = tf.randomNormal(zShape, 0, 1, 'float32', this.samplingRng.seed32()) as tf.Tensor4D;
      let tower = this.video.initialState(n);
      for (let k = 0; k + 1 < frames.length; k += 1) {
        tower = this.video.step(
          frames[k] as tf.Tensor4D,
          actions[k + 1] as tf.Tensor2D,
          z,
          tower,
        ).state;
      }
      return { frame: frames.at(-1) as tf.Tensor4D, tower, z };
    });
  }

  /** One predicted step: the next rollout state and the predicted frame's reward. */
  private advance(state: Rollout, action: tf.Tensor2D): { state: Rollout; reward: tf.Tensor1D } {
    const out = this.video.step(state.frame, action, state.z, state.tower);
    return {
      state: { frame: out.frame, tower: out.state, z: state.z },
      reward: this.reward(out.frame, out.hidden),
    };
  }

  scorer(belief: VideoBelief): StudyScorer {
    const k = this.config.inputFrames;
    const scoreTensor = (actions: tf.Tensor3D): tf.Tensor1D => {
      const [j, h, a] = actions.shape;
      if (a !== this.actionDim) {
        throw new Error(
          `${this.design} scorer: actions [${actions.shape}] need A = ${this.actionDim}`,
        );
      }
      const start = tidyTree(() => {
        const tile = (x: tf.Tensor, i: number) =>
          tf.tile(tf.slice(x, i, 1), x.rank === 4 ? [j, 1, 1, 1] : [j, 1]);
        const frames = Array.from({ length: k }, (_, i) => tile(belief.frames, i) as tf.Tensor4D);
        const acts = Array.from({ length: k }, (_, i) => tile(belief.actions, i) as tf.Tensor2D);
        return this.warmUp(frames, acts);
      });
      return sumRewards(start, h, (state, t) =>
        this.advance(state, tf.reshape(tf.slice(actions, [0, t, 0], [j, 1, a]), [j, a])),
      );
    };
    return sequenceScorer(this.actionDim, scoreTensor, `${this.design} scorer`);
  }

  disposeBelief(belief: VideoBelief): void {
    tf.dispose([belief.frames, belief.actions]);
  }

  /**
   * From the last `inputFrames` frames of the first `context` steps (the first frame repeated
   * when fewer), z from the prior, predict `horizon` frames and rewards under the batch's actions.
   */
  predict(batch: SequenceBatch, context: number, horizon: number): StudyPrediction {
    checkOpenLoopRange(batch, context, horizon, `${this.design}.predict`);
    const { actionDim: a } = this;
    const b = batch.batchSize;
    const k = this.config.inputFrames;
    return tidyTree(() => {
      const { images, actions } = batchToTensors(sliceBatch(batch, a, 0, context + horizon), a, 8);
      const all = framesOf(images);
      const frameAt = (t: number) => all[Math.max(0, t)] as tf.Tensor4D;
      const actionAt = (t: number) =>
        t < 0 ? tf.zeros([b, a]) : tf.reshape(tf.slice(actions, [0, t, 0], [b, 1, a]), [b, a]);
      const steps = Array.from({ length: k }, (_, i) => context - k + i);
      let state = this.warmUp(
        steps.map(frameAt),
        steps.map((t) => actionAt(t) as tf.Tensor2D),
      );
      const frames: tf.Tensor4D[] = [];
      const rewards: tf.Tensor1D[] = [];
      for (let t = 0; t < horizon; t += 1) {
        const out = this.advance(state, actionAt(context + t) as tf.Tensor2D);
        state = out.state;
        frames.push(tf.sub(out.state.frame, 0.5) as tf.Tensor4D);
        rewards.push(out.reward);
      }
      return {
        rewards: tf.stack(rewards, 1) as tf.Tensor2D,
        frames: tf.stack(frames, 1) as tf.Tensor5D,
      };
    });
  }

  namedVariables(): Map<string, tf.Variable> {
    return mergeNamedVariables([this.video, this.frameReward, this.stateReward]);
  }

  protected override samplingState(): RngState {
    return this.samplingRng.getState();
  }

  protected override restoreSampling(state: RngState): void {
    this.samplingRng.setState(state);
  }

  dispose(): void {
    tf.dispose(this.trainableVariables());
    this.optimizer.dispose();
  }
}
