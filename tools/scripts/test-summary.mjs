#!/usr/bin/env node
// Sums the JSON reports that each package's vitest run wrote (.vitest/report.json) and prints
// vitest-style totals, so `pnpm test` ends with one summary for the whole workspace even though
// turbo runs vitest once per package.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const rows = [];
for (const group of ['packages', 'apps', 'tools']) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const name of readdirSync(groupDir)) {
    const report = join(groupDir, name, '.vitest', 'report.json');
    if (!existsSync(report)) continue;
    let json;
    try {
      json = JSON.parse(readFileSync(report, 'utf8'));
    } catch (error) {
      console.error(`test-summary: cannot read ${report}: ${error.message}`);
      process.exit(1);
    }
    rows.push({
      pkg: `${group}/${name}`,
      // testResults has one entry per test file (numTotalTestSuites also counts describe blocks).
      files: json.testResults.length,
      failedFiles: json.testResults.filter((file) => file.status === 'failed').length,
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
    });
  }
}
if (rows.length === 0) {
  console.error('test-summary: no .vitest/report.json found; did `turbo run test` run?');
  process.exit(1);
}
const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
console.log('');
for (const row of rows) {
  const skipped = row.skipped ? `, ${row.skipped} skipped` : '';
  console.log(`  ${row.pkg.padEnd(26)} ${row.passed} passed, ${row.failed} failed${skipped}`);
}
const failedFiles = sum('failedFiles');
const files = sum('files');
const filesLine = failedFiles
  ? `${failedFiles} failed | ${files - failedFiles} passed (${files})`
  : `${files} passed (${files})`;
console.log('');
console.log(` Test Files  ${filesLine}`);
console.log(
  `      Tests  ${sum('passed')} passed | ${sum('failed')} failed (${sum('passed') + sum('failed')})`,
);
console.log(
  `${sum('passed')} passed, ${sum('failed')} failed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}`,
);
process.exit(sum('failed') > 0 ? 1 : 0);
