import type { RandomSource } from '@vmbrl/core';
/**
 * Planar walker (DeepMind Control Suite): torso and two 3-segment legs (capsules) on rootz/rootx/
 * rooty, six motors (hip 100, knee 50, ankle 20), 0.0025 s timestep, ten physics steps per control
 * step. Walk: stand tall and upright while moving forward at >= 1 m/s.
 */
import type { Physics } from '../mujoco/physics.js';
import { tolerance } from '../tolerance.js';
import { type Task, noParams, randomizeJoints } from './common.js';
import { MODEL_HEADER, TORSO_VELOCITY_SENSOR, motors, taskModel, taskSpec } from './model.js';

function leg(side: 'right' | 'left', y: string): string {
  return `
      <body name="${side}_thigh" pos="0 ${y} -0.3">
        <joint name="${side}_hip" range="-20 100"/>
        <geom name="${side}_thigh" pos="0 0 -0.225" size="0.05 0.225"/>
        <body name="${side}_leg" pos="0 0 -0.7">
          <joint name="${side}_knee" pos="0 0 0.25" range="-150 0"/>
          <geom name="${side}_leg" size="0.04 0.25"/>
          <body name="${side}_foot" pos="0.06 0 -0.25">
            <joint name="${side}_ankle" pos="-0.06 0 0" range="-45 45"/>
            <geom name="${side}_foot" zaxis="1 0 0" size="0.05 0.1"/>
          </body>
        </body>
      </body>`;
}

/** Joints and gears of the six motors: hip, knee and ankle of the right leg, then the left. */
const MOTORS = ['right', 'left'].flatMap((side): [string, number][] => [
  [`${side}_hip`, 100],
  [`${side}_knee`, 50],
  [`${side}_ankle`, 20],
]);

const XML = `<mujoco model="walker">
  ${MODEL_HEADER}
  <option timestep="0.0025"/>
  <default>
    <joint damping="0.1" armature="0.01" limited="true" solimplimit="0 0.99 0.01"/>
    <geom contype="1" conaffinity="0" friction="0.7 0.1 0.1"/>
    <motor ctrlrange="-1 1" ctrllimited="true"/>
    <site size="0.01"/>
    <default class="walker">
      <geom material="self" type="capsule"/>
      <joint axis="0 -1 0"/>
    </default>
  </default>
  <worldbody>
    <geom name="floor" type="plane" conaffinity="1" pos="248 0 0" size="250 0.8 0.2" material="grid" zaxis="0 0 1"/>
    <body name="torso" pos="0 0 1.3" childclass="walker">
      <light name="light" pos="0 0 2" mode="trackcom"/>
      <camera name="side" pos="0 -2 0.7" euler="60 0 0" mode="trackcom"/>
      <joint name="rootz" axis="0 0 1" type="slide" limited="false" armature="0" damping="0"/>
      <joint name="rootx" axis="1 0 0" type="slide" limited="false" armature="0" damping="0"/>
      <joint name="rooty" axis="0 1 0" type="hinge" limited="false" armature="0" damping="0"/>
      <geom name="torso" size="0.07 0.3"/>${leg('right', '-0.05')}${leg('left', '0.05')}
    </body>
  </worldbody>
  ${TORSO_VELOCITY_SENSOR}
  ${motors(MOTORS)}
</mujoco>`;

/** Torso height (m) above which the standing term is 1. */
const STAND_HEIGHT = 1.2;
/** Forward speed (m/s) above which the moving term is 1. */
const WALK_SPEED = 1;

class WalkerWalk implements Task {
  private readonly torso: number;
  private readonly speedAdr: number;
  readonly getParams = noParams.getParams;
  readonly setParams = noParams.setParams;

  constructor(private readonly physics: Physics) {
    this.torso = physics.id('body', 'torso');
    this.speedAdr = physics.sensorAdr('torso_subtreelinvel');
  }

  initialize(rng: RandomSource): void {
    randomizeJoints(this.physics, rng);
  }

  /** Height of the torso frame. */
  torsoHeight(): number {
    return this.physics.v.xpos[3 * this.torso + 2];
  }

  /** zz entry of the torso rotation: 1 when upright. */
  torsoUpright(): number {
    return this.physics.v.xmat[9 * this.torso + 8];
  }

  /** Forward velocity of the centre of mass. */
  horizontalVelocity(): number {
    return this.physics.v.sensordata[this.speedAdr];
  }

  reward(): number {
    const standing = tolerance(this.torsoHeight(), {
      bounds: [STAND_HEIGHT, Number.POSITIVE_INFINITY],
      margin: STAND_HEIGHT / 2,
    });
    const upright = (1 + this.torsoUpright()) / 2;
    const stand = (3 * standing + upright) / 4;
    const move = tolerance(this.horizontalVelocity(), {
      bounds: [WALK_SPEED, Number.POSITIVE_INFINITY],
      margin: WALK_SPEED / 2,
      valueAtMargin: 0.5,
      sigmoid: 'linear',
    });
    return (stand * (5 * move + 1)) / 6;
  }

  observation(): Float32Array {
    const v = this.physics.v;
    const nbody = this.physics.model.nbody;
    const out = new Float32Array(24);
    let k = 0;
    // xx and xz of each body's rotation (planar orientations), bodies 1..7
    for (let b = 1; b < nbody; b++) {
      out[k++] = v.xmat[9 * b];
      out[k++] = v.xmat[9 * b + 2];
    }
    out[k++] = this.torsoHeight();
    for (let i = 0; i < 9; i++) out[k++] = v.qvel[i];
    return out;
  }
}

const MODEL = taskModel('walker', XML, 10, 0.025);

/** Walk forward at 1 m/s or faster while staying upright. */
export const walkerWalk = taskSpec('walker-walk', MODEL, 24, (p) => new WalkerWalk(p));
