import type { RandomSource } from '@vmbrl/core';
/**
 * Reacher (DeepMind Control Suite): a planar two-link arm (0.12 m and 0.1 m links, motor gear 0.05)
 * reaching a target on a 0.6 m square arena, 0.02 s timestep, no contacts. Easy: 5 cm target.
 */
import type { Physics } from '../mujoco/physics.js';
import { tolerance } from '../tolerance.js';
import { type Task, randomizeJoints } from './common.js';
import { MODEL_HEADER, motors, taskModel, taskSpec } from './model.js';

const XML = `<mujoco model="reacher">
  ${MODEL_HEADER}
  <option timestep="0.02">
    <flag contact="disable"/>
  </option>
  <default>
    <joint type="hinge" axis="0 0 1" damping="0.01"/>
    <motor gear="0.05" ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <light name="light" pos="0 0 1"/>
    <camera name="fixed" pos="0 0 0.75" quat="1 0 0 0"/>
    <geom name="ground" type="plane" size="0.625 0.625 10" material="grid"/>
    <geom name="wall_x" type="plane" pos="-0.3 0 0.02" zaxis="1 0 0" size="0.02 0.3 0.02" material="decoration"/>
    <geom name="wall_y" type="plane" pos="0 -0.3 0.02" zaxis="0 1 0" size="0.3 0.02 0.02" material="decoration"/>
    <geom name="wall_neg_x" type="plane" pos="0.3 0 0.02" zaxis="-1 0 0" size="0.02 0.3 0.02" material="decoration"/>
    <geom name="wall_neg_y" type="plane" pos="0 0.3 0.02" zaxis="0 -1 0" size="0.3 0.02 0.02" material="decoration"/>
    <geom name="root" type="cylinder" fromto="0 0 0 0 0 0.02" size="0.011" material="decoration"/>
    <body name="arm" pos="0 0 0.01">
      <geom name="arm" type="capsule" fromto="0 0 0 0.12 0 0" size="0.01" material="self"/>
      <joint name="shoulder"/>
      <body name="hand" pos="0.12 0 0">
        <geom name="hand" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01" material="self"/>
        <joint name="wrist" limited="true" range="-160 160"/>
        <body name="finger" pos="0.12 0 0">
          <geom name="finger" type="sphere" size="0.01" material="effector"/>
        </body>
      </body>
    </body>
    <geom name="target" type="sphere" pos="0 0 0.01" size="0.05" material="target"/>
  </worldbody>
  ${motors(['shoulder', 'wrist'])}
</mujoco>`;

class Reacher implements Task {
  private readonly target: number;
  private readonly finger: number;

  constructor(
    private readonly physics: Physics,
    private readonly targetSize: number,
  ) {
    this.target = physics.id('geom', 'target');
    this.finger = physics.id('geom', 'finger');
  }

  initialize(rng: RandomSource): void {
    const p = this.physics;
    p.v.geomSize[3 * this.target] = this.targetSize;
    randomizeJoints(p, rng);
    const angle = rng.uniform(0, 2 * Math.PI);
    const radius = rng.uniform(0.05, 0.2);
    this.setParams([radius * Math.sin(angle), radius * Math.cos(angle)]);
  }

  /** Distance between the finger and target centres. */
  distance(): number {
    const x = this.physics.v.geomXpos;
    const t = 3 * this.target;
    const f = 3 * this.finger;
    return Math.hypot(x[t] - x[f], x[t + 1] - x[f + 1], x[t + 2] - x[f + 2]);
  }

  reward(): number {
    const size = this.physics.v.geomSize;
    const radii = size[3 * this.target] + size[3 * this.finger];
    return tolerance(this.distance(), { bounds: [0, radii] });
  }

  observation(): Float32Array {
    const v = this.physics.v;
    const x = v.geomXpos;
    const t = 3 * this.target;
    const f = 3 * this.finger;
    return Float32Array.of(
      v.qpos[0],
      v.qpos[1],
      x[t] - x[f],
      x[t + 1] - x[f + 1],
      v.qvel[0],
      v.qvel[1],
    );
  }

  getParams(): number[] {
    const pos = this.physics.v.geomPos;
    return [pos[3 * this.target], pos[3 * this.target + 1]];
  }

  setParams(params: number[]): void {
    if (params.length !== 2)
      throw new Error(`reacher params are [targetX, targetY], got ${params.length} numbers`);
    const pos = this.physics.v.geomPos;
    pos[3 * this.target] = params[0];
    pos[3 * this.target + 1] = params[1];
    // The target is a world geom: its global position is recomputed by the next forward/step1.
    this.physics.forward();
  }
}

const MODEL = taskModel('reacher', XML, 1, 0.02);

/** Reach a 5 cm target with the fingertip (sparse reward). */
export const reacherEasy = taskSpec('reacher-easy', MODEL, 6, (p) => new Reacher(p, 0.05));
