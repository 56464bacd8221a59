import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGif, encodePng, writeGif } from '@vmbrl/core';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('writeRunReport', () => {
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
    const html = readFileSync(reportPath, 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html.match(/data:image\/gif;base64/g)).toHaveLength(2);
    expect(html).toContain('>random policy</text>');
    // loss panels for image_loss and kl, not grad_norm
    expect(html).toContain('>image_loss</text>');
    expect(html).not.toContain('>grad_norm</text>');
    expect(html).toContain('<td>grad_norm</td>');
  });
});
