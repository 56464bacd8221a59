import type { RandomSource } from '@vmbrl/core';
/**
 * Shared machinery of the Gym-style (MuJoCo v2) locomotion tasks: reset noise around the model's
 * initial pose, reward = forward velocity - control cost (+ healthy reward - contact cost),
 * termination when unhealthy, and the derived quantities their observations read (contact forces
 * cfrc_ext, actuator forces, com-based inertia and velocity).
 */
import type { Physics } from '../../mujoco/physics.js';
import { type Task, noParams } from '../common.js';

/** mjtStage value: skip the position and velocity stages (already current after a step). */
const STAGE_VELOCITY = 2;

/** An unbounded checkered floor (MuJoCo planes collide everywhere; size 0 also draws everywhere). */
export const GYM_FLOOR =
  '<geom name="floor" type="plane" size="0 0 0.125" conaffinity="1" condim="3" material="grid"/>';

/** How the initial state is perturbed around the model's initial pose (qpos0, zero velocity). */
export interface ResetNoise {
  /** qpos += U(-qpos, qpos) per coordinate (quaternions included, as in Gym). */
  qpos: number;
  /** qvel += U(-scale, scale) ('uniform') or N(0, scale^2) ('normal') per dof. */
  qvel: { scale: number; kind: 'uniform' | 'normal' };
}

/** Reward weights of a locomotion task (Gym v2 values per task). */
export interface LocomotionRewards {
  /** Multiplies the forward velocity (x displacement / control dt). */
  forwardWeight: number;
  /** Multiplies sum(action^2). */
  ctrlCostWeight: number;
  /** Added every step (the "alive bonus"); 0 for tasks without one. */
  healthyReward: number;
}

/**
 * Recomputes the acceleration stage at the current state (after a step the position and velocity
 * stages are current) and then the com-based body forces, so `cfrc_ext` (external, i.e. contact,
 * forces per body) and `qfrc_actuator` describe the current state. The warm start of the
 * constraint solver is put back, so the extra solve leaves the trajectory unchanged.
 */
export class DerivedForces {
  private key = new Float64Array(0);
  private valid = false;

  constructor(private readonly physics: Physics) {}

  /** Brings the derived forces up to date (cached: repeated calls at one state cost nothing). */
  update(): void {
    const p = this.physics;
    const v = p.v;
    const nq = v.qpos.length;
    const nv = v.qvel.length;
    const nu = v.ctrl.length;
    if (this.key.length !== nq + nv + nu + 1) this.key = new Float64Array(nq + nv + nu + 1);
    const key = this.key;
    let same = this.valid && key[nq + nv + nu] === p.time;
    for (let i = 0; same && i < nq; i++) same = key[i] === v.qpos[i];
    for (let i = 0; same && i < nv; i++) same = key[nq + i] === v.qvel[i];
    for (let i = 0; same && i < nu; i++) same = key[nq + nv + i] === v.ctrl[i];
    if (same) return;
    const d = p.data;
    const warmstart = Float64Array.from(d.qacc_warmstart as Float64Array);
    p.mj.mj_forwardSkip(p.model, d, STAGE_VELOCITY, 1);
    p.mj.mj_rnePostConstraint(p.model, d);
    (d.qacc_warmstart as Float64Array).set(warmstart);
    const fresh = p.v;
    key.set(fresh.qpos, 0);
    key.set(fresh.qvel, nq);
    key.set(fresh.ctrl, nq + nv);
    key[nq + nv + nu] = p.time;
    this.valid = true;
  }

  /** External (contact) force per body, 6 numbers each (torque, force), world body first. */
  cfrcExt(): Float64Array {
    this.update();
    return this.physics.data.cfrc_ext as Float64Array;
  }

  /** Actuator force per dof. */
  qfrcActuator(): Float64Array {
    this.update();
    return this.physics.data.qfrc_actuator as Float64Array;
  }
}

/** Base of the Gym-style locomotion tasks; subclasses give the x position and the observation. */
export abstract class LocomotionTask implements Task {
  readonly getParams = noParams.getParams;
  readonly setParams = noParams.setParams;
  /** Forward position before the current control step. */
  private xBefore = 0;

  constructor(
    protected readonly physics: Physics,
    /** Control timestep (physics timestep x frame skip), the dt of the velocity. */
    protected readonly dt: number,
    private readonly noise: ResetNoise,
    private readonly weights: LocomotionRewards,
  ) {}

  /** Forward (x) position the reward differentiates. */
  abstract xPosition(): number;

  /** The observation vector. */
  abstract observation(): Float32Array;

  /** Whether the current state is healthy; tasks without termination are always healthy. */
  healthy(): boolean {
    return true;
  }

  /** Extra cost on contact forces (ant, humanoid); 0 otherwise. */
  contactCost(): number {
    return 0;
  }

  initialize(rng: RandomSource): void {
    // Physics.reset() left qpos = qpos0 and qvel = 0: add the noise to those, qpos first.
    const v = this.physics.v;
    const nq = v.qpos.length;
    const nv = v.qvel.length;
    const { qpos, qvel } = this.noise;
    const dq = Array.from({ length: nq }, () => rng.uniform(-qpos, qpos));
    const dv = Array.from({ length: nv }, () =>
      qvel.kind === 'uniform' ? rng.uniform(-qvel.scale, qvel.scale) : rng.normal(0, qvel.scale),
    );
    const now = this.physics.v;
    for (let i = 0; i < nq; i++) now.qpos[i] += dq[i];
    for (let i = 0; i < nv; i++) now.qvel[i] += dv[i];
    this.physics.forward();
    this.xBefore = this.xPosition();
  }

  beforeStep(): void {
    this.xBefore = this.xPosition();
  }

  /** Forward velocity over the last control step: x displacement / dt. */
  forwardVelocity(): number {
    return (this.xPosition() - this.xBefore) / this.dt;
  }

  /** ctrlCostWeight * sum(ctrl^2) of the control applied in the last step. */
  controlCost(): number {
    const ctrl = this.physics.v.ctrl;
    let sum = 0;
    for (let i = 0; i < ctrl.length; i++) sum += ctrl[i] * ctrl[i];
    return this.weights.ctrlCostWeight * sum;
  }

  reward(): number {
    const w = this.weights;
    return (
      w.forwardWeight * this.forwardVelocity() +
      w.healthyReward -
      this.controlCost() -
      this.contactCost()
    );
  }

  terminated(): boolean {
    return !this.healthy();
  }
}

/** True when every qpos and qvel entry is finite. */
export function stateIsFinite(physics: Physics): boolean {
  const v = physics.v;
  for (let i = 0; i < v.qpos.length; i++) if (!Number.isFinite(v.qpos[i])) return false;
  for (let i = 0; i < v.qvel.length; i++) if (!Number.isFinite(v.qvel[i])) return false;
  return true;
}

/** qpos without its first `skip` entries, then qvel clipped to [-clip, clip] (no clip: Infinity). */
export function positionsAndVelocities(
  physics: Physics,
  skip: number,
  clip = Number.POSITIVE_INFINITY,
  extra = 0,
): Float32Array {
  const v = physics.v;
  const nq = v.qpos.length;
  const nv = v.qvel.length;
  const out = new Float32Array(nq - skip + nv + extra);
  for (let i = skip; i < nq; i++) out[i - skip] = v.qpos[i];
  for (let i = 0; i < nv; i++) {
    const q = v.qvel[i];
    out[nq - skip + i] = q < -clip ? -clip : q > clip ? clip : q;
  }
  return out;
}
