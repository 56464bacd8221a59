/**
 * Building a task's model and spec: the MJCF every model starts with (the DeepMind Control
 * Suite's look), shared pieces of MJCF, and the spec of a task on a model.
 */
import type { Physics } from '../mujoco/physics.js';
import type { Task, TaskSpec } from './common.js';

/**
 * Assets and visual settings common to all tasks. Colours follow the suite: the body is tan
 * ("self"), effectors darker orange, decorations blue, targets red-brown; the floor is a blue-grey
 * checker and the sky a blue-to-black gradient.
 */
const SUITE_ASSETS = `
  <visual>
    <headlight ambient="0.4 0.4 0.4" diffuse="0.8 0.8 0.8" specular="0.1 0.1 0.1"/>
    <map znear="0.01"/>
  </visual>
  <asset>
    <texture name="skybox" type="skybox" builtin="gradient" rgb1="0.4 0.6 0.8" rgb2="0 0 0"
      width="64" height="64"/>
    <texture name="grid" type="2d" builtin="checker" rgb1="0.1 0.2 0.3" rgb2="0.2 0.3 0.4"
      width="64" height="64"/>
    <material name="grid" texture="grid" texrepeat="1 1" texuniform="true" reflectance="0.2"/>
    <material name="self" rgba="0.7 0.5 0.3 1"/>
    <material name="effector" rgba="0.7 0.4 0.2 1"/>
    <material name="decoration" rgba="0.3 0.5 0.7 1"/>
    <material name="target" rgba="0.6 0.3 0.3 1"/>
    <material name="site" rgba="0.5 0.5 0.5 0.3"/>
  </asset>`;

/** Small heap per MjData: the suite's models need far less than MuJoCo's default reservation. */
const SMALL_MEMORY = '<size memory="256K"/>';

/** What every model starts with: the small heap and the suite's look (sky, floor, materials). */
export const MODEL_HEADER = `${SMALL_MEMORY}
  ${SUITE_ASSETS}`;

/** The torso subtree's linear velocity: its x is the forward speed the running tasks reward. */
export const TORSO_VELOCITY_SENSOR = `<sensor>
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>
  </sensor>`;

/** An `<actuator>` with one motor per joint, named after the joint, with an optional gear. */
export function motors(joints: readonly (string | readonly [string, number])[]): string {
  const motor = (joint: string | readonly [string, number]) =>
    typeof joint === 'string'
      ? `<motor name="${joint}" joint="${joint}"/>`
      : `<motor name="${joint[0]}" joint="${joint[0]}" gear="${joint[1]}"/>`;
  return `<actuator>
    ${joints.map(motor).join('\n    ')}
  </actuator>`;
}

/** Light, ground and the two cameras of the small upright scenes (ball-in-cup, finger). */
export const SMALL_SCENE = `<light name="light" directional="true" diffuse="0.6 0.6 0.6" pos="0 0 2" specular="0.3 0.3 0.3"/>
    <geom name="ground" type="plane" size="0.6 0.2 10" material="grid"/>
    <camera name="cam0" pos="0 -1 0.8" xyaxes="1 0 0 0 1 2"/>
    <camera name="cam1" pos="0 -1 0.4" xyaxes="1 0 0 0 0 1"/>`;

/** What the tasks of one domain share: the model and its control timing. */
export type TaskModel = Pick<TaskSpec, 'domain' | 'xml' | 'substeps' | 'controlTimestep'>;

/** The model of `domain`: `substeps` physics steps per control step of `controlTimestep` s. */
export function taskModel(
  domain: string,
  xml: string,
  substeps: number,
  controlTimestep: number,
): TaskModel {
  return { domain, xml, substeps, controlTimestep };
}

/** Control steps per episode of every task (the suite's and Gym's time limit). */
export const EPISODE_STEPS = 1000;

/** A task named `name` on `model`, observing `observationSize` numbers, for 1000 control steps. */
export function taskSpec(
  name: string,
  model: TaskModel,
  observationSize: number,
  create: (physics: Physics) => Task,
): TaskSpec {
  return { name, ...model, episodeSteps: EPISODE_STEPS, observationSize, create };
}
