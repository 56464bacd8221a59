import { type Module, tf } from '@vmbrl/tensor';

/**
 * A slow copy of a network for stable targets: Dreamer's value network copied every 100
 * updates (hard copy), ALM's target encoder and target critics (EMA with tau = 0.005).
 * `target` must be built with the same architecture as `source`; its variables are paired with
 * the source's in `namedVariables()` order and start as an exact copy.
 */
export class TargetNetwork<M extends Module> {
  private readonly pairs: Array<[target: tf.Variable, source: tf.Variable]>;
  private updates = 0;

  constructor(
    readonly source: M,
    readonly target: M,
  ) {
    const sources = [...source.namedVariables().entries()];
    const targets = [...target.namedVariables().entries()];
    if (sources.length !== targets.length) {
      throw new Error(
        `TargetNetwork: '${target.name}' has ${targets.length} variables but '${source.name}' has ${sources.length}; build the target with the same architecture`,
      );
    }
    this.pairs = targets.map(([targetName, t], i) => {
      const [sourceName, s] = sources[i] as [string, tf.Variable];
      if (t.shape.join() !== s.shape.join()) {
        throw new Error(
          `TargetNetwork: ${targetName} [${t.shape}] does not match ${sourceName} [${s.shape}]`,
        );
      }
      return [t, s];
    });
    this.hardUpdate();
  }

  /** Copies the source's weights into the target. */
  hardUpdate(): void {
    tf.tidy(() => {
      for (const [t, s] of this.pairs) t.assign(s);
    });
  }

  /** Polyak averaging: target <- (1 - tau) target + tau source, tau in (0, 1]. */
  softUpdate(tau: number): void {
    if (!(tau > 0 && tau <= 1)) throw new Error(`TargetNetwork: tau must be in (0, 1], got ${tau}`);
    tf.tidy(() => {
      for (const [t, s] of this.pairs) t.assign(tf.add(t, tf.mul(tau, tf.sub(s, t))));
    });
  }

  /**
   * Call once per training update: every `every` calls it updates the target by `tau`
   * (tau = 1 is a hard copy). Returns true when it updated.
   */
  step(schedule: { every: number; tau: number }): boolean {
    if (!Number.isInteger(schedule.every) || schedule.every < 1) {
      throw new Error(`TargetNetwork: every must be a positive integer, got ${schedule.every}`);
    }
    this.updates += 1;
    if (this.updates % schedule.every !== 0) return false;
    if (schedule.tau === 1) this.hardUpdate();
    else this.softUpdate(schedule.tau);
    return true;
  }

  /** Number of `step` calls so far (for checkpoints: restore with `setStepCount`). */
  get stepCount(): number {
    return this.updates;
  }

  /** Restores the `step` counter after loading a checkpoint. */
  setStepCount(count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(`TargetNetwork: step count must be a non-negative integer, got ${count}`);
    }
    this.updates = count;
  }
}
