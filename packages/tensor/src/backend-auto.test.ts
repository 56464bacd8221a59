import { describe, expect, it } from 'vitest';
import { initBackend, tf } from './index.js';

describe('initBackend (automatic)', () => {
  it('falls back to wasm when no native TensorFlow is installed, and wasm computes', async () => {
    Reflect.deleteProperty(process.env, 'VMBRL_BACKEND');
    const name = await initBackend({ log: false });
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])));
    expect(Array.from(y.dataSync())).toEqual([11]);
    y.dispose();
  });
});
