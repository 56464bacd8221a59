/**
 * `report.html`: one self-contained page (inline SVG plots, interactive charts drawn by an
 * inline script from inline JSON, images and GIFs as base64 data URIs, inline CSS, no external
 * assets, so it works offline) built from a plain description, so the caller decides what goes in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@vmbrl/core';
import { CHART_SCRIPT, CHART_STYLE, type ChartSpec } from './chart-script.js';
import { type MetricValue, type MetricsRow, latestMetrics } from './metrics-log.js';

/** Bytes given directly or read from a file. */
export type ReportSource = { path: string } | { bytes: Uint8Array };

/** One block of the report. */
export type ReportSection =
  | { kind: 'plot'; title: string; svg: string | { path: string }; caption?: string }
  | { kind: 'chart'; title: string; chart: ChartSpec; caption?: string }
  | {
      kind: 'gallery';
      title: string;
      /** Images linked by a path relative to the report (not inlined: a run keeps many). */
      items: { href: string; caption: string }[];
      caption?: string;
    }
  | {
      kind: 'image';
      title: string;
      source: ReportSource;
      caption?: string;
      /** Display width in CSS pixels (pixel art stays sharp when scaled). */
      displayWidth?: number;
    }
  | { kind: 'table'; title: string; columns: string[]; rows: MetricValue[][]; caption?: string }
  | { kind: 'text'; title?: string; text: string };

/** Everything a report shows. */
export interface ReportDescription {
  title: string;
  /** Short facts under the title, e.g. { agent: 'planet', task: 'cartpole-swingup', seed: 0 }. */
  summary?: Readonly<Record<string, MetricValue>>;
  /** The resolved config, shown folded as JSON. */
  config?: unknown;
  sections: readonly ReportSection[];
  /** Shown in the footer; defaults to the current time. */
  generatedAt?: string;
  /** Reload the page every this many seconds (a run that is still training); off when absent. */
  refreshSeconds?: number;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function readSource(source: ReportSource, where: string): Uint8Array {
  if ('bytes' in source) {
    if (!(source.bytes instanceof Uint8Array) || source.bytes.length === 0) {
      throw new TypeError(`${where}: bytes must be a non-empty Uint8Array`);
    }
    return source.bytes;
  }
  if (typeof source.path !== 'string' || !existsSync(source.path)) {
    throw new Error(`${where}: file ${String(source.path)} does not exist`);
  }
  return new Uint8Array(readFileSync(source.path));
}

/** The image MIME type from a file's first bytes (GIF, PNG, JPEG or WebP). */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * Prepares an SVG document for inlining: drops the XML prolog and doctype, and prefixes every
 * id (and its url(#..)/href references) so several inline SVGs cannot collide.
 */
export function inlineSvg(svg: string, idPrefix: string): string {
  const body = svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .trim();
  if (!body.startsWith('<svg')) {
    throw new Error(`SVG for "${idPrefix}" does not start with <svg`);
  }
  return body
    .replace(/\bid="([^"]+)"/g, `id="${idPrefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${idPrefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${idPrefix}-$1"`);
}

function formatValue(value: MetricValue): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : value.toPrecision(4);
  }
  return String(value);
}

function renderSection(section: ReportSection, index: number, charts: ChartSpec[]): string {
  const where = `report section ${index} (${section.kind}${'title' in section && section.title ? ` "${section.title}"` : ''})`;
  const heading = section.title ? `<h2>${escapeHtml(section.title)}</h2>` : '';
  const caption =
    'caption' in section && section.caption
      ? `<p class="caption">${escapeHtml(section.caption)}</p>`
      : '';
  switch (section.kind) {
    case 'plot': {
      const svg =
        typeof section.svg === 'string'
          ? section.svg
          : new TextDecoder().decode(readSource(section.svg, where));
      return `<section>${heading}<div class="plot">${inlineSvg(svg, `s${index}`)}</div>${caption}</section>`;
    }
    case 'chart': {
      charts.push(section.chart);
      const fallback =
        '<noscript><p class="caption">The charts need JavaScript; plots/ holds SVG and PNG versions.</p></noscript>';
      return `<section>${heading}<div class="chart" data-chart="${charts.length - 1}">${fallback}</div>${caption}</section>`;
    }
    case 'gallery': {
      const figures = section.items
        .map(
          (item) =>
            `<figure><img class="frames" loading="lazy" alt="${escapeHtml(item.caption)}" src="${escapeHtml(item.href)}"><figcaption>${escapeHtml(item.caption)}</figcaption></figure>`,
        )
        .join('');
      return `<section>${heading}${caption}<div class="gallery">${figures}</div></section>`;
    }
    case 'image': {
      const bytes = readSource(section.source, where);
      const mime = sniffImageType(bytes);
      if (!mime) throw new Error(`${where}: not a GIF, PNG, JPEG or WebP image`);
      const width = section.displayWidth ? ` width="${Math.round(section.displayWidth)}"` : '';
      const src = `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
      return `<section>${heading}<img class="frames" alt="${escapeHtml(section.title)}"${width} src="${src}">${caption}</section>`;
    }
    case 'table': {
      section.rows.forEach((row, r) => {
        if (row.length !== section.columns.length) {
          throw new RangeError(
            `${where}: row ${r} has ${row.length} cells but there are ${section.columns.length} columns`,
          );
        }
      });
      const head = section.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
      const body = section.rows
        .map(
          (row) =>
            `<tr>${row
              .map(
                (v) =>
                  `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(formatValue(v))}</td>`,
              )
              .join('')}</tr>`,
        )
        .join('\n');
      return `<section>${heading}<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${caption}</section>`;
    }
    case 'text':
      return `<section>${heading}<p>${escapeHtml(section.text)}</p></section>`;
    default:
      throw new TypeError(
        `${where}: unknown kind; allowed are 'plot', 'chart', 'gallery', 'image', 'table' and 'text'`,
      );
  }
}

const STYLE = `
body { font-family: system-ui, 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 2rem auto;
  max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.3rem; } h2 { font-size: 1.15rem; margin: 1.8rem 0 0.6rem; }
dl.summary { display: flex; flex-wrap: wrap; gap: 0.4rem 1.6rem; margin: 0.6rem 0; }
dl.summary div { display: flex; gap: 0.4rem; } dt { color: #666; } dd { margin: 0; font-weight: 600; }
.plot svg { max-width: 100%; height: auto; }
img.frames { image-rendering: pixelated; max-width: 100%; border: 1px solid #ddd; }
.gallery { display: flex; flex-wrap: wrap; gap: 0.8rem; } .gallery figure { margin: 0; }
.gallery img { width: 128px; } figcaption { color: #666; font-size: 0.8rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.25rem 0.8rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.caption, footer { color: #666; font-size: 0.85rem; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; }
`;

/** Builds the report's HTML text. */
export function buildReportHtml(description: ReportDescription): string {
  if (!description || typeof description.title !== 'string' || description.title === '') {
    throw new TypeError('report: title must be a non-empty string');
  }
  if (!Array.isArray(description.sections)) {
    throw new TypeError('report: sections must be an array of sections');
  }
  const summary = Object.entries(description.summary ?? {})
    .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(formatValue(v))}</dd></div>`)
    .join('');
  const config =
    description.config === undefined
      ? ''
      : `<details><summary>Resolved config</summary><pre>${escapeHtml(
          JSON.stringify(description.config, null, 2),
        )}</pre></details>`;
  const charts: ChartSpec[] = [];
  const sections = description.sections.map((s, i) => renderSection(s, i, charts)).join('\n');
  const generatedAt = description.generatedAt ?? new Date().toISOString();
  const refresh = description.refreshSeconds;
  const live =
    refresh === undefined
      ? ''
      : `<p class="hint">Live: this page reloads every ${refresh} s while the run trains.</p>`;
  // '<' escaped so no value can close the script element.
  const chartData = JSON.stringify(charts).replace(/</g, '\\u003c');
  const chartParts =
    charts.length === 0
      ? { controls: '', scripts: '' }
      : {
          controls: `<p class="controls"><label>Smoothing <input type="range" id="vmbrl-smoothing" min="0" max="0.99" step="0.01"> <span id="vmbrl-smoothing-value"></span></label> <span class="hint">hover for values; drag across a chart to zoom, double-click to reset</span></p>`,
          scripts: `<script type="application/json" id="vmbrl-chart-data">${chartData}</script>\n<script>${CHART_SCRIPT}</script>`,
        };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh === undefined ? '' : `<meta http-equiv="refresh" content="${refresh}">`}
<title>${escapeHtml(description.title)}</title>
<style>${STYLE}${charts.length > 0 ? CHART_STYLE : ''}</style>
</head>
<body>
<h1>${escapeHtml(description.title)}</h1>
${summary ? `<dl class="summary">${summary}</dl>` : ''}
${live}
${config}
${chartParts.controls}
${sections}
<footer><p>Generated ${escapeHtml(generatedAt)} by @vmbrl/metrics.</p></footer>
${chartParts.scripts}
</body>
</html>
`;
}

/** Builds the report and writes it to `path` atomically. */
export function writeReport(path: string, description: ReportDescription): string {
  const html = buildReportHtml(description);
  writeFileAtomic(path, html);
  return html;
}

/**
 * A table section with the latest value of every metric per kind (kind, step of its last row,
 * metric, value), for a report's "last metrics".
 */
export function lastMetricsSection(
  rows: readonly MetricsRow[],
  title = 'Last metrics',
): ReportSection {
  const table: MetricValue[][] = [];
  for (const [kind, { step, values }] of latestMetrics(rows)) {
    for (const [key, value] of values) table.push([kind, step, key, value]);
  }
  return { kind: 'table', title, columns: ['kind', 'step', 'metric', 'value'], rows: table };
}
