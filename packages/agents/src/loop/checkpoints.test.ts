import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, saveCheckpoint, tf } from '@vmbrl/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCheckpointNpz, readBestCheckpoint, retainCheckpoint } from './checkpoints.js';
import type { LoopState } from './run-dir.js';

const root = mkdtempSync(join(tmpdir(), 'vmbrl-checkpoints-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function state(episodes: number): LoopState {
  return {
    episodes,
    envSteps: episodes * 100,
    updates: 0,
    evaluations: 0,
    lastEvalReturn: null,
    streams: { actions: { seed: 0 } as never, replay: { seed: 0 } as never },
    replayFiles: [],
  };
}

/** Writes a stand-in `checkpoint/` as the loop would (a new directory each time). */
function writeCurrent(out: string, episodes: number): void {
  const dir = join(out, 'checkpoint');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'agent'), { recursive: true });
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state(episodes)));
  writeFileSync(join(dir, 'agent', 'weights.bin'), `weights after ${episodes}`);
}

const episodesOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).episodes as number;

describe('retainCheckpoint', () => {
  it('keeps the newest k and the best evaluation, as hard links', () => {
    const out = join(root, 'run');
    const config = { keepCheckpoints: 2, keepBestCheckpoint: true };
    // Evaluations at episodes 2 (return 5), 4 (9), 6 (7); none at odd episodes.
    const returns: Record<number, number> = { 2: 5, 4: 9, 6: 7 };
    for (let episodes = 1; episodes <= 6; episodes++) {
      writeCurrent(out, episodes);
      retainCheckpoint(out, config, state(episodes), returns[episodes] ?? null);
    }
    const dir = join(out, 'checkpoints');
    expect(readdirSync(dir).sort()).toEqual(['best', 'episode-000005', 'episode-000006']);
    expect(episodesOf(join(dir, 'episode-000005'))).toBe(5);
    expect(readBestCheckpoint(out)).toEqual({ evalReturn: 9, episodes: 4, envSteps: 400 });
    expect(episodesOf(join(dir, 'best'))).toBe(4);
    expect(readFileSync(join(dir, 'best', 'agent', 'weights.bin'), 'utf8')).toBe('weights after 4');
    // The newest kept one shares its files with checkpoint/.
    const a = statSync(join(dir, 'episode-000006', 'agent', 'weights.bin'));
    const b = statSync(join(out, 'checkpoint', 'agent', 'weights.bin'));
    expect(a.ino).toBe(b.ino);
  });

  it('keeps nothing when asked to keep nothing, and finishes an interrupted swap of best', () => {
    const out = join(root, 'none');
    writeCurrent(out, 1);
    retainCheckpoint(out, { keepCheckpoints: 0, keepBestCheckpoint: false }, state(1), 3);
    expect(existsSync(join(out, 'checkpoints'))).toBe(false);
    retainCheckpoint(out, { keepCheckpoints: 0, keepBestCheckpoint: true }, state(1), 3);
    // A kill between the two renames of a swap leaves best.old/ and no best/.
    const best = join(out, 'checkpoints', 'best');
    renameSync(best, `${best}.old`);
    writeCurrent(out, 2);
    retainCheckpoint(out, { keepCheckpoints: 0, keepBestCheckpoint: true }, state(2), 2);
    expect(readBestCheckpoint(out)?.episodes).toBe(1); // 2 < 3: the restored best stays
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['best']);
  });
});

/** A python3 with numpy, or null. */
function pythonWithNumpy(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import numpy']).status === 0) return python;
  }
  return null;
}
const PYTHON = pythonWithNumpy();

describe.skipIf(!PYTHON)('exportCheckpointNpz, read by numpy', () => {
  it('writes every variable under <part>/<name> with its shape and values', async () => {
    const dir = join(root, 'export-checkpoint');
    const kernel = tf.variable(tf.tensor2d([1.5, -2, 3, 4.25, 5, 6], [2, 3]));
    const count = tf.variable(tf.tensor1d([7, 8], 'int32'));
    const adam = new Adam({ lr: 0.1 });
    await saveCheckpoint(join(dir, 'agent', 'model'), {
      variables: new Map<string, tf.Variable>([
        ['encoder/kernel', kernel],
        ['steps', count],
      ]),
      optimizers: { model: adam },
    });
    const to = join(root, 'weights.npz');
    const keys = await exportCheckpointNpz(dir, to);
    expect(keys).toEqual(['model/encoder/kernel', 'model/steps']);
    const script = [
      'import json, sys, numpy as np',
      'z = np.load(sys.argv[1])',
      'print(json.dumps({k: [str(z[k].dtype), list(z[k].shape), z[k].ravel().tolist()] for k in z.files}))',
    ].join('\n');
    const r = spawnSync(PYTHON as string, ['-c', script, to], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      'model/encoder/kernel': ['float32', [2, 3], [1.5, -2, 3, 4.25, 5, 6]],
      'model/steps': ['int32', [2], [7, 8]],
    });
    kernel.dispose();
    count.dispose();
    await expect(exportCheckpointNpz(join(root, 'nothing'), to)).rejects.toThrow(
      /holds no agent\/ folder/,
    );
  });
});
