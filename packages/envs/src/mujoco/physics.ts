/**
 * A small, safe wrapper over one mujoco-js model + data pair.
 *
 * mujoco-js hands out typed-array views into the wasm heap; they detach whenever the heap grows
 * (any allocation anywhere in the module), so every view here is re-fetched when its buffer is
 * detached. Outputs to MuJoCo go through `DoubleBuffer`s, never plain typed arrays.
 */
import type { MjData, MjModel } from 'mujoco-js';
import { type Mujoco, compileModel } from './module.js';

/** Typed-array views into model and data that the tasks and the renderer read. */
export interface PhysicsViews {
  qpos: Float64Array;
  qvel: Float64Array;
  ctrl: Float64Array;
  xpos: Float64Array;
  xmat: Float64Array;
  geomXpos: Float64Array;
  geomXmat: Float64Array;
  siteXpos: Float64Array;
  camXpos: Float64Array;
  camXmat: Float64Array;
  sensordata: Float64Array;
  subtreeLinvel: Float64Array;
  geomPos: Float64Array;
  geomSize: Float64Array;
  geomRgba: Float32Array;
  siteRgba: Float32Array;
  siteSize: Float64Array;
  dofDamping: Float64Array;
}

/** MuJoCo object types used by name lookups (values of mjtObj). */
export const ObjType = { body: 1, joint: 3, geom: 5, site: 6, camera: 7, actuator: 19, sensor: 20 };

/** mjSTATE_INTEGRATION: everything needed to continue a simulation bit-identically. */
const STATE_INTEGRATION = 8191;

/** One compiled model with its data, views, and stepping that keeps derived fields current. */
export class Physics {
  readonly mj: Mujoco;
  readonly model: MjModel;
  readonly data: MjData;
  private cached?: PhysicsViews;
  private heap?: ArrayBuffer;
  private readonly stateSize: number;
  private stateBuffer: ReturnType<Mujoco['DoubleBuffer']['FromArray']>;
  private disposed = false;
  /** Physics timestep in seconds. */
  readonly timestep: number;
  private readonly integrator: number;

  constructor(mj: Mujoco, xml: string, name = 'model') {
    this.mj = mj;
    this.model = compileModel(mj, xml, name);
    this.data = new mj.MjData(this.model);
    this.stateSize = mj.mj_stateSize(this.model, STATE_INTEGRATION);
    this.stateBuffer = new mj.DoubleBuffer(this.stateSize);
    // `model.opt` returns a wasm-side handle; read it once and free it.
    const opt = this.model.opt;
    this.timestep = opt.timestep;
    this.integrator = opt.integrator;
    opt.delete();
  }

  /** Current views; re-fetched when the wasm heap has grown since they were taken. */
  get v(): PhysicsViews {
    if (this.cached && this.heap && this.heap.byteLength !== 0) return this.cached;
    const m = this.model;
    const d = this.data;
    const views: PhysicsViews = {
      qpos: d.qpos,
      qvel: d.qvel,
      ctrl: d.ctrl,
      xpos: d.xpos,
      xmat: d.xmat,
      geomXpos: d.geom_xpos,
      geomXmat: d.geom_xmat,
      siteXpos: d.site_xpos,
      camXpos: d.cam_xpos,
      camXmat: d.cam_xmat,
      sensordata: d.sensordata,
      subtreeLinvel: d.subtree_linvel,
      geomPos: m.geom_pos,
      geomSize: m.geom_size,
      geomRgba: m.geom_rgba,
      siteRgba: m.site_rgba,
      siteSize: m.site_size,
      dofDamping: m.dof_damping,
    };
    this.cached = views;
    this.heap = views.qpos.buffer as ArrayBuffer;
    return views;
  }

  /** Id of a named object; throws naming the object when it does not exist. */
  id(type: keyof typeof ObjType, name: string): number {
    const id = this.mj.mj_name2id(this.model, ObjType[type], name);
    if (id < 0) throw new Error(`model has no ${type} named '${name}'`);
    return id;
  }

  /** qpos address of a named joint. */
  qposAdr(joint: string): number {
    return (this.model.jnt_qposadr as Int32Array)[this.id('joint', joint)];
  }

  /** qvel (dof) address of a named joint. */
  dofAdr(joint: string): number {
    return (this.model.jnt_dofadr as Int32Array)[this.id('joint', joint)];
  }

  /** sensordata address of a named sensor. */
  sensorAdr(sensor: string): number {
    return (this.model.sensor_adr as Int32Array)[this.id('sensor', sensor)];
  }

  /** Resets to the model's default state and recomputes derived fields. */
  reset(): void {
    this.mj.mj_resetData(this.model, this.data);
    this.forward();
  }

  /** Recomputes all derived quantities (positions, velocities, sensors) from the state. */
  forward(): void {
    this.mj.mj_forward(this.model, this.data);
  }

  /**
   * Advances `nstep` physics steps with the control currently in `ctrl`, leaving position- and
   * velocity-dependent fields (xpos, sensors, cameras) consistent with the new state, like
   * dm_control's stepping: step2 finishes the step whose step1 already ran, step1 prepares the next.
   * RK4 has no split form, so it runs whole steps and then step1.
   */
  step(nstep = 1): void {
    const mj = this.mj;
    const m = this.model;
    const d = this.data;
    if (this.integrator === 1) {
      for (let i = 0; i < nstep; i++) mj.mj_step(m, d);
    } else {
      mj.mj_step2(m, d);
      for (let i = 1; i < nstep; i++) mj.mj_step(m, d);
    }
    mj.mj_step1(m, d);
  }

  /** Number of contacts found by the last position stage. */
  get ncon(): number {
    return this.data.ncon;
  }

  /** Simulation time in seconds. */
  get time(): number {
    return this.data.time;
  }

  set time(t: number) {
    this.data.time = t;
  }

  /** Copies the full integration state (mjSTATE_INTEGRATION) out of the simulator. */
  getState(): Float64Array {
    this.mj.mj_getState(this.model, this.data, this.stateBuffer, STATE_INTEGRATION);
    return Float64Array.from(this.stateBuffer.GetView() as Float64Array);
  }

  /** Restores a state taken with `getState` and recomputes derived fields (step1). */
  setState(state: Float64Array): void {
    if (state.length !== this.stateSize) {
      throw new Error(`state has length ${state.length}; this model's state has ${this.stateSize}`);
    }
    const view = this.stateBuffer.GetView() as Float64Array;
    view.set(state);
    this.mj.mj_setState(this.model, this.data, view as unknown as number[], STATE_INTEGRATION);
    this.mj.mj_step1(this.model, this.data);
  }

  /** Frees the wasm objects. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stateBuffer.delete();
    this.data.delete();
    this.model.delete();
  }
}
