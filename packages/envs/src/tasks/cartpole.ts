import type { RandomSource } from '@vmbrl/core';
/**
 * Cart-pole (DeepMind Control Suite): a 1 kg cart on a 3.6 m rail with a 1 m, 0.1 kg pole on a
 * hinge; RK4 at 0.01 s, one physics step per control step, motor gear 10.
 * Tasks: balance (start near upright) and swingup (start hanging down).
 */
import type { Physics } from '../mujoco/physics.js';
import { tolerance } from '../tolerance.js';
import { type Task, type TaskSpec, noParams } from './common.js';
import { MODEL_HEADER, taskModel, taskSpec } from './model.js';

const XML = `<mujoco model="cartpole">
  ${MODEL_HEADER}
  <option timestep="0.01" integrator="RK4">
    <flag contact="disable" energy="enable"/>
  </option>
  <worldbody>
    <light name="light" pos="0 0 6"/>
    <camera name="fixed" pos="0 -4 1" zaxis="0 -1 0"/>
    <geom name="floor" type="plane" pos="0 0 -0.05" size="4 4 0.2" material="grid"/>
    <geom name="rail1" type="capsule" pos="0 0.07 1" zaxis="1 0 0" size="0.02 2" material="decoration"/>
    <geom name="rail2" type="capsule" pos="0 -0.07 1" zaxis="1 0 0" size="0.02 2" material="decoration"/>
    <body name="cart" pos="0 0 1">
      <joint name="slider" type="slide" axis="1 0 0" limited="true" range="-1.8 1.8"
        solreflimit="0.08 1" damping="5e-4"/>
      <geom name="cart" type="box" size="0.2 0.15 0.1" material="self" mass="1"/>
      <body name="pole_1">
        <joint name="hinge_1" type="hinge" axis="0 1 0" damping="2e-6"/>
        <geom name="pole_1" type="capsule" fromto="0 0 0 0 0 1" size="0.045" material="self" mass="0.1"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="slide" joint="slider" gear="10" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>`;

class Cartpole implements Task {
  private readonly slider: number;
  private readonly hinge: number;
  private readonly pole: number;
  readonly getParams = noParams.getParams;
  readonly setParams = noParams.setParams;

  constructor(
    private readonly physics: Physics,
    private readonly swingUp: boolean,
  ) {
    this.slider = physics.qposAdr('slider');
    this.hinge = physics.qposAdr('hinge_1');
    this.pole = physics.id('body', 'pole_1');
  }

  initialize(rng: RandomSource): void {
    const p = this.physics;
    const nv = p.model.nv;
    const qpos = p.v.qpos;
    if (this.swingUp) {
      qpos[this.slider] = 0.01 * rng.normal();
      qpos[this.hinge] = Math.PI + 0.01 * rng.normal();
    } else {
      qpos[this.slider] = rng.uniform(-0.1, 0.1);
      qpos[this.hinge] = rng.uniform(-0.034, 0.034);
    }
    const qvel = p.v.qvel;
    for (let i = 0; i < nv; i++) qvel[i] = 0.01 * rng.normal();
  }

  /** Cosine of the pole angle from vertical: the zz entry of its rotation matrix. */
  private poleCosine(): number {
    return this.physics.v.xmat[9 * this.pole + 8];
  }

  reward(): number {
    const v = this.physics.v;
    const upright = (this.poleCosine() + 1) / 2;
    const centered = (1 + tolerance(v.qpos[this.slider], { margin: 2 })) / 2;
    const control = tolerance(v.ctrl[0], { margin: 1, valueAtMargin: 0, sigmoid: 'quadratic' });
    const smallControl = (4 + control) / 5;
    const smallVelocity = (1 + tolerance(v.qvel[1], { margin: 5 })) / 2;
    return upright * smallControl * smallVelocity * centered;
  }

  observation(): Float32Array {
    const v = this.physics.v;
    const b = 9 * this.pole;
    // cart position, pole cos and sin (zz, xz), then velocities
    return Float32Array.of(v.qpos[this.slider], v.xmat[b + 8], v.xmat[b + 2], v.qvel[0], v.qvel[1]);
  }
}

const MODEL = taskModel('cartpole', XML, 1, 0.01);

function spec(name: string, swingUp: boolean): TaskSpec {
  return taskSpec(name, MODEL, 5, (physics) => new Cartpole(physics, swingUp));
}

/** Keep the pole upright from a near-upright start. */
export const cartpoleBalance = spec('cartpole-balance', false);
/** Swing the pole up from hanging down and balance it. */
export const cartpoleSwingup = spec('cartpole-swingup', true);
