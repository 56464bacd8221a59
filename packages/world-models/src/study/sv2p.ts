/**
 * SV2P's networks (Babaeizadeh et al. 2018, built on Finn et al. 2016's CDNA model; paper
 * appendix B.1, Table 11): the generator tower that predicts the next frame from the current
 * one, the action and a latent z, and the convolutional posterior q(z | all frames).
 *
 * The tower follows the study code's SV2P: a 5 x 5 stride-2 convolution, seven ConvLSTMs
 * (widths of Table 14) on 32, 16, 8, 16 and 32 pixels with layer norm after each, stride-2
 * convolutions down and 3 x 3 stride-2 transposed convolutions up with skip connections; the
 * action is mapped to an 8 x 8 plane and z (8 x 8) concatenated at the bottleneck. The frame
 * comes from CDNA (`cdna.ts`): kernels from the bottleneck state, masks and a generated image
 * from the last up-sampled map. Images are in [0, 1] inside this module (the study code's
 * convert_image_dtype); the reward for the previous frame is not fed back into the tower (the
 * paper conditions the tower on frames and actions only).
 */
import { Conv2D, Conv2DTranspose, Dense, Module, type ModuleOptions, tf } from '@vmbrl/tensor';
import { tidyTree } from '../latent.js';
import { cdnaComposite, normaliseKernels } from './cdna.js';
import { ConvLSTMCell, type LstmState, SpatialLayerNorm } from './cells.js';
import type { VideoDesignConfig } from './video-config.js';

/** Side of the bottleneck and of z. */
export const LATENT_SIDE = 8;
/** Sides of the seven ConvLSTMs' maps. */
const CELL_SIDES = [32, 32, 16, 16, 8, 16, 32];

/** The tower's recurrent state: one (h, c) per ConvLSTM. */
export type TowerState = LstmState<tf.Tensor4D>[];

/** One step of the tower. */
export interface TowerStep {
  /** The predicted next frame [N, 64, 64, 3] in [0, 1]. */
  frame: tf.Tensor4D;
  state: TowerState;
  /** The seven ConvLSTM outputs after layer norm (OTLR's reward input). */
  hidden: tf.Tensor4D[];
}

/** Channels and side of each ConvLSTM output, as `TowerStep.hidden` holds them. */
export function hiddenMaps(config: VideoDesignConfig): Array<{ channels: number; size: number }> {
  return config.lstmWidths.map((channels, i) => ({ channels, size: CELL_SIDES[i] as number }));
}

type ConvOptions = ConstructorParameters<typeof Conv2D>[2];

export class Sv2pNetwork extends Module {
  private readonly first: Conv2D;
  private readonly firstNorm: SpatialLayerNorm;
  private readonly cells: ConvLSTMCell[] = [];
  private readonly norms: SpatialLayerNorm[] = [];
  private readonly down1: Conv2D;
  private readonly down2: Conv2D;
  private readonly actionPlane: Dense;
  private readonly bottleneck: Conv2D[];
  private readonly ups: Conv2DTranspose[][] = [];
  private readonly lastNorm: SpatialLayerNorm;
  private readonly generate: Conv2D;
  private readonly maskLogits: Conv2D;
  private readonly cdnaParams: Dense;
  private readonly posteriorConvs: Conv2D[] = [];
  private readonly posteriorNorms: SpatialLayerNorm[] = [];
  private readonly posteriorMean: Conv2D;
  private readonly posteriorLogVar: Conv2D;

  constructor(
    private readonly config: VideoDesignConfig,
    actionDim: number,
    options: ModuleOptions,
  ) {
    super('sv2p', options);
    const w = config.lstmWidths as [number, number, number, number, number, number, number];
    const f = config.encoderFilters;
    const conv = (name: string, inC: number, outC: number, o: Omit<ConvOptions, 'name' | 'seed'>) =>
      this.addChild(new Conv2D(inC, outC, { ...this.childOptions(name), ...o }));
    const norm = (name: string, channels: number) =>
      this.addChild(new SpatialLayerNorm(channels, this.childOptions(name)));
    const down = { kernelSize: 3, stride: 2, padding: 'same', activation: 'relu' } as const;
    this.first = conv('conv0', 3, f, {
      kernelSize: 5,
      stride: 2,
      padding: 'same',
      activation: 'relu',
    });
    this.firstNorm = norm('norm0', f);
    // Inputs of the seven cells: conv0, cell 1, conv1 (cell 2's width), cell 3, the bottleneck
    // (cell 4's width), the up-sampled cell 5, the up-sampled cell 6 + conv1 skip.
    const inputs = [f, w[0], w[1], w[2], w[3], w[4], w[5] + w[1]];
    w.forEach((width, i) => {
      const cell = new ConvLSTMCell(
        inputs[i] as number,
        width,
        config.lstmKernel,
        this.childOptions(`lstm${i + 1}`),
      );
      this.cells.push(this.addChild(cell));
      this.norms.push(norm(`norm${i + 1}`, width));
    });
    this.down1 = conv('conv1', w[1], w[1], down);
    this.down2 = conv('conv2', w[3], w[3], down);
    this.actionPlane = this.addChild(
      new Dense(actionDim, LATENT_SIDE * LATENT_SIDE, this.childOptions('action_plane')),
    );
    // A 1 x 1 convolution of [conv2 output, action plane, z], as one convolution per part
    // summed (a channel concat is slow on wasm; the map is the same).
    this.bottleneck = [w[3], 1, config.latentChannels].map((inC, i) =>
      conv(`conv3/part${i}`, inC, w[3], { kernelSize: 1 }),
    );
    // Up-sampling keeps the channels: the bottleneck cell; cell 6 with the conv1 skip; cell 7
    // with the conv0 skip. A transposed convolution of a concat is the sum of one per part.
    [[w[4]], [w[5], w[1]], [w[6], f]].forEach((parts, i) => {
      const out = parts.reduce((a, b) => a + b, 0);
      const ups = parts.map((inC, j) =>
        this.addChild(
          new Conv2DTranspose(inC, out, {
            ...this.childOptions(`up${i + 1}/part${j}`),
            kernelSize: 3,
            stride: 2,
          }),
        ),
      );
      this.ups.push(ups);
    });
    const top = w[6] + f;
    this.lastNorm = norm('norm8', top);
    this.generate = conv('generate', top, 3, { kernelSize: 1 });
    this.maskLogits = conv('masks', top, config.masks + 2, { kernelSize: 1 });
    this.cdnaParams = this.addChild(
      new Dense(
        LATENT_SIDE * LATENT_SIDE * w[4],
        config.masks * config.kernelSize ** 2,
        this.childOptions('cdna'),
      ),
    );
    // Posterior: conv 3 x 3 with strides 2, 2, 1, layer norm after each, then mean and log
    // variance by stride-2 convolutions: 64 -> 32 -> 16 -> 16 -> 8.
    const frames = config.inputFrames + config.predictedFrames;
    let channels = 3 * frames;
    config.latentFilters.forEach((filters, i) => {
      const stride = i < 2 ? 2 : 1;
      this.posteriorConvs.push(conv(`posterior/conv${i}`, channels, filters, { ...down, stride }));
      this.posteriorNorms.push(norm(`posterior/norm${i}`, filters));
      channels = filters;
    });
    const head = { kernelSize: 3, stride: 2, padding: 'same' } as const;
    this.posteriorMean = conv('posterior/mean', channels, config.latentChannels, head);
    this.posteriorLogVar = conv('posterior/logvar', channels, config.latentChannels, {
      ...head,
      activation: 'relu',
    });
  }

  /** The zero state of every cell for `n` sequences. */
  initialState(n: number): TowerState {
    return this.cells.map((cell, i) => cell.initialState(n, CELL_SIDES[i] as number));
  }

  /**
   * ReLU of a 3 x 3 stride-2 transposed convolution of the channel concat of `parts`, doubling
   * the side: the 'valid' output cropped by one pixel at the top and left (the study code).
   */
  private upsample(i: number, parts: tf.Tensor4D[]): tf.Tensor4D {
    return tf.tidy(() => {
      const [n, side] = (parts[0] as tf.Tensor4D).shape;
      const ups = this.ups[i] as Conv2DTranspose[];
      const sum = tf.addN(parts.map((x, j) => (ups[j] as Conv2DTranspose).apply(x))) as tf.Tensor4D;
      return tf.relu(tf.slice(sum, [0, 1, 1, 0], [n, 2 * side, 2 * side, sum.shape[3]]));
    });
  }

  /**
   * Cell `i` on `x`: the new state and its layer-normalised output. (The tidy frees the gates
   * at once when planning; under a gradient tape tfjs keeps what the backward pass needs.)
   */
  private cell(i: number, x: tf.Tensor4D, state: TowerState, next: TowerState): tf.Tensor4D {
    const s = tidyTree(() =>
      (this.cells[i] as ConvLSTMCell).apply(x, state[i] as LstmState<tf.Tensor4D>),
    );
    next.push(s);
    return (this.norms[i] as SpatialLayerNorm).apply(s.h);
  }

  /**
   * Predicts the next frame from `frame` [N, 64, 64, 3] in [0, 1], the action that leads to it
   * [N, A] and z [N, 8, 8, latentChannels]. Call inside a tidy.
   */
  step(frame: tf.Tensor4D, action: tf.Tensor2D, z: tf.Tensor4D, state: TowerState): TowerStep {
    const n = frame.shape[0];
    const next: TowerState = [];
    const enc0 = this.firstNorm.apply(this.first.apply(frame));
    const h1 = this.cell(0, enc0, state, next);
    const h2 = this.cell(1, h1, state, next);
    const enc1 = this.down1.apply(h2);
    const h3 = this.cell(2, enc1, state, next);
    const h4 = this.cell(3, h3, state, next);
    const plane = tf.reshape(this.actionPlane.apply(action), [n, LATENT_SIDE, LATENT_SIDE, 1]);
    const enc2 = [this.down2.apply(h4), plane, z].map((x, i) =>
      (this.bottleneck[i] as Conv2D).apply(x as tf.Tensor4D),
    );
    const h5 = this.cell(4, tf.relu(tf.addN(enc2)) as tf.Tensor4D, state, next);
    const h6 = this.cell(5, this.upsample(0, [h5]), state, next);
    const h7 = this.cell(6, this.upsample(1, [h6, enc1]), state, next);
    const enc6 = this.lastNorm.apply(this.upsample(2, [h7, enc0]));
    const generated = tf.sigmoid(this.generate.apply(enc6)) as tf.Tensor4D;
    const { masks: m, kernelSize: k, reluShift } = this.config;
    const raw = tf.reshape(this.cdnaParams.apply(tf.reshape(h5, [n, -1])), [n, m, k * k]);
    const kernels = normaliseKernels(raw as tf.Tensor3D, reluShift);
    const masks = tf.softmax(this.maskLogits.apply(enc6)) as tf.Tensor4D;
    return {
      frame: cdnaComposite(frame, generated, masks, kernels),
      state: next,
      hidden: [h1, h2, h3, h4, h5, h6, h7],
    };
  }

  /**
   * q(z | x_0..x_T): a sequence [N, T, 64, 64, 3] in [0, 1], its frames stacked along the
   * channels (by a transpose: a channel concat is slow on wasm) -> mean and log variance
   * [N, 8, 8, latentChannels], the log variance floored at `latentMinLogVar` (relu + floor, as
   * the study code).
   */
  posterior(sequence: tf.Tensor5D): { mean: tf.Tensor4D; logVar: tf.Tensor4D } {
    const [n, t, h, w, c] = sequence.shape;
    const expected = this.config.inputFrames + this.config.predictedFrames;
    if (t !== expected) {
      throw new Error(`${this.name}.posterior: ${t} frames, expected ${expected}`);
    }
    const pixels = tf.transpose(tf.reshape(sequence, [n, t, h * w, c]), [0, 2, 1, 3]);
    let x = tf.reshape(pixels, [n, h, w, t * c]) as tf.Tensor4D;
    this.posteriorConvs.forEach((c, i) => {
      x = (this.posteriorNorms[i] as SpatialLayerNorm).apply(c.apply(x));
    });
    return {
      mean: this.posteriorMean.apply(x),
      logVar: tf.add(this.posteriorLogVar.apply(x), this.config.latentMinLogVar) as tf.Tensor4D,
    };
  }
}
