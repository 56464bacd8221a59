/** The numbers of an iteration's updates, for its `train` metrics row. */

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

/** An iteration's pretraining updates (world model alone) and its other updates. */
export class UpdateStats {
  readonly pretraining = new MetricSums();
  readonly main = new MetricSums();

  /**
   * The `train` row: mean metrics of the main updates (of the pretraining when there were none),
   * the total update count, the pretraining count and the rate; null without updates.
   */
  row(totalUpdates: number): Record<string, number> | null {
    const { pretraining, main } = this;
    if (pretraining.count + main.count === 0) return null;
    const row = main.count > 0 ? main.means() : pretraining.means();
    row.updates = totalUpdates;
    if (pretraining.count > 0) row.pretrainUpdates = pretraining.count;
    const seconds = pretraining.seconds + main.seconds;
    row.updatesPerSecond = seconds > 0 ? (pretraining.count + main.count) / seconds : 0;
    return row;
  }
}
