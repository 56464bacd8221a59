/**
 * The study's designs (paper Table 4) and the behaviour axis, as the agents of `@vmbrl/agents`
 * express them: which agent kind runs design D under behaviour B, with which fields its preset
 * table is resolved, or why that combination cannot run in this build. The app composes agents;
 * it implements none.
 */
import type { AgentKind } from '@vmbrl/agents';

/** How an agent acts (the study's behaviour axis). */
export type Behaviour = 'cem' | 'actor-critic' | 'alm';

/** A design under one behaviour: the agent kind and the fields that pick its preset table. */
export type DesignRecipe =
  | { agent: AgentKind; overrides: Record<string, unknown> }
  | { unavailable: string };

const CEM_ONLY =
  "the study agent plans with CEM; no agent learns a behaviour in this design's model yet";
const ALM_NEEDS_STATES =
  "ALM's policy learns from state vectors; no agent runs it on an image-predicting design yet";
const ORACLE_LEARNS_NOTHING = 'the oracle plans with the simulator; it learns no behaviour';

/** A design of the study agent (`--agent study --design D`) under CEM. */
function studyDesign(design: string): Record<Behaviour, DesignRecipe> {
  return {
    cem: { agent: 'study', overrides: { design } },
    'actor-critic': { unavailable: CEM_ONLY },
    alm: { unavailable: ALM_NEEDS_STATES },
  };
}

/** The built-in designs by name, each under each behaviour. */
export const DESIGNS: Readonly<Record<string, Readonly<Record<Behaviour, DesignRecipe>>>> = {
  R: studyDesign('R'),
  OTOR: studyDesign('OTOR'),
  OTLR: studyDesign('OTLR'),
  LTOR: studyDesign('LTOR'),
  // Latent transitions, latent reward: PlaNet with the study's settings under CEM; Dreamer's
  // actor-critic learns its behaviour in the same kind of model (an RSSM).
  LTLR: {
    ...studyDesign('LTLR'),
    'actor-critic': { agent: 'dreamer', overrides: {} },
  },
  // The true simulator scores CEM's candidates (paper Table 5's Oracle row).
  oracle: {
    cem: { agent: 'study', overrides: { design: 'Oracle' } },
    'actor-critic': { unavailable: ORACLE_LEARNS_NOTHING },
    alm: { unavailable: ORACLE_LEARNS_NOTHING },
  },
  // PlaNet itself (its own presets and action repeats), for the comparisons of its paper and
  // Dreamer's; Dreamer under the actor-critic.
  PlaNet: {
    cem: { agent: 'planet', overrides: {} },
    'actor-critic': { agent: 'dreamer', overrides: {} },
    alm: { unavailable: ALM_NEEDS_STATES },
  },
};

/** The names of the built-in designs. */
export const DESIGN_NAMES = Object.keys(DESIGNS);

/** The paper's row of a design in tradeoffs-tables.json (null when the paper has none). */
export function paperRow(design: string): string | null {
  if (design === 'oracle') return 'Oracle';
  return ['R', 'OTOR', 'OTLR', 'LTLR', 'LTOR'].includes(design) ? design : null;
}
