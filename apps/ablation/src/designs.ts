/**
 * The study's designs (paper Table 4) and the behaviour axis, as the agents of `@vmbrl/agents`
 * express them: which agent kind runs design D under behaviour B, with which fields set, or why
 * that combination cannot run in this build. The app composes agents; it implements none.
 */
import { AGENT_KINDS, type AgentKind } from '@vmbrl/agents';

/** How an agent acts (the study's behaviour axis). */
export type Behaviour = 'cem' | 'actor-critic' | 'alm';

/** A design under one behaviour: the agent kind and the fields it sets, or why not. */
export type DesignRecipe =
  | { agent: AgentKind; settings: Record<string, unknown> }
  | { unavailable: string };

/** Why the pixel and reward-only designs wait (issue "study's world models"). */
const NEEDS_STUDY_AGENT =
  'needs the study agent (--agent study --design ...), which this build does not have yet';
const ALM_NEEDS_STATES =
  "ALM's policy learns from state vectors; no agent runs it on an image-predicting design yet";

/** The built-in designs by name, each under each behaviour. */
export const DESIGNS: Readonly<Record<string, Readonly<Record<Behaviour, DesignRecipe>>>> = {
  // Latent transitions, latent reward: PlaNet (paper section 3); Dreamer's actor-critic learns
  // its behaviour in the same RSSM.
  LTLR: {
    cem: { agent: 'planet', settings: {} },
    'actor-critic': { agent: 'dreamer', settings: {} },
    alm: { unavailable: ALM_NEEDS_STATES },
  },
  LTOR: pending(),
  OTOR: pending(),
  OTLR: pending(),
  R: pending(),
  // The true simulator scores CEM's candidates (paper Table 5's Oracle row).
  oracle: {
    cem: { agent: 'cem-oracle', settings: {} },
    'actor-critic': { unavailable: 'the oracle plans with the simulator; it learns no behaviour' },
    alm: { unavailable: 'the oracle plans with the simulator; it learns no behaviour' },
  },
};

function pending(): Record<Behaviour, DesignRecipe> {
  return {
    cem: { unavailable: NEEDS_STUDY_AGENT },
    'actor-critic': { unavailable: NEEDS_STUDY_AGENT },
    alm: { unavailable: ALM_NEEDS_STATES },
  };
}

/** The names of the built-in designs. */
export const DESIGN_NAMES = Object.keys(DESIGNS);

/** The paper's row of a design in tradeoffs-tables.json (null when the paper has none). */
export function paperRow(design: string): string | null {
  if (design === 'oracle') return 'Oracle';
  return ['R', 'OTOR', 'OTLR', 'LTLR', 'LTOR'].includes(design) ? design : null;
}

/** True when `kind` names an agent of the registry (a guard for recipes). */
export function isAgentKind(kind: string): kind is AgentKind {
  return (AGENT_KINDS as readonly string[]).includes(kind);
}
