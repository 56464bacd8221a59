import { Worker } from 'node:worker_threads';
import { type GemmCall, HeapScratch, type WasmHeapModule, gemmArgs } from './heap.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

/**
 * Worker threads that run parts of one product on the shared heap of tfjs' threaded wasm build.
 *
 * Each worker instantiates the same GEMM module on the same shared memory and waits on its own
 * control block (32 ints on the heap): the main thread writes gemm()'s arguments, bumps SEQ and
 * wakes it; the worker runs them and sets DONE = SEQ. No messages, no copies: a hand-off costs
 * two futex wake-ups. After a job a worker spins briefly before it sleeps, because products
 * come in bursts (a GRU step, a dense stack) separated by short element-wise kernels.
 */

const CONTROL_INTS = 32;
const SEQ = 0;
const DONE = 1;
const FAILED = 2;
const ARGS = 4;
/** Index of alpha, the one float argument (gemmArgs order). */
const ALPHA = ARGS + 18;
const STOP = -1;
/** Polls of the control word before Atomics.wait, in the worker and the main thread. */
const SPINS = 20000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const i32 = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
const f32 = new Float32Array(memory.buffer, control, ${CONTROL_INTS});
let seen = 0;
for (;;) {
  for (let s = 0; s < ${SPINS} && Atomics.load(i32, ${SEQ}) === seen; s++);
  while (Atomics.load(i32, ${SEQ}) === seen) Atomics.wait(i32, ${SEQ}, seen);
  seen = Atomics.load(i32, ${SEQ});
  if (seen === ${STOP}) break;
  try {
    const a = [];
    for (let i = 0; i < 20; i++) a.push(i === ${ALPHA - ARGS} ? f32[${ARGS} + i] : i32[${ARGS} + i]);
    gemm(...a);
    Atomics.store(i32, ${FAILED}, 0);
  } catch (error) {
    Atomics.store(i32, ${FAILED}, 1);
  }
  Atomics.store(i32, ${DONE}, seen);
  Atomics.notify(i32, ${DONE});
}
`;

interface PoolWorker {
  worker: Worker;
  control: number;
  i32: Int32Array;
  f32: Float32Array;
  seq: number;
  scratch: HeapScratch;
}

export class GemmPool {
  private readonly workers: PoolWorker[] = [];

  constructor(module: WasmModule, memory: WasmMemory, heap: WasmHeapModule, count: number) {
    for (let i = 0; i < count; i++) {
      const control = heap._malloc(CONTROL_INTS * 4);
      if (!control) throw new Error('GEMM pool: could not allocate a control block');
      const i32 = new Int32Array(memory.buffer, control, CONTROL_INTS);
      i32.fill(0);
      const f32 = new Float32Array(memory.buffer, control, CONTROL_INTS);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control },
      });
      // A parked worker must not keep the process alive.
      worker.unref();
      this.workers.push({ worker, control, i32, f32, seq: 0, scratch: new HeapScratch(heap) });
    }
  }

  /**
   * Runs `parts` on the workers (one each) and `here` on this thread meanwhile; returns when
   * all are done. `workspace(part)` is the scratch floats a part needs.
   */
  run(parts: GemmCall[], workspace: (part: GemmCall) => number, here: () => void): void {
    if (parts.length > this.workers.length) {
      throw new Error(`GEMM pool: ${parts.length} parts for ${this.workers.length} workers`);
    }
    const started: PoolWorker[] = [];
    parts.forEach((part, i) => {
      const w = this.workers[i] as PoolWorker;
      const args = gemmArgs(part, w.scratch.get(workspace(part)));
      for (let j = 0; j < args.length; j++) {
        if (ARGS + j === ALPHA) w.f32[ARGS + j] = args[j] as number;
        else w.i32[ARGS + j] = args[j] as number;
      }
      w.seq = w.seq >= 0x3fffffff ? 1 : w.seq + 1;
      Atomics.store(w.i32, SEQ, w.seq);
      Atomics.notify(w.i32, SEQ);
      started.push(w);
    });
    try {
      here();
    } finally {
      for (const w of started) waitDone(w);
    }
    for (const w of started) {
      if (w.i32[FAILED]) throw new Error('GEMM pool: a worker failed to run its part');
    }
  }

  dispose(): void {
    for (const w of this.workers) {
      Atomics.store(w.i32, SEQ, STOP);
      Atomics.notify(w.i32, SEQ);
      void w.worker.terminate();
      w.scratch.release();
      // The control block is not freed: the worker may still read it until it has stopped.
    }
    this.workers.length = 0;
  }
}

function waitDone(w: PoolWorker): void {
  for (let s = 0; s < SPINS && Atomics.load(w.i32, DONE) !== w.seq; s++);
  for (;;) {
    const done = Atomics.load(w.i32, DONE);
    if (done === w.seq) return;
    Atomics.wait(w.i32, DONE, done, 1000);
  }
}
