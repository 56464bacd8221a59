/**
 * Loading the MuJoCo WebAssembly module (mujoco-js) once per thread, and compiling MJCF text
 * into models with readable errors.
 */
import type { MainModule, MjModel } from 'mujoco-js';

/** The mujoco-js module type. */
export type Mujoco = MainModule;

let modulePromise: Promise<Mujoco> | undefined;
let mujocoUrl: string | undefined;

/**
 * Loads mujoco-js from `url` (its `mujoco_wasm.js`, which carries the wasm binary) instead of the
 * installed package: a page serves the file as an asset, so the bundle does not carry 11 MB of
 * MuJoCo. Call it before the first {@link getMujoco}.
 */
export function setMujocoUrl(url: string): void {
  if (modulePromise && url !== mujocoUrl) {
    throw new Error('setMujocoUrl: MuJoCo is already loaded; set its URL before the first env');
  }
  mujocoUrl = url;
}

type Loader = (options: object) => Promise<unknown>;

async function importLoader(): Promise<Loader> {
  const loaded = (
    mujocoUrl ? await import(/* @vite-ignore */ mujocoUrl) : await import('mujoco-js')
  ) as { default: Loader };
  return loaded.default;
}
let lastPrinted: string[] = [];

/**
 * Returns this thread's MuJoCo module, loading it on first use. Each worker thread has its own
 * module (and its own wasm heap).
 */
export function getMujoco(): Promise<Mujoco> {
  if (!modulePromise) {
    modulePromise = importLoader().then((loadMujoco) =>
      loadMujoco({
        // The module prints loader diagnostics; keep the last lines so errors can quote them.
        print: (line: string) => {
          lastPrinted.push(line);
          if (lastPrinted.length > 20) lastPrinted = lastPrinted.slice(-20);
        },
        printErr: (line: string) => {
          lastPrinted.push(line);
          if (lastPrinted.length > 20) lastPrinted = lastPrinted.slice(-20);
        },
      }),
    ) as Promise<Mujoco>;
    modulePromise.catch(() => {
      modulePromise = undefined; // a failed load (bad URL) can be retried
    });
  }
  return modulePromise;
}

let modelCounter = 0;

/** Reads a NUL-terminated C string from wasm memory (the memory is found through a buffer view). */
function readCString(mj: Mujoco, ptr: number, maxLen = 2000): string {
  const probe = new mj.DoubleBuffer(1);
  const memory = (probe.GetView() as Float64Array).buffer;
  probe.delete();
  const bytes = new Uint8Array(memory);
  let end = ptr;
  while (end < bytes.length && end < ptr + maxLen && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(ptr, end));
}

/**
 * Compiles MJCF text into an `MjModel`. The text is written to the wasm virtual file system
 * (the binding loads from a path). Throws an Error with MuJoCo's message on invalid XML.
 */
export function compileModel(mj: Mujoco, xml: string, name = 'model'): MjModel {
  const dir = '/vmbrl';
  try {
    mj.FS.mkdir(dir);
  } catch {
    // already exists
  }
  const path = `${dir}/${name}-${modelCounter++}.xml`;
  mj.FS.writeFile(path, xml);
  lastPrinted = [];
  let model: MjModel | null = null;
  try {
    model = mj.MjModel.loadFromXML(path);
  } catch (err) {
    const ptr = (err as { excPtr?: number }).excPtr;
    const detail = typeof ptr === 'number' ? readCString(mj, ptr).trim() : String(err);
    throw new Error(`MuJoCo could not compile model '${name}': ${detail}`);
  } finally {
    mj.FS.unlink(path);
  }
  if (!model) {
    const detail = lastPrinted.join(' ').trim() || 'unknown error';
    throw new Error(`MuJoCo could not compile model '${name}': ${detail}`);
  }
  return model;
}
