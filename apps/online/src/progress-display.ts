/**
 * The progress display on stderr: one updating line on a terminal, a line every `intervalMs`
 * otherwise (logs, CI). Formatting only; the numbers come from `runOnline`'s progress snapshots.
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

/** One line describing a snapshot. */
export function formatProgress(p: OnlineProgress, maxEpisodes: number | null): string {
  const parts = [
    `${p.phase.padEnd(7)} ep ${p.episodes}${maxEpisodes !== null ? `/${maxEpisodes}` : ''}${p.episodeStep ? ` (step ${p.episodeStep})` : ''}`,
    `${compact(p.envSteps)} env steps`,
    `${compact(p.updates)} updates${p.updatesPerSecond !== null ? ` (${p.updatesPerSecond.toFixed(1)}/s)` : ''}`,
  ];
  const l = p.lastLosses;
  if (l && typeof l.loss === 'number') {
    const terms = ['image', 'reward', 'kl']
      .filter((k) => typeof l[k] === 'number')
      .map((k) => `${k} ${compact(l[k] as number)}`);
    parts.push(`loss ${compact(l.loss)}${terms.length ? ` (${terms.join(' ')})` : ''}`);
  }
  if (p.lastReturn !== null) parts.push(`return ${p.lastReturn.toFixed(1)}`);
  parts.push(`eval ${p.lastEvalReturn === null ? '-' : p.lastEvalReturn.toFixed(1)}`);
  parts.push(
    `${(100 * p.fractionDone).toFixed(0)}% ${duration(p.elapsedSeconds)} ETA ${p.etaSeconds === null ? '?' : duration(p.etaSeconds)}`,
  );
  return parts.join(' | ');
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
    this.lastLine = formatProgress(progress, this.maxEpisodes);
    if (this.stream.isTTY) {
      const width = Math.max(20, (this.stream.columns ?? 120) - 1);
      this.stream.write(`\r\x1b[2K${this.lastLine.slice(0, width)}`);
    } else {
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
