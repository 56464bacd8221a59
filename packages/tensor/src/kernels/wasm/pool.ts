import { Worker } from 'node:worker_threads';
import { HeapScratch, STACK_BYTES, type WasmHeapModule, allocate, stackTop } from './heap.js';
import { KERNEL_FUNCTIONS, type KernelJob, type WasmMemory, type WasmModule } from './wasm-api.js';

/**
 * Worker threads that run parts of one kernel call on the shared heap of tfjs' threaded wasm
 * build.
 *
 * Each worker instantiates the same module on the same shared memory and waits on its own
 * control block on the heap: the main thread writes the function index and its arguments (as
 * float64, exact for the int32 ones), bumps SEQ and wakes it; the worker runs the call and sets
 * DONE = SEQ. No messages, no copies: a hand-off costs two futex wake-ups. After a job a worker
 * spins briefly before it sleeps, because calls come in bursts (a GRU step, a dense stack)
 * separated by short element-wise kernels.
 */

/** Control block: SEQ, DONE, FAILED, FN as int32, then the arguments as float64. */
const SEQ = 0;
const DONE = 1;
const FAILED = 2;
const FN = 3;
/** Index of the first argument in the Float64Array view, and the most arguments a call has. */
const ARGS = 2;
const MAX_ARGS = 30;
const CONTROL_BYTES = 8 * (ARGS + MAX_ARGS);
const STOP = -1;
/** Polls of the control word before Atomics.wait, in the worker and the main thread. */
const SPINS = 20000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, stack, functions } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
exports.__stack_pointer.value = stack;
const fns = functions.map((name) => exports[name]);
const i32 = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
const f64 = new Float64Array(memory.buffer, control, ${CONTROL_BYTES / 8});
let seen = 0;
for (;;) {
  for (let s = 0; s < ${SPINS} && Atomics.load(i32, ${SEQ}) === seen; s++);
  while (Atomics.load(i32, ${SEQ}) === seen) Atomics.wait(i32, ${SEQ}, seen);
  seen = Atomics.load(i32, ${SEQ});
  if (seen === ${STOP}) break;
  try {
    const count = i32[${FN}] >>> 8;
    const args = Array.from(f64.subarray(${ARGS}, ${ARGS} + count));
    fns[i32[${FN}] & 255](...args);
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
  i32: Int32Array;
  f64: Float64Array;
  seq: number;
  scratch: HeapScratch;
}

export class KernelPool {
  private readonly workers: PoolWorker[] = [];

  constructor(module: WasmModule, memory: WasmMemory, heap: WasmHeapModule, count: number) {
    for (let i = 0; i < count; i++) {
      // Neither block is ever freed: a worker may read them until it has stopped.
      const control = allocate(heap, CONTROL_BYTES, 'a worker control block');
      const stack = stackTop(allocate(heap, STACK_BYTES, 'a worker stack'));
      const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
      i32.fill(0);
      const f64 = new Float64Array(memory.buffer, control, CONTROL_BYTES / 8);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control, stack, functions: [...KERNEL_FUNCTIONS] },
      });
      // A parked worker must not keep the process alive.
      worker.unref();
      this.workers.push({ worker, i32, f64, seq: 0, scratch: new HeapScratch(heap) });
    }
  }

  /** Runs `jobs` on the workers (one each) and `here` on this thread meanwhile. */
  run(jobs: KernelJob[], here: () => void): void {
    if (jobs.length > this.workers.length) {
      throw new Error(`wasm kernel pool: ${jobs.length} jobs for ${this.workers.length} workers`);
    }
    const started: PoolWorker[] = [];
    jobs.forEach((job, i) => {
      const w = this.workers[i] as PoolWorker;
      const args = [...job.args, job.work > 0 ? w.scratch.get(job.work) : 0];
      if (args.length > MAX_ARGS) throw new Error(`wasm kernel pool: ${args.length} arguments`);
      w.f64.set(args, ARGS);
      w.i32[FN] = KERNEL_FUNCTIONS.indexOf(job.fn) | (args.length << 8);
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
      if (w.i32[FAILED]) throw new Error('wasm kernel pool: a worker failed to run its part');
    }
  }

  dispose(): void {
    for (const w of this.workers) {
      Atomics.store(w.i32, SEQ, STOP);
      Atomics.notify(w.i32, SEQ);
      void w.worker.terminate();
      w.scratch.release();
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
