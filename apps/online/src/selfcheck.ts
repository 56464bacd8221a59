/**
 * The installation self-check: picks a tensor backend, trains a small conv net for a few steps on
 * images rendered from a MuJoCo task, and writes what it saw. It is the main job until the PlaNet
 * agent lands; everything it runs is a real part of the library.
 */
import { resolve } from 'node:path';
import { Rng, writePng } from '@vmbrl/core';
import { makeEnv } from '@vmbrl/envs';
import { Adam, ConvEncoder, Dense, initBackend, tf } from '@vmbrl/tensor';

export interface SelfCheckOptions {
  task: string;
  seed: number;
  steps: number;
  out: string;
}

export interface SelfCheckResult {
  backend: string;
  episodeReturn: number;
  envSteps: number;
  losses: number[];
  framePath: string;
}

/** Runs the self-check; logs progress to stderr and returns what it measured. */
export async function selfCheck(options: SelfCheckOptions): Promise<SelfCheckResult> {
  const backend = await initBackend();
  const rng = new Rng(options.seed);
  const actionRng = rng.split('actions');

  // 1. Physics and rendering: one random-policy episode, keeping every 10th frame.
  const env = await makeEnv(options.task, { seed: rng.split('env').seed32() });
  const dim = env.actionSpec.shape[0];
  let step = env.reset();
  let episodeReturn = 0;
  let envSteps = 0;
  const frames: Uint8Array[] = [];
  const rewards: number[] = [];
  while (!step.last) {
    const action = Array.from({ length: dim }, () => actionRng.uniform(-1, 1));
    step = env.step(action);
    episodeReturn += step.reward;
    envSteps++;
    if (envSteps % 10 === 0) {
      frames.push(env.render(64));
      rewards.push(step.reward);
    }
  }
  const framePath = resolve(options.out, 'frame.png');
  writePng(framePath, { data: env.render(256), height: 256, width: 256 });
  env.close();
  process.stderr.write(
    `selfcheck: ${options.task}: ${envSteps} control steps, random-policy return ${episodeReturn.toFixed(1)}\n`,
  );

  // 2. Learning: regress the rendered frames' rewards from pixels with a conv encoder.
  const encoder = new ConvEncoder({ name: 'encoder', seed: rng.split('encoder').seed32() });
  const head = new Dense(1024, 1, { name: 'head', seed: rng.split('head').seed32() });
  const variables = [...encoder.trainableVariables(), ...head.trainableVariables()];
  const optimiser = new Adam({ lr: 1e-3, eps: 1e-4, clipNorm: 1000 });
  const images = tf.tidy(() =>
    tf.tensor4d(Buffer.concat(frames), [frames.length, 64, 64, 3], 'int32').div(255).sub(0.5),
  );
  const targets = tf.tensor2d(rewards, [rewards.length, 1]);
  const losses: number[] = [];
  for (let i = 0; i < options.steps; i++) {
    const { loss } = optimiser.step(
      () => tf.losses.meanSquaredError(targets, head.apply(encoder.apply(images))) as tf.Scalar,
      variables,
    );
    losses.push(loss);
    process.stderr.write(
      `selfcheck: conv-net step ${i + 1}/${options.steps} loss ${loss.toFixed(5)}\n`,
    );
  }
  tf.dispose([images, targets]);
  return { backend, episodeReturn, envSteps, losses, framePath };
}
