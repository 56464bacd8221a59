/**
 * `vmbrl-online evaluate --out RUN_DIR`: the last checkpoint of a run plays N noiseless
 * episodes (or `--policy random` plays uniform random actions at the run's action repeat); prints
 * each return and mean ± std, and with `--json FILE` writes them there. The run directory is
 * only read (its trainer may be running).
 */
import { type EvaluationPolicy, evaluateRun } from '@vmbrl/agents';
import { type FlagSpec, UsageError, helpText, parseFlags, runMain, wantsHelp } from '@vmbrl/core';
import type { BackendName } from '@vmbrl/tensor';

/** The flags of `vmbrl-online evaluate`. */
export const EVALUATE_FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string', doc: 'run directory to evaluate (a run of any agent)' },
  episodes: { type: 'int', doc: 'episodes to play', default: 10, min: 1, max: 1000 },
  policy: {
    type: 'enum',
    doc: "who acts: the run's last checkpoint without noise, with its training noise, or uniform random actions",
    choices: ['agent', 'agent-noise', 'random'],
    default: 'agent',
  },
  backend: {
    type: 'enum',
    doc: 'tensor backend (default: fastest available)',
    choices: ['tensorflow', 'wasm', 'cpu'],
  },
  json: { type: 'string', doc: 'also write the summary to FILE (outside the run directory)' },
};

/** Usage line of `vmbrl-online evaluate`. */
export const EVALUATE_USAGE =
  'usage: vmbrl-online evaluate --out RUN_DIR [--episodes 10] [--policy agent|agent-noise|random] [--json FILE]';

/** Runs `vmbrl-online evaluate <flags>`; returns the exit code. */
export async function evaluateCommand(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(helpText(EVALUATE_USAGE, EVALUATE_FLAGS));
    return 0;
  }
  const flags = parseFlags(argv, EVALUATE_FLAGS);
  const out = flags.out as string | undefined;
  if (out === undefined || out.trim() === '') {
    throw new UsageError('evaluate needs --out RUN_DIR (the run directory to evaluate)');
  }
  const policy = flags.policy as EvaluationPolicy;
  const result = await evaluateRun({
    out,
    episodes: flags.episodes as number,
    policy,
    backend: flags.backend as BackendName | undefined,
    summaryPath: flags.json as string | undefined,
    onEpisode: (k, value) => console.log(`episode ${k + 1}  return ${value.toFixed(1)}`),
  });
  const c = result.checkpoint;
  const noise = policy === 'agent-noise' ? ', with exploration noise' : '';
  const who = c
    ? `checkpoint after ${c.episodes} episodes (${c.envSteps} env steps, ${c.updates} updates)${noise}`
    : `uniform random actions, action repeat ${result.actionRepeat}`;
  console.log(`policy       ${who}`);
  console.log(
    `return       ${result.mean.toFixed(1)} ± ${result.std.toFixed(1)} over ${result.returns.length} episodes (${result.task})`,
  );
  if (result.path !== null) console.log(`written      ${result.path}`);
  return 0;
}
