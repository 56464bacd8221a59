/**
 * reward-probe: does a run's world model rate actions as the simulator does?
 *
 *   node tools/diagnose/reward-probe.mjs RUN_DIR [STATES=8] [HORIZON=15] [CHECKPOINT_DIR]
 *
 * From STATES real states (reset, then a random walk of actions of growing length), it filters
 * the frames with the run's last checkpoint, imagines HORIZON agent steps under each constant
 * action c in {-1, -0.5, 0, 0.5, 1} (8 prior samples each) and sums the predicted rewards; the
 * simulator, restored to the same state, gives the true sums. CHECKPOINT_DIR (a copy of the
 * run's checkpoint taken earlier) replaces the run's last checkpoint. Prints both per state and on
 * average, how often their best constant action agrees, and (Dreamer) the action model's mode.
 * Needs the built packages (npx -y pnpm@10 exec turbo run build --filter=@vmbrl/online...).
 */
import { CONSTANTS, T, loadRunAgent, probeModel, probeStates } from './probe-lib.mjs';

const [run, statesArg, horizonArg, checkpointArg] = process.argv.slice(2);
if (!run) {
  console.error(
    'usage: node tools/diagnose/reward-probe.mjs RUN_DIR [STATES=8] [HORIZON=15] [CHECKPOINT_DIR]',
  );
  process.exit(2);
}
const count = Number(statesArg ?? 8);
const horizon = Number(horizonArg ?? 15);
await T.initBackend({});
const { config, env, agent } = await loadRunAgent(run, { checkpoint: checkpointArg });
if (!agent.model) throw new Error(`${run}: the ${config.agent} agent has no learned world model`);
console.log(
  `${run}: ${config.agent} on ${config.task}, R = ${config.actionRepeat}, H = ${horizon}`,
);
const states = probeStates(env, config.seed, count, horizon);
const actor = agent.behaviour?.actor ?? null;
const result = probeModel(agent.model, states, horizon, { actor, verbose: true });
console.log(`constant action c       ${result.fmt(CONSTANTS)}`);
console.log(`mean      simulator      ${result.fmt(result.sim)}`);
console.log(`          world model    ${result.fmt(result.imagined)}`);
console.log(`best constant action agrees in ${result.agree} of ${count} states`);
if (result.mode !== null) {
  console.log(`action model's mode, mean over the states: ${result.mode.toFixed(3)}`);
}
env.close();
await agent.dispose();
