/**
 * vmbrl-offline: the offline protocol of "Models, Pixels, and Rewards" (section 4.3, Tables 1-2,
 * Figs 8-9): `collect` a fixed dataset, `split` it, `train` each design on the train split,
 * `evaluate` it (p90 of real returns, reward and image errors on the test split) and `report`
 * Tables 1-2 beside the paper's numbers with reward heat maps.
 */
import { UsageError, helpText, parseCommand, runMain, wantsHelp } from '@vmbrl/core';
import { COMMANDS } from './commands.js';

const USAGE = [
  'usage: vmbrl-offline <command> [flags]   (vmbrl-offline <command> --help for its flags)',
  '',
  'commands:',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
  '',
  'a run of the protocol:',
  '  vmbrl-offline collect --dataset data/cartpole --task cartpole-swingup --random 20 --oracle 5',
  '  vmbrl-offline split --dataset data/cartpole --seed 0 --test-fraction 0.1',
  '  vmbrl-offline train --design LTLR --dataset data/cartpole --out runs/ltlr --preset quick',
  '  vmbrl-offline evaluate --out runs/ltlr',
  '  vmbrl-offline report --out results runs/*',
].join('\n');

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || (name.startsWith('-') && wantsHelp(argv))) {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    throw new UsageError(
      `unknown command '${name}'; allowed: ${Object.keys(COMMANDS).join(', ')} (--help)`,
    );
  }
  if (wantsHelp(rest)) {
    console.log([helpText(command.usage, command.flags), ...(command.notes?.() ?? [])].join('\n'));
    return 0;
  }
  const { flags, positionals } = parseCommand(rest, command.flags, command.positionals);
  // A dataset request that cannot be done as asked is a DatasetUsageError, a UsageError: exit 2.
  return command.run(flags, positionals);
}

runMain('vmbrl-offline', () => main(process.argv.slice(2)));
