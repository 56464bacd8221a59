/**
 * study-designs: the design-choice study's world models (R, OTOR, OTLR, LTLR, LTOR) at the
 * `paper` and `quick` presets, the CPU counterpart of the paper's Table 6: parameter count, one
 * training step on a synthetic batch of the design's own batch size and sequence length, and
 * one planned action with CEM at Table 10's sizes (J = 128, I = 10, H = 12, K = 12), action
 * dimension 6 (cheetah run, where the study tuned its models).
 *
 * Flags: --designs R,OTOR,... (R_conv and R_LL also accepted) --presets paper,quick; to keep
 * the slowest cases within minutes, --batch B trains on B sequences instead of the design's
 * own and --J / --I plan with fewer candidates / iterations; the full-size figure is then the
 * measured time scaled linearly (`full` in the output) and the row says so. --cem own plans
 * with each preset's own CEM (`studyPlanner` of @vmbrl/agents: what `vmbrl-online --agent study
 * --design D --preset P` acts with) instead of Table 10's.
 * Needs built packages: npx turbo run build --filter=@vmbrl/agents
 */
import { intFlag } from '../harness.mjs';

export const description =
  'study designs: params, train step, CEM planned action; --designs --presets --batch --J --I --cem table10|own';
export const defaults = { warmup: 1, repeats: 3, backends: ['wasm'] };

/** The paper's Table 6: parameters, seconds of a training and of an inference step (V100s). */
const TABLE6 = {
  R: { params: 81.6e3, train: 3, inference: 5, gpus: '1 x V100' },
  OTOR: { params: 8.34e6, train: 40, inference: 310, gpus: '8 x V100' },
  OTLR: { params: 8.38e6, train: 44, inference: 361, gpus: '8 x V100' },
  LTLR: { params: 5.51e6, train: 32, inference: 10, gpus: '1 x V100' },
  LTOR: { params: 5.29e6, train: 56, inference: 101, gpus: '8 x V100' },
};

const A = 6;
const FRAME = 64 * 64 * 3;

/** Deterministic pseudo-random frames, actions 0.1 and rewards 0.5 in replay's layout. */
function syntheticBatch(batchSize, length) {
  const image = new Uint8Array(batchSize * length * FRAME).map((_, i) => (i * 2654435761) >>> 24);
  const action = new Float32Array(batchSize * length * A).fill(0.1);
  const reward = new Float32Array(batchSize * length).fill(0.5);
  return { image, action, reward, batchSize, length };
}

async function loadPackages() {
  try {
    return {
      models: await import('../../../../packages/world-models/dist/index.js'),
      planners: await import('../../../../packages/planners/dist/index.js'),
      agents: await import('../../../../packages/agents/dist/index.js'),
    };
  } catch (error) {
    console.error(
      'study-designs needs built packages: npx -y pnpm@10 exec turbo run build --filter=@vmbrl/agents',
    );
    throw error;
  }
}

/** `R_conv` and `R_LL` are R with another variant; every other name is a design. */
function designOf(name) {
  if (name === 'R_conv' || name === 'R_LL' || name === 'R_recurrent') {
    return { design: 'R', overrides: { variant: name }, label: name, table: TABLE6.R };
  }
  if (!TABLE6[name])
    throw new Error(
      `--designs: unknown design '${name}'; allowed: R, R_conv, R_LL, OTOR, OTLR, LTLR, LTOR`,
    );
  return { design: name, overrides: {}, label: name, table: TABLE6[name] };
}

export async function cases(tensor, options) {
  const { models, planners, agents } = await loadPackages();
  const names = String(options.designs ?? 'R,OTOR,OTLR,LTLR,LTOR').split(',');
  const presets = String(options.presets ?? 'paper,quick').split(',');
  const cemSource = String(options.cem ?? 'table10');
  if (cemSource !== 'table10' && cemSource !== 'own') {
    throw new Error(
      `--cem ${cemSource}: allowed: table10 (J=128 I=10 H=12 K=12), own (the preset's)`,
    );
  }
  const out = [];
  for (const preset of presets) {
    for (const name of names) {
      const { design, overrides, label, table } = designOf(name);
      const own = cemSource === 'own' ? agents.studyPlanner(design, preset) : null;
      const J = intFlag(options, 'J', own?.candidates ?? 128);
      const I = intFlag(options, 'I', own?.iterations ?? 10);
      const H = own?.horizon ?? 12;
      const fullJ = own?.candidates ?? 128;
      const fullI = own?.iterations ?? 10;
      const K = own && J === fullJ ? own.topK : Math.max(1, Math.round((12 * J) / 128));
      // One model alive at a time: built by the training case's setup, freed after planning
      // (holding every paper-size model at once slowed the later cases 2-3x).
      const config = models.resolveStudyConfig(design, preset, overrides);
      const ownBatch = name === 'R_LL' ? config.latent.batchSize : config.batchSize;
      const B = Math.min(intFlag(options, 'batch', ownBatch), ownBatch);
      let model;
      let batch;
      let belief;
      const rng = new tensor.Rng(1);
      const trainScale = ownBatch / B;
      const planScale = (fullJ / J) * (fullI / I);
      const params = () => ({ params: model.parameterCount(), paperParams: table.params });
      out.push({
        name: `${label} ${preset}: train step, B=${B}${B < ownBatch ? ` of ${ownBatch}` : ''}`,
        setup: () => {
          model = models.createStudyModel(design, config, { actionDim: A, seed: 0 });
          batch = syntheticBatch(B, model.sequenceLength);
          const first = model.observe(null, {
            image: batch.image.subarray(0, FRAME),
            action: new Float32Array(A),
            reward: 0,
          });
          belief = model.observe(first, {
            image: batch.image.subarray(FRAME, 2 * FRAME),
            action: batch.action.subarray(A, 2 * A),
            reward: 0.5,
          });
          model.disposeBelief(first);
        },
        run: () => void model.trainStep(batch),
        derive: (stats) => ({
          ...params(),
          L: model.sequenceLength,
          paperSeconds: table.train,
          ...(trainScale === 1
            ? {}
            : { fullMs: Math.round(stats.median * trainScale), scaledBy: trainScale }),
        }),
      });
      out.push({
        name: `${label} ${preset}: planned action, CEM J=${J} I=${I} H=${H} K=${K}`,
        run: () =>
          planners.cem(model.scorer(belief), {
            horizon: H,
            iterations: I,
            candidates: J,
            topK: K,
            rng,
          }),
        derive: (stats) => ({
          ...params(),
          paperSeconds: table.inference,
          ...(planScale === 1
            ? {}
            : { fullMs: Math.round(stats.median * planScale), scaledBy: planScale }),
        }),
        dispose: () => {
          model.disposeBelief(belief);
          model.dispose();
        },
      });
    }
  }
  return out;
}
