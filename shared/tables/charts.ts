/**
 * The agreement charts as standalone SVG: the drift of alpha over labelling time (a line with
 * interval bars), and every coefficient with its interval per dimension (a forest plot). Our own
 * small SVG, no DOM: the Agreement view shows these exact bytes and the export writes them.
 * Coordinates are rounded to a tenth of a pixel, so the same figures give the same bytes.
 */
import type { CoefficientReport } from '../agreement/coefficient-report.ts';
import type { Coefficient, CoefficientSet } from '../agreement/coefficient-table.ts';
import type { DriftReport } from '../agreement/drift.ts';
import { escapeXml } from '../xml.ts';

const FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="12"';
const STYLE =
  '.title { font-size: 15px; font-weight: bold; } .sub { fill: #555555; } .axis { stroke: #888888; stroke-width: 1; } .grid { stroke: #e4e4e4; stroke-width: 1; } ' +
  '.guide { stroke: #b0b0b0; stroke-dasharray: 4 3; } .overall { stroke: #4C72B0; stroke-dasharray: 6 4; stroke-width: 1.2; } .line { fill: none; stroke: #4C72B0; stroke-width: 2; } ' +
  '.ci { stroke: #4C72B0; stroke-width: 1.6; } .point { fill: #4C72B0; } .none { fill: #ffffff; stroke: #aa4444; stroke-width: 1.4; } .muted { fill: #777777; } .group { font-weight: bold; } .num { font-variant-numeric: tabular-nums; }';

const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'undefined' : x.toFixed(3));

/** Breaks text into lines of at most `width` characters, at spaces. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function svgDocument(width: number, height: number, body: string[], description: string | undefined): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    ...(description ? [`  <desc>${escapeXml(description)}</desc>`] : []),
    `  <style>${STYLE}</style>`,
    `  <rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body.map((l) => `  ${l}`),
    '</svg>',
    '',
  ].join('\n');
}

/** The lowest figure or interval end shown (never above 0), rounded down to a tenth: where the axis starts. */
function axisMin(xs: (number | null | undefined)[]): number {
  const lowest = Math.min(0, ...xs.filter((x): x is number => typeof x === 'number'));
  return Math.floor(lowest * 10 + 1e-9) / 10;
}

/**
 * Alpha per week or per batch: a point per group with its bootstrap 95% interval, joined by a
 * line; the figure over all entries as a dashed line; Krippendorff's .800 and .667 as guides.
 * A group whose alpha is undefined shows a hollow mark on the axis and says so.
 */
export function driftChartSvg(d: DriftReport, description?: string): string {
  const what = d.figure.scope === 'pooled' ? 'Pooled α' : `α of ${d.figure.scope} (${d.figure.measure})`;
  const title = `${what} per ${d.by === 'week' ? 'week of labelling time' : `batch of ${d.batchSize} entries, in the order they were finished`}`;
  const n = d.groups.length;
  const left = 64;
  const plotW = Math.max(480, Math.min(1100, n * 90));
  // Wide enough for the plot and for the title (bold 15px: about 8.6px a character).
  const width = Math.max(left + plotW + 64, 640, Math.ceil(32 + [...title].length * 8.6));
  const top = 64;
  const plotH = 260;
  const min = axisMin([d.overall.alpha, ...d.groups.flatMap((g) => [g.figure.alpha, g.figure.interval?.low])]);
  const y = (v: number) => r1(top + ((1 - v) / (1 - min)) * plotH);
  const x = (i: number) => r1(left + (n === 1 ? plotW / 2 : 24 + (i * (plotW - 48)) / (n - 1)));
  const body: string[] = [];
  body.push(`<text x="16" y="26" class="title">${escapeXml(title)}</text>`);
  const sub = `${d.raters.length} raters (${d.raters.join(', ')}); points are alpha, bars the 95% bootstrap interval (${d.bootstrap.resamples} resamples, seed ${d.bootstrap.seed}).`;
  body.push(`<text x="16" y="46" class="sub">${escapeXml(sub)}</text>`);
  // Grid and axis.
  for (let v = Math.ceil(min * 10) / 10; v <= 1 + 1e-9; v = Math.round((v + 0.1) * 10) / 10) {
    body.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`);
    body.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end" class="num">${v.toFixed(1)}</text>`);
  }
  body.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" class="axis"/>`);
  body.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(min)}" y2="${y(min)}" class="axis"/>`);
  for (const t of [0.8, 0.667]) {
    body.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(t)}" y2="${y(t)}" class="guide"/>`);
    body.push(`<text x="${left + plotW + 8}" y="${y(t) + 4}" class="muted">${t.toFixed(3).replace(/^0/, '')}</text>`);
  }
  if (d.overall.alpha !== null) body.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(d.overall.alpha)}" y2="${y(d.overall.alpha)}" class="overall"/>`);
  // The line through consecutive defined points, broken where a group has none.
  let path = '';
  let open = false;
  d.groups.forEach((g, i) => {
    if (g.figure.alpha === null) {
      open = false;
      return;
    }
    path += `${open ? ' L' : `${path ? ' ' : ''}M`}${x(i)} ${y(g.figure.alpha)}`;
    open = true;
  });
  if (path) body.push(`<path d="${path}" class="line"/>`);
  d.groups.forEach((g, i) => {
    const f = g.figure;
    const cx = x(i);
    if (f.alpha === null) {
      body.push(`<circle cx="${cx}" cy="${y(min)}" r="5" class="none"><title>${escapeXml(`${g.label}: undefined (${f.undefinedReason ?? ''})`)}</title></circle>`);
      body.push(`<text x="${cx}" y="${y(min) - 10}" text-anchor="middle" class="muted">undefined</text>`);
    } else {
      const iv = f.interval;
      if (iv && iv.low !== null && iv.high !== null) {
        body.push(`<line x1="${cx}" x2="${cx}" y1="${y(iv.high)}" y2="${y(iv.low)}" class="ci"/>`);
        body.push(`<line x1="${r1(cx - 5)}" x2="${r1(cx + 5)}" y1="${y(iv.high)}" y2="${y(iv.high)}" class="ci"/>`);
        body.push(`<line x1="${r1(cx - 5)}" x2="${r1(cx + 5)}" y1="${y(iv.low)}" y2="${y(iv.low)}" class="ci"/>`);
      }
      const tip = `${g.label}: alpha ${fmt(f.alpha)}${iv && iv.low !== null ? `, 95% interval [${fmt(iv.low)}, ${fmt(iv.high)}]` : ''}, ${g.entries} entries, ${f.units} units`;
      body.push(`<circle cx="${cx}" cy="${y(f.alpha)}" r="4.5" class="point"><title>${escapeXml(tip)}</title></circle>`);
    }
    // Under each group: its name, its dates, its entries, and the figure with its interval.
    const name = d.by === 'week' ? g.key : `batch ${g.key}`;
    const range = g.label.slice(g.label.indexOf('(') + 1, -1);
    const iv = f.interval;
    const lines: [string, string][] = [
      [name, ''],
      [range, 'muted'],
      [`${g.entries} entr${g.entries === 1 ? 'y' : 'ies'}`, 'muted'],
      [`α ${fmt(f.alpha)}`, 'num'],
      ...(iv && iv.low !== null && f.alpha !== null ? ([[`[${fmt(iv.low)}, ${fmt(iv.high)}]`, 'muted num']] as [string, string][]) : []),
    ];
    lines.forEach(([text, cls], k) => body.push(`<text x="${cx}" y="${top + plotH + 18 + k * 15}" text-anchor="middle"${cls ? ` class="${cls}"` : ''}>${escapeXml(text)}</text>`));
  });
  let yText = top + plotH + 108;
  // The legend: what the two kinds of dashed line are.
  const lx = 16;
  body.push(`<line x1="${lx}" x2="${lx + 28}" y1="${yText - 4}" y2="${yText - 4}" class="overall"/>`);
  body.push(`<text x="${lx + 34}" y="${yText}" class="num">${escapeXml(`all entries: α ${fmt(d.overall.alpha)}${d.overall.interval && d.overall.interval.low !== null ? ` [${fmt(d.overall.interval.low)}, ${fmt(d.overall.interval.high)}]` : ''}`)}</text>`);
  body.push(`<line x1="${lx + 300}" x2="${lx + 328}" y1="${yText - 4}" y2="${yText - 4}" class="guide"/>`);
  body.push(`<text x="${lx + 334}" y="${yText}">Krippendorff's guides, .800 and .667</text>`);
  yText += 24;
  const notes = [d.time, ...(d.undated ? [`${d.undated} entr${d.undated === 1 ? 'y carries' : 'ies carry'} no time and ${d.undated === 1 ? 'is' : 'are'} left out.`] : [])];
  for (const line of notes.flatMap((t) => wrapText(t, Math.floor((width - 32) / 6.2)))) {
    body.push(`<text x="16" y="${yText}" class="muted">${escapeXml(line)}</text>`);
    yText += 16;
  }
  return svgDocument(width, yText, body, description);
}

/** The coefficients in the order the report lists them, with the names people know them by. */
export function coefficientRowsOf(set: CoefficientSet): { key: string; name: string; c: Coefficient }[] {
  return [
    { key: 'percent', name: 'Percent agreement', c: set.percent },
    { key: 'cohen', name: "Cohen's kappa (mean of pairs)", c: set.cohen },
    { key: 'fleiss', name: "Fleiss' kappa", c: set.fleiss },
    { key: 'conger', name: "Conger's kappa", c: set.conger },
    { key: set.gwetName === 'AC1' ? 'gwet_ac1' : 'gwet_ac2', name: `Gwet's ${set.gwetName}`, c: set.gwet },
    { key: 'brennan_prediger', name: 'Brennan-Prediger', c: set.brennanPrediger },
    { key: 'alpha', name: "Krippendorff's alpha", c: set.alpha },
  ];
}

/**
 * Every coefficient with its 95% interval, pooled and per dimension (a forest plot): a row per
 * coefficient, the point and its interval on one scale, the numbers beside them.
 */
export function intervalChartSvg(report: CoefficientReport, description?: string): string {
  const groups: { title: string; set: CoefficientSet; units: number }[] = [];
  if (report.pooled) groups.push({ title: `Pooled over ${report.pooled.dimensions.join(', ')}`, set: report.pooled.coefficients, units: report.pooled.units });
  for (const d of report.dimensions) if (d.table) groups.push({ title: d.label, set: d.table.coefficients, units: d.table.units });
  const rows = groups.flatMap((g) => coefficientRowsOf(g.set));
  const min = axisMin(rows.flatMap((r) => [r.c.value, r.c.ci?.[0]]));
  const labelW = 220;
  const plotW = 420;
  const left = 16 + labelW;
  const width = left + plotW + 190;
  const x = (v: number) => r1(left + ((v - min) / (1 - min)) * plotW);
  const body: string[] = [];
  body.push(`<text x="16" y="26" class="title">Agreement coefficients with their 95% intervals</text>`);
  body.push(
    `<text x="16" y="46" class="sub">${escapeXml(`${report.raters.length} raters (${report.raters.join(', ')}); analytic intervals where the literature gives one, else ${report.bootstrap.resamples} bootstrap resamples (seed ${report.bootstrap.seed}).`)}</text>`,
  );
  let yy = 72;
  // Scale along the top.
  for (let v = Math.ceil(min * 5) / 5; v <= 1 + 1e-9; v = Math.round((v + 0.2) * 10) / 10) {
    body.push(`<text x="${x(v)}" y="${yy}" text-anchor="middle" class="muted num">${v.toFixed(1)}</text>`);
  }
  yy += 10;
  const axisTop = yy;
  const ROW = 19;
  const rowsOut: string[] = [];
  for (const g of groups) {
    yy += 22;
    rowsOut.push(`<text x="16" y="${yy}" class="group">${escapeXml(g.title)}</text>`);
    rowsOut.push(`<text x="${left + plotW + 16}" y="${yy}" class="muted">${g.units} units</text>`);
    yy += 6;
    for (const r of coefficientRowsOf(g.set)) {
      yy += ROW;
      const cy = yy - 4;
      rowsOut.push(`<text x="28" y="${yy}">${escapeXml(r.name)}</text>`);
      if (r.c.value === null) {
        rowsOut.push(`<text x="${left + plotW + 16}" y="${yy}" class="muted"><title>${escapeXml(r.c.reason ?? '')}</title>undefined</text>`);
        continue;
      }
      if (r.c.ci) {
        rowsOut.push(`<line x1="${x(r.c.ci[0])}" x2="${x(r.c.ci[1])}" y1="${cy}" y2="${cy}" class="ci"/>`);
        for (const end of r.c.ci) rowsOut.push(`<line x1="${x(end)}" x2="${x(end)}" y1="${cy - 4}" y2="${cy + 4}" class="ci"/>`);
      }
      rowsOut.push(`<circle cx="${x(r.c.value)}" cy="${cy}" r="4" class="point"/>`);
      const text = `${fmt(r.c.value)}${r.c.ci ? ` [${fmt(r.c.ci[0])}, ${fmt(r.c.ci[1])}]` : ''}${r.c.ciMethod === 'bootstrap' ? ' b' : ''}`;
      rowsOut.push(`<text x="${left + plotW + 16}" y="${yy}" class="num">${escapeXml(text)}</text>`);
    }
  }
  const axisBottom = yy + 8;
  for (let v = Math.ceil(min * 5) / 5; v <= 1 + 1e-9; v = Math.round((v + 0.2) * 10) / 10)
    body.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${axisTop}" y2="${axisBottom}" class="${Math.abs(v) < 1e-9 ? 'axis' : 'grid'}"/>`);
  body.push(...rowsOut);
  yy = axisBottom + 22;
  const notes = [
    'b: a percentile bootstrap interval (no analytic standard error for the mean of pairwise kappas, nor for ordinal alpha); every other interval is Gwet\'s t interval, conditional on the units.',
    ...(report.pooled?.notes.slice(0, 1) ?? report.dimensions.find((d) => d.table)?.table?.notes.slice(0, 1) ?? []),
  ];
  for (const line of notes.flatMap((t) => wrapText(t, Math.floor((width - 32) / 6.2)))) {
    body.push(`<text x="16" y="${yy}" class="muted">${escapeXml(line)}</text>`);
    yy += 16;
  }
  return svgDocument(width, yy, body, description);
}
