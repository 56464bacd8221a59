import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@vmbrl/core';
import { type MetricsRow, readMetrics } from '@vmbrl/metrics';
import type { EpisodeBuffer } from '@vmbrl/replay';
import { initBackend, tf } from '@vmbrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineProgress } from '../loop/progress.js';
import { readLoopState } from '../loop/run-dir.js';
import type { PlanetRunConfig } from '../planet/config.js';
import { resolveRunConfig, runOnline } from '../registry.js';
import { collectEpisodes } from '../test-helpers/collect-episodes.js';
import { DreamerAgent, type DreamerState } from './agent.js';
import type { DreamerConfig, DreamerRunConfig } from './config.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-dreamer-'));
  dirs.push(dir);
  return dir;
}
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const debug = resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 5) as DreamerRunConfig;

function debugAgent(overrides: Partial<DreamerConfig> = {}): DreamerAgent {
  return new DreamerAgent({
    actionDim: 1,
    seed: 11,
    model: debug.model,
    dreamer: { ...debug.dreamer, ...overrides },
    explorationNoise: 0.3,
  });
}

function collect(agent: DreamerAgent, episodes: number): Promise<EpisodeBuffer> {
  return collectEpisodes({ agent, episodes, actionRepeat: 2, timeLimit: 16, capacitySteps: 1000 });
}

function snapshot(vars: Map<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...vars].map(([name, v]) => [name, v.dataSync().slice() as Float32Array]));
}

function rowsOf(out: string): MetricsRow[] {
  return readMetrics(join(out, 'metrics.jsonl')).rows.map((row) => {
    const { updatesPerSecond: _u, planSecondsPerStep: _p, ...rest } = row;
    return rest as MetricsRow;
  });
}

describe('Dreamer config', () => {
  it('paper preset: the values of the Dreamer paper (appendix B)', () => {
    const paper = resolveRunConfig('dreamer', 'paper', 'cheetah-run', 0) as DreamerRunConfig;
    expect(paper).toMatchObject({
      agent: 'dreamer',
      actionRepeat: 2,
      seedEpisodes: 5,
      updatesPerEpisode: 100,
      batchSize: 50,
      chunkLength: 50,
      explorationNoise: 0.3,
    });
    expect(paper.dreamer).toMatchObject({
      horizon: 20,
      gamma: 0.99,
      lambda: 0.95,
      actorLr: 3e-4,
      valueLr: 3e-4,
      targetUpdateEvery: 100,
      valueEstimate: 'lambda',
      actorHidden: [300, 300, 300],
      valueHidden: [300, 300, 300],
      // The paper's loss and Keras' Adam: no entropy bonus.
      actorEntropy: 0,
      actorInitStd: 5,
      adamEps: 1e-7,
    });
    // PlaNet's world model and its training (same loss, same batch).
    const planet = resolveRunConfig('planet', 'paper', 'cheetah-run', 0) as PlanetRunConfig;
    expect(paper.model).toEqual(planet.model);
    expect('dreamer' in planet).toBe(false);
    expect('planner' in paper).toBe(false);
  });

  it('quick preset: the settings of the documented runs (docs/RESULTS.md, action repeat 4 since 2026-12-04)', () => {
    const quick = resolveRunConfig('dreamer', 'quick', 'cartpole-swingup', 0) as DreamerRunConfig;
    expect(quick).toMatchObject({
      actionRepeat: 4,
      seedEpisodes: 5,
      pretrainUpdates: 1000,
      updatesPerEpisode: 100,
      batchSize: 8,
      chunkLength: 32,
    });
    expect(quick.model).toMatchObject({ deterSize: 128, stochSize: 30, imageEvery: 2 });
    expect(quick.dreamer).toMatchObject({ horizon: 10, actorEntropy: 3e-3, actorInitStd: 1 });
    // The paper's 2 on every other task and preset (4 was measured on cartpole-swingup only).
    expect(resolveRunConfig('dreamer', 'quick', 'walker-walk', 0).actionRepeat).toBe(2);
    expect(resolveRunConfig('dreamer', 'paper', 'cartpole-swingup', 0).actionRepeat).toBe(2);
    // PlaNet's quick keeps decoding every step and has no pretraining.
    const planet = resolveRunConfig('planet', 'quick', 'cartpole-swingup', 0) as PlanetRunConfig;
    expect([planet.model.imageEvery, planet.pretrainUpdates]).toEqual([1, 0]);
  });

  it('rejects bad ablation values with the field and what is allowed', () => {
    expect(() =>
      resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
        dreamer: { valueEstimate: 'td' as never },
      }),
    ).toThrow(/dreamer\.valueEstimate = "td" is invalid; allowed: lambda, reward, n-step/);
    expect(() =>
      resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
        dreamer: { horizon: 1 },
      }),
    ).toThrow(/dreamer\.horizon = 1 is invalid; allowed: an integer >= 2/);
    expect(() =>
      resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
        dreamer: { actorEntropy: -0.1, adamEps: 1e-5 },
      }),
    ).toThrow(/dreamer\.actorEntropy = -0.1 is invalid; allowed: a finite number >= 0/);
    expect(() =>
      resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
        dreamer: { actorInitStd: 0 },
      }),
    ).toThrow(/dreamer\.actorInitStd = 0 is invalid/);
    expect(() =>
      resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
        dreamer: { adamEps: 0 },
      }),
    ).toThrow(/dreamer\.adamEps = 0 is invalid; allowed: a finite number > 0/);
    const nStep = resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 0, {
      dreamer: { horizon: 2, valueEstimate: 'n-step' },
    }) as DreamerRunConfig;
    expect(nStep.dreamer).toMatchObject({ horizon: 2, valueEstimate: 'n-step', nStep: 5 });
    expect(() => resolveRunConfig('dreamer', 'fast' as never, 'cartpole-swingup', 0)).toThrow(
      /preset = "fast" is invalid; allowed: paper, quick, debug/,
    );
  });
});

describe('DreamerAgent', () => {
  it('the behaviour update changes the actor and the value model, never the world model', async () => {
    const agent = debugAgent();
    const buffer = await collect(agent, 2);
    const batch = buffer.sample(2, 6, new Rng(3), ['image']);
    const world = snapshot(agent.model.namedVariables());
    const actor = snapshot(agent.behaviour.actor.namedVariables());
    const value = snapshot(agent.behaviour.value.namedVariables());
    const metrics = agent.behaviourUpdate(batch);
    expect(Number.isFinite(metrics.actorLoss)).toBe(true);
    expect(metrics.actorGradNorm).toBeGreaterThan(0);
    for (const [name, v] of agent.model.namedVariables()) {
      expect(v.dataSync(), name).toEqual(world.get(name));
    }
    const changed = (before: Map<string, Float32Array>, now: Map<string, tf.Variable>) =>
      [...now].filter(([name, v]) => {
        const old = before.get(name) as Float32Array;
        return v.dataSync().some((x, i) => x !== old[i]);
      }).length;
    expect(changed(actor, agent.behaviour.actor.namedVariables())).toBeGreaterThan(0);
    expect(changed(value, agent.behaviour.value.namedVariables())).toBeGreaterThan(0);
    // A whole train step does change the world model (it is trained as PlaNet's).
    const trainMetrics = agent.train(batch);
    expect(trainMetrics).toHaveProperty('loss');
    expect(trainMetrics).toHaveProperty('actorLoss');
    expect(changed(world, agent.model.namedVariables())).toBeGreaterThan(0);
    // Pretraining updates the world model alone: actor and value stay as they are.
    const actorNow = snapshot(agent.behaviour.actor.namedVariables());
    const valueNow = snapshot(agent.behaviour.value.namedVariables());
    const worldNow = snapshot(agent.model.namedVariables());
    expect(agent.trainWorldModel(batch)).not.toHaveProperty('actorLoss');
    expect(changed(worldNow, agent.model.namedVariables())).toBeGreaterThan(0);
    expect(changed(actorNow, agent.behaviour.actor.namedVariables())).toBe(0);
    expect(changed(valueNow, agent.behaviour.value.namedVariables())).toBe(0);
    await agent.dispose();
  });

  it('imagines from all B*L posterior states', async () => {
    const agent = debugAgent();
    const buffer = await collect(agent, 1);
    const start = agent.startStates(buffer.sample(3, 5, new Rng(0), ['image']));
    expect(start.stoch.shape).toEqual([15, agent.model.core.stochSize]);
    expect(start.deter?.shape).toEqual([15, agent.model.core.deterSize]);
    tf.dispose([start.stoch, start.mean, start.std, start.deter as tf.Tensor]);
    await agent.dispose();
  });

  it('the gradient of imagined rewards w.r.t. the actions matches central finite differences', async () => {
    // What the actor loss backpropagates through: shift every pre-tanh action mean by c and
    // compare d/dc mean(r) by autodiff with (f(c + h) - f(c - h)) / 2h under the same noise.
    const agent = debugAgent();
    const buffer = await collect(agent, 1);
    const start = agent.startStates(buffer.sample(2, 5, new Rng(1), ['image']));
    const rng = agent.model.getRngState();
    const imaginedReward = (c: tf.Tensor) => {
      agent.model.setRngState(rng);
      const rolled = agent.model.imagine(
        start,
        (f) => tf.tanh(tf.add(agent.behaviour.actor.distribution(f).base.mean, c)) as tf.Tensor2D,
        4,
      );
      const flat = tf.reshape(rolled.features, [-1, agent.model.featureSize]) as tf.Tensor2D;
      return tf.mean(agent.model.predictReward(flat)) as tf.Scalar;
    };
    // h small enough that no ReLU of the model switches inside [c - h, c + h].
    for (const c of [-0.5, 0.3]) {
      const h = 1e-3;
      const [grad, plus, minus] = tf.tidy(() => [
        tf.grad(imaginedReward)(tf.scalar(c)).dataSync()[0] as number,
        imaginedReward(tf.scalar(c + h)).dataSync()[0] as number,
        imaginedReward(tf.scalar(c - h)).dataSync()[0] as number,
      ]);
      const numeric = (plus - minus) / (2 * h);
      expect(Math.abs(grad)).toBeGreaterThan(1e-6);
      expect(Math.abs(grad - numeric)).toBeLessThan(0.02 * Math.abs(numeric) + 1e-5);
    }
    tf.dispose([start.stoch, start.mean, start.std, start.deter as tf.Tensor]);
    await agent.dispose();
  });

  it('acts with the mode in evaluation and mode + N(0, 0.3) noise in training', async () => {
    const agent = debugAgent();
    const frame = new Uint8Array(64 * 64 * 3).fill(120);
    const model = agent.model.getRngState();
    const greedy = await agent.policy({ image: frame }, null, { explore: false });
    agent.model.setRngState(model);
    const noisy = await agent.policy({ image: frame }, null, { explore: true });
    // Same filtered belief (same seeds) -> the same mode, from the actor's tanh(mean).
    const features = tf.concat([greedy.state.belief.deter!, greedy.state.belief.stoch], -1);
    const mode = agent.behaviour.actor.mode(features);
    expect(greedy.action[0]).toBeCloseTo(mode.dataSync()[0] as number, 6);
    expect(noisy.action[0]).not.toBe(greedy.action[0]);
    expect(Math.abs((noisy.action[0] as number) - (greedy.action[0] as number))).toBeLessThan(2);
    tf.dispose([features, mode]);
    agent.disposeState(greedy.state);
    agent.disposeState(noisy.state);
    await agent.dispose();
  });

  it('an update plus acting steps leaves the tensor count unchanged', async () => {
    for (const valueEstimate of ['lambda', 'reward', 'n-step'] as const) {
      const agent = debugAgent({ valueEstimate });
      const buffer = await collect(agent, 2);
      const rng = new Rng(1);
      const frame = new Uint8Array(64 * 64 * 3).fill(90);
      const round = async () => {
        const metrics = agent.train(buffer.sample(2, 6, rng, ['image']));
        expect('valueLoss' in metrics).toBe(valueEstimate !== 'reward');
        let state: DreamerState | null = null;
        for (let t = 0; t < 3; t++) {
          ({ state } = await agent.policy({ image: frame }, state, { explore: t % 2 === 0 }));
        }
        agent.disposeState(state);
      };
      await round();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) await round();
      expect(tf.memory().numTensors).toBe(before);
      await agent.dispose();
    }
  });
});

describe('runOnline --agent dreamer (debug)', () => {
  const config = resolveRunConfig('dreamer', 'debug', 'cartpole-swingup', 5, { maxEpisodes: 5 });
  let reference: MetricsRow[] | undefined;

  it('completes and writes the run directory', async () => {
    const out = tempDir();
    const result = await runOnline({ config, out, backend: 'cpu' });
    // S=2 random episodes, then 3 with the actor; 10 agent steps x R=2; C=2 updates each.
    expect(result.stoppedBy).toBe('budget');
    expect(result.state).toMatchObject({ episodes: 5, envSteps: 5 * 10 * 2, updates: 3 * 2 });
    const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(saved).toMatchObject({ ...config, backend: 'cpu' });
    const rows = rowsOf(out);
    const train = rows.filter((r) => r.kind === 'train');
    expect(train.map((r) => r.updates)).toEqual([2, 4, 6]);
    for (const row of train) {
      for (const key of ['loss', 'actorLoss', 'valueLoss', 'meanReturn']) {
        expect(Number.isFinite(row[key] as number), key).toBe(true);
      }
    }
    // After episodes 2 and 4 (every 2), and the final weights' after episode 5.
    expect(rows.filter((r) => r.kind === 'eval').map((r) => r.step)).toEqual([40, 80, 100]);
    for (const file of ['report.html', 'videos/open-loop.gif', 'plots/eval-return.svg']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const agentDir = join(out, 'checkpoint', 'agent');
    expect(readdirSync(agentDir).sort()).toEqual(['agent.json', 'behaviour', 'model']);
    reference = rows;
  });

  it('an interrupt mid-iteration then a resume continues exactly', async () => {
    expect(reference).toBeDefined();
    const out = tempDir();
    const controller = new AbortController();
    const first = await runOnline({
      config,
      out,
      backend: 'cpu',
      signal: controller.signal,
      onProgress: (p: OnlineProgress) => {
        if (p.phase === 'train' && p.episodes === 3 && p.updates === 3) controller.abort();
      },
    });
    expect(first.stoppedBy).toBe('signal');
    expect(readLoopState(join(out, 'checkpoint'))).toMatchObject({ episodes: 3, updates: 2 });
    const second = await runOnline({ config, out, backend: 'cpu' });
    expect(second.resumed).toBe(true);
    expect(second.stoppedBy).toBe('budget');
    // Same returns, world-model and behaviour losses as the uninterrupted run (cpu backend):
    // weights, both behaviour Adams, the slow value copy and every random stream were restored.
    expect(rowsOf(out)).toEqual(reference);
  });

  it('after SIGKILL the next run continues exactly from the last checkpoint', async () => {
    expect(reference).toBeDefined();
    const out = tempDir();
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `${out}-child.mjs`; // outside the run directory, which refuses foreign files
    // The child runs the built package (turbo builds it before the tests).
    writeFileSync(
      script,
      `import { runOnline } from ${JSON.stringify(join(here, '..', '..', 'dist', 'index.js'))};
await runOnline({ config: JSON.parse(process.argv[2]), out: process.argv[3], backend: 'cpu' });`,
    );
    const child = spawn(process.execPath, [script, JSON.stringify(config), out], {
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('exit', done));
    const state = join(out, 'checkpoint', 'state.json');
    // Kill as soon as the checkpoint after the first trained episode is there.
    while (!existsSync(state) || readLoopState(join(out, 'checkpoint')).episodes < 3) {
      if (child.exitCode !== null) throw new Error('the child run ended before it was killed');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const resumed = await runOnline({ config, out, backend: 'cpu' });
    expect(resumed.resumed).toBe(true);
    expect(rowsOf(out)).toEqual(reference);
  });
});
