/**
 * What every learned design shares beyond its networks: its variables by name, its parameter
 * count and checkpoints (variables, Adam state, the sampling stream and the resolved config).
 */
import type { Adam, RngState, tf } from '@vmbrl/tensor';
import { loadStudyCheckpoint, saveStudyCheckpoint } from './checkpoint.js';

/** Anything with named variables (a module, a world model). */
interface HasVariables {
  namedVariables(): Map<string, tf.Variable>;
}

/** The named variables of `parts` (nulls skipped) in order; a name used twice is an error. */
export function mergeNamedVariables(parts: Array<HasVariables | null>): Map<string, tf.Variable> {
  const named = new Map<string, tf.Variable>();
  for (const part of parts) {
    for (const [name, v] of part?.namedVariables() ?? []) {
      if (named.has(name)) throw new Error(`study model: two variables are named ${name}`);
      named.set(name, v);
    }
  }
  return named;
}

export abstract class StudyModelBase {
  abstract readonly design: string;
  abstract readonly variant: string;
  abstract readonly config: unknown;
  abstract readonly optimizer: Adam;
  abstract namedVariables(): Map<string, tf.Variable>;

  /** The sampling stream's state, for designs that sample (saved with the checkpoint). */
  protected samplingState(): RngState | undefined {
    return undefined;
  }

  protected restoreSampling(_state: RngState): void {}

  /** Every variable, in the order of `namedVariables` (the optimiser's slot order). */
  trainableVariables(): tf.Variable[] {
    return [...this.namedVariables().values()];
  }

  parameterCount(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  private checkpoint() {
    const { design, variant, config, optimizer } = this;
    return { design, variant, config, optimizer, variables: this.namedVariables() };
  }

  async save(dir: string): Promise<void> {
    await saveStudyCheckpoint(dir, this.checkpoint(), this.samplingState());
  }

  async load(dir: string): Promise<void> {
    const rng = await loadStudyCheckpoint(dir, this.checkpoint());
    if (rng) this.restoreSampling(rng);
  }
}
