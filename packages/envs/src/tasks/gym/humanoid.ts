/**
 * Humanoid (in the spirit of Gym's Humanoid-v2): a 3D biped of capsules and spheres on a free joint
 * (torso, two-piece abdomen, legs with 3-dof hips and knees, arms with 2-dof shoulders and
 * elbows), 17 motors with ctrlrange [-0.4, 0.4], RK4 at 0.003 s with PGS (50 iterations), five
 * physics steps per control step (dt 0.015 s).
 *
 * Reward (v2): 1.25 * velocity of the centre of mass - 0.1 |ctrl|^2
 *   - min(0.5e-6 |cfrc_ext|^2, 10) + 5. Ends when the torso height leaves [1, 2].
 * Observation: qpos without x, y (22), qvel (23), then for the full task cinert (140), cvel (84),
 * qfrc_actuator (23) and cfrc_ext (84): 376. `humanoid-truncated` (MBPO's) keeps the first 45.
 */
import type { Physics } from '../../mujoco/physics.js';
import type { TaskSpec } from '../common.js';
import { MODEL_HEADER, motors, taskModel, taskSpec } from '../model.js';
import { DerivedForces, GYM_FLOOR, LocomotionTask, positionsAndVelocities } from './locomotion.js';

/** A hinge with its own stiffness/damping/armature (the model's defaults elsewhere). */
function hinge(
  name: string,
  axis: string,
  range: [number, number],
  opts: { pos?: string; stiffness?: number; damping?: number; armature: number },
): string {
  const extra = [
    opts.pos ? `pos="${opts.pos}"` : '',
    opts.stiffness !== undefined ? `stiffness="${opts.stiffness}"` : '',
    opts.damping !== undefined ? `damping="${opts.damping}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `<joint name="${name}" axis="${axis}" range="${range[0]} ${range[1]}" armature="${opts.armature}" ${extra}/>`;
}

/**
 * A leg; `s` = -1 for the right (toward -y), +1 for the left. The two sides differ slightly, as in
 * the original model (hip_y range and armature, knee stiffness).
 */
function leg(side: 'right' | 'left'): string {
  const s = side === 'right' ? -1 : 1;
  const hipY: [number, number] = side === 'right' ? [-110, 20] : [-120, 20];
  const hip = { stiffness: 10, damping: 5, armature: 0.01 };
  return `
          <body name="${side}_thigh" pos="0 ${0.1 * s} -0.04">
            ${hinge(`${side}_hip_x`, `${-s} 0 0`, [-25, 5], hip)}
            ${hinge(`${side}_hip_z`, `0 0 ${-s}`, [-60, 35], hip)}
            ${hinge(`${side}_hip_y`, '0 1 0', hipY, { stiffness: 20, damping: 5, armature: side === 'right' ? 0.008 : 0.01 })}
            <geom name="${side}_thigh" fromto="0 0 0 0 ${-0.01 * s} -0.34" size="0.06"/>
            <body name="${side}_shin" pos="0 ${-0.01 * s} -0.403">
              ${hinge(`${side}_knee`, '0 -1 0', [-160, -2], { pos: '0 0 0.02', stiffness: side === 'right' ? 0 : 1, armature: 0.006 })}
              <geom name="${side}_shin" fromto="0 0 0 0 0 -0.3" size="0.049"/>
              <body name="${side}_foot" pos="0 0 -0.45">
                <geom name="${side}_foot" type="sphere" pos="0 0 0.1" size="0.075" material="effector"/>
              </body>
            </body>
          </body>`;
}

/** An arm; `s` = -1 right, +1 left. The right forearm points toward +y, as in the original. */
function arm(side: 'right' | 'left'): string {
  const s = side === 'right' ? -1 : 1;
  const shoulderRange: [number, number] = side === 'right' ? [-85, 60] : [-60, 85];
  const elbowAxis = side === 'right' ? '0 -1 1' : '0 -1 -1';
  const handY = side === 'right' ? 0.18 : -0.18;
  const elbowY = side === 'right' ? 0.01 : -0.01;
  const foreY = side === 'right' ? 0.17 : -0.17;
  return `
      <body name="${side}_upper_arm" pos="0 ${0.17 * s} 0.06">
        ${hinge(`${side}_shoulder1`, `2 ${-s} 1`, shoulderRange, { stiffness: 1, armature: 0.0068 })}
        ${hinge(`${side}_shoulder2`, `0 ${s} 1`, shoulderRange, { stiffness: 1, armature: 0.0051 })}
        <geom name="${side}_upper_arm" fromto="0 0 0 0.16 ${0.16 * s} -0.16" size="0.04 0.16"/>
        <body name="${side}_lower_arm" pos="0.18 ${0.18 * s} -0.18">
          ${hinge(`${side}_elbow`, elbowAxis, [-90, 50], { stiffness: 0, armature: 0.0028 })}
          <geom name="${side}_lower_arm" fromto="0.01 ${elbowY} 0.01 0.17 ${foreY} 0.17" size="0.031"/>
          <geom name="${side}_hand" type="sphere" pos="0.18 ${handY} 0.18" size="0.04" material="effector"/>
        </body>
      </body>`;
}

/** Motors in the original order with their gears. */
const MOTORS: Array<[string, number]> = [
  ['abdomen_y', 100],
  ['abdomen_z', 100],
  ['abdomen_x', 100],
  ...(['right', 'left'] as const).flatMap(
    (side): Array<[string, number]> => [
      [`${side}_hip_x`, 100],
      [`${side}_hip_z`, 100],
      [`${side}_hip_y`, 300],
      [`${side}_knee`, 200],
    ],
  ),
  ...(['right', 'left'] as const).flatMap(
    (side): Array<[string, number]> => [
      [`${side}_shoulder1`, 25],
      [`${side}_shoulder2`, 25],
      [`${side}_elbow`, 25],
    ],
  ),
];

const abdomen = { stiffness: 10, damping: 5, armature: 0.02 };

const HUMANOID_XML = `<mujoco model="humanoid">
  <compiler angle="degree"/>
  ${MODEL_HEADER}
  <option timestep="0.003" integrator="RK4" solver="PGS" iterations="50"/>
  <default>
    <joint type="hinge" limited="true" armature="1" damping="1"/>
    <geom type="capsule" contype="1" conaffinity="1" condim="1" margin="0.001" material="self"/>
    <motor ctrllimited="true" ctrlrange="-0.4 0.4"/>
  </default>
  <worldbody>
    ${GYM_FLOOR.replace('condim="3"', 'condim="3" friction="1 0.1 0.1"')}
    <body name="torso" pos="0 0 1.4">
      <camera name="track" pos="0 -3 0.2" xyaxes="1 0 0 0 0 1" mode="trackcom"/>
      <joint name="root" type="free" limited="false" armature="0" damping="0" stiffness="0"/>
      <geom name="torso" fromto="0 -0.07 0 0 0.07 0" size="0.07"/>
      <geom name="head" type="sphere" pos="0 0 0.19" size="0.09"/>
      <geom name="upper_waist" fromto="-0.01 -0.06 -0.12 -0.01 0.06 -0.12" size="0.06"/>
      <body name="lower_waist" pos="-0.01 0 -0.26" quat="1 0 -0.002 0">
        <geom name="lower_waist" fromto="0 -0.06 0 0 0.06 0" size="0.06"/>
        ${hinge('abdomen_z', '0 0 1', [-45, 45], { ...abdomen, pos: '0 0 0.065', stiffness: 20 })}
        ${hinge('abdomen_y', '0 1 0', [-75, 30], { ...abdomen, pos: '0 0 0.065' })}
        <body name="pelvis" pos="0 0 -0.165" quat="1 0 -0.002 0">
          ${hinge('abdomen_x', '1 0 0', [-35, 35], { ...abdomen, pos: '0 0 0.1' })}
          <geom name="butt" fromto="-0.02 -0.07 0 -0.02 0.07 0" size="0.09"/>${leg('right')}${leg('left')}
        </body>
      </body>${arm('right')}${arm('left')}
    </body>
  </worldbody>
  ${motors(MOTORS)}
</mujoco>`;

class Humanoid extends LocomotionTask {
  private readonly forces: DerivedForces;
  private readonly totalMass: number;

  constructor(
    physics: Physics,
    dt: number,
    private readonly full: boolean,
  ) {
    // v2: qpos and qvel noise U(-0.01, 0.01)
    super(
      physics,
      dt,
      { qpos: 0.01, qvel: { scale: 0.01, kind: 'uniform' } },
      { forwardWeight: 1.25, ctrlCostWeight: 0.1, healthyReward: 5 },
    );
    this.forces = new DerivedForces(physics);
    const mass = physics.model.body_mass as Float64Array;
    this.totalMass = mass.reduce((a, b) => a + b, 0);
  }

  /** x of the centre of mass: sum(body mass * body com x) / total mass. */
  xPosition(): number {
    const mass = this.physics.model.body_mass as Float64Array;
    const xipos = this.physics.data.xipos as Float64Array;
    let sum = 0;
    for (let b = 0; b < mass.length; b++) sum += mass[b] * xipos[3 * b];
    return sum / this.totalMass;
  }

  /** min(0.5e-6 * sum(cfrc_ext^2), 10). */
  override contactCost(): number {
    const f = this.forces.cfrcExt();
    let sum = 0;
    for (let i = 0; i < f.length; i++) sum += f[i] * f[i];
    return Math.min(0.5e-6 * sum, 10);
  }

  override healthy(): boolean {
    const z = this.physics.v.qpos[2];
    return z >= 1 && z <= 2;
  }

  observation(): Float32Array {
    const p = this.physics;
    if (!this.full) return positionsAndVelocities(p, 2);
    const nbody = p.model.nbody;
    const nv = p.model.nv;
    const extra = 10 * nbody + 6 * nbody + nv + 6 * nbody;
    const out = positionsAndVelocities(p, 2, Number.POSITIVE_INFINITY, extra);
    let k = out.length - extra;
    const actuator = this.forces.qfrcActuator();
    const contact = this.forces.cfrcExt();
    const d = p.data;
    for (const part of [d.cinert as Float64Array, d.cvel as Float64Array, actuator, contact]) {
      out.set(part, k);
      k += part.length;
    }
    return out;
  }
}

const MODEL = taskModel('humanoid', HUMANOID_XML, 5, 0.015);

function spec(name: string, observationSize: number, withContacts: boolean): TaskSpec {
  return taskSpec(name, MODEL, observationSize, (p) => new Humanoid(p, 0.015, withContacts));
}

/** Humanoid: walk forward; ends when the torso height leaves [1, 2] m. 376 observations. */
export const humanoid = spec('humanoid', 376, true);

/** Humanoid with MBPO's truncated observation (qpos without x, y, then qvel: 45). */
export const humanoidTruncated = spec('humanoid-truncated', 45, false);
