/**
 * The progress display of `run`: cells done, running (with their progress), failed, queued and
 * the ETA, as one updating line on a terminal and a line per change (at most every few seconds)
 * in logs.
 */
import type { LocalProgress } from '@vmbrl/sweep';
import { formatDuration } from './study-session.js';

const LOG_EVERY_MS = 5000;

/** One line describing a snapshot of the local pool. */
export function formatRunProgress(p: LocalProgress): string {
  const running = p.running
    .map((r) => `${r.id}${r.progress === undefined ? '' : ` ${Math.round(r.progress * 100)}%`}`)
    .join(', ');
  return [
    `cells ${p.done}/${p.total} done`,
    `${p.running.length} running${running ? ` (${running})` : ''}`,
    `${p.failed.length} failed`,
    `${p.queued} queued`,
    `ETA ${formatDuration(p.etaMs)}`,
  ].join(' | ');
}

export class RunDisplay {
  private last = '';
  private lastAt = 0;
  private lastCounts = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(progress: LocalProgress): void {
    const line = formatRunProgress(progress);
    if (line === this.last) return;
    this.last = line;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${line}`);
      return;
    }
    // In a log: every change of the counts, else at most every few seconds.
    const counts = `${progress.done} ${progress.running.length} ${progress.failed.length}`;
    const now = Date.now();
    if (counts === this.lastCounts && now - this.lastAt < LOG_EVERY_MS) return;
    this.lastCounts = counts;
    this.lastAt = now;
    this.stream.write(`${line}\n`);
  }

  finish(): void {
    if (this.stream.isTTY && this.last) this.stream.write('\n');
    this.last = '';
  }
}
