/**
 * Writes a study's report: `report.html` (tables, figures, the missing cells and the paper's
 * results this study cannot regenerate), each table as `<name>.md` and `<name>.csv`, `tables.md`
 * with all of them, and each figure as SVG and PNG. Every file is written atomically.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@vmbrl/core';
import { type ReportSection, writePlotFiles, writeReport } from '@vmbrl/metrics';
import type { StudyPlan } from '../plan.js';
import { type CollectedCell, collectCells } from './collect.js';
import { learningCurvesFigure, rewardDistributionFigure } from './figures.js';
import { writeOfflineTables } from './offline.js';
import { rankAgreementTable } from './ranks.js';
import {
  type ReportTable,
  capacityTable,
  costNormalisedTable,
  costTable,
  groupCells,
  onlineScoreTable,
  tableCsv,
  tableMarkdown,
} from './tables.js';

/** The paper's results a study may not cover, and what would produce them. */
const NOT_COVERED: { what: string; needs: (plan: StudyPlan) => string | null }[] = [
  {
    what: 'Tables 1-2 (offline score, reward error, Pearson row)',
    needs: (plan) =>
      plan.file.spec.protocol === 'offline' ? null : 'an offline study (protocol: offline)',
  },
  {
    what: 'Table 3 and Fig. 11 (capacity)',
    needs: (plan) =>
      Object.keys(plan.file.spec.sweep).length > 0
        ? null
        : 'a sweep over model sizes (studies/capacity-ltlr.yaml)',
  },
  {
    what: 'Figs. 4 and 6 (image-target masks)',
    needs: (plan) =>
      'model.model.imageLossMask' in plan.file.spec.sweep
        ? null
        : 'a sweep over model.model.imageLossMask (studies/image-masks.yaml); its rows appear in Table 5 by point',
  },
  {
    what: 'Fig. 7 (shared or separate latent)',
    needs: (plan) =>
      'model.shareLatent' in plan.file.spec.sweep
        ? null
        : 'a sweep over model.shareLatent (studies/shared-latent.yaml); its rows appear in Table 5 by point',
  },
];

export interface WrittenReport {
  /** Cells with results. */
  done: number;
  tables: string[];
}

export async function writeStudyReport(
  plan: StudyPlan,
  runsDir: string,
  out: string,
): Promise<WrittenReport> {
  mkdirSync(out, { recursive: true });
  const collected = collectCells(plan.cells, runsDir);
  const sections: ReportSection[] = [];
  const names: string[] = [];
  if (plan.file.spec.protocol === 'offline') {
    const offline = writeOfflineTables(collected, out);
    writeFileAtomic(
      join(out, 'tables.md'),
      [`# Study ${plan.file.spec.name}: tables`, '', offline.markdown].join('\n'),
    );
    sections.push(...offline.sections);
    names.push('offline-tables');
  } else {
    names.push(...(await writeOnlineParts(plan, collected, out, sections)));
  }
  const missing = collected.filter((c) => !c.result && !c.offline);
  sections.push({
    kind: 'table',
    title: `Missing cells (${missing.length} of ${collected.length})`,
    columns: ['design', 'behaviour', 'point', 'task', 'seed', 'cell', 'why'],
    rows: missing.map(({ planned: p, missing: why }) => [
      p.design,
      p.behaviour,
      p.point || '-',
      p.task,
      p.seed,
      p.cell?.id ?? '-',
      why ?? '',
    ]),
  });
  const uncovered = NOT_COVERED.flatMap(({ what, needs }) => {
    const need = needs(plan);
    return need ? [`${what}: missing; needs ${need}.`] : [];
  });
  if (uncovered.length) {
    sections.push({
      kind: 'text',
      title: "The paper's results this study does not regenerate",
      text: uncovered.join('\n'),
    });
  }
  writeReport(join(out, 'report.html'), {
    title: `Study ${plan.file.spec.name}`,
    summary: {
      study: plan.file.path,
      runs: runsDir,
      protocol: plan.file.spec.protocol,
      cells: collected.length,
      'with results': collected.length - missing.length,
    },
    sections,
  });
  return { done: collected.length - missing.length, tables: names };
}

/** The online study's tables (written as files) and figures; returns the tables' names. */
async function writeOnlineParts(
  plan: StudyPlan,
  collected: CollectedCell[],
  out: string,
  sections: ReportSection[],
): Promise<string[]> {
  const groups = groupCells(collected);
  const tables: ReportTable[] = [
    onlineScoreTable(groups),
    rankAgreementTable(groups),
    costTable(groups),
    costNormalisedTable(groups),
  ];
  const capacity = capacityTable(groups);
  if (capacity) tables.push(capacity);
  for (const table of tables) {
    writeFileAtomic(join(out, `${table.name}.md`), tableMarkdown(table));
    writeFileAtomic(join(out, `${table.name}.csv`), tableCsv(table));
  }
  writeFileAtomic(
    join(out, 'tables.md'),
    [`# Study ${plan.file.spec.name}: tables`, '', ...tables.map(tableMarkdown)].join('\n'),
  );

  for (const table of tables) {
    sections.push({
      kind: 'table',
      title: table.title,
      columns: table.columns,
      rows: table.rows,
      caption: table.caption,
    });
  }
  for (const task of plan.file.spec.tasks) {
    for (const [stem, draw] of [
      ['fig2-curves', learningCurvesFigure],
      ['fig3-rewards', rewardDistributionFigure],
    ] as const) {
      const svg = await draw(task, groups);
      if (svg === null) {
        sections.push({
          kind: 'text',
          title: `${stem} ${task}`,
          text: 'missing: no cell on this task has results',
        });
        continue;
      }
      writePlotFiles(join(out, `${stem}-${task}`), svg);
      sections.push({
        kind: 'plot',
        title: `${stem === 'fig2-curves' ? 'Fig. 2' : 'Fig. 3'}: ${task}`,
        svg,
      });
    }
  }
  return tables.map((t) => t.name);
}
