import type { RandomSource } from '@vmbrl/core';
/**
 * Ball-in-cup (DeepMind Control Suite): a planar cup driven by two slide motors (gear 5, springy
 * and damped) with a ball tied to it by a 0.3 m string (limited spatial tendon); 0.002 s timestep,
 * ten physics steps per control step. Catch: reward 1 while the ball is inside the cup.
 */
import type { Physics } from '../mujoco/physics.js';
import { type Task, noParams } from './common.js';
import { MODEL_HEADER, SMALL_SCENE, taskModel, taskSpec } from './model.js';

const XML = `<mujoco model="ball_in_cup">
  ${MODEL_HEADER}
  <option timestep="0.002"/>
  <default>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="5"/>
    <default class="cup">
      <joint type="slide" damping="3" stiffness="20"/>
      <geom type="capsule" size="0.008" material="self"/>
    </default>
  </default>
  <worldbody>
    ${SMALL_SCENE}
    <body name="cup" pos="0 0 0.6" childclass="cup">
      <joint name="cup_x" axis="1 0 0"/>
      <joint name="cup_z" axis="0 0 1"/>
      <geom name="cup_part_0" fromto="-0.05 0 0 -0.05 0 -0.075"/>
      <geom name="cup_part_1" fromto="-0.05 0 -0.075 -0.025 0 -0.1"/>
      <geom name="cup_part_2" fromto="-0.025 0 -0.1 0.025 0 -0.1"/>
      <geom name="cup_part_3" fromto="0.025 0 -0.1 0.05 0 -0.075"/>
      <geom name="cup_part_4" fromto="0.05 0 -0.075 0.05 0 0"/>
      <site name="cup" pos="0 0 -0.108" size="0.005" group="3"/>
      <site name="target" type="box" pos="0 0 -0.05" size="0.05 0.006 0.05" group="4"/>
    </body>
    <body name="ball" pos="0 0 0.2">
      <joint name="ball_x" type="slide" axis="1 0 0"/>
      <joint name="ball_z" type="slide" axis="0 0 1"/>
      <geom name="ball" type="sphere" size="0.025" material="effector"/>
      <site name="ball" size="0.005" group="3"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="x" joint="cup_x"/>
    <motor name="z" joint="cup_z"/>
  </actuator>
  <tendon>
    <spatial name="string" limited="true" range="0 0.3" width="0.003">
      <site site="ball"/>
      <site site="cup"/>
    </spatial>
  </tendon>
</mujoco>`;

class BallInCup implements Task {
  private readonly ballX: number;
  private readonly ballZ: number;
  private readonly ballBody: number;
  private readonly ballGeom: number;
  private readonly target: number;
  readonly getParams = noParams.getParams;
  readonly setParams = noParams.setParams;

  constructor(private readonly physics: Physics) {
    this.ballX = physics.qposAdr('ball_x');
    this.ballZ = physics.qposAdr('ball_z');
    this.ballBody = physics.id('body', 'ball');
    this.ballGeom = physics.id('geom', 'ball');
    this.target = physics.id('site', 'target');
  }

  initialize(rng: RandomSource): void {
    const p = this.physics;
    // Drop the ball somewhere that does not intersect the cup.
    for (let attempt = 0; attempt < 1000; attempt++) {
      const x = rng.uniform(-0.2, 0.2);
      const z = rng.uniform(0.2, 0.5);
      const qpos = p.v.qpos;
      qpos[this.ballX] = x;
      qpos[this.ballZ] = z;
      p.forward();
      if (p.ncon === 0) return;
    }
    throw new Error('ball_in_cup: could not find a collision-free initial state in 1000 attempts');
  }

  /** 1 when the ball centre is inside the target box shrunk by the ball radius (x and z). */
  inTarget(): number {
    const v = this.physics.v;
    const t = 3 * this.target;
    const b = 3 * this.ballBody;
    const dx = Math.abs(v.siteXpos[t] - v.xpos[b]);
    const dz = Math.abs(v.siteXpos[t + 2] - v.xpos[b + 2]);
    const r = v.geomSize[3 * this.ballGeom];
    const sx = v.siteSize[3 * this.target];
    const sz = v.siteSize[3 * this.target + 2];
    return dx < sx - r && dz < sz - r ? 1 : 0;
  }

  reward(): number {
    return this.inTarget();
  }

  observation(): Float32Array {
    const v = this.physics.v;
    const out = new Float32Array(8);
    for (let i = 0; i < 4; i++) {
      out[i] = v.qpos[i];
      out[4 + i] = v.qvel[i];
    }
    return out;
  }
}

const MODEL = taskModel('ball_in_cup', XML, 10, 0.02);

/** Swing the ball up and catch it in the cup. */
export const ballInCupCatch = taskSpec('ball_in_cup-catch', MODEL, 8, (p) => new BallInCup(p));
