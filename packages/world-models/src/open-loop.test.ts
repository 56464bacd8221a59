import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@vmbrl/tensor';
import pngjs from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLoopPrediction } from './open-loop.js';
import { openLoopGrid, writeOpenLoopGif, writeOpenLoopPng } from './picture.js';
import { movingSquareBatch } from './synthetic.js';
import { LatentWorldModel } from './world-model.js';

beforeAll(async () => {
  await initBackend();
});

describe('open-loop prediction', () => {
  const batch = movingSquareBatch({ batchSize: 2, length: 9, seed: 4 });
  const model = LatentWorldModel.fromPreset('debug', { actionDim: 2, seed: 3 });

  it('predicts T frames after 5 context frames and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const result = openLoopPrediction(model, batch, { context: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.horizon).toBe(4);
    expect(result.prediction.length).toBe(2 * 4 * 64 * 64 * 3);
    // Truth is frames 5..8 of each sequence.
    const frame = 64 * 64 * 3;
    expect(result.truth.subarray(0, frame)).toEqual(batch.image!.subarray(5 * frame, 6 * frame));
    expect(result.truth.subarray(4 * frame, 5 * frame)).toEqual(
      batch.image!.subarray(14 * frame, 15 * frame),
    );
    // Per-frame error recomputed in plain JS from the quantised prediction (within rounding).
    let sum = 0;
    for (let i = 0; i < frame; i += 1) {
      const d = (result.prediction[i]! - result.truth[i]!) / 255;
      sum += d * d;
    }
    expect(Math.abs(sum / frame - result.frameMse[0]!)).toBeLessThan(2e-3);
    expect(() => openLoopPrediction(model, batch, { context: 5, horizon: 5 })).toThrow(
      /exceeds the batch length 9/,
    );
  });

  it('writes truth / prediction / error rows as PNG and an animated GIF', () => {
    const result = openLoopPrediction(model, batch, { context: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'wm-open-loop-'));
    writeOpenLoopPng(join(dir, 'open-loop.png'), result);
    writeOpenLoopGif(join(dir, 'open-loop.gif'), result);
    const png = pngjs.PNG.sync.read(readFileSync(join(dir, 'open-loop.png')));
    expect([png.width, png.height]).toEqual([4 * 64, 2 * 3 * 64]);
    // Row 0 holds the truth frames; row 1 the predictions; row 2 the doubled absolute error.
    const px = (x: number, y: number) =>
      Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    const grid = openLoopGrid(result);
    for (const [x, y] of [
      [10, 10],
      [70, 30],
      [200, 100],
      [130, 150],
    ] as const) {
      expect(px(x, y)).toEqual(
        Array.from(grid.rgb.subarray((y * grid.width + x) * 3, (y * grid.width + x) * 3 + 3)),
      );
    }
    const t = (x: number, y: number, c: number) => result.truth[(y * 64 + x) * 3 + c]!;
    const p = (x: number, y: number, c: number) => result.prediction[(y * 64 + x) * 3 + c]!;
    expect(px(3, 7)).toEqual([0, 1, 2].map((c) => t(3, 7, c)));
    expect(px(3, 64 + 7)).toEqual([0, 1, 2].map((c) => p(3, 7, c)));
    expect(px(3, 128 + 7)).toEqual(
      [0, 1, 2].map((c) => Math.min(255, 2 * Math.abs(p(3, 7, c) - t(3, 7, c)))),
    );
    const gif = readFileSync(join(dir, 'open-loop.gif'));
    expect(gif.subarray(0, 6).toString('ascii')).toBe('GIF89a');
    expect(gif.readUInt16LE(6)).toBe(2 * 64);
    expect(gif.readUInt16LE(8)).toBe(3 * 64);
  });
});
