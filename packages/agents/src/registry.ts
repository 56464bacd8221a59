/**
 * The agents by kind, and what works on any run config through them: resolving a preset,
 * validating, upgrading saved configs, running and evaluating.
 */
import {
  type Overlay,
  PRESET_NAMES,
  type PresetName,
  type Validator,
  applyOverlay,
  validator,
} from '@vmbrl/core';
import type { AlmRunConfig } from './alm/config.js';
import { ALM } from './alm/definition.js';
import type { DreamerRunConfig } from './dreamer/config.js';
import { DREAMER } from './dreamer/definition.js';
import { type LoopConfig, upgradeLoopFields, validateLoopConfig } from './loop/config.js';
import type { AgentDefinition, AgentPresets } from './loop/definition.js';
import {
  type EvaluateRunOptions,
  type RunEvaluation,
  evaluateCheckpoint,
} from './loop/evaluate.js';
import { checkSavedConfig, readSavedConfig, runPaths } from './loop/run-dir.js';
import {
  type RunLoopOptions,
  type RunLoopResult,
  makeEnvAndAgent as makeRunEnvAndAgent,
  runLoop,
} from './loop/run.js';
import type { OracleRunConfig } from './oracle/config.js';
import { CEM_ORACLE } from './oracle/definition.js';
import type { PlanetRunConfig } from './planet/config.js';
import { PLANET } from './planet/definition.js';
import type { StudyRunConfig } from './study/config.js';
import { STUDY } from './study/definition.js';

/** The run config of any agent (the `agent` field tells which). */
export type RunConfig =
  | PlanetRunConfig
  | DreamerRunConfig
  | OracleRunConfig
  | AlmRunConfig
  | StudyRunConfig;

/** Which agent acts. */
export type AgentKind = RunConfig['agent'];

/** Every agent by kind; both ALM variants share one definition. */
export const AGENTS: Readonly<Record<AgentKind, AgentDefinition<never, unknown>>> = {
  planet: PLANET,
  dreamer: DREAMER,
  'cem-oracle': CEM_ORACLE,
  alm: ALM,
  'alm-model-free': ALM,
  study: STUDY,
} as Record<AgentKind, AgentDefinition<never, unknown>>;

/** The agent kinds, in the order listings show them. */
export const AGENT_KINDS = Object.keys(AGENTS) as AgentKind[];

const check: Validator = validator('run config');

/** The definition of `kind` (a clear error for an unknown one). */
export function definitionOf(kind: string): AgentDefinition<RunConfig, unknown> {
  const definition = AGENTS[kind as AgentKind];
  if (!definition) check.fail('agent', kind, AGENT_KINDS.join(', '));
  return definition as AgentDefinition<RunConfig, unknown>;
}

/**
 * The preset table of `agent`; for an agent whose variant field picks the table (the study's
 * `design`), the one of `variant` (the default table when undefined).
 */
export function presetsOf(agent: string, variant?: string): AgentPresets<RunConfig> {
  const definition = definitionOf(agent);
  if (variant === undefined || !definition.variant) {
    if (variant !== undefined)
      check.fail('variant', variant, `none: ${agent} has one preset table`);
    return definition.presets;
  }
  const { field, choices, presets } = definition.variant;
  return presets(check.oneOf(field, variant, choices));
}

/**
 * The config of `agent` under `preset` on `task` with `seed`, then `overrides` (groups merged
 * field by field), validated as a whole. An agent with a variant field (the study's `design`)
 * starts from the preset table of the variant `overrides` names.
 */
export function resolveRunConfig(
  agent: AgentKind,
  preset: PresetName,
  task: string,
  seed: number,
  overrides: Overlay<RunConfig> = {},
): RunConfig {
  const definition = definitionOf(agent);
  check.oneOf('preset', preset, PRESET_NAMES);
  const field = definition.variant?.field;
  const variant = field ? (overrides as Record<string, unknown>)[field] : undefined;
  const { defaults, overlays } = presetsOf(agent, variant as string | undefined);
  const body = applyOverlay(
    applyOverlay(defaults, overlays[preset]),
    definition.kindOverlay?.(agent) ?? {},
  );
  const config = applyOverlay(
    {
      agent,
      preset,
      task,
      seed,
      actionRepeat: definition.actionRepeat(task, preset),
      ...body,
    } as RunConfig,
    overrides,
  );
  validateRunConfig(config);
  return config;
}

/** Checks every field of a run config (the loop's, the agent's, the model's ...). */
export function validateRunConfig(config: RunConfig): void {
  if (!config || typeof config !== 'object') check.fail('config', config, 'an object');
  const definition = definitionOf(config.agent);
  validateLoopConfig(check, config);
  definition.validate(check, config);
}

/**
 * A saved config.json (any earlier layout) in today's layout, validated: each agent upgrades its
 * own sections, then loop fields added since are filled in with the values those runs used.
 */
export function upgradeRunConfig(saved: Record<string, unknown>): RunConfig {
  const definition = definitionOf(saved.agent as string);
  const config = upgradeLoopFields(definition.upgrade(saved)) as unknown as RunConfig;
  validateRunConfig(config);
  return config;
}

/** Reads and checks a run's config.json (upgraded to today's layout). */
export function readRunConfig(out: string): RunConfig {
  const config = readSavedConfig(out, upgradeRunConfig);
  if (config === null) throw new Error(`${out} holds no run: ${runPaths(out).config} is missing`);
  return config;
}

/**
 * Refuses an existing run directory whose config.json differs (budgets aside) unless `force`;
 * returns true when `out` already holds a run. Writes nothing.
 */
export function checkRunConfig(out: string, config: RunConfig, force = false): boolean {
  return checkSavedConfig(out, config, force, upgradeRunConfig);
}

/** Options of {@link runOnline}. */
export type RunOnlineOptions = Omit<RunLoopOptions<RunConfig>, 'definition' | 'readSaved'>;

/** Runs (or resumes) a training run of any agent in `options.out`. */
export function runOnline(options: RunOnlineOptions): Promise<RunLoopResult> {
  validateRunConfig(options.config);
  return runLoop({
    ...options,
    definition: definitionOf(options.config.agent),
    readSaved: upgradeRunConfig,
  });
}

/** The env a run of `config` acts in and its agent (the caller closes and disposes them). */
export function makeEnvAndAgent(config: RunConfig) {
  return makeRunEnvAndAgent(config, definitionOf(config.agent));
}

/** Plays `episodes` evaluation episodes of the run in `out` and writes their summary. */
export function evaluateRun(options: EvaluateRunOptions): Promise<RunEvaluation> {
  const config = readRunConfig(options.out);
  return evaluateCheckpoint(options, config, definitionOf(config.agent));
}

/** The loop fields of a config (for code that only needs those). */
export type { LoopConfig };
