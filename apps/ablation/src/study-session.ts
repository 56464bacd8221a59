/**
 * What every command that takes a study shares: its flags, the plan, the runs directory, and
 * short formatting of durations and cell lists.
 */
import { resolve } from 'node:path';
import type { FlagSpec, FlagValues } from '@vmbrl/core';
import { type StudyPlan, planStudy } from './plan.js';
import { readStudyFile } from './study-file.js';

/** Flags of the commands that read a study. */
export const STUDY_FLAGS: Record<string, FlagSpec> = {
  runs: { type: 'string', doc: 'the runs directory (default runs/study-<name>)' },
  scale: {
    type: 'float',
    doc: "shrink the study: multiplies episode budgets and evaluation periods (on top of the file's scale)",
    min: 0,
    max: 1,
  },
};

export interface StudySession {
  plan: StudyPlan;
  runsDir: string;
}

/** Reads, checks and plans the study file `path` with the study flags. */
export function openStudy(path: string, flags: FlagValues): StudySession {
  const plan = planStudy(readStudyFile(path), { scale: flags.scale as number | undefined });
  const runsDir = resolve(
    (flags.runs as string | undefined) ?? `runs/study-${plan.file.spec.name}`,
  );
  return { plan, runsDir };
}

/** Milliseconds as 42s, 3m05s, 1h07m. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'unknown';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A fixed-width text table. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
