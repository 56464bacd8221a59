import { type FlagSpec, UsageError, helpText, parseFlags, runMain, wantsHelp } from '@vmbrl/core';
/**
 * vmbrl-online: train any agent online (`vmbrl-online --agent planet --task ...`),
 * `vmbrl-online presets` (an agent's config fields per preset), `vmbrl-online compare` (several
 * runs on one plot and in one table), `vmbrl-online evaluate` (a trained run's checkpoint, or a
 * random policy, over N fresh episodes), and `vmbrl-online selfcheck`, the installation check.
 */
import { listTasks } from '@vmbrl/envs';
import { compareCommand } from './compare.js';
import { doctorCommand } from './doctor.js';
import { evaluateCommand } from './evaluate.js';
import { presetsCommand } from './presets.js';
import { selfCheck } from './selfcheck.js';
import { train, trainHelp } from './train.js';

const SELFCHECK_FLAGS: Record<string, FlagSpec> = {
  task: {
    type: 'enum',
    doc: 'control task to step and render',
    choices: listTasks(),
    default: 'cartpole-swingup',
  },
  seed: { type: 'int', doc: 'run seed', default: 0, min: 0 },
  steps: { type: 'int', doc: 'conv-net training steps', default: 10, min: 1, max: 1000 },
  out: { type: 'string', doc: 'output directory', default: 'runs/selfcheck' },
};
const USAGE = 'usage: vmbrl-online selfcheck [flags]';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || (command.startsWith('-') && wantsHelp(argv))) {
    console.log(trainHelp(argv));
    return command === undefined ? 2 : 0;
  }
  if (command.startsWith('--')) return train(argv);
  if (command === 'presets') return presetsCommand(rest);
  if (command === 'compare') return compareCommand(rest);
  if (command === 'evaluate') return evaluateCommand(rest);
  if (command === 'doctor') return doctorCommand(rest);
  if (command !== 'selfcheck') {
    throw new UsageError(
      `unknown command '${command}'; allowed: presets, compare, evaluate, doctor, selfcheck, or flags to train (--help)`,
    );
  }
  if (wantsHelp(rest)) {
    console.log(helpText(USAGE, SELFCHECK_FLAGS));
    return 0;
  }
  const flags = parseFlags(rest, SELFCHECK_FLAGS);
  const result = await selfCheck({
    task: flags.task as string,
    seed: flags.seed as number,
    steps: flags.steps as number,
    out: flags.out as string,
  });
  const first = result.losses[0];
  const last = result.losses[result.losses.length - 1];
  console.log(`backend      ${result.backend}`);
  console.log(
    `physics      ${flags.task}: ${result.envSteps} steps, random return ${result.episodeReturn.toFixed(1)}`,
  );
  console.log(
    `conv net     loss ${first.toFixed(5)} -> ${last.toFixed(5)} in ${result.losses.length} steps`,
  );
  console.log(`frame        ${result.framePath}`);
  return 0;
}

runMain('vmbrl-online', () => main(process.argv.slice(2)));
