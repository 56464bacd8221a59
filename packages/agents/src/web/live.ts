/**
 * The agent acting live, one step at a time: the env (MuJoCo WebAssembly, rendered 64x64), the
 * PlaNet agent planning with CEM from pixels, and beside each real frame the world model's
 * open-loop prediction of the next frames under the chosen plan. Runs in the browser and in Node.
 */
import type { SimulatorEnv, TimeStep } from '@vmbrl/core';
import { floatToUint8Array, tf } from '@vmbrl/tensor';
import { disposeState } from '@vmbrl/world-models';
import { makeRunEnv } from '../loop/env-agent.js';
import type { PlanetAgent, PlanetState } from '../planet/agent.js';
import { type WebExport, restoreWebAgent } from './format.js';

/** Frames the page shows of the plan's open-loop prediction. */
export const PREDICTED_FRAMES = 12;

/** What one live step produced. */
export interface LiveStep {
  /** The action taken. */
  action: Float32Array;
  /** The frame the agent saw before acting (64x64x3). */
  seen: Uint8Array;
  /** The frame after the step. */
  frame: Uint8Array;
  /** Decoded open-loop prediction of the next frames under the plan, each 64x64x3. */
  predicted: Uint8Array[];
  /** Rewards the model predicts along the plan; [0] is for this step. */
  predictedRewards: number[];
  /** The env's reward for this step (summed over the action repeat). */
  reward: number;
  /** Return so far in this episode. */
  return: number;
  /** Agent steps taken in this episode. */
  steps: number;
  /** The episode ended with this step. */
  done: boolean;
}

/** A trained agent acting in its task, step by step. */
export class LiveSession {
  private state: PlanetState | null = null;
  private time: TimeStep;
  private total = 0;
  private count = 0;

  private constructor(
    readonly env: SimulatorEnv,
    readonly agent: PlanetAgent,
    private readonly episodeSeed: number,
  ) {
    this.time = env.reset(episodeSeed);
  }

  /** Builds the env and the agent of `exported`; `seed` seeds the episode's initial state. */
  static async create(exported: WebExport, options: { seed?: number } = {}): Promise<LiveSession> {
    const { config } = exported.manifest;
    const env = await makeRunEnv(config, { seed: options.seed ?? 0, pixels: true });
    try {
      return new LiveSession(env, await restoreWebAgent(exported), options.seed ?? 0);
    } catch (error) {
      env.close();
      throw error;
    }
  }

  /** The latest real frame (64x64x3). */
  get frame(): Uint8Array {
    return this.time.observation.image as Uint8Array;
  }

  get episodeReturn(): number {
    return this.total;
  }

  get done(): boolean {
    return this.time.last;
  }

  /** Plans, predicts the plan's next frames, acts. Throws after the episode's last step. */
  async step(): Promise<LiveStep> {
    if (this.time.last) throw new Error('LiveSession.step: the episode is over; call reset()');
    const seen = this.frame;
    const { action, state } = await this.agent.policy({ image: seen }, this.state, {
      explore: false,
    });
    this.state = state;
    const { frames, rewards } = this.predict(state);
    this.time = this.env.step(action);
    this.total += this.time.reward;
    this.count += 1;
    return {
      action,
      seen,
      frame: this.frame,
      predicted: frames,
      predictedRewards: rewards,
      reward: this.time.reward,
      return: this.total,
      steps: this.count,
      done: this.time.last,
    };
  }

  /** Starts a new episode (seeded `seed`, default the next one). */
  reset(seed = this.episodeSeed + 1): void {
    this.agent.disposeState(this.state);
    this.state = null;
    this.total = 0;
    this.count = 0;
    this.time = this.env.reset(seed);
  }

  async dispose(): Promise<void> {
    this.agent.disposeState(this.state);
    this.state = null;
    this.env.close();
    await this.agent.dispose();
  }

  /** The plan's mean actions, extended with its last action to {@link PREDICTED_FRAMES}. */
  private planActions(): Float32Array {
    const plan = this.agent.lastPlan;
    const a = this.agent.actionDim;
    const out = new Float32Array(PREDICTED_FRAMES * a);
    if (!plan) return out;
    const horizon = plan.mean.length / a;
    for (let t = 0; t < PREDICTED_FRAMES; t++) {
      const from = Math.min(t, horizon - 1) * a;
      out.set(plan.mean.subarray(from, from + a), t * a);
    }
    return out;
  }

  private predict(state: PlanetState): { frames: Uint8Array[]; rewards: number[] } {
    const model = this.agent.model;
    const actions = tf.tensor3d(this.planActions(), [1, PREDICTED_FRAMES, this.agent.actionDim]);
    const imagined = model.imagine(state.belief, actions, PREDICTED_FRAMES);
    actions.dispose();
    const [pixels, reward] = tf.tidy(() => {
      const features = tf.reshape(imagined.features, [PREDICTED_FRAMES, -1]) as tf.Tensor2D;
      return [model.decode(features), model.predictReward(features)];
    });
    tf.dispose([imagined.features, imagined.actions]);
    disposeState(imagined.states);
    const bytes = floatToUint8Array(pixels);
    const rewards = Array.from(reward.dataSync());
    tf.dispose([pixels, reward]);
    const size = 64 * 64 * 3;
    const frames = Array.from({ length: PREDICTED_FRAMES }, (_, t) =>
      bytes.slice(t * size, (t + 1) * size),
    );
    return { frames, rewards };
  }
}
