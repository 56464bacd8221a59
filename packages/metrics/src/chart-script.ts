/**
 * The script of the report's interactive charts, inlined into `report.html` so the page works
 * offline from the single file: line charts drawn as SVG from the JSON the page carries, with
 * hover read-outs, drag-to-zoom on the x axis (double-click resets), and one smoothing slider for
 * every chart that allows it (TensorBoard's debiased exponential moving average, raw data kept
 * faint behind; series drawn as points, such as evaluations, stay raw). Plain ES5-style JavaScript in a string: it runs in the browser, not in Node.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  'use strict';
  var source = document.getElementById('vmbrl-chart-data');
  if (!source) return;
  var charts = JSON.parse(source.textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
  var W = 720, H = 280, M = { l: 64, r: 28, t: 14, b: 46 };
  var smoothing = 0.6;
  try {
    var saved = sessionStorage.getItem('vmbrl-smoothing');
    if (saved !== null) smoothing = Number(saved);
  } catch (e) {}

  function el(name, attrs, parent, text) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function fmt(v) {
    if (!isFinite(v)) return String(v);
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
    if (Number.isInteger(v)) return String(v);
    return String(Number(v.toPrecision(4)));
  }
  // About n round numbers spanning [lo, hi].
  function ticks(lo, hi, n) {
    var span = hi - lo;
    if (!(span > 0)) return [lo];
    var step = Math.pow(10, Math.floor(Math.log10(span / n)));
    var err = (n / span) * step;
    if (err <= 0.15) step *= 10; else if (err <= 0.35) step *= 5; else if (err <= 0.75) step *= 2;
    var out = [];
    for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
    return out;
  }
  // TensorBoard's smoothing: an exponential moving average divided by (1 - w^n), so the first
  // points are not pulled towards zero.
  function ema(ys, w) {
    var out = [], last = 0, n = 0;
    for (var i = 0; i < ys.length; i++) {
      if (!isFinite(ys[i])) { out.push(ys[i]); continue; }
      last = last * w + (1 - w) * ys[i];
      n += 1;
      out.push(w > 0 ? last / (1 - Math.pow(w, n)) : ys[i]);
    }
    return out;
  }
  // Index of the point of xs (ascending) nearest to x.
  function nearest(xs, x) {
    var lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid; else hi = mid; }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  }

  function Chart(root, spec) {
    this.root = root;
    this.spec = spec;
    this.zoom = null;
    root.textContent = '';
    this.svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart-svg', role: 'img' }, root);
    el('title', {}, this.svg, spec.title);
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.hidden = true;
    root.appendChild(this.tip);
    var legend = document.createElement('div');
    legend.className = 'chart-legend';
    spec.series.forEach(function (s, i) {
      var item = document.createElement('span');
      item.innerHTML = '<i style="background:' + COLORS[i % COLORS.length] + '"></i>';
      item.appendChild(document.createTextNode(s.label));
      legend.appendChild(item);
    });
    (spec.references || []).forEach(function (r) {
      var item = document.createElement('span');
      item.innerHTML = '<i class="ref"></i>';
      item.appendChild(document.createTextNode(r.label + ' (' + fmt(r.value) + ')'));
      legend.appendChild(item);
    });
    root.appendChild(legend);
    this.draw();
  }
  // Series drawn as points (evaluations: few, already means) are never smoothed.
  Chart.prototype.smoothed = function (s) {
    return this.spec.smooth && !s.points && smoothing > 0 ? ema(s.y, smoothing) : s.y;
  };
  Chart.prototype.draw = function () {
    var self = this, spec = this.spec, svg = this.svg;
    while (svg.childNodes.length > 1) svg.removeChild(svg.lastChild);
    var xs = [].concat.apply([], spec.series.map(function (s) { return s.x; }));
    var x0 = this.zoom ? this.zoom[0] : Math.min.apply(null, xs);
    var x1 = this.zoom ? this.zoom[1] : Math.max.apply(null, xs);
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    var ys = [];
    spec.series.forEach(function (s) {
      var sm = self.smoothed(s);
      s.x.forEach(function (x, i) {
        if (x >= x0 && x <= x1) { if (isFinite(s.y[i])) ys.push(s.y[i]); if (isFinite(sm[i])) ys.push(sm[i]); }
      });
    });
    (spec.references || []).forEach(function (r) { ys.push(r.value); });
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
    var pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    var sx = function (x) { return M.l + ((x - x0) / (x1 - x0)) * (W - M.l - M.r); };
    var sy = function (y) { return H - M.b - ((y - y0) / (y1 - y0)) * (H - M.t - M.b); };
    this.scale = { x0: x0, x1: x1, sx: sx, sy: sy };
    var plot = el('g', {}, svg);
    ticks(y0, y1, 5).forEach(function (t) {
      el('line', { x1: M.l, x2: W - M.r, y1: sy(t), y2: sy(t), class: 'grid' }, plot);
      el('text', { x: M.l - 6, y: sy(t) + 4, 'text-anchor': 'end', class: 'tick' }, plot, fmt(t));
    });
    ticks(x0, x1, 6).forEach(function (t) {
      el('line', { x1: sx(t), x2: sx(t), y1: H - M.b, y2: H - M.b + 5, class: 'axis' }, plot);
      el('text', { x: sx(t), y: H - M.b + 18, 'text-anchor': 'middle', class: 'tick' }, plot, fmt(t));
    });
    el('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, class: 'axis' }, plot);
    el('line', { x1: M.l, x2: M.l, y1: M.t, y2: H - M.b, class: 'axis' }, plot);
    el('text', { x: (M.l + W - M.r) / 2, y: H - 6, 'text-anchor': 'middle', class: 'label' }, plot, spec.xLabel);
    el('text', { x: 14, y: (M.t + H - M.b) / 2, 'text-anchor': 'middle', class: 'label',
      transform: 'rotate(-90 14 ' + (M.t + H - M.b) / 2 + ')' }, plot, spec.yLabel);
    var clipId = 'clip-' + spec.id;
    var clip = el('clipPath', { id: clipId }, plot);
    el('rect', { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b }, clip);
    var lines = el('g', { 'clip-path': 'url(#' + clipId + ')' }, plot);
    (spec.references || []).forEach(function (r) {
      el('line', { x1: M.l, x2: W - M.r, y1: sy(r.value), y2: sy(r.value), class: 'reference' }, lines);
    });
    function path(xs, ys) {
      var d = '';
      for (var i = 0; i < xs.length; i++) {
        if (!isFinite(ys[i])) continue;
        d += (d ? 'L' : 'M') + sx(xs[i]).toFixed(1) + ',' + sy(ys[i]).toFixed(1);
      }
      return d;
    }
    spec.series.forEach(function (s, i) {
      var color = COLORS[i % COLORS.length];
      var sm = self.smoothed(s);
      if (sm !== s.y) el('path', { d: path(s.x, s.y), stroke: color, class: 'raw' }, lines);
      el('path', { d: path(s.x, sm), stroke: color, class: 'line', 'data-series': s.label }, lines);
      if (s.points) s.x.forEach(function (x, k) {
        if (isFinite(s.y[k])) el('circle', { cx: sx(x), cy: sy(s.y[k]), r: 3, fill: color, class: 'point' }, lines);
      });
    });
    this.hover = el('g', { class: 'hover' }, plot);
    this.brush = el('rect', { class: 'brush', y: M.t, height: H - M.t - M.b, width: 0, visibility: 'hidden' }, plot);
    var area = el('rect', { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b, class: 'area' }, plot);
    this.listen(area);
  };
  // Mouse position in data units.
  Chart.prototype.dataX = function (event) {
    var box = this.svg.getBoundingClientRect();
    var px = ((event.clientX - box.left) / box.width) * W;
    var s = this.scale;
    return s.x0 + ((px - M.l) / (W - M.l - M.r)) * (s.x1 - s.x0);
  };
  Chart.prototype.listen = function (area) {
    var self = this, start = null;
    area.addEventListener('mousemove', function (event) {
      var x = self.dataX(event);
      if (start !== null) {
        var a = self.scale.sx(Math.min(start, x)), b = self.scale.sx(Math.max(start, x));
        self.brush.setAttribute('x', a);
        self.brush.setAttribute('width', b - a);
        self.brush.setAttribute('visibility', 'visible');
      }
      self.showTip(x, event);
    });
    area.addEventListener('mouseleave', function () { self.hover.textContent = ''; self.tip.hidden = true; });
    area.addEventListener('mousedown', function (event) { start = self.dataX(event); event.preventDefault(); });
    area.addEventListener('mouseup', function (event) {
      if (start === null) return;
      var end = self.dataX(event), a = Math.min(start, end), b = Math.max(start, end);
      start = null;
      self.brush.setAttribute('visibility', 'hidden');
      var s = self.scale;
      if (s.sx(b) - s.sx(a) > 4) { self.zoom = [a, b]; self.draw(); }
    });
    area.addEventListener('dblclick', function () { self.zoom = null; self.draw(); });
  };
  // The crosshair and the read-out of every series' point nearest to x.
  Chart.prototype.showTip = function (x, event) {
    var self = this, s = this.scale, lines = [];
    this.hover.textContent = '';
    var at = null;
    this.spec.series.forEach(function (series, i) {
      if (series.x.length === 0) return;
      var k = nearest(series.x, x), sm = self.smoothed(series);
      if (at === null || Math.abs(series.x[k] - x) < Math.abs(at - x)) at = series.x[k];
      el('circle', { cx: s.sx(series.x[k]), cy: s.sy(sm[k]), r: 4, fill: COLORS[i % COLORS.length] }, self.hover);
      var value = sm === series.y ? fmt(series.y[k]) : fmt(sm[k]) + ' (raw ' + fmt(series.y[k]) + ')';
      lines.push(series.label + ' @ ' + fmt(series.x[k]) + ': ' + value);
    });
    if (at === null) return;
    el('line', { x1: s.sx(at), x2: s.sx(at), y1: M.t, y2: H - M.b, class: 'crosshair' }, this.hover);
    this.tip.textContent = lines.join('\n');
    this.tip.hidden = false;
    var box = this.root.getBoundingClientRect();
    this.tip.style.left = Math.min(event.clientX - box.left + 12, box.width - 220) + 'px';
    this.tip.style.top = event.clientY - box.top + 12 + 'px';
  };

  var all = [];
  document.querySelectorAll('.chart[data-chart]').forEach(function (root) {
    all.push(new Chart(root, charts[Number(root.getAttribute('data-chart'))]));
  });
  var slider = document.getElementById('vmbrl-smoothing');
  if (slider) {
    var shown = document.getElementById('vmbrl-smoothing-value');
    slider.value = String(smoothing);
    shown.textContent = smoothing.toFixed(2);
    slider.addEventListener('input', function () {
      smoothing = Number(slider.value);
      shown.textContent = smoothing.toFixed(2);
      try { sessionStorage.setItem('vmbrl-smoothing', String(smoothing)); } catch (e) {}
      all.forEach(function (c) { c.draw(); });
    });
  }
})();
`;

/** One line of a chart: points (x ascending) and how they are drawn. */
export interface ChartSeries {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Mark every point (sparse series, e.g. evaluations); such a series is never smoothed. */
  points?: boolean;
}

/** What one interactive chart shows; the report carries these as JSON. */
export interface ChartSpec {
  /** Unique within the page (it names the chart's clip path). */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Horizontal dashed lines, e.g. the random policy's return. */
  references?: { label: string; value: number }[];
  /** Whether the page's smoothing slider applies (noisy series: losses, training returns). */
  smooth?: boolean;
}

/** The charts' CSS. */
export const CHART_STYLE = `
.chart { position: relative; max-width: 760px; }
.chart-svg { width: 100%; height: auto; user-select: none; font-size: 11px; }
.chart-svg .grid { stroke: #eee; } .chart-svg .axis { stroke: #888; }
.chart-svg .tick { fill: #555; } .chart-svg .label { fill: #222; font-size: 12px; }
.chart-svg .line { fill: none; stroke-width: 1.8; } .chart-svg .raw { fill: none; stroke-width: 1; opacity: 0.25; }
.chart-svg .reference { stroke: #555; stroke-dasharray: 5 4; }
.chart-svg .area { fill: transparent; cursor: crosshair; } .chart-svg .brush { fill: rgba(31,119,180,0.15); }
.chart-svg .crosshair { stroke: #999; stroke-dasharray: 2 2; }
.chart-tip { position: absolute; pointer-events: none; background: rgba(255,255,255,0.95);
  border: 1px solid #ccc; padding: 0.3rem 0.5rem; font-size: 0.8rem; white-space: pre; }
.chart-legend { display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; font-size: 0.85rem; color: #444; }
.chart-legend i { display: inline-block; width: 14px; height: 3px; margin: 0 0.35rem 0.2rem 0; vertical-align: middle; }
.chart-legend i.ref { border-top: 2px dashed #555; height: 0; }
.controls { margin: 0.8rem 0; font-size: 0.9rem; } .controls input { vertical-align: middle; }
.hint { color: #666; font-size: 0.85rem; }
`;
