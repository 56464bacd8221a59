import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointTensors, tf } from '@vmbrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig, runOnline } from '../registry.js';
import { exportWebRun } from './export.js';
import {
  DreamSession,
  LiveSession,
  PREDICTED_FRAMES,
  loadWebExport,
  restoreWebAgent,
} from './index.js';

const FRAME = 64 * 64 * 3;
const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-web-'));
  dirs.push(dir);
  return dir;
};
const reader = (dir: string) => ({
  text: async (p: string) => readFileSync(join(dir, p), 'utf8'),
  bytes: async (p: string) => new Uint8Array(readFileSync(join(dir, p))),
});

let run: string;
let out: string;

beforeAll(async () => {
  run = temp();
  out = temp();
  const config = resolveRunConfig('planet', 'debug', 'cartpole-swingup', 3);
  await runOnline({ config, out: run, backend: 'cpu' });
  await exportWebRun(run, out);
}, 240_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('web export', () => {
  it('holds the run checkpoint weights without Adam moments, restored bit for bit', async () => {
    const saved = await readCheckpointTensors(join(run, 'checkpoint', 'agent', 'model'));
    const weights = [...saved].filter(([name]) => !name.startsWith('optimizer/'));
    const bytes = weights.reduce((sum, [, t]) => sum + t.values.byteLength, 0);
    expect(readFileSync(join(out, 'model', 'data.bin')).byteLength).toBe(bytes);
    const exported = await loadWebExport(reader(out), out);
    expect(exported.manifest.actionDim).toBe(1);
    expect(exported.episodes.length).toBe(2);
    const agent = await restoreWebAgent(exported);
    const variables = agent.model.namedVariables();
    expect(variables.size).toBe(weights.length);
    for (const [name, t] of weights) {
      expect(Array.from(variables.get(name)?.dataSync() ?? []), name).toEqual(Array.from(t.values));
    }
    await agent.dispose();
  });

  it('refuses to replace a directory that holds no web export', async () => {
    const other = temp();
    writeFileSync(join(other, 'notes.txt'), 'keep me');
    await expect(exportWebRun(run, other)).rejects.toThrow('is not empty and holds no web export');
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('names the missing or damaged file of a broken export', async () => {
    const broken = temp();
    await expect(loadWebExport(reader(broken), broken)).rejects.toThrow(
      `No web export at ${broken}: export.json cannot be read`,
    );
    const copy = temp();
    await exportWebRun(run, copy);
    rmSync(join(copy, 'model', 'data.bin'));
    await expect(loadWebExport(reader(copy), copy)).rejects.toThrow(
      `Web export ${copy} is incomplete: model/data.bin cannot be read`,
    );
    await exportWebRun(run, copy);
    const data = readFileSync(join(copy, 'model', 'data.bin'));
    data[0] = (data[0] as number) ^ 1;
    writeFileSync(join(copy, 'model', 'data.bin'), data);
    await expect(restoreWebAgent(await loadWebExport(reader(copy), copy))).rejects.toThrow(
      'is corrupt: its SHA-256 does not match the manifest',
    );
  });
});

describe('LiveSession and DreamSession', () => {
  it('plays an episode with 12 predicted frames per step; the same seed gives the same return', async () => {
    const exported = await loadWebExport(reader(out), out);
    const before = tf.memory().numTensors;
    const play = async () => {
      const live = await LiveSession.create(exported, { seed: 5 });
      const rewards: number[] = [];
      const frames: Uint8Array[] = [];
      while (!live.done) {
        const step = await live.step();
        expect(step.predicted.length).toBe(PREDICTED_FRAMES);
        for (const f of step.predicted) expect(f.length).toBe(FRAME);
        expect(step.predictedRewards.length).toBe(PREDICTED_FRAMES);
        rewards.push(step.reward);
        frames.push(step.frame);
      }
      const total = live.episodeReturn;
      await live.dispose();
      return { rewards, frames, total };
    };
    const a = await play();
    const b = await play();
    // debug preset: 10 agent steps per episode.
    expect(a.rewards.length).toBe(10);
    expect(a.total).toBeCloseTo(
      a.rewards.reduce((s, r) => s + r, 0),
      10,
    );
    expect(b.total).toBe(a.total);
    expect(a.frames[0]).not.toEqual(a.frames[9]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('dreams from a real state: same actions, same frames; rewards add up', async () => {
    const exported = await loadWebExport(reader(out), out);
    const before = tf.memory().numTensors;
    const dreamOnce = async () => {
      const agent = await restoreWebAgent(exported);
      const dream = DreamSession.start(agent, exported.episodes[0] as never, 3);
      expect(dream.startFrame).toEqual(
        (exported.episodes[0]?.images as Uint8Array).slice(3 * FRAME, 4 * FRAME),
      );
      const steps = [[1], [1], [-1], [0.5]].map((a) => dream.step(a));
      expect(() => dream.step([1, 2])).toThrow('the action has 2 values, expected 1');
      dream.dispose();
      await agent.dispose();
      return steps;
    };
    const a = await dreamOnce();
    const b = await dreamOnce();
    expect(a.map((s) => s.frame)).toEqual(b.map((s) => s.frame));
    expect(a[3]?.return).toBeCloseTo(
      a.reduce((s, x) => s + x.reward, 0),
      5,
    );
    expect(a[0]?.frame).not.toEqual(a[3]?.frame);
    expect(tf.memory().numTensors).toBe(before);
  });
});
