/**
 * fork-run: start a new run directory from a checkpoint of another run, with changed Dreamer
 * or world-model fields, so that levers can be compared from the same trained state (for
 * screening only: the fork's first updates were made under the source's settings).
 *
 *   node tools/diagnose/fork-run.mjs SRC_RUN CHECKPOINT_DIR DST_RUN
 *     [--dreamer '{"actorLr":8e-5}'] [--model '{"freeNatsConvention":"clampMean"}']
 *     [--fresh-behaviour]
 *
 * CHECKPOINT_DIR is SRC_RUN/checkpoint or a copy of it taken after some episode. Copies the
 * episodes it lists, the metrics rows up to its env step and the checkpoint, and writes the
 * changed configs into the checkpoint's manifests (the agents refuse to load a checkpoint saved
 * under another config). Then resume with the same changes as `--set` and `--force-config`:
 *   node apps/online/dist/cli.js --agent dreamer ... --out DST_RUN --set dreamer.actorLr=8e-5 --force-config
 * Only fields that do not change a variable's shape may change. With --fresh-behaviour the
 * action and value models (and their optimisers) start again from their initialisation under
 * the new config (their sizes may then change); the world model keeps its trained state.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { A, T } from './probe-lib.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dreamer: { type: 'string', default: '{}' },
    model: { type: 'string', default: '{}' },
    'fresh-behaviour': { type: 'boolean', default: false },
  },
});
const [src, checkpoint, dst] = positionals;
if (!src || !checkpoint || !dst) {
  console.error(
    'usage: node tools/diagnose/fork-run.mjs SRC_RUN CHECKPOINT_DIR DST_RUN [--dreamer JSON] [--model JSON]',
  );
  process.exit(2);
}
if (existsSync(dst)) throw new Error(`${dst} exists; choose a new directory`);
const dreamerChanges = JSON.parse(values.dreamer);
const modelChanges = JSON.parse(values.model);
const shapeFields = ['deterSize', 'stochSize', 'hiddenSize', 'rewardHidden', 'cnnDepth', 'variant'];
for (const field of Object.keys(modelChanges)) {
  if (shapeFields.includes(field)) throw new Error(`--model ${field} changes variable shapes`);
}
for (const field of Object.keys(dreamerChanges)) {
  if ((field === 'actorHidden' || field === 'valueHidden') && !values['fresh-behaviour']) {
    throw new Error(`--dreamer ${field} changes variable shapes`);
  }
}
const state = JSON.parse(readFileSync(join(checkpoint, 'state.json'), 'utf8'));
mkdirSync(join(dst, 'episodes'), { recursive: true });
for (const file of state.replayFiles) {
  cpSync(join(src, 'episodes', file), join(dst, 'episodes', file));
}
cpSync(checkpoint, join(dst, 'checkpoint'), { recursive: true });
const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
config.model = { ...config.model, ...modelChanges };
if (config.dreamer) config.dreamer = { ...config.dreamer, ...dreamerChanges };
writeFileSync(join(dst, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
const rows = readFileSync(join(src, 'metrics.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && JSON.parse(line).step <= state.envSteps);
writeFileSync(join(dst, 'metrics.jsonl'), rows.map((r) => `${r}\n`).join(''));
/** Rewrites the meta of a checkpoint manifest. */
function patchMeta(dir, patch) {
  const path = join(dst, 'checkpoint', 'agent', dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  manifest.meta = patch(manifest.meta);
  writeFileSync(path, `${JSON.stringify(manifest, null, 1)}\n`);
}
patchMeta('model', (meta) => ({ ...meta, config: config.model }));
if (values['fresh-behaviour']) {
  // A new agent under the new config: its behaviour is freshly initialised; the world model
  // (variables, Adam state, sampling stream) is the checkpoint's.
  await T.initBackend({});
  const { env, agent } = await A.makeEnvAndAgent(A.readRunConfig(dst));
  const agentDir = join(dst, 'checkpoint', 'agent');
  await agent.model.load(join(agentDir, 'model'));
  rmSync(agentDir, { recursive: true });
  await agent.save(agentDir);
  env.close();
  await agent.dispose();
} else if (config.dreamer) {
  patchMeta('behaviour', (meta) => ({ ...meta, dreamer: config.dreamer }));
}
console.log(
  `${dst}: forked from ${checkpoint} at episode ${state.episodes} (${state.envSteps} env steps, ${state.updates} updates)`,
);
