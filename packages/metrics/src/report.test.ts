import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGif, encodePng, writeGif } from '@vmbrl/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChartSpec } from './chart-script.js';
import { composeOpenLoopVideo } from './frames.js';
import { MetricsLog } from './metrics-log.js';
import { buildReportHtml, inlineSvg, lastMetricsSection, sniffImageType } from './report.js';
import { writeRunReport } from './run-report.js';

const root = mkdtempSync(join(tmpdir(), 'vmbrl-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A 16x16 frame with a white 4x4 square at (x, y) on dark blue. */
function squareFrame(x: number, y: number): Uint8Array {
  const frame = new Uint8Array(16 * 16 * 3);
  for (let i = 0; i < 256; i++) frame.set([10, 20, 80], 3 * i);
  for (let dy = 0; dy < 4; dy++) {
    for (let dx = 0; dx < 4; dx++) frame.set([255, 255, 255], 3 * ((y + dy) * 16 + x + dx));
  }
  return frame;
}

describe('buildReportHtml', () => {
  const gif = encodeGif([squareFrame(0, 0), squareFrame(4, 4)], { height: 16, width: 16 });

  it('embeds everything inline and escapes text', () => {
    const html = buildReportHtml({
      title: 'planet <quick>',
      summary: { agent: 'planet', seed: 3, return: 123.456789 },
      config: { lr: 0.001, note: '</pre><script>' },
      sections: [
        {
          kind: 'plot',
          title: 'A plot',
          svg: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><clipPath id="c"><rect width="5" height="5"/></clipPath><rect clip-path="url(#c)" width="10" height="10"/></svg>',
        },
        { kind: 'image', title: 'Episode', source: { bytes: gif }, displayWidth: 128 },
        { kind: 'table', title: 'T', columns: ['a', 'b'], rows: [['x & y', 0.000012345]] },
        { kind: 'text', text: 'done' },
      ],
      generatedAt: 'fixed',
    });
    expect(html).toContain('<title>planet &lt;quick&gt;</title>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;');
    expect(html).toContain('<dd>123.5</dd>');
    expect(html).toContain('<td>x &amp; y</td>');
    expect(html).toContain('<td class="num">1.234e-5</td>');
    expect(html).toContain('id="s0-c"');
    expect(html).toContain('url(#s0-c)');
    expect(html).not.toContain('<?xml');
    // the GIF comes back byte for byte from its data URI
    const uri = /src="data:image\/gif;base64,([^"]+)"/.exec(html)?.[1] ?? '';
    expect(new Uint8Array(Buffer.from(uri, 'base64'))).toEqual(gif);
    expect(html).toContain('width="128"');
    // no external assets: no http(s) URLs in src or href attributes
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('rejects bad sections naming them', () => {
    expect(() => buildReportHtml({ title: '', sections: [] })).toThrow(/title must be/);
    expect(() =>
      buildReportHtml({
        title: 't',
        sections: [{ kind: 'image', title: 'Episode', source: { path: join(root, 'none.gif') } }],
      }),
    ).toThrow(/section 0 \(image "Episode"\): file .*none\.gif does not exist/);
    expect(() =>
      buildReportHtml({
        title: 't',
        sections: [{ kind: 'image', title: 'x', source: { bytes: new Uint8Array([1, 2, 3, 4]) } }],
      }),
    ).toThrow(/not a GIF, PNG, JPEG or WebP/);
    expect(() =>
      buildReportHtml({
        title: 't',
        sections: [{ kind: 'table', title: 'T', columns: ['a', 'b'], rows: [[1]] }],
      }),
    ).toThrow(/row 0 has 1 cells but there are 2 columns/);
    expect(() => inlineSvg('<div/>', 'p')).toThrow(/does not start with <svg/);
  });

  it('sniffs image types', () => {
    expect(sniffImageType(gif)).toBe('image/gif');
    expect(sniffImageType(encodePng({ data: new Uint8Array(3), height: 1, width: 1 }))).toBe(
      'image/png',
    );
  });

  it('lastMetricsSection lists the latest value per kind and metric', () => {
    const section = lastMetricsSection([
      { step: 1, kind: 'train', loss: 3 },
      { step: 2, kind: 'train', loss: 2 },
      { step: 2, kind: 'eval', return: 7 },
    ]);
    expect(section).toMatchObject({
      rows: [
        ['train', 2, 'loss', 2],
        ['eval', 2, 'return', 7],
      ],
    });
  });
});

/** The charts a report carries, parsed from its JSON script element. */
function chartData(html: string): ChartSpec[] {
  const match = html.match(
    /<script type="application\/json" id="vmbrl-chart-data">(.*?)<\/script>/s,
  );
  if (!match?.[1]) throw new Error('no chart data in the report');
  return JSON.parse(match[1]);
}

describe('writeRunReport', () => {
  it('plots training-episode returns beside the evaluations, and can reload itself live', async () => {
    const runDir = join(root, 'live');
    const log = MetricsLog.open(join(runDir, 'metrics.jsonl'));
    log.append({ step: 100, kind: 'episode', return: 3, random: true });
    log.append({ step: 200, kind: 'episode', return: 5 });
    log.append({ step: 200, kind: 'eval', return: 9 });
    const { reportPath } = await writeRunReport(runDir, { refreshSeconds: 30, png: false });
    const html = readFileSync(reportPath, 'utf8');
    expect(html).toContain('<meta http-equiv="refresh" content="30">');
    const [returns, ...rest] = chartData(html);
    expect(rest).toEqual([]); // no train rows: no loss panel at all
    expect(returns?.series.map((s) => [s.label, s.x, s.y])).toEqual([
      ['training episodes', [100, 200], [3, 5]],
      ['evaluation (mean)', [200], [9]],
    ]);
    // A value cannot end the script element early.
    const escaped = buildReportHtml({
      title: 't',
      sections: [
        {
          kind: 'chart',
          title: 'c',
          chart: { id: 'c', title: '</script><b>', xLabel: 'x', yLabel: 'y', series: [] },
        },
      ],
    });
    expect(chartData(escaped)[0]?.title).toBe('</script><b>');
  });

  it('builds plots and report.html from a run directory', async () => {
    const runDir = join(root, 'run');
    const log = MetricsLog.open(join(runDir, 'metrics.jsonl'));
    for (let step = 0; step <= 20; step++) {
      log.append({
        step: step * 100,
        kind: 'train',
        image_loss: 50 / (step + 1),
        kl: 3 - step / 10,
        grad_norm: 1,
      });
      if (step % 5 === 0) log.append({ step: step * 100, kind: 'eval', return: step * 10 });
    }
    writeFileSync(
      join(runDir, 'config.json'),
      JSON.stringify({ agent: 'planet', task: 'cartpole-swingup', seed: 1 }),
    );
    const size = { height: 16, width: 16 };
    const episode = [0, 2, 4, 6, 8].map((k) => squareFrame(k, k));
    writeGif(join(runDir, 'eval-episode.gif'), episode, { ...size, scale: 4 });
    const openLoop = composeOpenLoopVideo(
      [episode],
      [episode.map((_, k) => squareFrame(k * 2 + 1, k * 2))],
      size,
    );
    expect([openLoop.height, openLoop.width]).toEqual([3 * 16 + 2 * 2, 16]);
    writeGif(join(runDir, 'open-loop.gif'), openLoop.frames, { ...openLoop, scale: 4 });

    const { reportPath, description } = await writeRunReport(runDir, {
      references: [{ label: 'random policy', value: 25 }],
      videos: [
        { title: 'Evaluation episode', path: join(runDir, 'eval-episode.gif') },
        { title: 'Open-loop prediction', path: join(runDir, 'open-loop.gif') },
      ],
    });
    expect(description.title).toBe('planet on cartpole-swingup, seed 1');
    expect(description.summary).toMatchObject({ 'last eval return': 200, 'last step': 2000 });
    for (const file of ['eval-return.svg', 'eval-return.png', 'losses.svg', 'losses.png']) {
      expect(existsSync(join(runDir, 'plots', file))).toBe(true);
    }
    // The static plots in plots/ carry the reference line and a panel per loss.
    const losses = readFileSync(join(runDir, 'plots', 'losses.svg'), 'utf8');
    expect(losses).toContain('>image_loss</text>');
    expect(losses).not.toContain('>grad_norm</text>');
    expect(readFileSync(join(runDir, 'plots', 'eval-return.svg'), 'utf8')).toContain(
      '>random policy</text>',
    );
    const html = readFileSync(reportPath, 'utf8');
    expect(html.match(/data:image\/gif;base64/g)).toHaveLength(2);
    expect(html).toContain('<td>grad_norm</td>');
    // Nothing fetched from elsewhere: no external scripts, styles or images.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|src="https?:|url\(https?:/);
    // The charts: returns (evaluations; no episode rows here) and a panel per loss with data.
    const charts = chartData(html);
    expect(charts.map((c) => [c.title, c.xLabel, c.yLabel])).toEqual([
      ['Returns', 'environment steps', 'episode return'],
      ['image_loss', 'environment steps', 'image_loss'],
      ['kl', 'environment steps', 'kl'],
    ]);
    expect(charts[0]?.series).toEqual([
      {
        label: 'evaluation (mean)',
        x: [0, 500, 1000, 1500, 2000],
        y: [0, 50, 100, 150, 200],
        points: true,
      },
    ]);
    expect(charts[0]?.references).toEqual([{ label: 'random policy', value: 25 }]);
    expect(charts[2]?.series[0]?.y).toEqual(Array.from({ length: 21 }, (_, s) => 3 - s / 10));
    expect(html).not.toContain('http-equiv="refresh"');
  });
});
