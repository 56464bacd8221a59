/**
 * The design-choice study's run configs ("Models, Pixels, and Rewards", ICLR 2021): one preset
 * table per design of Table 4, all planning with the one CEM of Table 10 at action repeat 4 on
 * every task (appendix B.3). The learned designs' models come from @vmbrl/world-models' study
 * configs; the Oracle is the CEM oracle's table with the study's planner.
 */
import type { FieldDocs, Overlay, PresetName, Validator } from '@vmbrl/core';
import {
  STUDY_DESIGNS,
  STUDY_DOCS,
  type StudyConfigs,
  type StudyDesign,
  mergeOverrides,
  resolveStudyConfig,
  studyBatchShape,
  validateStudyConfig,
} from '@vmbrl/world-models';
import { LOOP_DOCS, type LoopConfig, episodeRows } from '../loop/config.js';
import type { AgentPresets, PresetBody } from '../loop/definition.js';
import { ORACLE_PRESETS } from '../oracle/config.js';
import {
  LATENT_MODEL_DEFAULTS,
  PLANNER_DOCS,
  type PlannerConfig,
  validatePlanner,
} from '../planet/config.js';

/** Every design of Table 4: the learned ones and the true simulator. */
export type StudyAgentDesign = StudyDesign | 'Oracle';

export const STUDY_AGENT_DESIGNS: readonly StudyAgentDesign[] = [...STUDY_DESIGNS, 'Oracle'];

/** What every design's run shares. */
interface StudyRunBase extends LoopConfig {
  agent: 'study';
  design: StudyAgentDesign;
  explorationNoise: number;
  planner: PlannerConfig;
}

/** A learned design's run: its world model and the open-loop rows of the report. */
export interface LearnedStudyRunConfig<D extends StudyDesign = StudyDesign> extends StudyRunBase {
  design: D;
  openLoopContext: number;
  model: StudyConfigs[D];
}

/** The Oracle's run: CEM on copies of the true simulator. */
export interface OracleStudyRunConfig extends StudyRunBase {
  design: 'Oracle';
  oracleWorkers: number;
}

/** Everything that determines a run of the study's agent. */
export type StudyRunConfig = LearnedStudyRunConfig | OracleStudyRunConfig;

/** The study's action repeat, the same on every task (appendix B.3). */
export const STUDY_ACTION_REPEAT = 4;

/**
 * CEM per preset. `paper` is Table 10 (H = 12, I = 10, J = 128, K = 12), the same for every
 * design; `debug` fits a unit test. `quick` depends on what one imagined step costs (see
 * {@link studyPlanner}); this is the `quick` of the designs that imagine in a small latent
 * space (R, LTLR) and of the Oracle: the full horizon, half the candidates, 5 iterations.
 */
export const STUDY_PLANNER: Readonly<Record<PresetName, PlannerConfig>> = {
  paper: { horizon: 12, iterations: 10, candidates: 128, topK: 12 },
  quick: { horizon: 12, iterations: 5, candidates: 64, topK: 6 },
  debug: { horizon: 3, iterations: 2, candidates: 8, topK: 2 },
};

/**
 * `quick` CEM of the designs that produce a frame per imagined step (docs/PERFORMANCE.md, "The
 * study's designs"): LTOR decodes every imagined state (~1.5 ms of CPU each at `quick` size), the
 * SV2P designs run their tower and CDNA (~8 ms each), so they plan with fewer candidates and
 * iterations, and the SV2P ones over 8 steps (32 env steps at action repeat 4).
 */
const PIXEL_QUICK_PLANNER: Readonly<Partial<Record<StudyAgentDesign, PlannerConfig>>> = {
  LTOR: { horizon: 12, iterations: 3, candidates: 32, topK: 4 },
  OTOR: { horizon: 8, iterations: 2, candidates: 16, topK: 2 },
  OTLR: { horizon: 8, iterations: 2, candidates: 16, topK: 2 },
};

/** The CEM of `design` under `preset`. */
export function studyPlanner(design: StudyAgentDesign, preset: PresetName): PlannerConfig {
  return (preset === 'quick' ? PIXEL_QUICK_PLANNER[design] : undefined) ?? STUDY_PLANNER[preset];
}

const STUDY_DOCS_BASE: FieldDocs<Pick<StudyRunBase, 'design' | 'explorationNoise'>> = {
  design: 'the design of Table 4: R, OTOR, OTLR, LTLR, LTOR or Oracle (fixed by --design)',
  explorationNoise:
    'std of the Gaussian noise added to planned actions in training episodes (PlaNet: 0.3)',
};

/** PlaNet's loop values (the latent-model fields aside). */
const {
  batchSize: _b,
  chunkLength: _c,
  explorationNoise: _e,
  maxFramesPerPass: _m,
  openLoopContext: _o,
  model: _model,
  ...PLANET_LOOP
} = LATENT_MODEL_DEFAULTS;

/**
 * The loop's values for the learned designs. `paper`: the study's online protocol, PlaNet's
 * (section 4.2: 1000 episodes of 1000 steps, one evaluation episode after every 10; 5 random
 * seed episodes, 100 updates per episode). `quick` and `debug` as the overlays below.
 */
const LEARNED_LOOP: Readonly<Record<PresetName, Overlay<PresetBody<LoopConfig>>>> = {
  paper: PLANET_LOOP,
  // CPU per 1000-step episode (docs/PERFORMANCE.md): about half a minute for R and LTLR, 4
  // minutes for LTOR, 13-15 for OTOR and OTLR; give the SV2P designs a --minutes budget.
  quick: {
    updatesPerEpisode: 30,
    evalEvery: 3,
    maxEpisodes: 40,
    replayCapacity: 200_000,
  },
  debug: {
    episodeSteps: 10,
    seedEpisodes: 2,
    updatesPerEpisode: 2,
    evalEvery: 2,
    maxEpisodes: 4,
    replayCapacity: 10_000,
  },
};

/** The preset table of a learned design. */
function learnedPresets<D extends StudyDesign>(design: D): AgentPresets<LearnedStudyRunConfig<D>> {
  const model = (preset: PresetName) => resolveStudyConfig(design, preset);
  // The study code seeds the SV2P designs with one random episode, the others with five.
  const seedEpisodes = design === 'OTOR' || design === 'OTLR' ? 1 : 5;
  const defaults = {
    ...(LEARNED_LOOP.paper as PresetBody<LoopConfig>),
    seedEpisodes,
    design,
    explorationNoise: 0.3,
    openLoopContext: 5,
    planner: STUDY_PLANNER.paper,
    model: model('paper'),
  };
  const overlay = (preset: PresetName) =>
    ({
      ...LEARNED_LOOP[preset],
      planner: studyPlanner(design, preset),
      model: model(preset),
      ...(preset === 'debug' ? { openLoopContext: 2 } : {}),
    }) as Overlay<PresetBody<LearnedStudyRunConfig<D>>>;
  return {
    defaults,
    overlays: {
      paper: {},
      quick: { ...overlay('quick'), seedEpisodes: 5 },
      debug: overlay('debug'),
    },
    docs: {
      ...LOOP_DOCS,
      ...STUDY_DOCS_BASE,
      openLoopContext: "steps observed before the report's open-loop predictions (frames, rewards)",
      planner: PLANNER_DOCS,
      model: STUDY_DOCS[design] as FieldDocs<StudyConfigs[D]>,
    } as FieldDocs<LearnedStudyRunConfig<D>>,
  };
}

/** The Oracle's table: the CEM oracle's loop fields, the study's planner, one core in `quick`. */
function oraclePresets(): AgentPresets<OracleStudyRunConfig> {
  const { defaults, overlays, docs } = ORACLE_PRESETS;
  const { planner: _p, ...oracleDefaults } = defaults;
  return {
    defaults: { ...oracleDefaults, design: 'Oracle', planner: STUDY_PLANNER.paper },
    overlays: {
      paper: {},
      quick: { ...overlays.quick, oracleWorkers: 0, planner: STUDY_PLANNER.quick },
      debug: { ...overlays.debug, planner: STUDY_PLANNER.debug },
    },
    docs: { ...docs, ...STUDY_DOCS_BASE } as FieldDocs<OracleStudyRunConfig>,
  };
}

/** Each design's preset table. */
export const STUDY_PRESETS: Readonly<Record<StudyAgentDesign, AgentPresets<StudyRunConfig>>> = {
  R: learnedPresets('R'),
  OTOR: learnedPresets('OTOR'),
  OTLR: learnedPresets('OTLR'),
  LTLR: learnedPresets('LTLR'),
  LTOR: learnedPresets('LTOR'),
  Oracle: oraclePresets(),
} as unknown as Record<StudyAgentDesign, AgentPresets<StudyRunConfig>>;

/** True for the designs with a learned model. */
export function isLearned(config: StudyRunConfig): config is LearnedStudyRunConfig {
  return config.design !== 'Oracle';
}

/**
 * Checks the study's fields: the design, CEM, and for a learned design its model (with the
 * world model's own messages), batches and open-loop rows that fit in an episode, and for
 * R_conv a planning horizon equal to the rewards it predicts at once.
 */
export function validateStudyRunConfig(check: Validator, config: StudyRunConfig): void {
  check.oneOf('design', config.design, STUDY_AGENT_DESIGNS);
  check.number('explorationNoise', config.explorationNoise, { min: 0 });
  validatePlanner(check, config.planner);
  if (!isLearned(config)) {
    check.integer('oracleWorkers', config.oracleWorkers, 0);
    return;
  }
  if (!config.model || typeof config.model !== 'object') {
    check.fail('model', config.model, `a ${config.design} config`);
  }
  // Unknown fields (a typo, or another design's field) fail here, before the checks per field.
  mergeOverrides(resolveStudyConfig(config.design), config.model as never, 'model');
  validateStudyConfig(config.design, config.model);
  check.integer('seedEpisodes', config.seedEpisodes, 1);
  const rows = episodeRows(config);
  const { sequenceLength } = studyBatchShape(config.design, config.model);
  if (sequenceLength > rows) {
    check.fail(
      'episodeSteps',
      config.episodeSteps,
      `at least ${sequenceLength - 1} steps (the ${config.design} training sequences)`,
    );
  }
  check.integer('openLoopContext', config.openLoopContext, 1, rows - config.planner.horizon);
  if (config.design === 'R') {
    const r = config.model as StudyConfigs['R'];
    if (r.variant === 'R_conv' && r.horizon !== config.planner.horizon) {
      check.fail(
        'planner.horizon',
        config.planner.horizon,
        `${r.horizon}, the rewards R_conv predicts at once (model.horizon)`,
      );
    }
  }
}
