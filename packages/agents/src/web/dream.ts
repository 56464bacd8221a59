/**
 * Playing inside the world model: start from the belief after a recorded episode's real frames,
 * then step the model's prior with the user's actions and decode what it imagines. No env.
 */
import { floatToUint8Array, tf } from '@vmbrl/tensor';
import { LatentDynamics, type LatentState, disposeState, filterStep } from '@vmbrl/world-models';
import type { PlanetAgent } from '../planet/agent.js';
import type { WebEpisode } from './format.js';

const FRAME = 64 * 64 * 3;

/** What one dream step produced. */
export interface DreamStep {
  /** The decoded imagined frame (64x64x3). */
  frame: Uint8Array;
  /** The reward the model predicts for the step. */
  reward: number;
  /** Sum of predicted rewards since the start. */
  return: number;
  steps: number;
}

/** The world model driven by actions alone, from a real observed state. */
export class DreamSession {
  private total = 0;
  private count = 0;

  private constructor(
    readonly agent: PlanetAgent,
    private state: LatentState,
    /** The real frame the dream starts from. */
    readonly startFrame: Uint8Array,
  ) {}

  /**
   * Filters `episode`'s frames 0..`index` with its actions (the belief the agent would hold
   * there) and starts dreaming from that state. The agent is used for its model only.
   */
  static start(agent: PlanetAgent, episode: WebEpisode, index: number): DreamSession {
    if (!Number.isInteger(index) || index < 0 || index >= episode.length) {
      throw new Error(
        `DreamSession.start: index ${index} is not a step of the episode (0..${episode.length - 1})`,
      );
    }
    const a = agent.actionDim;
    let state: LatentState | null = null;
    for (let t = 0; t <= index; t++) {
      const image = episode.images.subarray(t * FRAME, (t + 1) * FRAME);
      // Row t's action led into frame t (row 0 is zeros), as training sees it.
      const action = t === 0 ? new Float32Array(a) : episode.actions.slice(t * a, (t + 1) * a);
      const next = filterStep(agent.model, state, action, image);
      if (state) disposeState(state);
      state = next;
    }
    const start = episode.images.slice(index * FRAME, (index + 1) * FRAME);
    return new DreamSession(agent, state as LatentState, start);
  }

  /** The decoded frame of the current state (the start state's reconstruction before any step). */
  frame(): Uint8Array {
    const model = this.agent.model;
    const pixels = tf.tidy(() => model.decode(model.features(this.state)));
    const bytes = floatToUint8Array(pixels);
    pixels.dispose();
    return bytes;
  }

  /** One imagined step under `action` (clipped to [-1, 1]). */
  step(action: ArrayLike<number>): DreamStep {
    const a = this.agent.actionDim;
    if (action.length !== a) {
      throw new Error(`DreamSession.step: the action has ${action.length} values, expected ${a}`);
    }
    const clipped = Float32Array.from(action, (v) => Math.max(-1, Math.min(1, v)));
    // One prior step, as the planner imagines (LatentDynamics: one sample per step).
    const dynamics = new LatentDynamics(this.agent.model);
    const next = dynamics.step(this.state, clipped);
    disposeState(this.state);
    this.state = next;
    const reward = dynamics.reward(next)[0] as number;
    this.total += reward;
    this.count += 1;
    return { frame: this.frame(), reward, return: this.total, steps: this.count };
  }

  dispose(): void {
    disposeState(this.state);
  }
}
