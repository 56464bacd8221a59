/**
 * Checks every design's tests run (shapes, a short fit, flat tensor counts, checkpoint round
 * trips). For tests only; not exported from the package.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@vmbrl/tensor';
import { expect, it } from 'vitest';
import { movingSquareBatch } from '../synthetic.js';
import type { SequenceBatch } from '../types.js';
import type { StudyModel, StudyStep } from './types.js';

/** Action dimension of the moving-square video. */
export const A = 2;

/** A moving-square batch (actions 2-D, reward by horizontal position). */
export function squares(batchSize: number, length: number, seed: number): SequenceBatch {
  return movingSquareBatch({ batchSize, length, seed });
}

/** Step t of sequence 0 of a batch, as an episode would show it. */
export function stepOf(batch: SequenceBatch, t: number): StudyStep {
  const frame = 64 * 64 * 3;
  return {
    image: (batch.image as Uint8Array).slice(t * frame, (t + 1) * frame),
    action: batch.action.slice(t * A, (t + 1) * A),
    reward: batch.reward[t] as number,
  };
}

/** observe two steps, score J x H sequences both ways, predict; asserts the shapes. */
export function checkShapes(model: StudyModel, horizon: number): void {
  const batch = squares(3, model.sequenceLength, 1);
  const first = model.observe(null, stepOf(batch, 0));
  const belief = model.observe(first, stepOf(batch, 1));
  model.disposeBelief(first);
  const J = 5;
  const scorer = model.scorer(belief);
  expect(scorer.actionDim).toBe(A);
  const actions = tf.randomUniform([J, horizon, A], -1, 1, 'float32', 3) as tf.Tensor3D;
  const returns = scorer.scoreTensor(actions);
  expect(returns.shape).toEqual([J]);
  const values = returns.dataSync();
  for (const v of values) expect(Number.isFinite(v)).toBe(true);
  expect(scorer.score(Float32Array.from(actions.dataSync()), J, horizon).length).toBe(J);
  tf.dispose([actions, returns]);
  model.disposeBelief(belief);
  const context = model.sequenceLength - horizon;
  const predicted = model.predict(batch, context, horizon);
  expect(predicted.rewards.shape).toEqual([3, horizon]);
  if (model.predictsFrames) expect(predicted.frames?.shape).toEqual([3, horizon, 64, 64, 3]);
  else expect(predicted.frames).toBeUndefined();
  tf.dispose([predicted.rewards, predicted.frames ?? []].flat());
}

/**
 * `steps` updates on one fixed batch: the logged `term` (the total loss by default) falls (mean
 * of the last three below `ratio` x the first three) and after the first update (which creates
 * Adam's slots) the tensor count stays flat, as it does over a round of observe, score and
 * dispose.
 */
export function checkFit(
  model: StudyModel,
  steps: number,
  ratio: number,
  term = 'loss',
  seed = 2,
): number[] {
  const batch = squares(model.batchSize, model.sequenceLength, seed);
  const losses = [model.trainStep(batch)[term] as number];
  const before = tf.memory().numTensors;
  for (let i = 1; i < steps; i += 1) losses.push(model.trainStep(batch)[term] as number);
  expect(tf.memory().numTensors).toBe(before);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  expect(mean(losses.slice(-3)), `losses ${losses.map((l) => l.toFixed(4))}`).toBeLessThan(
    ratio * mean(losses.slice(0, 3)),
  );
  let belief = model.observe(null, stepOf(batch, 0));
  const next = model.observe(belief, stepOf(batch, 1));
  model.disposeBelief(belief);
  belief = next;
  model.scorer(belief).score(new Float32Array(4 * 3 * A).fill(0.3), 4, 3);
  model.disposeBelief(belief);
  expect(tf.memory().numTensors).toBe(before);
  return losses;
}

/** Trains a step, saves, loads into `fresh` (built with another seed): same predictions, same next step. */
export async function checkRoundTrip(model: StudyModel, fresh: StudyModel, horizon: number) {
  const batch = squares(2, model.sequenceLength, 4);
  model.trainStep(batch);
  const dir = join(mkdtempSync(join(tmpdir(), 'study-ckpt-')), 'checkpoint');
  await model.save(dir);
  await fresh.load(dir);
  const context = model.sequenceLength - horizon;
  const read = (m: StudyModel) => {
    const p = m.predict(batch, context, horizon);
    const out = {
      rewards: Array.from(p.rewards.dataSync()),
      frames: p.frames ? Array.from(p.frames.dataSync().slice(0, 5000)) : [],
    };
    tf.dispose([p.rewards, p.frames ?? []].flat());
    return out;
  };
  expect(read(fresh)).toEqual(read(model));
  expect(fresh.trainStep(batch).loss).toBe(model.trainStep(batch).loss);
}

/**
 * The largest |gradient| of the loss term `term` for each variable (0 when it gets none).
 * `lossOf` evaluates the model's loss terms on fixed inputs.
 */
export function gradientMagnitudes(
  variables: Map<string, tf.Variable>,
  term: () => tf.Scalar,
): Map<string, number> {
  const names = [...variables.keys()];
  const list = names.map((n) => variables.get(n) as tf.Variable);
  const { value, grads } = tf.variableGrads(term, list);
  const out = new Map<string, number>();
  names.forEach((name, i) => {
    const g = grads[(list[i] as tf.Variable).name];
    out.set(name, g ? (tf.max(tf.abs(g)).dataSync()[0] as number) : 0);
  });
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/**
 * One update moves every variable: each gets a non-zero gradient from some loss term, so no op
 * on the way lacks a gradient on this backend (Adam leaves a variable with a zero gradient
 * exactly where it was).
 */
export function checkEveryVariableMoves(model: StudyModel): void {
  const before = new Map([...model.namedVariables()].map(([name, v]) => [name, v.clone()]));
  model.trainStep(squares(model.batchSize, model.sequenceLength, 6));
  const still: string[] = [];
  for (const [name, v] of model.namedVariables()) {
    const old = before.get(name) as tf.Tensor;
    if ((tf.max(tf.abs(tf.sub(v, old))).dataSync()[0] as number) === 0) still.push(name);
    old.dispose();
  }
  expect(still, 'variables an update left unchanged').toEqual([]);
}

/** How {@link conformanceTests} exercises a design. */
export interface ConformanceOptions {
  /** Horizon of the shape and round-trip checks. */
  horizon: number;
  /** Updates of the fit on one batch, the ratio the checked term must fall by, and the term. */
  fit: { steps: number; ratio: number; term?: string };
  /** The model of the fit, when it differs from `build(1)` (e.g. a larger learning rate). */
  buildForFit?: () => StudyModel;
  /** The model whose update must move every variable, when it differs from `build(1)`. */
  buildForMoves?: () => StudyModel;
}

/**
 * The tests every design passes, registered with vitest: shapes, a short fit with flat tensor
 * counts, one update moving every variable, and a checkpoint round trip. `build(seed)` makes a
 * fresh model.
 */
export function conformanceTests(
  name: string,
  build: (seed: number) => StudyModel,
  options: ConformanceOptions,
): void {
  const { horizon, fit } = options;
  it(`${name}: shapes of the scorer and of open-loop predictions`, () => {
    const model = build(1);
    checkShapes(model, horizon);
    model.dispose();
  });
  it(`${name}: the loss falls on a fixed batch with a flat tensor count`, () => {
    const model = options.buildForFit?.() ?? build(1);
    checkFit(model, fit.steps, fit.ratio, fit.term);
    model.dispose();
  });
  it(`${name}: one update moves every variable (no gradient missing on this backend)`, () => {
    const model = options.buildForMoves?.() ?? build(1);
    checkEveryVariableMoves(model);
    model.dispose();
  });
  it(`${name}: save and load reproduce predictions and the next update`, async () => {
    const [model, fresh] = [build(1), build(9)];
    await checkRoundTrip(model, fresh, horizon);
    model.dispose();
    fresh.dispose();
  });
}
