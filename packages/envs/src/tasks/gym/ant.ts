/**
 * Ant (in the spirit of Gym's Ant-v2): a 0.25 m sphere torso on a free joint with four two-hinge
 * legs (hip about z, ankle about the leg's horizontal normal), eight 150-gear motors, RK4 at
 * 0.01 s, five physics steps per control step.
 *
 * Reward (v2): forward velocity of the torso - 0.5 |a|^2 - 0.5e-3 |clip(cfrc_ext, -1, 1)|^2 + 1.
 * Ends when the state is not finite or the torso height leaves [0.2, 1].
 * Observation: qpos without x, y (13), qvel (14), and for the full task clip(cfrc_ext, -1, 1) of
 * the 14 bodies (84): 111 numbers. `ant-truncated` (MBPO's) drops the contact forces: 27.
 */
import type { Physics } from '../../mujoco/physics.js';
import { MODEL_HEADER, motors, taskModel, taskSpec } from '../model.js';
import {
  DerivedForces,
  GYM_FLOOR,
  LocomotionTask,
  positionsAndVelocities,
  stateIsFinite,
} from './locomotion.js';

/** Per leg: direction in the x-y plane, ankle axis, ankle range (degrees). Legs 1..4. */
const LEGS: Array<[[number, number], string, [number, number]]> = [
  [[1, 1], '-1 1 0', [30, 70]],
  [[-1, 1], '1 1 0', [-70, -30]],
  [[-1, -1], '-1 1 0', [-70, -30]],
  [[1, -1], '1 1 0', [30, 70]],
];

/** A leg: a rigid hip segment, then the hip hinge with the thigh, then the ankle with the shin. */
function leg(i: number): string {
  const [[sx, sy], ankleAxis, [lo, hi]] = LEGS[i - 1];
  const at = (k: number) => `${k * sx} ${k * sy} 0`;
  return `
      <body name="leg_${i}" pos="0 0 0">
        <geom name="hip_${i}_geom" fromto="0 0 0 ${at(0.2)}"/>
        <body name="thigh_${i}" pos="${at(0.2)}">
          <joint name="hip_${i}" axis="0 0 1" range="-30 30"/>
          <geom name="thigh_${i}_geom" fromto="0 0 0 ${at(0.2)}"/>
          <body name="shin_${i}" pos="${at(0.2)}">
            <joint name="ankle_${i}" axis="${ankleAxis}" range="${lo} ${hi}"/>
            <geom name="shin_${i}_geom" fromto="0 0 0 ${at(0.4)}" material="effector"/>
          </body>
        </body>
      </body>`;
}

const ANT_XML = `<mujoco model="ant">
  <compiler angle="degree"/>
  ${MODEL_HEADER}
  <option timestep="0.01" integrator="RK4"/>
  <default>
    <joint type="hinge" limited="true" armature="1" damping="1"/>
    <geom type="capsule" size="0.08" contype="1" conaffinity="0" condim="3" density="5"
      friction="1 0.5 0.5" margin="0.01" material="self"/>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="150"/>
  </default>
  <worldbody>
    ${GYM_FLOOR}
    <body name="torso" pos="0 0 0.75">
      <camera name="track" pos="0 -4 2.5" xyaxes="1 0 0 0 0.5 1" mode="trackcom"/>
      <joint name="root" type="free" limited="false" armature="0" damping="0"/>
      <geom name="torso_geom" type="sphere" size="0.25"/>${[1, 2, 3, 4].map(leg).join('')}
    </body>
  </worldbody>
  ${motors([4, 1, 2, 3].flatMap((i) => [`hip_${i}`, `ankle_${i}`]))}
</mujoco>`;

class Ant extends LocomotionTask {
  private readonly forces: DerivedForces;
  private readonly torso: number;

  constructor(
    physics: Physics,
    dt: number,
    private readonly withContacts: boolean,
  ) {
    // v2: qpos noise U(-0.1, 0.1), qvel noise N(0, 0.1^2)
    super(
      physics,
      dt,
      { qpos: 0.1, qvel: { scale: 0.1, kind: 'normal' } },
      { forwardWeight: 1, ctrlCostWeight: 0.5, healthyReward: 1 },
    );
    this.forces = new DerivedForces(physics);
    this.torso = physics.id('body', 'torso');
  }

  /** x of the torso frame (the free joint's position). */
  xPosition(): number {
    return this.physics.v.xpos[3 * this.torso];
  }

  /** 0.5e-3 * sum(clip(cfrc_ext, -1, 1)^2). */
  override contactCost(): number {
    const f = this.forces.cfrcExt();
    let sum = 0;
    for (let i = 0; i < f.length; i++) {
      const c = f[i] < -1 ? -1 : f[i] > 1 ? 1 : f[i];
      sum += c * c;
    }
    return 0.5e-3 * sum;
  }

  override healthy(): boolean {
    const z = this.physics.v.qpos[2];
    return stateIsFinite(this.physics) && z >= 0.2 && z <= 1;
  }

  observation(): Float32Array {
    const p = this.physics;
    const nbody = p.model.nbody;
    const out = positionsAndVelocities(
      p,
      2,
      Number.POSITIVE_INFINITY,
      this.withContacts ? 6 * nbody : 0,
    );
    if (this.withContacts) {
      const f = this.forces.cfrcExt();
      const base = out.length - 6 * nbody;
      for (let i = 0; i < 6 * nbody; i++) out[base + i] = f[i] < -1 ? -1 : f[i] > 1 ? 1 : f[i];
    }
    return out;
  }
}

const MODEL = taskModel('ant', ANT_XML, 5, 0.05);

/** Ant: walk forward in +x; ends when the torso leaves 0.2..1 m. 111 observations. */
export const ant = taskSpec('ant', MODEL, 111, (p) => new Ant(p, 0.05, true));

/** Ant with MBPO's truncated observation (qpos without x, y, then qvel: 27); same dynamics and reward. */
export const antTruncated = taskSpec('ant-truncated', MODEL, 27, (p) => new Ant(p, 0.05, false));
