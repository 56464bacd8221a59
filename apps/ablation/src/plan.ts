/**
 * From a study file to its cells: every design x behaviour x task x sweep point x seed becomes
 * one resolved run config (the agent's preset, the design's fields, the study's settings, the
 * sweep point, the scale), validated as a whole, and one sweep cell whose id hashes that config
 * alone. Labels (design names, sweep points) are not part of the config, so renaming a design
 * or adding a seed or a task never renames or reruns a cell that exists.
 */
import {
  type AgentKind,
  type OfflineCellConfig,
  type RunConfig,
  agentStepsPerEpisode,
  resolveRunConfig,
  validateRunConfig,
} from '@vmbrl/agents';
import { UsageError, ValidationError, setConfigField } from '@vmbrl/core';
import { listTasks } from '@vmbrl/envs';
import { type Cell, makeCell } from '@vmbrl/sweep';
import { type Behaviour, DESIGNS, DESIGN_NAMES } from './designs.js';
import { offlineCellConfig, offlineCost, overlayOfPaths } from './offline-cells.js';
import type { StudyFile } from './study-file.js';

/**
 * What a cell's program runs (the payload of a queue job): an online run, or an offline cell
 * (train on a dataset's train split, then score).
 */
export type CellConfig =
  | { protocol: 'online'; run: RunConfig }
  | { protocol: 'offline'; offline: OfflineCellConfig };

/** One point of the study's grid. */
export interface PlannedCell {
  /** The design's label (a built-in name, or a variant's name). */
  design: string;
  /** The built-in design it is (or varies). */
  baseDesign: string;
  behaviour: Behaviour;
  task: string;
  seed: number;
  /** The sweep point, `path=value` joined by ', ' ('' without sweep axes). */
  point: string;
  /** The cell, or null when this build cannot run the combination (`unavailable` says why). */
  cell: Cell<CellConfig> | null;
  unavailable?: string;
}

export interface StudyPlan {
  file: StudyFile;
  cells: PlannedCell[];
  /** The distinct runnable cells (two points resolving to one config share one cell). */
  runnable: Cell<CellConfig>[];
}

/** Options of {@link planStudy}. */
export interface PlanOptions {
  /** Multiplies the study's own scale (`--scale`). */
  scale?: number;
}

/** A key of the study file and the config fields it sets. */
interface SettingsLayer {
  key: (string | number)[];
  values: Record<string, unknown>;
}

/** Expands a checked study file into its cells; a bad key is a UsageError naming its line. */
export function planStudy(file: StudyFile, options: PlanOptions = {}): StudyPlan {
  const { spec } = file;
  const scale = spec.scale * (options.scale ?? 1);
  if (!(scale > 0 && scale <= 1)) {
    throw new UsageError(`--scale ${options.scale}: the scale must be in (0, 1]`);
  }
  const tasks = listTasks();
  spec.tasks.forEach((task, i) => {
    if (!tasks.includes(task))
      file.fail(['tasks', i], `unknown task '${task}'; allowed: ${tasks.join(', ')}`);
  });
  const designs = spec.designs.map((entry, i) => {
    const name = typeof entry === 'string' ? entry : entry.name;
    const base = typeof entry === 'string' ? entry : entry.design;
    const key = typeof entry === 'string' ? ['designs', i] : ['designs', i, 'design'];
    if (!DESIGNS[base]) {
      file.fail(key, `unknown design '${base}'; allowed: ${DESIGN_NAMES.join(', ')}`);
    }
    const settings = typeof entry === 'string' ? {} : (entry.settings ?? {});
    return { name, base, layer: { key: ['designs', i, 'settings'], values: settings } };
  });
  const points = sweepPoints(spec.sweep);

  const cells: PlannedCell[] = [];
  for (const design of designs) {
    for (const behaviour of spec.behaviours) {
      const recipe = DESIGNS[design.base][behaviour];
      for (const task of spec.tasks) {
        for (const point of points) {
          for (const seed of spec.seeds) {
            const planned = {
              design: design.name,
              baseDesign: design.base,
              behaviour,
              task,
              seed,
              point: pointLabel(point),
            };
            if ('unavailable' in recipe) {
              cells.push({ ...planned, cell: null, unavailable: recipe.unavailable });
              continue;
            }
            // The more specific a layer, the later it applies. An offline cell's run config is
            // resolved here only to check the layers; its episode budgets do not apply.
            const layers: SettingsLayer[] = [
              { key: ['settings'], values: spec.settings },
              {
                key: ['behaviour_settings', behaviour],
                values: spec.behaviour_settings[behaviour] ?? {},
              },
              design.layer,
              { key: ['sweep'], values: point },
            ];
            const run = resolveCell(
              file,
              recipe,
              task,
              seed,
              spec.protocol === 'online' ? scale : 1,
              layers,
            );
            if (spec.protocol === 'online') {
              const config: CellConfig = { protocol: 'online', run };
              cells.push({ ...planned, cell: makeCell(config, { cost: estimatedCost(run) }) });
              continue;
            }
            const offline = offlineCellConfig(file, {
              agent: recipe.agent,
              overrides: {
                ...recipe.overrides,
                ...overlayOfPaths(Object.assign({}, ...layers.map((l) => l.values))),
              },
              resolved: run,
              task,
              seed,
              scale,
            });
            if ('unavailable' in offline) {
              cells.push({ ...planned, cell: null, unavailable: offline.unavailable });
              continue;
            }
            const config: CellConfig = { protocol: 'offline', offline: offline.config };
            cells.push({
              ...planned,
              cell: makeCell(config, { cost: offlineCost(offline.config) }),
            });
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  const runnable: Cell<CellConfig>[] = [];
  for (const { cell } of cells) {
    if (cell && !seen.has(cell.id)) {
      seen.add(cell.id);
      runnable.push(cell);
    }
  }
  return { file, cells, runnable };
}

/** The product of the sweep axes: one `{ path: value }` per point (one empty point without axes). */
export function sweepPoints(sweep: Record<string, unknown[]>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(sweep)) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [path]: value })));
  }
  return points;
}

/** `model.variant=rnn, planner.horizon=8`. */
export function pointLabel(point: Record<string, unknown>): string {
  return Object.entries(point)
    .map(([path, value]) => `${path}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** The agent's preset config with the layers applied in order, scaled, and validated. */
function resolveCell(
  file: StudyFile,
  recipe: { agent: AgentKind; overrides: Record<string, unknown> },
  task: string,
  seed: number,
  scale: number,
  layers: SettingsLayer[],
): RunConfig {
  const { agent } = recipe;
  let config: RunConfig;
  try {
    config = resolveRunConfig(agent, file.spec.preset, task, seed, recipe.overrides);
  } catch (error) {
    return file.fail(['tasks'], `${agent} on ${task}: ${(error as Error).message}`);
  }
  for (const layer of layers) {
    for (const [path, value] of Object.entries(layer.values)) {
      try {
        setConfigField(config, path, value);
      } catch (error) {
        const message = (error as Error).message.replace(`${path.trim()}: `, '');
        file.fail([...layer.key, path], `${message} (config of agent ${agent})`);
      }
    }
  }
  config = scaleBudgets(config, scale);
  try {
    validateRunConfig(config);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // Blame the setting that wrote the field (else the settings as a whole).
    const leaf = error.field.split('.').pop() ?? error.field;
    const culprit = [...layers]
      .reverse()
      .flatMap((layer) => Object.keys(layer.values).map((path) => ({ layer, path })))
      .find(({ path }) => path === error.field || path.split('.').pop() === leaf);
    const key = culprit ? [...culprit.layer.key, culprit.path] : ['settings'];
    file.fail(key, `${error.message} (agent ${agent}, task ${task})`);
  }
  return config;
}

/**
 * Shrinks the episode budgets and evaluation periods by `scale` (1 = as written): at least one
 * episode past the seed episodes, and at least every episode when evaluation is on.
 */
export function scaleBudgets(config: RunConfig, scale: number): RunConfig {
  if (scale === 1) return config;
  const out = structuredClone(config);
  if (out.maxEpisodes !== null) {
    out.maxEpisodes = Math.max(out.seedEpisodes + 1, Math.round(out.maxEpisodes * scale));
  }
  if (out.maxEnvSteps !== null) out.maxEnvSteps = Math.max(1, Math.round(out.maxEnvSteps * scale));
  if (out.evalEvery > 0) out.evalEvery = Math.max(1, Math.round(out.evalEvery * scale));
  if (out.evalEveryEnvSteps > 0) {
    out.evalEveryEnvSteps = Math.max(1, Math.round(out.evalEveryEnvSteps * scale));
  }
  return out;
}

/**
 * A cell's cost in one unit shared by all cells (orders the work, scales the ETA): agent steps
 * plus updates over its episode budget.
 */
export function estimatedCost(config: RunConfig): number {
  const steps = agentStepsPerEpisode(config);
  const episodes =
    config.maxEpisodes ?? Math.ceil((config.maxEnvSteps ?? 0) / (steps * config.actionRepeat));
  return episodes * (steps + config.updatesPerEpisode);
}
