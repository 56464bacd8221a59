import type { RandomSource } from '@vmbrl/core';
/**
 * Half-cheetah (DeepMind Control Suite): a planar 14 kg runner (torso, head, two 3-segment legs,
 * springy damped limited hinges), 0.01 s timestep, one physics step per control step.
 * Run: reward rises linearly with forward speed up to 10 m/s.
 */
import type { Physics } from '../mujoco/physics.js';
import { tolerance } from '../tolerance.js';
import { type Task, noParams } from './common.js';
import { MODEL_HEADER, TORSO_VELOCITY_SENSOR, motors, taskModel, taskSpec } from './model.js';

/** Joints and gears of the six motors (back thigh, shin, foot, then front). */
const MOTORS: [string, number][] = [
  ['bthigh', 120],
  ['bshin', 90],
  ['bfoot', 60],
  ['fthigh', 90],
  ['fshin', 60],
  ['ffoot', 30],
];

const XML = `<mujoco model="cheetah">
  ${MODEL_HEADER}
  <compiler settotalmass="14"/>
  <option timestep="0.01"/>
  <default>
    <default class="cheetah">
      <joint type="hinge" axis="0 1 0" limited="true" damping="0.01" armature="0.1" stiffness="8"/>
      <geom contype="1" conaffinity="1" condim="3" friction="0.4 0.1 0.1" material="self"/>
    </default>
    <default class="free">
      <joint limited="false" damping="0" armature="0" stiffness="0"/>
    </default>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="ground" type="plane" conaffinity="1" pos="98 0 0" size="100 1.25 0.5" material="grid"/>
    <body name="torso" pos="0 0 0.7" childclass="cheetah">
      <light name="light" pos="0 0 2" mode="trackcom"/>
      <camera name="side" pos="0 -3 0" quat="0.707 0.707 0 0" mode="trackcom"/>
      <joint name="rootx" type="slide" axis="1 0 0" class="free"/>
      <joint name="rootz" type="slide" axis="0 0 1" class="free"/>
      <joint name="rooty" type="hinge" axis="0 1 0" class="free"/>
      <geom name="torso" type="capsule" fromto="-0.5 0 0 0.5 0 0" size="0.046"/>
      <geom name="head" type="capsule" pos="0.6 0 0.1" euler="0 50 0" size="0.046 0.15"/>
      <body name="bthigh" pos="-0.5 0 0">
        <joint name="bthigh" range="-30 60" stiffness="240" damping="6"/>
        <geom name="bthigh" type="capsule" pos="0.1 0 -0.13" euler="0 -218 0" size="0.046 0.145"/>
        <body name="bshin" pos="0.16 0 -0.25">
          <joint name="bshin" range="-50 50" stiffness="180" damping="4.5"/>
          <geom name="bshin" type="capsule" pos="-0.14 0 -0.07" euler="0 -116 0" size="0.046 0.15"/>
          <body name="bfoot" pos="-0.28 0 -0.14">
            <joint name="bfoot" range="-230 50" stiffness="120" damping="3"/>
            <geom name="bfoot" type="capsule" pos="0.03 0 -0.097" euler="0 -15 0" size="0.046 0.094"/>
          </body>
        </body>
      </body>
      <body name="fthigh" pos="0.5 0 0">
        <joint name="fthigh" range="-57 0.4" stiffness="180" damping="4.5"/>
        <geom name="fthigh" type="capsule" pos="-0.07 0 -0.12" euler="0 30 0" size="0.046 0.133"/>
        <body name="fshin" pos="-0.14 0 -0.24">
          <joint name="fshin" range="-70 50" stiffness="120" damping="3"/>
          <geom name="fshin" type="capsule" pos="0.065 0 -0.09" euler="0 -34 0" size="0.046 0.106"/>
          <body name="ffoot" pos="0.13 0 -0.18">
            <joint name="ffoot" range="-28 28" stiffness="60" damping="1.5"/>
            <geom name="ffoot" type="capsule" pos="0.045 0 -0.07" euler="0 -34 0" size="0.046 0.07"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  ${TORSO_VELOCITY_SENSOR}
  ${motors(MOTORS)}
</mujoco>`;

/** Forward speed at and above which the reward is 1 (m/s). */
const RUN_SPEED = 10;

class Cheetah implements Task {
  private readonly speedAdr: number;
  readonly getParams = noParams.getParams;
  readonly setParams = noParams.setParams;

  constructor(private readonly physics: Physics) {
    this.speedAdr = physics.sensorAdr('torso_subtreelinvel');
  }

  initialize(rng: RandomSource): void {
    const p = this.physics;
    const m = p.model;
    const limited = m.jnt_limited as Uint8Array;
    const range = m.jnt_range as Float64Array;
    const draws: number[] = [];
    for (let j = 0; j < m.njnt; j++)
      draws.push(limited[j] ? rng.uniform(range[2 * j], range[2 * j + 1]) : Number.NaN);
    const qpos = p.v.qpos;
    // every cheetah joint has one qpos entry, in joint order
    draws.forEach((value, j) => {
      if (!Number.isNaN(value)) qpos[j] = value;
    });
    // Let the body settle onto the floor before the episode starts (zero control).
    p.forward();
    p.step(200);
    p.time = 0;
  }

  /** Forward velocity of the centre of mass. */
  speed(): number {
    return this.physics.v.sensordata[this.speedAdr];
  }

  reward(): number {
    return tolerance(this.speed(), {
      bounds: [RUN_SPEED, Number.POSITIVE_INFINITY],
      margin: RUN_SPEED,
      valueAtMargin: 0,
      sigmoid: 'linear',
    });
  }

  observation(): Float32Array {
    const v = this.physics.v;
    const out = new Float32Array(17);
    for (let i = 1; i < 9; i++) out[i - 1] = v.qpos[i];
    for (let i = 0; i < 9; i++) out[8 + i] = v.qvel[i];
    return out;
  }
}

const MODEL = taskModel('cheetah', XML, 1, 0.01);

/** Run forward as fast as possible. */
export const cheetahRun = taskSpec('cheetah-run', MODEL, 17, (p) => new Cheetah(p));
