import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  MLP,
  checkpointExists,
  initBackend,
  loadCheckpoint,
  saveCheckpoint,
  tf,
} from './index.js';

const root = mkdtempSync(path.join(tmpdir(), 'vmbrl-ckpt-'));

function snapshot(vars: Map<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries([...vars].map(([k, v]) => [k, Array.from(v.dataSync())]));
}

async function trainedModel(seed: number) {
  const model = new MLP(3, [4], 2, { name: 'net', seed });
  const adam = new Adam({ lr: 0.01, clipNorm: 10 });
  const x = tf.tensor2d([[1, 2, 3]]);
  for (let i = 0; i < 3; i++)
    adam.step(() => tf.sum(tf.square(model.apply(x))) as tf.Scalar, model.trainableVariables());
  x.dispose();
  return { model, adam };
}

describe('checkpoints', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('round-trips variables, optimiser state and meta; training continues identically', async () => {
    const dir = path.join(root, 'a');
    const { model, adam } = await trainedModel(1);
    expect(await checkpointExists(dir)).toBe(false);
    await saveCheckpoint(dir, {
      variables: model.namedVariables(),
      optimizers: { model: adam },
      meta: { step: 3 },
    });
    expect(await checkpointExists(dir)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const restored = new MLP(3, [4], 2, { name: 'net', seed: 2 }); // different init
    const restoredAdam = new Adam({ lr: 0.01, clipNorm: 10 });
    const { meta } = await loadCheckpoint(dir, {
      variables: restored.namedVariables(),
      optimizers: { model: restoredAdam },
    });
    expect(meta).toEqual({ step: 3 });
    expect(snapshot(restored.namedVariables())).toEqual(snapshot(model.namedVariables()));
    expect(restoredAdam.iterations).toBe(3);
    const x = tf.tensor2d([[0.5, -1, 2]]);
    const loss = (m: MLP) => () => tf.sum(tf.square(m.apply(x))) as tf.Scalar;
    adam.step(loss(model), model.trainableVariables());
    restoredAdam.step(loss(restored), restored.trainableVariables());
    expect(snapshot(restored.namedVariables())).toEqual(snapshot(model.namedVariables()));

    // A second save replaces the data file and leaves exactly one.
    await saveCheckpoint(dir, {
      variables: model.namedVariables(),
      optimizers: { model: adam },
      meta: { step: 4 },
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('data-'))).toHaveLength(1);
    x.dispose();
  });

  it('names the variable and both shapes on a shape mismatch, and assigns nothing', async () => {
    const dir = path.join(root, 'b');
    const { model } = await trainedModel(3);
    await saveCheckpoint(dir, { variables: model.namedVariables() });
    const wider = new MLP(3, [5], 2, { name: 'net', seed: 4 });
    const before = snapshot(wider.namedVariables());
    await expect(loadCheckpoint(dir, { variables: wider.namedVariables() })).rejects.toThrow(
      /variable 'net\/h0\/kernel' has shape \[3,4\] in the checkpoint but \[3,5\] in the model/,
    );
    expect(snapshot(wider.namedVariables())).toEqual(before);
    const renamed = new MLP(3, [4], 2, { name: 'other', seed: 4 });
    await expect(loadCheckpoint(dir, { variables: renamed.namedVariables() })).rejects.toThrow(
      /has no variable 'other\/h0\/kernel'/,
    );
  });

  it('names the file when the data is truncated or corrupt, or the manifest is broken', async () => {
    const dir = path.join(root, 'c');
    const { model } = await trainedModel(5);
    await saveCheckpoint(dir, { variables: model.namedVariables() });
    const dataFile = path.join(dir, readdirSync(dir).find((f) => f.startsWith('data-')) as string);
    const original = readFileSync(dataFile);
    const vars = model.namedVariables();

    truncateSync(dataFile, original.byteLength - 10);
    await expect(loadCheckpoint(dir, { variables: vars })).rejects.toThrow(
      new RegExp(
        `${escapeRegExp(dataFile)} is truncated or corrupt: ${original.byteLength - 10} bytes`,
      ),
    );
    const flipped = Buffer.from(original);
    flipped[7] = (flipped[7] as number) ^ 0xff;
    writeFileSync(dataFile, flipped);
    await expect(loadCheckpoint(dir, { variables: vars })).rejects.toThrow(
      new RegExp(`${escapeRegExp(dataFile)} is corrupt`),
    );
    writeFileSync(dataFile, original);
    const manifest = path.join(dir, 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').slice(0, 40));
    await expect(loadCheckpoint(dir, { variables: vars })).rejects.toThrow(
      new RegExp(`manifest ${escapeRegExp(manifest)} is truncated or corrupt`),
    );
    await expect(loadCheckpoint(path.join(root, 'missing'), { variables: vars })).rejects.toThrow(
      /No checkpoint at/,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
