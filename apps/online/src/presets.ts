/**
 * `vmbrl-online presets --agent A`: every config field of an agent with its value under each
 * preset and its doc, from the agent's one preset table.
 */
import {
  AGENT_KINDS,
  type AgentKind,
  type RunConfig,
  definitionOf,
  presetsOf,
  resolveRunConfig,
} from '@vmbrl/agents';
import {
  type FlagSpec,
  type Overlay,
  PRESET_NAMES,
  UsageError,
  documentedFields,
  helpText,
  parseFlags,
  valueAt,
  wantsHelp,
} from '@vmbrl/core';
import { TRAIN_FLAGS, defaultTask } from './train.js';

/** The flags of `vmbrl-online presets`: the agent, and the task that sets the action repeat. */
export const PRESETS_FLAGS: Record<string, FlagSpec> = {
  agent: TRAIN_FLAGS.agent as FlagSpec,
  task: TRAIN_FLAGS.task as FlagSpec,
  design: TRAIN_FLAGS.design as FlagSpec,
};

/** Usage line of `vmbrl-online presets`. */
export const PRESETS_USAGE =
  'usage: vmbrl-online presets [--agent A] [--task T] [--design D (study)]';

/** The table: one row per documented field, a column per preset, the doc last. */
export function presetsTable(agent: AgentKind, task: string, design?: string): string[] {
  const definition = definitionOf(agent);
  const overrides = (design === undefined ? {} : { design }) as Overlay<RunConfig>;
  const configs = PRESET_NAMES.map((preset) => resolveRunConfig(agent, preset, task, 0, overrides));
  const rows = documentedFields(presetsOf(agent, design).docs).map((field) => [
    field.path,
    ...configs.map((config) => JSON.stringify(valueAt(config, field.path))),
    field.doc,
  ]);
  const header = ['field', ...PRESET_NAMES, 'doc'];
  const widths = header.map((h, c) =>
    Math.max(h.length, ...rows.map((r) => (r[c] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] as number)))
      .join('  ');
  return [
    `${agent}: ${definition.summary} (values for task ${task})`,
    line(header),
    ...rows.map(line),
  ];
}

/** Runs `vmbrl-online presets <flags>`; returns the exit code. */
export function presetsCommand(argv: readonly string[]): number {
  if (wantsHelp(argv)) {
    console.log(helpText(PRESETS_USAGE, PRESETS_FLAGS));
    return 0;
  }
  const flags = parseFlags(argv, PRESETS_FLAGS);
  const agent = flags.agent as AgentKind;
  const task = (flags.task as string | undefined) ?? defaultTask(agent);
  const design = flags.design as string | undefined;
  if (design !== undefined && agent !== 'study') {
    throw new UsageError(`--design is a flag of --agent study, not of ${agent}`);
  }
  for (const row of presetsTable(agent, task, design)) console.log(row);
  return 0;
}
