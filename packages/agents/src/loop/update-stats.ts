/** The numbers of an iteration's updates, for its `train` metrics rows. */

/** Sums of the metrics of a series of updates and the seconds they took. */
export class MetricSums {
  count = 0;
  seconds = 0;
  private readonly sums: Record<string, number> = {};

  add(metrics: Record<string, number>, seconds: number): void {
    for (const [key, value] of Object.entries(metrics))
      this.sums[key] = (this.sums[key] ?? 0) + value;
    this.count += 1;
    this.seconds += seconds;
  }

  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, sum] of Object.entries(this.sums)) out[key] = sum / this.count;
    return out;
  }

  /** Updates per second so far (0 before the first). */
  get updatesPerSecond(): number {
    return this.seconds > 0 ? this.count / this.seconds : 0;
  }
}

/** Which updates: world-model-only pretraining, or the agent's own. */
export type UpdatePhase = 'pretraining' | 'main';

/** A `train` row's values (the loop adds `step` and `kind`). */
export type TrainRow = Record<string, number | boolean>;

/**
 * An iteration's updates and the `train` rows they give. With `logEvery` = 0, one row for the
 * iteration: mean metrics of the main updates (of the pretraining when there were none), the
 * total update count, the pretraining count and the rate. With `logEvery` = N > 0, a row each
 * time the total update count reaches a multiple of N, and one for the updates left at the end
 * of the iteration or of its pretraining: the mean over the updates since the previous row, the
 * total count after them, their rate, and `pretrain: true` for pretraining updates. A row never
 * spans two iterations, so resuming at a checkpoint repeats no row.
 */
export class UpdateStats {
  readonly pretraining = new MetricSums();
  readonly main = new MetricSums();
  private window = new MetricSums();
  private windowPhase: UpdatePhase = 'main';
  private readonly windows: TrainRow[] = [];

  constructor(private readonly logEvery = 0) {
    if (!Number.isInteger(logEvery) || logEvery < 0) {
      throw new RangeError(`logEvery is ${logEvery}; allowed: an integer >= 0`);
    }
  }

  /** Adds one update's metrics; `totalUpdates` counts it. */
  record(
    phase: UpdatePhase,
    metrics: Record<string, number>,
    seconds: number,
    totalUpdates: number,
  ): void {
    this[phase].add(metrics, seconds);
    if (this.logEvery === 0) return;
    if (this.window.count > 0 && phase !== this.windowPhase) this.closeWindow(totalUpdates - 1);
    this.windowPhase = phase;
    this.window.add(metrics, seconds);
    if (totalUpdates % this.logEvery === 0) this.closeWindow(totalUpdates);
  }

  /** Updates per second of `phase` in this iteration so far. */
  updatesPerSecond(phase: UpdatePhase): number {
    return this[phase].updatesPerSecond;
  }

  /** The iteration's `train` rows, in order (none without updates). */
  rows(totalUpdates: number): TrainRow[] {
    if (this.logEvery > 0) {
      if (this.window.count > 0) this.closeWindow(totalUpdates);
      return [...this.windows];
    }
    const { pretraining, main } = this;
    if (pretraining.count + main.count === 0) return [];
    const row: TrainRow = main.count > 0 ? main.means() : pretraining.means();
    row.updates = totalUpdates;
    if (pretraining.count > 0) row.pretrainUpdates = pretraining.count;
    const seconds = pretraining.seconds + main.seconds;
    row.updatesPerSecond = seconds > 0 ? (pretraining.count + main.count) / seconds : 0;
    return [row];
  }

  private closeWindow(totalUpdates: number): void {
    const w = this.window;
    const row: TrainRow = { ...w.means(), updates: totalUpdates };
    if (this.windowPhase === 'pretraining') row.pretrain = true;
    row.updatesPerSecond = w.updatesPerSecond;
    this.windows.push(row);
    this.window = new MetricSums();
  }
}
