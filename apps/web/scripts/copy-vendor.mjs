#!/usr/bin/env node
// Copies the binaries the page loads by URL into public/vendor/ (not committed): MuJoCo's
// mujoco_wasm.js and tfjs-backend-wasm's three .wasm builds.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const out = new URL('../public/vendor/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const tfjsWasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
for (const file of [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
]) {
  copyFileSync(join(tfjsWasm, file), join(out, file));
}
const mujoco = join(dirname(require.resolve('mujoco-js')), 'mujoco_wasm.js');
copyFileSync(mujoco, join(out, 'mujoco_wasm.js'));
console.log(`copy-vendor: tfjs wasm binaries and mujoco_wasm.js -> ${out}`);
