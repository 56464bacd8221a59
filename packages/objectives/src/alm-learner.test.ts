import { initBackend, tf } from '@vmbrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AlmConfig, almPaperConfig, explorationStd, resolveAlmConfig } from './alm-config.js';

/** Small networks for fast tests (the sizes of the ALM agent's `debug` preset). */
const SMALL: Partial<AlmConfig> = {
  latentDim: 8,
  hidden: [32, 32],
  modelHidden: [32, 32],
  exploration: { start: 1, end: 0.1, duration: 1000 },
};
import { AlmLearner } from './alm-learner.js';
import { AlmNetworks } from './alm-networks.js';
import { constantNoise } from './noise.js';
import { TargetNetwork } from './target-network.js';

function snapshot(vars: Iterable<tf.Variable>): Float32Array[] {
  return [...vars].map((v) => v.dataSync().slice() as Float32Array);
}

function maxChange(before: Float32Array[], vars: Iterable<tf.Variable>): number {
  let max = 0;
  [...vars].forEach((v, i) => {
    const now = v.dataSync();
    const old = before[i] as Float32Array;
    for (let j = 0; j < now.length; j++)
      max = Math.max(max, Math.abs((now[j] as number) - (old[j] as number)));
  });
  return max;
}

/** Random replay-shaped batches: states S = 4, actions A = 2, K = 3, N = 8. */
function batches(seed: number) {
  const k = 3;
  const n = 8;
  return {
    sequence: {
      states: tf.randomNormal([k + 1, n, 4], 0, 1, 'float32', seed),
      actions: tf.randomUniform([k, n, 2], -1, 1, 'float32', seed + 1),
    },
    batch: {
      states: tf.randomNormal([n, 4], 0, 1, 'float32', seed + 2),
      actions: tf.randomUniform([n, 2], -1, 1, 'float32', seed + 3),
      rewards: tf.randomNormal([n], 0, 1, 'float32', seed + 4),
      nextStates: tf.randomNormal([n, 4], 0, 1, 'float32', seed + 5),
      continues: tf.ones([n]),
    },
  };
}

describe('ALM config, schedule and networks', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('the paper preset holds Table 3 and validation names the bad value', () => {
    const paper = resolveAlmConfig();
    expect(paper).toMatchObject({
      gamma: 0.99,
      tau: 0.005,
      lambda: 0.95,
      lr: 1e-4,
      clipNorm: 100,
      latentDim: 50,
      classifierRewardScale: 0.1,
      noiseClip: 0.3,
      horizon: 3,
      hidden: [512, 512],
      modelHidden: [1024, 1024],
      exploration: { start: 1, end: 0.1, duration: 100_000 },
    });
    expect(resolveAlmConfig({ horizon: 5 }).horizon).toBe(5);
    expect(() => resolveAlmConfig({ horizon: 0 })).toThrow(
      /ALM config: horizon = 0 is invalid; allowed: an integer >= 1/,
    );
    expect(() => resolveAlmConfig({ tau: 0 })).toThrow(
      /tau = 0 is invalid; allowed: a number in \(0, 1\]/,
    );
    expect(() => resolveAlmConfig({ horizonn: 3 } as never)).toThrow(
      /horizonn = 3 is invalid; allowed: an option among gamma, tau/,
    );
  });

  it('the exploration std is linear from 1.0 to 0.1 over 100k steps, then constant', () => {
    const s = almPaperConfig.exploration;
    expect(explorationStd(0, s)).toBeCloseTo(1, 10);
    expect(explorationStd(25_000, s)).toBeCloseTo(0.775, 10);
    expect(explorationStd(50_000, s)).toBeCloseTo(0.55, 10);
    expect(explorationStd(100_000, s)).toBeCloseTo(0.1, 10);
    expect(explorationStd(1_000_000, s)).toBeCloseTo(0.1, 10);
    expect(() => explorationStd(-1, s)).toThrow(/non-negative/);
  });

  it('builds the paper-sized networks: 2 x 512 ELU (model 2 x 1024), latent 50, layer norm on the heads', () => {
    const nets = new AlmNetworks(17, 6, almPaperConfig, 1);
    expect(nets.encoder.net.layers.map((l) => [l.outDim, l.activation])).toEqual([
      [512, 'elu'],
      [512, 'elu'],
      [100, 'linear'],
    ]);
    expect(nets.model.net.layers.map((l) => l.outDim)).toEqual([1024, 1024, 100]);
    expect(nets.model.inDim).toBe(56);
    for (const head of [nets.reward, nets.classifier, nets.critic.q1, nets.critic.q2]) {
      expect(head.layers.map((l) => l.gamma !== undefined)).toEqual([true, false, false]);
      expect(head.layers.map((l) => l.outDim)).toEqual([512, 512, 1]);
    }
    expect(nets.classifier.inDim).toBe(106);
    // The encoder's std stays within [0.1, 10] (soft bounds) and the mean within +-30.
    tf.tidy(() => {
      const last = nets.encoder.net.layers[2];
      last?.bias.assign(tf.concat([tf.fill([50], 1e4), tf.fill([25], -1e4), tf.fill([25], 1e4)]));
      const d = nets.encoder.distribution(tf.zeros([1, 17]));
      const std = d.std.dataSync();
      expect(d.mean.dataSync()[0]).toBeCloseTo(30, 3);
      expect(std[0]).toBeCloseTo(0.1, 3);
      expect(std[49]).toBeCloseTo(0.1 + Math.log1p(Math.exp(9.9)), 3);
    });
    nets.dispose();
  });

  it('soft target updates move each weight by exactly tau of its distance to the source', () => {
    const nets = new AlmNetworks(4, 2, resolveAlmConfig(SMALL), 2);
    const encoder = nets.encoder;
    const target = nets.encoderTarget.target;
    tf.tidy(() => {
      for (const v of encoder.trainableVariables())
        v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 1, 'float32', 3)));
    });
    const before = snapshot(target.trainableVariables());
    const source = snapshot(encoder.trainableVariables());
    nets.encoderTarget.softUpdate(0.005);
    let worst = 0;
    target.trainableVariables().forEach((v, i) => {
      const now = v.dataSync();
      for (let j = 0; j < now.length; j++) {
        const old = before[i]?.[j] as number;
        const expected = old + 0.005 * ((source[i]?.[j] as number) - old);
        worst = Math.max(worst, Math.abs((now[j] as number) - expected));
      }
    });
    expect(worst).toBeLessThan(1e-6);
    nets.encoderTarget.hardUpdate();
    expect(maxChange(source, target.trainableVariables())).toBe(0);
    expect(() => new TargetNetwork(nets.encoder, nets.model)).toThrow(/does not match/);
    nets.dispose();
  });
});

describe('AlmLearner.update', () => {
  it('changes every trained group, moves targets by tau, and keeps numTensors flat', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const config = resolveAlmConfig({ ...SMALL, lr: 1e-3 });
    const learner = new AlmLearner(4, 2, config, 5);
    const net = learner.networks;
    const groups = [
      net.representationVariables(),
      net.rewardVariables(),
      net.criticVariables(),
      net.policyVariables(),
    ];
    const before = groups.map(snapshot);
    const { sequence, batch } = batches(11);
    const encoderTargetBefore = snapshot(net.encoderTarget.target.trainableVariables());
    const criticTargetBefore = snapshot(net.criticTarget.target.trainableVariables());
    const m = learner.update(sequence, batch, 500);
    groups.forEach((g, i) =>
      expect(maxChange(before[i] as Float32Array[], g)).toBeGreaterThan(1e-6),
    );
    for (const value of Object.values(m)) expect(Number.isFinite(value)).toBe(true);
    expect(m.explorationStd).toBeCloseTo(0.55, 6); // debug schedule: 1 -> 0.1 over 1000 steps
    // target <- target + tau (source - target), with the source after this update.
    for (const [pair, old] of [
      [net.encoderTarget, encoderTargetBefore],
      [net.criticTarget, criticTargetBefore],
    ] as const) {
      const source = snapshot(pair.source.trainableVariables());
      let worst = 0;
      pair.target.trainableVariables().forEach((v, i) => {
        const now = v.dataSync();
        for (let j = 0; j < now.length; j++) {
          const o = old[i]?.[j] as number;
          worst = Math.max(
            worst,
            Math.abs((now[j] as number) - (o + 0.005 * ((source[i]?.[j] as number) - o))),
          );
        }
      });
      expect(worst).toBeLessThan(1e-6);
    }
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) learner.update(sequence, batch, 600 + i);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.tidy(() => {
      const states = batch.states;
      const greedy = learner.act(states, { envStep: 0, explore: false, noise: constantNoise(0) });
      const explored = learner.act(states, { envStep: 0, explore: true, noise: constantNoise(2) });
      expect(greedy.shape).toEqual([8, 2]);
      // std 1 at step 0 and eps = 2 push every action to the upper bound.
      expect(Math.min(...explored.dataSync())).toBe(1);
      const clipped = learner.act(states, {
        envStep: 0,
        explore: true,
        noise: constantNoise(0),
        noiseClip: 0.3,
      });
      expect(Math.max(...clipped.dataSync())).toBeLessThanOrEqual(1);
    });
    const state = learner.getState();
    expect(state.encoderTargetSteps).toBe(4);
    learner.dispose();
    tf.dispose([...Object.values(sequence), ...Object.values(batch)]);
  });

  it('the model-free variant trains encoder, critics and policy but not the model, reward or classifier', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const learner = new AlmLearner(4, 2, resolveAlmConfig({ ...SMALL, modelFree: true }), 6);
    const net = learner.networks;
    const frozen = [...net.model.trainableVariables(), ...net.rewardVariables()];
    const frozenBefore = snapshot(frozen);
    const encoderBefore = snapshot(net.encoder.trainableVariables());
    const policyBefore = snapshot(net.policyVariables());
    const { sequence, batch } = batches(21);
    const m = learner.update(sequence, batch, 0);
    expect(maxChange(frozenBefore, frozen)).toBe(0);
    expect(maxChange(encoderBefore, net.encoder.trainableVariables())).toBeGreaterThan(1e-6);
    expect(maxChange(policyBefore, net.policyVariables())).toBeGreaterThan(1e-6);
    expect(Number.isNaN(m.lowerBoundLoss) && Number.isNaN(m.classifierLoss)).toBe(true);
    expect(Number.isFinite(m.criticLoss) && Number.isFinite(m.policyLoss)).toBe(true);
    learner.dispose();
    tf.dispose([...Object.values(sequence), ...Object.values(batch)]);
  });
});
