/**
 * The study's design R (appendix B): rewards predicted from the last observation, the last
 * reward and the future actions, with no observation prediction. `R_recurrent` (Table 8, the
 * paper's R) unrolls its own LSTM latent over the horizon; `R_conv` (Table 9) predicts the
 * whole horizon in one shot. (R_LL, the third variant, is `LatentStudyModel`.)
 *
 * Where the tables are silent: the observation and last-reward encodings are fed to the LSTM at
 * every step beside the step's action encoding (the study code tiles the frame encoding the same
 * way); R_conv encodes each action with the per-step encoder of Table 9 and concatenates them.
 */
import { Adam, Dense, Module, imagesToFloat, tf } from '@vmbrl/tensor';
import { validateBatch } from '../batch.js';
import { IMAGE_SIZE } from '../image-loss.js';
import { sequenceScorer } from '../scorer.js';
import type { SequenceBatch, TrainMetrics } from '../types.js';
import { LSTMCell } from './cells.js';
import { DenseStack, LEAKY_ALPHA, ObservationEncoder } from './reward-nets.js';
import type { RewardOnlyConfig } from './reward-only-config.js';
import { StudyModelBase } from './study-model-base.js';
import type { StudyModel, StudyPrediction, StudyScorer, StudyStep } from './types.js';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE * 3;

/** R's belief: the last observation and the reward that came with it. */
export interface RewardOnlyBelief {
  /** [1, 64, 64, 3] network scale. */
  image: tf.Tensor4D;
  /** [1]. */
  reward: tf.Tensor1D;
}

/** Windows cut from a batch on the JS side: one observation, its reward, then H steps. */
interface Windows {
  images: Uint8Array;
  lastRewards: Float32Array;
  actions: Float32Array;
  targets: Float32Array;
  count: number;
}

/** The networks of R_recurrent and R_conv. */
class RewardOnlyNetworks extends Module {
  readonly observation: ObservationEncoder;
  readonly actionEncoder: DenseStack;
  readonly rewardEncoder: DenseStack;
  readonly lstm: LSTMCell | null;
  readonly head: DenseStack;
  readonly out: Dense;

  constructor(
    private readonly config: RewardOnlyConfig,
    actionDim: number,
    seed: number,
  ) {
    super('R', { seed });
    const { encoderUnits, horizon } = config;
    this.observation = this.addChild(
      new ObservationEncoder(config.observationFilters, this.childOptions('observation')),
    );
    this.actionEncoder = this.addChild(
      new DenseStack(actionDim, encoderUnits, 'leakyRelu', this.childOptions('action')),
    );
    this.rewardEncoder = this.addChild(
      new DenseStack(1, encoderUnits, 'leakyRelu', this.childOptions('last_reward')),
    );
    const encoded = this.actionEncoder.outDim;
    const contextDim = this.observation.outDim + encoded;
    if (config.variant === 'R_recurrent') {
      const lstm = new LSTMCell(contextDim + encoded, config.lstmUnits, this.childOptions('lstm'));
      this.lstm = this.addChild(lstm);
      this.head = this.addChild(
        new DenseStack(config.lstmUnits, config.recurrentHead, 'relu', this.childOptions('head')),
      );
      this.out = this.addChild(new Dense(this.head.outDim, 1, this.childOptions('out')));
    } else {
      this.lstm = null;
      const inDim = contextDim + horizon * encoded;
      this.head = this.addChild(
        new DenseStack(inDim, config.convHead, 'leakyRelu', this.childOptions('head')),
      );
      this.out = this.addChild(new Dense(this.head.outDim, horizon, this.childOptions('out')));
    }
  }

  /** The encoded last observation and reward: images [N, 64, 64, 3], rewards [N] -> [N, C]. */
  context(images: tf.Tensor4D, rewards: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const reward = this.rewardEncoder.apply(tf.reshape(rewards, [-1, 1]));
      return tf.concat([this.observation.apply(images), reward as tf.Tensor2D], -1);
    });
  }

  /** Rewards [N, H] of actions [N, H, A] from contexts [N, C]. */
  rewards(context: tf.Tensor2D, actions: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const [n, h, a] = actions.shape;
      const encoded = this.actionEncoder.apply(tf.reshape(actions, [n * h, a]));
      const perStep = tf.reshape(encoded, [n, h, -1]) as tf.Tensor3D;
      if (!this.lstm) {
        if (h !== this.config.horizon) {
          throw new Error(
            `R_conv predicts exactly its horizon of ${this.config.horizon} rewards, asked for ${h}`,
          );
        }
        const x = tf.concat([context, tf.reshape(perStep, [n, -1])], -1);
        return this.out.apply(this.head.apply(x)) as tf.Tensor2D;
      }
      let state = this.lstm.initialState(n);
      const out: tf.Tensor2D[] = [];
      const e = perStep.shape[2];
      for (let t = 0; t < h; t += 1) {
        // A slice per step: tfjs' unstack gradient fails for a single step.
        const step = tf.reshape(tf.slice(perStep, [0, t, 0], [n, 1, e]), [n, e]);
        state = this.lstm.apply(tf.concat([context, step], -1) as tf.Tensor2D, state);
        const features = this.head.apply(tf.leakyRelu(state.h, LEAKY_ALPHA));
        out.push(this.out.apply(features) as tf.Tensor2D);
      }
      return tf.concat(out, 1) as tf.Tensor2D;
    });
  }
}

/** R_recurrent or R_conv as a {@link StudyModel}. */
export class RewardOnlyModel extends StudyModelBase implements StudyModel<RewardOnlyBelief> {
  readonly design = 'R' as const;
  readonly variant: 'R_recurrent' | 'R_conv';
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly predictsFrames = false;
  readonly optimizer: Adam;
  private readonly nets: RewardOnlyNetworks;

  readonly actionDim: number;

  constructor(
    readonly config: RewardOnlyConfig,
    options: { actionDim: number; seed: number },
  ) {
    super();
    const { actionDim, seed } = options;
    this.actionDim = actionDim;
    if (config.variant === 'R_LL') {
      throw new Error('RewardOnlyModel: R_LL is a LatentStudyModel; use createStudyModel');
    }
    this.variant = config.variant;
    this.batchSize = config.batchSize;
    this.sequenceLength = config.horizon + 1;
    this.nets = new RewardOnlyNetworks(config, actionDim, seed);
    const { learningRate: lr, adamEps: eps, clipNorm } = config;
    this.optimizer = new Adam({ lr, eps, clipNorm });
  }

  /** Every window of horizon + 1 steps of every sequence (one when L = horizon + 1). */
  private windows(batch: SequenceBatch, start: number | null, horizon: number): Windows {
    validateBatch(batch, this.actionDim);
    const { batchSize: b, length: l } = batch;
    const a = this.actionDim;
    if (l < horizon + 1 || (start !== null && start + horizon >= l)) {
      throw new Error(
        `R: sequences of ${l} steps are too short for ${horizon} rewards after step ${start ?? 0}`,
      );
    }
    const starts = start === null ? Array.from({ length: l - horizon }, (_, s) => s) : [start];
    const count = b * starts.length;
    const w: Windows = {
      images: new Uint8Array(count * PIXELS),
      lastRewards: new Float32Array(count),
      actions: new Float32Array(count * horizon * a),
      targets: new Float32Array(count * horizon),
      count,
    };
    const image = batch.image as Uint8Array;
    let i = 0;
    for (let seq = 0; seq < b; seq += 1) {
      for (const s of starts) {
        const row = seq * l + s;
        w.images.set(image.subarray(row * PIXELS, (row + 1) * PIXELS), i * PIXELS);
        w.lastRewards[i] = batch.reward[row] as number;
        w.actions.set(
          batch.action.subarray((row + 1) * a, (row + 1 + horizon) * a),
          i * horizon * a,
        );
        w.targets.set(batch.reward.subarray(row + 1, row + 1 + horizon), i * horizon);
        i += 1;
      }
    }
    return w;
  }

  private predictWindows(w: Windows, horizon: number): tf.Tensor2D {
    return tf.tidy(() => {
      const raw = tf.tensor4d(w.images, [w.count, IMAGE_SIZE, IMAGE_SIZE, 3], 'int32');
      const context = this.nets.context(
        imagesToFloat(raw) as tf.Tensor4D,
        tf.tensor1d(w.lastRewards),
      );
      const actions = tf.tensor3d(w.actions, [w.count, horizon, this.actionDim]);
      return this.nets.rewards(context, actions);
    });
  }

  trainStep(batch: SequenceBatch): TrainMetrics {
    const { horizon } = this.config;
    const w = this.windows(batch, null, horizon);
    const { loss, gradNorm } = this.optimizer.step(() => {
      const targets = tf.tensor2d(w.targets, [w.count, horizon]);
      return tf.mean(tf.square(tf.sub(this.predictWindows(w, horizon), targets)));
    }, this.trainableVariables());
    return { loss, gradNorm, reward: loss };
  }

  observe(_previous: RewardOnlyBelief | null, step: StudyStep): RewardOnlyBelief {
    if (!(step.image instanceof Uint8Array) || step.image.length !== PIXELS) {
      throw new Error(`R.observe: the image must be a Uint8Array of 64*64*3 = ${PIXELS} values`);
    }
    return tf.tidy(() => ({
      image: imagesToFloat(tf.tensor4d(step.image, [1, IMAGE_SIZE, IMAGE_SIZE, 3], 'int32')),
      reward: tf.tensor1d([step.reward]),
    })) as unknown as RewardOnlyBelief;
  }

  scorer(belief: RewardOnlyBelief): StudyScorer {
    const scoreTensor = (actions: tf.Tensor3D): tf.Tensor1D =>
      tf.tidy(() => {
        const [j, , a] = actions.shape;
        if (a !== this.actionDim) {
          throw new Error(`R scorer: actions [${actions.shape}] need A = ${this.actionDim}`);
        }
        const context = tf.tile(this.nets.context(belief.image, belief.reward), [j, 1]);
        return tf.sum(this.nets.rewards(context as tf.Tensor2D, actions), 1) as tf.Tensor1D;
      });
    return sequenceScorer(this.actionDim, scoreTensor, `${this.variant} scorer`);
  }

  disposeBelief(belief: RewardOnlyBelief): void {
    tf.dispose([belief.image, belief.reward]);
  }

  predict(batch: SequenceBatch, context: number, horizon: number): StudyPrediction {
    if (!Number.isInteger(context) || context < 1) {
      throw new Error(`R.predict: context ${context} must be an integer >= 1`);
    }
    return { rewards: this.predictWindows(this.windows(batch, context - 1, horizon), horizon) };
  }

  namedVariables(): Map<string, tf.Variable> {
    return this.nets.namedVariables();
  }

  dispose(): void {
    this.nets.dispose();
    this.optimizer.dispose();
  }
}
