import {
  type ArraySpec,
  type ObservationSpec,
  type RandomSource,
  Rng,
  type SimulatorEnv,
  type SimulatorState,
  type TimeStep,
} from '@vmbrl/core';
import type { Mujoco } from './mujoco/module.js';
/**
 * A MuJoCo control task as an `Env`: fixed control timestep (several physics steps), an episode of
 * `episodeSteps` control steps (or fewer when the task reaches a terminal state: discount 0),
 * seeded initial states, state save/restore. Actions are bounded by the actuators' ctrlrange.
 */
import { Physics } from './mujoco/physics.js';
import { Renderer } from './render/renderer.js';
import type { Task, TaskSpec } from './tasks/common.js';

/** Options of a control environment. */
export interface ControlEnvOptions {
  /** Seed of the generator used by `reset()` without a seed. Default 0. */
  seed?: number;
}

/** One control task on its own MuJoCo model/data. */
export class ControlEnv implements SimulatorEnv {
  readonly spec: TaskSpec;
  readonly physics: Physics;
  readonly actionSpec: ArraySpec;
  readonly observationSpec: ObservationSpec;
  private readonly task: Task;
  private rng: RandomSource;
  private stepCount = 0;
  private started = false;
  private ended = false;
  private renderer?: Renderer;

  constructor(mj: Mujoco, spec: TaskSpec, opts: ControlEnvOptions = {}) {
    this.spec = spec;
    this.physics = new Physics(mj, spec.xml, spec.domain);
    this.task = spec.create(this.physics);
    this.rng = new Rng(opts.seed ?? 0);
    const [min, max] = sharedCtrlRange(this.physics, spec.name);
    this.actionSpec = { shape: [this.physics.model.nu], min, max, dtype: 'float32' };
    this.observationSpec = {
      state: {
        shape: [spec.observationSize],
        min: Number.NEGATIVE_INFINITY,
        max: Number.POSITIVE_INFINITY,
        dtype: 'float32',
      },
    };
  }

  /** Task name, e.g. 'walker-walk'. */
  get name(): string {
    return this.spec.name;
  }

  /** Control steps taken in the current episode. */
  get steps(): number {
    return this.stepCount;
  }

  reset(seed?: number): TimeStep {
    if (seed !== undefined) this.rng = new Rng(seed);
    const p = this.physics;
    p.reset();
    this.task.initialize(this.rng);
    p.forward();
    // tasks may resize geoms per episode (e.g. the reacher target)
    this.renderer?.refreshSizes();
    p.time = 0;
    this.stepCount = 0;
    this.started = true;
    this.ended = false;
    return { observation: { state: this.task.observation() }, reward: 0, discount: 1, last: false };
  }

  step(action: ArrayLike<number>): TimeStep {
    if (!this.started) throw new Error(`${this.name}: call reset() before step()`);
    if (this.ended) throw new Error(`${this.name}: the episode has ended; call reset()`);
    const clipped = clipAction(action, this.actionSpec);
    this.task.beforeStep?.();
    this.physics.v.ctrl.set(clipped);
    this.physics.step(this.spec.substeps);
    this.stepCount++;
    const reward = this.task.reward();
    const terminal = this.task.terminated?.() ?? false;
    const last = terminal || this.stepCount >= this.spec.episodeSteps;
    this.ended = last;
    const state = this.task.observation();
    return { observation: { state }, reward, discount: terminal ? 0 : 1, last };
  }

  /** Low-dimensional observation of the current state. */
  observe(): Float32Array {
    return this.task.observation();
  }

  /**
   * Reward of the current state (with the control last applied). Tasks whose reward compares
   * states (locomotion) compare against the state before the last `step`.
   */
  currentReward(): number {
    return this.task.reward();
  }

  render(size = 64): Uint8Array {
    if (!this.renderer) this.renderer = new Renderer(this.physics);
    return this.renderer.render(size, size);
  }

  getState(): SimulatorState {
    return {
      physics: this.physics.getState(),
      params: this.task.getParams(),
      step: this.stepCount,
    };
  }

  setState(state: SimulatorState): void {
    this.task.setParams(state.params);
    this.physics.setState(state.physics);
    this.stepCount = state.step;
    this.started = true;
    this.ended = state.step >= this.spec.episodeSteps || (this.task.terminated?.() ?? false);
  }

  close(): void {
    this.physics.dispose();
  }
}

/**
 * The control range shared by all actuators (the action bounds). Every actuator must be
 * ctrl-limited with the same range, since an `ArraySpec` has one min and one max.
 */
function sharedCtrlRange(physics: Physics, task: string): [number, number] {
  const m = physics.model;
  const range = m.actuator_ctrlrange as Float64Array;
  const limited = m.actuator_ctrllimited as Uint8Array;
  if (m.nu === 0) return [-1, 1];
  const lo = range[0];
  const hi = range[1];
  for (let a = 0; a < m.nu; a++) {
    if (!limited[a] || range[2 * a] !== lo || range[2 * a + 1] !== hi) {
      throw new Error(
        `${task}: every actuator must be ctrl-limited with one shared ctrlrange; actuator ${a} has ` +
          `${limited[a] ? `[${range[2 * a]}, ${range[2 * a + 1]}]` : 'no limit'}, actuator 0 has [${lo}, ${hi}]`,
      );
    }
  }
  return [lo, hi];
}

/** Validates an action against a spec and returns it clipped into bounds as a new array. */
function clipAction(action: ArrayLike<number>, spec: ArraySpec): Float64Array {
  const n = spec.shape[0];
  if (!action || typeof action.length !== 'number') {
    throw new Error(`action must be an array of ${n} numbers`);
  }
  if (action.length !== n) {
    throw new Error(`action has length ${action.length}; this environment takes ${n} numbers`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = action[i];
    if (typeof a !== 'number' || Number.isNaN(a)) {
      throw new Error(
        `action[${i}] is ${a}; actions must be numbers in [${spec.min}, ${spec.max}]`,
      );
    }
    out[i] = a < spec.min ? spec.min : a > spec.max ? spec.max : a;
  }
  return out;
}
