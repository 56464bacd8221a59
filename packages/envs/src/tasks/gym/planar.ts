/**
 * The planar Gym-style runners: half-cheetah, hopper and walker2d (in the spirit of Gym's MuJoCo
 * v2 tasks). Each body moves in the x-z plane on rootx (slide), rootz (slide) and rooty (hinge);
 * the observation is qpos without x, then qvel (clipped to [-10, 10] for hopper and walker2d).
 */
import type { Physics } from '../../mujoco/physics.js';
import { MODEL_HEADER, motors, taskModel, taskSpec } from '../model.js';
import { GYM_FLOOR, LocomotionTask, positionsAndVelocities, stateIsFinite } from './locomotion.js';

/** Root joints of a planar body; `ref` makes qpos[1] the absolute height of the torso frame. */
function planarRoot(height: number): string {
  const free = 'limited="false" armature="0" damping="0" stiffness="0"';
  return `
      <joint name="rootx" type="slide" axis="1 0 0" ${free}/>
      <joint name="rootz" type="slide" axis="0 0 1" ref="${height}" ${free}/>
      <joint name="rooty" type="hinge" axis="0 1 0" ${free}/>`;
}

/** Camera 0: from the side, following the body's centre of mass. */
const SIDE_CAMERA = '<camera name="side" pos="0 -3.5 0" xyaxes="1 0 0 0 0 1" mode="trackcom"/>';

// --- half-cheetah -------------------------------------------------------------------------------

/** One cheetah segment: [body, body pos, joint range (rad), stiffness, damping, geom pos, geom tilt (rad), half length, gear]. */
type Segment = [string, string, [number, number], number, number, string, number, number, number];

const BACK_LEG: Segment[] = [
  ['bthigh', '-0.5 0 0', [-0.52, 1.05], 240, 6, '0.1 0 -0.13', -3.8, 0.145, 120],
  ['bshin', '0.16 0 -0.25', [-0.785, 0.785], 180, 4.5, '-0.14 0 -0.07', -2.03, 0.15, 90],
  ['bfoot', '-0.28 0 -0.14', [-0.4, 0.785], 120, 3, '0.03 0 -0.097', -0.27, 0.094, 60],
];
const FRONT_LEG: Segment[] = [
  ['fthigh', '0.5 0 0', [-1, 0.7], 180, 4.5, '-0.07 0 -0.12', 0.52, 0.133, 120],
  ['fshin', '-0.14 0 -0.24', [-1.2, 0.87], 120, 3, '0.065 0 -0.09', -0.6, 0.106, 60],
  ['ffoot', '0.13 0 -0.18', [-0.5, 0.5], 60, 1.5, '0.045 0 -0.07', -0.6, 0.07, 30],
];

/** A chain of segments, each the child of the one before. */
function cheetahLeg(segments: Segment[]): string {
  const open = segments.map(
    ([name, pos, [lo, hi], stiffness, damping, gpos, tilt, half]) => `
      <body name="${name}" pos="${pos}">
        <joint name="${name}" range="${lo} ${hi}" stiffness="${stiffness}" damping="${damping}"/>
        <geom name="${name}" type="capsule" pos="${gpos}" axisangle="0 1 0 ${tilt}" size="0.046 ${half}"/>`,
  );
  return open.join('') + '\n      </body>'.repeat(segments.length);
}

const HALF_CHEETAH_XML = `<mujoco model="half-cheetah">
  <compiler angle="radian" settotalmass="14"/>
  ${MODEL_HEADER}
  <option timestep="0.01"/>
  <default>
    <joint type="hinge" axis="0 1 0" limited="true" armature="0.1" damping="0.01" stiffness="8"
      solimplimit="0 0.8 0.03" solreflimit="0.02 1"/>
    <geom contype="1" conaffinity="0" condim="3" friction="0.4 0.1 0.1" solimp="0 0.8 0.01"
      solref="0.02 1" material="self"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    ${GYM_FLOOR}
    <body name="torso" pos="0 0 0.7">
      ${SIDE_CAMERA}${planarRoot(0)}
      <geom name="torso" type="capsule" fromto="-0.5 0 0 0.5 0 0" size="0.046"/>
      <geom name="head" type="capsule" pos="0.6 0 0.1" axisangle="0 1 0 0.87" size="0.046 0.15"/>${cheetahLeg(BACK_LEG)}${cheetahLeg(FRONT_LEG)}
    </body>
  </worldbody>
  ${motors([...BACK_LEG, ...FRONT_LEG].map((s) => [s[0], s[8]] as const))}
</mujoco>`;

class HalfCheetah extends LocomotionTask {
  constructor(physics: Physics, dt: number) {
    // Gym v2: qpos noise U(-0.1, 0.1), qvel noise N(0, 0.1^2); reward = velocity - 0.1 |a|^2.
    super(
      physics,
      dt,
      { qpos: 0.1, qvel: { scale: 0.1, kind: 'normal' } },
      { forwardWeight: 1, ctrlCostWeight: 0.1, healthyReward: 0 },
    );
  }

  xPosition(): number {
    return this.physics.v.qpos[0];
  }

  observation(): Float32Array {
    return positionsAndVelocities(this.physics, 1);
  }
}

const CHEETAH = taskModel('half-cheetah', HALF_CHEETAH_XML, 5, 0.05);

/** Half-cheetah: run forward; never terminates. 5 x 0.01 s physics steps per control step. */
export const halfCheetah = taskSpec('half-cheetah', CHEETAH, 17, (p) => new HalfCheetah(p, 0.05));

// --- hopper and walker2d ------------------------------------------------------------------------

/**
 * One leg of the hopper / walker2d, body frames at the joints: thigh (0.45 m), leg (0.5 m) and a
 * foot capsule from `footFrom` to `footTo` along x at the ankle, all hinged about -y.
 */
function planarLeg(
  suffix: string,
  footFrom: number,
  footTo: number,
  footFriction: number,
  material: string,
): string {
  return `
      <body name="thigh${suffix}" pos="0 0 -0.2">
        <joint name="thigh${suffix}_joint" range="-150 0"/>
        <geom name="thigh${suffix}_geom" fromto="0 0 0 0 0 -0.45" size="0.05" friction="0.9" material="${material}"/>
        <body name="leg${suffix}" pos="0 0 -0.45">
          <joint name="leg${suffix}_joint" range="-150 0"/>
          <geom name="leg${suffix}_geom" fromto="0 0 0 0 0 -0.5" size="0.04" friction="0.9" material="${material}"/>
          <body name="foot${suffix}" pos="0 0 -0.5">
            <joint name="foot${suffix}_joint" range="-45 45"/>
            <geom name="foot${suffix}_geom" fromto="${footFrom} 0 0 ${footTo} 0 0" size="0.06" friction="${footFriction}" material="${material}"/>
          </body>
        </body>
      </body>`;
}

/** A planar torso (0.4 m capsule) 1.25 m up, with the given legs and motors (gear). */
function planarWalkerXml(
  model: string,
  defaults: string,
  legs: string,
  joints: string[],
  gear: number,
): string {
  return `<mujoco model="${model}">
  <compiler angle="degree"/>
  ${MODEL_HEADER}
  <option timestep="0.002" integrator="RK4"/>
  <default>
    ${defaults}
    <motor ctrllimited="true" ctrlrange="-1 1" gear="${gear}"/>
  </default>
  <worldbody>
    ${GYM_FLOOR}
    <body name="torso" pos="0 0 1.25">
      ${SIDE_CAMERA}${planarRoot(1.25)}
      <geom name="torso_geom" fromto="0 0 0.2 0 0 -0.2" size="0.05" friction="0.9" material="self"/>${legs}
    </body>
  </worldbody>
  ${motors(joints)}
</mujoco>`;
}

const HOPPER_XML = planarWalkerXml(
  'hopper',
  `<joint type="hinge" axis="0 -1 0" limited="true" armature="1" damping="1"/>
    <geom type="capsule" contype="1" conaffinity="1" condim="1" margin="0.001" solimp="0.8 0.8 0.01"
      solref="0.02 1"/>`,
  planarLeg('', -0.13, 0.26, 2, 'self'),
  ['thigh_joint', 'leg_joint', 'foot_joint'],
  200,
);

const WALKER2D_XML = planarWalkerXml(
  'walker2d',
  `<joint type="hinge" axis="0 -1 0" limited="true" armature="0.01" damping="0.1"/>
    <geom type="capsule" contype="1" conaffinity="0" condim="3" friction="0.7 0.1 0.1"/>`,
  planarLeg('', 0, 0.2, 0.9, 'self') + planarLeg('_left', 0, 0.2, 1.9, 'effector'),
  [
    'thigh_joint',
    'leg_joint',
    'foot_joint',
    'thigh_left_joint',
    'leg_left_joint',
    'foot_left_joint',
  ],
  100,
);

/** Hopper / walker2d: reward = velocity + 1 - 1e-3 |a|^2 (Gym v2), noise U(-5e-3, 5e-3) on both. */
abstract class PlanarWalker extends LocomotionTask {
  constructor(physics: Physics, dt: number) {
    super(
      physics,
      dt,
      { qpos: 5e-3, qvel: { scale: 5e-3, kind: 'uniform' } },
      { forwardWeight: 1, ctrlCostWeight: 1e-3, healthyReward: 1 },
    );
  }

  xPosition(): number {
    return this.physics.v.qpos[0];
  }

  /** Torso height (qpos[1], absolute thanks to the rootz ref). */
  height(): number {
    return this.physics.v.qpos[1];
  }

  /** Torso pitch (qpos[2]). */
  angle(): number {
    return this.physics.v.qpos[2];
  }

  observation(): Float32Array {
    return positionsAndVelocities(this.physics, 1, 10);
  }
}

class Hopper extends PlanarWalker {
  /** Gym v2: finite state, |qpos[2:], qvel| < 100, height > 0.7, |angle| < 0.2. */
  override healthy(): boolean {
    const v = this.physics.v;
    if (!stateIsFinite(this.physics)) return false;
    for (let i = 2; i < v.qpos.length; i++) if (!(Math.abs(v.qpos[i]) < 100)) return false;
    for (let i = 0; i < v.qvel.length; i++) if (!(Math.abs(v.qvel[i]) < 100)) return false;
    return this.height() > 0.7 && Math.abs(this.angle()) < 0.2;
  }
}

class Walker2d extends PlanarWalker {
  /** Gym v2: 0.8 < height < 2 and -1 < angle < 1. */
  override healthy(): boolean {
    const h = this.height();
    const a = this.angle();
    return h > 0.8 && h < 2 && a > -1 && a < 1;
  }
}

const HOPPER = taskModel('hopper', HOPPER_XML, 4, 0.008);

/** Hopper: hop forward; ends when it falls (height <= 0.7 or |pitch| >= 0.2). dt 4 x 0.002 s. */
export const hopper = taskSpec('hopper', HOPPER, 11, (p) => new Hopper(p, 0.008));

const WALKER2D = taskModel('walker2d', WALKER2D_XML, 4, 0.008);

/** Walker2d: walk forward; ends when the torso leaves 0.8..2 m or tilts beyond 1 rad. dt 4 x 0.002 s. */
export const walker2d = taskSpec('walker2d', WALKER2D, 17, (p) => new Walker2d(p, 0.008));
