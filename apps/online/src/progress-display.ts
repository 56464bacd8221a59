/**
 * The progress display on stderr: one updating line on a terminal, a line every `intervalMs`
 * otherwise (logs, CI). Formatting only; the numbers come from `runOnline`'s progress snapshots.
 * Every field is labelled; on a terminal the line fits its width, the least important fields
 * going first, the phase and the ETA never.
 */
import type { OnlineProgress } from '@vmbrl/agents';

/** Short human number: 1234 -> 1.2k, 2500000 -> 2.5M. */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return abs >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(2);
}

/** Seconds as 42s, 3m05s, 1h07m. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One field of the line: lower `keep` goes first when the line is too wide. */
interface Field {
  text: string;
  keep: number;
}

const SEPARATOR = ' | ';

/** The labelled fields of a snapshot, in display order. */
export function progressFields(p: OnlineProgress, maxEpisodes: number | null): Field[] {
  const fields: Field[] = [
    { text: p.phase, keep: 100 },
    { text: `ep ${p.episodes}${maxEpisodes !== null ? `/${maxEpisodes}` : ''}`, keep: 90 },
  ];
  if (p.episodeStep) fields.push({ text: `step ${p.episodeStep}`, keep: 10 });
  fields.push({ text: `env steps ${compact(p.envSteps)}`, keep: 50 });
  fields.push({ text: `updates ${compact(p.updates)}`, keep: 45 });
  if (p.updatesPerSecond !== null) {
    fields.push({ text: `${p.updatesPerSecond.toFixed(1)} upd/s`, keep: 20 });
  }
  const l = p.lastLosses;
  if (l && typeof l.loss === 'number') {
    fields.push({ text: `loss ${compact(l.loss)}`, keep: 60 });
    const terms = ['image', 'reward', 'kl']
      .filter((k) => typeof l[k] === 'number')
      .map((k) => `${k} ${compact(l[k] as number)}`);
    if (terms.length > 0) fields.push({ text: terms.join(' '), keep: 5 });
  }
  if (p.lastReturn !== null) fields.push({ text: `return ${p.lastReturn.toFixed(1)}`, keep: 70 });
  fields.push({
    text: `eval return ${p.lastEvalReturn === null ? '-' : p.lastEvalReturn.toFixed(1)}`,
    keep: 80,
  });
  fields.push({ text: `done ${(100 * p.fractionDone).toFixed(0)}%`, keep: 40 });
  fields.push({ text: `elapsed ${duration(p.elapsedSeconds)}`, keep: 30 });
  fields.push({
    text: `ETA ${p.etaSeconds === null ? '?' : duration(p.etaSeconds)}`,
    keep: 100,
  });
  return fields;
}

/**
 * The fields joined, without the least important ones while the line is wider than `width`
 * (no limit when null); the phase and the ETA stay, and when even they do not fit the phase is
 * cut, never the ETA.
 */
export function fitFields(fields: readonly Field[], width: number | null): string {
  const kept = [...fields];
  const join = () => kept.map((f) => f.text).join(SEPARATOR);
  if (width === null) return join();
  while (join().length > width) {
    const droppable = kept.filter((f) => f.keep < 100);
    if (droppable.length === 0) break;
    const least = droppable.reduce((a, b) => (b.keep < a.keep ? b : a));
    kept.splice(kept.indexOf(least), 1);
  }
  const line = join();
  if (line.length <= width) return line;
  const eta = kept.at(-1)?.text ?? '';
  const head = kept
    .slice(0, -1)
    .map((f) => f.text)
    .join(SEPARATOR);
  return `${head.slice(0, Math.max(0, width - eta.length - 1))} ${eta}`.slice(-width);
}

/** One line describing a snapshot, at most `width` characters (no limit when null). */
export function formatProgress(
  p: OnlineProgress,
  maxEpisodes: number | null,
  width: number | null = null,
): string {
  return fitFields(progressFields(p, maxEpisodes), width);
}

/** Writes progress lines to a stream, throttled. */
export class ProgressDisplay {
  private lastWrite = 0;
  private lastLine = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly maxEpisodes: number | null,
    private readonly intervalMs = stream.isTTY ? 200 : 30_000,
  ) {}

  /** Shows a snapshot (at most every `intervalMs`; checkpoints and the end always). */
  update(progress: OnlineProgress): void {
    const now = Date.now();
    const always = progress.phase === 'done';
    if (!always && now - this.lastWrite < this.intervalMs) return;
    this.lastWrite = now;
    if (this.stream.isTTY) {
      // One column short of the width: a full line would wrap on some terminals.
      const width = Math.max(20, (this.stream.columns ?? 120) - 1);
      this.lastLine = formatProgress(progress, this.maxEpisodes, width);
      this.stream.write(`\r\x1b[2K${this.lastLine}`);
    } else {
      this.lastLine = formatProgress(progress, this.maxEpisodes);
      this.stream.write(`${this.lastLine}\n`);
    }
  }

  /** Prints a message on its own line (without breaking the updating line). */
  message(text: string): void {
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${text}\n`);
    else this.stream.write(`${text}\n`);
  }

  /** Ends the updating line (once). */
  finish(): void {
    if (this.stream.isTTY && this.lastLine) this.stream.write('\n');
    this.lastLine = '';
  }
}
