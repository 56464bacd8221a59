/**
 * Rendering: vega-lite specs are compiled by `vega-lite` and drawn by `vega`'s headless View
 * (`toSVG()`, no browser or canvas); SVG is rasterised to PNG by resvg with a DejaVu Sans font
 * file shipped inside the `dejavu-fonts-ttf` npm package, so text renders the same on machines
 * without system fonts.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from '@vmbrl/core';
import { View, parse } from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';

/** A vega-lite specification (re-exported type). */
export type VegaLiteSpec = TopLevelSpec;

/** Compiles a vega-lite spec and renders it to an SVG string in Node. */
export async function renderVegaLiteSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaSpec = compile(spec).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let fontFiles: string[] | undefined;

/** Paths of the TrueType fonts used for PNG rendering (DejaVu Sans regular and bold). */
export function plotFontFiles(): string[] {
  if (!fontFiles) {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('dejavu-fonts-ttf/package.json'));
    fontFiles = [join(root, 'ttf', 'DejaVuSans.ttf'), join(root, 'ttf', 'DejaVuSans-Bold.ttf')];
  }
  return fontFiles;
}

/** Options for `svgToPng`. */
export interface PngOptions {
  /** Pixel scale relative to the SVG's size (2 gives crisp text on high-density screens). */
  scale?: number;
  /** Background colour behind transparent areas. */
  background?: string;
}

/**
 * Rasterises an SVG string to PNG bytes. Every font family (including the generic
 * 'sans-serif' vega writes) maps to the bundled DejaVu Sans; system fonts are not loaded so
 * the output does not depend on the machine.
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(typeof scale === 'number' && scale > 0 && scale <= 16)) {
    throw new RangeError(`png scale is ${String(scale)}; allowed are numbers in (0, 16]`);
  }
  const resvg = new Resvg(svg, {
    background: options.background ?? 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: {
      fontFiles: plotFontFiles(),
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      serifFamily: 'DejaVu Sans',
      monospaceFamily: 'DejaVu Sans',
    },
  });
  return new Uint8Array(resvg.render().asPng());
}

/**
 * Writes `svg` to `<base>.svg` and, unless `png: false`, its rendering to `<base>.png`
 * (both atomically). `base` may end in `.svg`. Returns the paths written.
 */
export function writePlotFiles(
  base: string,
  svg: string,
  options: PngOptions & { png?: boolean } = {},
): { svgPath: string; pngPath?: string } {
  const stem = base.endsWith('.svg') ? base.slice(0, -4) : base;
  const svgPath = `${stem}.svg`;
  writeFileAtomic(svgPath, svg);
  if (options.png === false) return { svgPath };
  const pngPath = `${stem}.png`;
  writeFileAtomic(pngPath, svgToPng(svg, options));
  return { svgPath, pngPath };
}
