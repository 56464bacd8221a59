/**
 * Worker-thread entry of `VectorEnv`: hosts some environments (each worker loads its own MuJoCo
 * module) and answers reset/step/state requests from the main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { SimulatorEnv, SimulatorState, TimeStep } from '@vmbrl/core';
import { type EnvConfig, makeWrappedEnv } from './make.js';
import { type ScoreJob, scoreSequencesOn } from './oracle/score.js';

/** Requests the main thread sends. */
export type WorkerRequest =
  | { id: number; type: 'init'; configs: EnvConfig[] }
  | { id: number; type: 'reset'; seeds: Array<number | undefined> }
  | { id: number; type: 'step'; actions: number[][] }
  | { id: number; type: 'render'; size: number }
  | { id: number; type: 'getState' }
  | { id: number; type: 'setState'; states: SimulatorState[] }
  | { id: number; type: 'score'; jobs: Array<ScoreJob | null> }
  | { id: number; type: 'close' };

/** Replies: a result or an error message. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

let envs: SimulatorEnv[] = [];

/** Buffers of a list of time steps, moved (not copied) to the main thread. */
function transferables(steps: TimeStep[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const ts of steps) {
    if (ts.observation.image) list.push(ts.observation.image.buffer as ArrayBuffer);
    if (ts.observation.state) list.push(ts.observation.state.buffer as ArrayBuffer);
  }
  return list;
}

async function handle(msg: WorkerRequest): Promise<[unknown, ArrayBuffer[]]> {
  switch (msg.type) {
    case 'init':
      envs = await Promise.all(msg.configs.map((c) => makeWrappedEnv(c)));
      return [envs.length, []];
    case 'reset': {
      const steps = envs.map((e, i) => e.reset(msg.seeds[i]));
      return [steps, transferables(steps)];
    }
    case 'step': {
      const steps = envs.map((e, i) => e.step(msg.actions[i]));
      return [steps, transferables(steps)];
    }
    case 'render': {
      const images = envs.map((e) => e.render(msg.size));
      return [images, images.map((im) => im.buffer as ArrayBuffer)];
    }
    case 'getState':
      return [envs.map((e) => e.getState()), []];
    case 'setState':
      envs.forEach((e, i) => e.setState(msg.states[i]));
      return [null, []];
    case 'score': {
      // The oracle planner's inner loop, on this worker's envs (null: nothing for that env).
      const returns = envs.map((e, i) => {
        const job = msg.jobs[i];
        return job ? scoreSequencesOn(e, job) : null;
      });
      return [returns, returns.flatMap((r) => (r ? [r.buffer as ArrayBuffer] : []))];
    }
    case 'close':
      for (const e of envs) e.close();
      envs = [];
      return [null, []];
  }
}

port.on('message', (msg: WorkerRequest) => {
  handle(msg).then(
    ([result, transfer]) =>
      port.postMessage({ id: msg.id, ok: true, result } satisfies WorkerReply, transfer),
    (err: unknown) =>
      port.postMessage({
        id: msg.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      } satisfies WorkerReply),
  );
});
