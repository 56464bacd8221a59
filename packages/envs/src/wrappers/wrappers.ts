/**
 * Environment wrappers: ActionRepeat, TimeLimit, PixelObservation, ActionNoise. Each forwards
 * what it does not change, including `getState`/`setState` when the wrapped env has them.
 */
import {
  type ArraySpec,
  type Env,
  type ObservationSpec,
  type RandomSource,
  Rng,
  type SimulatorEnv,
  type SimulatorState,
  type TimeStep,
  splitSeed,
  validator,
} from '@vmbrl/core';

function hasState(env: Env): env is SimulatorEnv {
  return typeof (env as SimulatorEnv).getState === 'function';
}

/** Base class: forwards everything to the wrapped environment. */
export class EnvWrapper implements SimulatorEnv {
  constructor(readonly env: Env) {}

  get actionSpec(): ArraySpec {
    return this.env.actionSpec;
  }

  get observationSpec(): ObservationSpec {
    return this.env.observationSpec;
  }

  reset(seed?: number): TimeStep {
    return this.env.reset(seed);
  }

  step(action: ArrayLike<number>): TimeStep {
    return this.env.step(action);
  }

  render(size?: number): Uint8Array {
    return this.env.render(size);
  }

  getState(): SimulatorState {
    if (!hasState(this.env)) throw new Error('the wrapped environment cannot save its state');
    return this.env.getState();
  }

  setState(state: SimulatorState): void {
    if (!hasState(this.env)) throw new Error('the wrapped environment cannot restore a state');
    this.env.setState(state);
  }

  close(): void {
    this.env.close();
  }
}

/** Repeats each action `repeat` times, summing rewards; stops early at the end of an episode. */
export class ActionRepeat extends EnvWrapper {
  constructor(
    env: Env,
    readonly repeat: number,
  ) {
    super(env);
    validator('ActionRepeat').integer('repeat', repeat, 1);
  }

  override step(action: ArrayLike<number>): TimeStep {
    let reward = 0;
    let discount = 1;
    let ts: TimeStep | undefined;
    for (let i = 0; i < this.repeat; i++) {
      ts = this.env.step(action);
      reward += ts.reward;
      discount *= ts.discount;
      if (ts.last) break;
    }
    return { ...(ts as TimeStep), reward, discount };
  }
}

/** Ends episodes after `maxSteps` steps of the wrapped env (discount stays 1: a truncation). */
export class TimeLimit extends EnvWrapper {
  private elapsed = 0;

  constructor(
    env: Env,
    readonly maxSteps: number,
  ) {
    super(env);
    validator('TimeLimit').integer('maxSteps', maxSteps, 1);
  }

  override reset(seed?: number): TimeStep {
    this.elapsed = 0;
    return this.env.reset(seed);
  }

  override step(action: ArrayLike<number>): TimeStep {
    if (this.elapsed >= this.maxSteps) throw new Error('the time limit was reached; call reset()');
    const ts = this.env.step(action);
    this.elapsed++;
    return this.elapsed >= this.maxSteps ? { ...ts, last: true } : ts;
  }

  override getState(): SimulatorState {
    return { ...super.getState(), timeLimitElapsed: this.elapsed } as SimulatorState;
  }

  override setState(state: SimulatorState): void {
    super.setState(state);
    const elapsed = (state as SimulatorState & { timeLimitElapsed?: number }).timeLimitElapsed;
    if (elapsed !== undefined) this.elapsed = elapsed;
  }
}

/** Adds a rendered image (camera 0, `size` x `size`) to every observation. */
export class PixelObservation extends EnvWrapper {
  constructor(
    env: Env,
    readonly size = 64,
    readonly keepState = true,
  ) {
    super(env);
    validator('PixelObservation').integer('size', size, 1);
  }

  override get observationSpec(): ObservationSpec {
    const inner = this.env.observationSpec;
    return {
      ...(this.keepState && inner.state ? { state: inner.state } : {}),
      image: { shape: [this.size, this.size, 3], min: 0, max: 255, dtype: 'uint8' },
    };
  }

  private withImage(ts: TimeStep): TimeStep {
    const image = this.env.render(this.size);
    const observation = this.keepState ? { ...ts.observation, image } : { image };
    return { ...ts, observation };
  }

  override reset(seed?: number): TimeStep {
    return this.withImage(this.env.reset(seed));
  }

  override step(action: ArrayLike<number>): TimeStep {
    return this.withImage(this.env.step(action));
  }
}

/** Adds N(0, std^2) noise to each action component, then clips to the action bounds. */
export class ActionNoise extends EnvWrapper {
  private rng: RandomSource;

  constructor(
    env: Env,
    readonly std: number,
    seed = 0,
  ) {
    super(env);
    validator('ActionNoise').number('std', std, { min: 0 });
    this.rng = new Rng(splitSeed(seed, 'action-noise'));
  }

  override reset(seed?: number): TimeStep {
    // A seeded reset also reseeds the noise, so a seed fixes the whole episode.
    if (seed !== undefined) this.rng = new Rng(splitSeed(seed, 'action-noise'));
    return this.env.reset(seed);
  }

  override step(action: ArrayLike<number>): TimeStep {
    const { min, max, shape } = this.actionSpec;
    if (action.length !== shape[0]) {
      throw new Error(
        `action has length ${action.length}; this environment takes ${shape[0]} numbers`,
      );
    }
    const noisy = new Array<number>(action.length);
    for (let i = 0; i < action.length; i++) {
      const a = action[i];
      if (typeof a !== 'number' || Number.isNaN(a)) {
        throw new Error(`action[${i}] is ${a}; actions must be numbers in [${min}, ${max}]`);
      }
      const v = a + this.rng.normal(0, this.std);
      noisy[i] = v < min ? min : v > max ? max : v;
    }
    return this.env.step(noisy);
  }
}
