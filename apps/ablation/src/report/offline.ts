/**
 * The offline study's report: Tables 1 and 2 with the Pearson row rho(L_R, S) per task beside
 * the paper's numbers and the difference, built by @vmbrl/metrics' offline tables (the code
 * apps/offline reports with) from the done cells' evaluation.json. Every planned design and
 * task has its row and column; a cell without a result reads "missing".
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@vmbrl/core';
import {
  type OfflineTables,
  type ReportSection,
  offlineTables,
  offlineTablesCsv,
  offlineTablesMarkdown,
} from '@vmbrl/metrics';
import { type CollectedCell, offlineLabel } from './collect.js';

/** Writes `offline-tables.md` and `.csv` into `out`; returns the tables and report sections. */
export function writeOfflineTables(
  collected: readonly CollectedCell[],
  out: string,
): { tables: OfflineTables; markdown: string; sections: ReportSection[] } {
  const rows = collected.flatMap((c) => (c.offline ? [c.offline] : []));
  const tables = offlineTables(rows, {
    tasks: [...new Set(collected.map((c) => c.planned.task))],
    designs: [...new Set(collected.map((c) => offlineLabel(c.planned)))],
  });
  const markdown = offlineTablesMarkdown(tables);
  writeFileAtomic(join(out, 'offline-tables.md'), markdown);
  writeFileAtomic(join(out, 'offline-tables.csv'), offlineTablesCsv(tables));
  const sections: ReportSection[] = [
    offlineSection(tables, 'score', 'Table 1: score (p90 of the evaluation returns)', 1),
    offlineSection(tables, 'rewardError', 'Table 2: median reward error L_R on the test split', 4),
  ];
  return { tables, markdown, sections };
}

const shown = (v: number | null, digits: number) => (v === null ? '' : Number(v.toFixed(digits)));

/** One table as a report section: per design and task ours, seeds, paper, difference. */
function offlineSection(
  tables: OfflineTables,
  which: 'score' | 'rewardError',
  title: string,
  digits: number,
): ReportSection {
  const rows = tables.designs.flatMap((design) =>
    tables.tasks.map((task) => {
      const c = tables[which][design][task];
      return [
        design,
        task,
        c.ours === null ? 'missing' : shown(c.ours, digits),
        c.seeds,
        shown(c.paper, digits),
        shown(c.difference, digits),
      ];
    }),
  );
  if (which === 'rewardError') {
    for (const task of tables.tasks) {
      const p = tables.pearson[task];
      rows.push([
        'ρ(L_R, S)',
        task,
        p.ours === null ? `missing: ${p.why}` : shown(p.ours, 2),
        p.designs,
        shown(p.paper, 2),
        shown(p.difference, 2),
      ]);
    }
  }
  return {
    kind: 'table',
    title,
    columns: ['design', 'task', 'ours (mean over seeds)', 'seeds (designs)', 'paper', 'difference'],
    rows,
  };
}
