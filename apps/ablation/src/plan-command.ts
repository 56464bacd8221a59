/**
 * `vmbrl-ablation plan STUDY`: the study's cells, which are done, partial, failed or new (and
 * which this build cannot run), and the remaining time estimated from the measured durations
 * of the done cells. Reads only.
 */
import { type FlagSpec, helpText, parseCommand, wantsHelp } from '@vmbrl/core';
import { declaredRemainingMs, readCellStates, remainingMs } from './cell-state.js';
import { STUDY_FLAGS, formatDuration, openStudy, textTable } from './study-session.js';

const FLAGS: Record<string, FlagSpec> = {
  ...STUDY_FLAGS,
  jobs: { type: 'int', doc: 'processes the estimate assumes', default: 1, min: 1, max: 256 },
};
const USAGE = 'usage: vmbrl-ablation plan STUDY.yaml [--runs DIR] [--scale F] [--jobs N]';

export function planCommand(argv: string[]): number {
  if (wantsHelp(argv)) {
    console.log(helpText(USAGE, FLAGS));
    return 0;
  }
  const { flags, positionals } = parseCommand(argv, FLAGS, { min: 1, max: 1, what: 'STUDY.yaml' });
  const { plan, runsDir } = openStudy(positionals[0], flags);
  const states = readCellStates(plan, runsDir);
  const rows = plan.cells.map((c) => {
    const state = c.cell ? states.get(c.cell.id) : undefined;
    const shown = !c.cell
      ? 'unavailable'
      : state?.state === 'partial' || state?.state === 'running'
        ? `${state.state} ${Math.round(state.progress * 100)}%`
        : (state?.state ?? 'new');
    return [
      c.design,
      c.behaviour,
      c.task,
      c.point || '-',
      String(c.seed),
      c.cell?.id ?? '-',
      shown,
    ];
  });
  console.log(`study ${plan.file.spec.name} (${plan.file.path}) -> ${runsDir}`);
  console.log(textTable(['design', 'behaviour', 'task', 'point', 'seed', 'cell', 'state'], rows));
  const count = (state: string) => [...states.values()].filter((s) => s.state === state).length;
  const unavailable = plan.cells.filter((c) => !c.cell);
  console.log(
    `cells ${plan.runnable.length}: ${count('done')} done, ${count('partial') + count('running')} partial, ` +
      `${count('failed')} failed, ${count('new')} new; ${unavailable.length} unavailable in this build`,
  );
  for (const reason of new Set(unavailable.map((c) => c.unavailable))) {
    const designs = new Set(
      unavailable.filter((c) => c.unavailable === reason).map((c) => `${c.design}/${c.behaviour}`),
    );
    console.log(`  unavailable ${[...designs].join(', ')}: ${reason}`);
  }
  const jobs = flags.jobs as number;
  const eta = remainingMs(plan, states, jobs);
  const declared = eta === null ? declaredRemainingMs(plan, states, jobs) : null;
  if (eta !== null) {
    console.log(
      `remaining ${formatDuration(eta)} on ${jobs} job(s), from the done cells' measured durations`,
    );
  } else if (declared !== null) {
    console.log(
      `remaining about ${formatDuration(declared)} on ${jobs} idle core(s), from the study file's cell_seconds (CPU seconds measured per design)`,
    );
  } else {
    console.log(`remaining unknown on ${jobs} job(s) (measured once a cell is done)`);
  }
  return 0;
}
