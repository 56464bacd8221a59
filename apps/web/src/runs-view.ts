/**
 * Runs and studies: a run directory's metrics.jsonl as interactive charts (returns of episodes
 * and evaluations, each loss), and a study report's tables (.csv) as a table and a chart, with
 * uPlot (zoom by dragging, values on hover).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { button, heading, row } from './live-view.js';

type Row = Record<string, unknown>;

/** Charts of metrics.jsonl text: returns by env step, then one chart per train metric. */
export function metricsCharts(text: string, into: HTMLElement): number {
  const rows: Row[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line) as Row);
    } catch {
      throw new Error(`metrics.jsonl line ${i + 1} is not JSON`);
    }
  });
  const series = (kind: string, key: string) =>
    rows
      .filter((r) => r.kind === kind && typeof r[key] === 'number' && typeof r.step === 'number')
      .map((r) => [r.step as number, r[key] as number] as const);
  let charts = 0;
  const returns = { episode: series('episode', 'return'), eval: series('eval', 'return') };
  if (returns.episode.length + returns.eval.length > 0) {
    chart(into, 'return', [
      { label: 'training episode', points: returns.episode },
      { label: 'evaluation', points: returns.eval },
    ]);
    charts++;
  }
  const trainKeys = new Set<string>();
  for (const r of rows) {
    if (r.kind !== 'train') continue;
    for (const [k, v] of Object.entries(r))
      if (typeof v === 'number' && k !== 'step') trainKeys.add(k);
  }
  for (const key of trainKeys) {
    chart(into, key, [{ label: key, points: series('train', key) }]);
    charts++;
  }
  if (charts === 0) throw new Error('metrics.jsonl holds no episode, eval or train rows');
  return charts;
}

/** A study table (.csv): shown as a table, its numeric columns as one line each over the rows. */
export function csvTable(text: string, into: HTMLElement): number {
  const lines = text.trim().split('\n').map(parseCsvLine);
  const [header, ...body] = lines;
  if (!header || body.length === 0) throw new Error('the table has no rows');
  const table = document.createElement('table');
  table.innerHTML = `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const tbody = document.createElement('tbody');
  for (const cells of body) {
    const tr = document.createElement('tr');
    tr.innerHTML = cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('');
    tbody.append(tr);
  }
  table.append(tbody);
  into.append(table);
  const numeric = header
    .map((h, j) => ({
      label: h,
      points: body.map((r, i) => [i, Number.parseFloat(r[j] ?? '')] as const),
    }))
    .filter((s) => s.points.every(([, v]) => Number.isFinite(v)));
  if (numeric.length > 0) chart(into, 'numeric columns by row', numeric);
  return body.length;
}

function chart(
  into: HTMLElement,
  title: string,
  lines: Array<{ label: string; points: ReadonlyArray<readonly [number, number]> }>,
): void {
  const xs = [...new Set(lines.flatMap((l) => l.points.map(([x]) => x)))].sort((a, b) => a - b);
  const data: uPlot.AlignedData = [
    xs,
    ...lines.map((l) => {
      const at = new Map(l.points.map(([x, y]) => [x, y]));
      return xs.map((x) => at.get(x) ?? null);
    }),
  ];
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const div = document.createElement('div');
  div.className = 'chart';
  into.append(div);
  new uPlot(
    {
      title,
      width: 560,
      height: 220,
      scales: { x: { time: false } },
      series: [
        { label: 'x' },
        ...lines.map((l, i) => ({
          label: l.label,
          stroke: colours[i % colours.length],
          spanGaps: true,
        })),
      ],
    },
    data,
    div,
  );
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  out.push(cell);
  return out;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

/** The section: a URL (or a local file) of metrics.jsonl or a study table .csv. */
export function createRunsView(): HTMLElement {
  const element = document.createElement('section');
  element.id = 'runs';
  const url = document.createElement('input');
  url.id = 'runs-url';
  url.size = 60;
  url.placeholder = 'URL of a run metrics.jsonl or a study table .csv';
  url.value = 'exports/planet-cartpole-swingup-quick/metrics.jsonl';
  const file = document.createElement('input');
  file.type = 'file';
  file.accept = '.jsonl,.csv';
  const open = button('runs-open', 'Open');
  const out = document.createElement('div');
  out.id = 'runs-out';
  const status = document.createElement('p');
  status.className = 'status';
  const show = (name: string, text: string) => {
    out.replaceChildren();
    try {
      const n = name.endsWith('.csv') ? csvTable(text, out) : metricsCharts(text, out);
      status.textContent = `${name}: ${n} ${name.endsWith('.csv') ? 'rows' : 'charts'}`;
    } catch (error) {
      status.textContent = `${name}: ${(error as Error).message}`;
    }
  };
  open.onclick = async () => {
    const response = await fetch(url.value).catch(
      (e: Error) => ({ ok: false, status: e.message }) as const,
    );
    if (!response.ok) status.textContent = `${url.value}: HTTP ${response.status}`;
    else show(url.value, await (response as Response).text());
  };
  file.onchange = async () => {
    const f = file.files?.[0];
    if (f) show(f.name, await f.text());
  };
  element.append(heading('Runs and studies'), row(url, open, file), status, out);
  return element;
}
