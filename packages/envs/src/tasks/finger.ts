import type { RandomSource } from '@vmbrl/core';
/**
 * Finger (DeepMind Control Suite): a planar two-link finger (motor gears 30 and 15) and a free
 * spinning body on an unactuated hinge; no gravity, elliptic cones, 0.01 s timestep, two physics
 * steps per control step. Spin: reward 1 while the body turns faster than 15 rad/s (negative sense).
 */
import type { Physics } from '../mujoco/physics.js';
import { type Task, noParams, randomizeJoints } from './common.js';
import { MODEL_HEADER, SMALL_SCENE, motors, taskModel, taskSpec } from './model.js';

const XML = `<mujoco model="finger">
  ${MODEL_HEADER}
  <option timestep="0.01" cone="elliptic" iterations="200">
    <flag gravity="disable"/>
  </option>
  <default>
    <geom solimp="0 0.9 0.01" solref="0.02 1"/>
    <joint type="hinge" axis="0 -1 0"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
    <default class="finger">
      <joint damping="2.5" limited="true"/>
      <site type="ellipsoid" size="0.025 0.03 0.025" material="site" group="3"/>
    </default>
  </default>
  <worldbody>
    ${SMALL_SCENE}
    <body name="proximal" pos="-0.2 0 0.4" childclass="finger">
      <geom name="proximal_decoration" type="cylinder" fromto="0 -0.033 0 0 0.033 0" size="0.034" material="decoration"/>
      <joint name="proximal" range="-110 110" ref="-90"/>
      <geom name="proximal" type="capsule" material="self" size="0.03" fromto="0 0 0 0 0 -0.17"/>
      <body name="distal" pos="0 0 -0.18" childclass="finger">
        <joint name="distal" range="-110 110"/>
        <geom name="distal" type="capsule" size="0.028" material="self" fromto="0 0 0 0 0 -0.16" contype="0" conaffinity="0"/>
        <geom name="fingertip" type="capsule" size="0.03" material="effector" fromto="0 0 -0.13 0 0 -0.161"/>
        <site name="touchtop" pos="0.01 0 -0.17"/>
        <site name="touchbottom" pos="-0.01 0 -0.17"/>
      </body>
    </body>
    <body name="spinner" pos="0.2 0 0.4">
      <joint name="hinge" frictionloss="0.1" damping="0.5"/>
      <geom name="cap1" type="capsule" size="0.04 0.09" material="self" pos="0.02 0 0"/>
      <geom name="cap2" type="capsule" size="0.04 0.09" material="self" pos="-0.02 0 0"/>
      <site name="tip" type="sphere" size="0.02" pos="0 0 0.13" material="target"/>
      <geom name="spinner_decoration" type="cylinder" fromto="0 -0.045 0 0 0.045 0" size="0.02" material="decoration"/>
    </body>
    <site name="target" type="sphere" size="0.03" pos="0 0 0.4" material="target"/>
  </worldbody>
  ${motors([
    ['proximal', 30],
    ['distal', 15],
  ])}
  <sensor>
    <jointpos name="proximal" joint="proximal"/>
    <jointpos name="distal" joint="distal"/>
    <jointvel name="proximal_velocity" joint="proximal"/>
    <jointvel name="distal_velocity" joint="distal"/>
    <jointvel name="hinge_velocity" joint="hinge"/>
    <framepos name="tip" objtype="site" objname="tip"/>
    <framepos name="target" objtype="site" objname="target"/>
    <framepos name="spinner" objtype="xbody" objname="spinner"/>
    <touch name="touchtop" site="touchtop"/>
    <touch name="touchbottom" site="touchbottom"/>
  </sensor>
</mujoco>`;

/** Angular speed (rad/s) above which the body counts as spinning. */
const SPIN_VELOCITY = 15;

class FingerSpin implements Task {
  private readonly s: Record<string, number>;
  readonly getParams = noParams.getParams;
  readonly setParams = noParams.setParams;

  constructor(private readonly physics: Physics) {
    const names = ['proximal', 'distal', 'proximal_velocity', 'distal_velocity', 'hinge_velocity'];
    this.s = {};
    for (const n of [...names, 'tip', 'spinner', 'touchtop', 'touchbottom'])
      this.s[n] = physics.sensorAdr(n);
    // Spin hides the target markers and lowers the spinner's damping.
    const v = physics.v;
    v.siteRgba[4 * physics.id('site', 'target') + 3] = 0;
    v.siteRgba[4 * physics.id('site', 'tip') + 3] = 0;
    v.dofDamping[physics.dofAdr('hinge')] = 0.03;
  }

  initialize(rng: RandomSource): void {
    const p = this.physics;
    // Resample until the finger and spinner do not touch.
    for (let attempt = 0; attempt < 1000; attempt++) {
      randomizeJoints(p, rng);
      p.forward();
      if (p.ncon === 0) return;
    }
    throw new Error('finger: could not find a collision-free initial state in 1000 attempts');
  }

  /** Angular velocity of the spinner hinge. */
  hingeVelocity(): number {
    return this.physics.v.sensordata[this.s.hinge_velocity];
  }

  reward(): number {
    return this.hingeVelocity() <= -SPIN_VELOCITY ? 1 : 0;
  }

  observation(): Float32Array {
    const d = this.physics.v.sensordata;
    const s = this.s;
    return Float32Array.of(
      d[s.proximal],
      d[s.distal],
      d[s.tip] - d[s.spinner],
      d[s.tip + 2] - d[s.spinner + 2],
      d[s.proximal_velocity],
      d[s.distal_velocity],
      d[s.hinge_velocity],
      Math.log1p(d[s.touchtop]),
      Math.log1p(d[s.touchbottom]),
    );
  }
}

const MODEL = taskModel('finger', XML, 2, 0.02);

/** Spin the free body with the finger. */
export const fingerSpin = taskSpec('finger-spin', MODEL, 9, (p) => new FingerSpin(p));
