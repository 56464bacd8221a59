import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { currentBackend, getOriginalKernel, initBackend, tf } from './index.js';

/**
 * A project whose node_modules holds a tfjs-node whose native addon is missing (what pnpm
 * leaves when the install script did not run): loading it throws like the real package does.
 */
function projectWithBrokenTfjsNode(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmbrl-backend-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"user-project","private":true}');
  const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    path.join(pkg, 'package.json'),
    '{"name":"@tensorflow/tfjs-node","version":"4.22.0","main":"index.js"}',
  );
  writeFileSync(
    path.join(pkg, 'index.js'),
    'throw new Error("Cannot find module \'' + pkg + '/lib/napi-v8/tfjs_binding.node\'");\n',
  );
  return dir;
}

describe('initBackend', () => {
  const originalCwd = process.cwd();
  const project = projectWithBrokenTfjsNode();
  afterAll(() => {
    process.chdir(originalCwd);
    rmSync(project, { recursive: true, force: true });
    Reflect.deleteProperty(process.env, 'VMBRL_BACKEND');
  });

  it('rejects unknown backend names, listing the allowed ones', async () => {
    process.env.VMBRL_BACKEND = 'webgpu';
    await expect(initBackend()).rejects.toThrow(
      /VMBRL_BACKEND='webgpu': allowed values are tensorflow, wasm, cpu/,
    );
    Reflect.deleteProperty(process.env, 'VMBRL_BACKEND');
  });

  it('survives a tfjs-node without its native addon and names what to install', async () => {
    process.chdir(project);
    const error = await initBackend({ backend: 'tensorflow', log: false }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
    expect(message).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    expect(message).toMatch(/tfjs-node: Cannot find module .*tfjs_binding\.node/);
    expect(currentBackend()).toBeUndefined();
  });

  it('VMBRL_BACKEND overrides the option; the choice is logged once and kept', async () => {
    const writes: string[] = [];
    const spy = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      });
    try {
      process.env.VMBRL_BACKEND = 'cpu';
      expect(await initBackend({ backend: 'wasm' })).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      expect(await initBackend()).toBe('cpu');
      Reflect.deleteProperty(process.env, 'VMBRL_BACKEND');
      await expect(initBackend({ backend: 'wasm' })).rejects.toThrow(
        /already initialised; cannot switch to 'wasm'/,
      );
      expect(writes.filter((w) => w.includes('[vmbrl/tensor] backend: cpu'))).toHaveLength(1);
      // cpu gets the fast filter-gradient kernel too.
      const original = getOriginalKernel('Conv2DBackpropFilter', 'cpu');
      expect(original).toBeDefined();
      expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).not.toBe(
        original?.kernelFunc,
      );
    } finally {
      spy.mockRestore();
    }
  });
});
