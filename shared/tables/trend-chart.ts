import type { AgreementGroup } from '../types.ts';
import { escapeXml } from '../xml.ts';

/**
 * Alpha across calibration rounds (or codebook versions) as one standalone SVG: a line per
 * dimension and a bold one for the pooled figure, each point with its 95% interval, and the
 * conventional thresholds (0.667 and 0.800) as dashed lines. Whole pixels, so the same data
 * gives the same bytes. An undefined alpha leaves a gap.
 */
const W = 760;
const PAD = { left: 56, right: 190, top: 48, bottom: 56 };
const COLORS = ['#1f2937', '#4C72B0', '#DD8452', '#55A868', '#C44E52', '#8172B3', '#937860', '#DA8BC3', '#8C8C8C'];

export function formatTrendSvg(groups: AgreementGroup[], title: string): string {
  const series = [
    { name: 'All (pooled)', points: groups.map((g) => g.pooled), bold: true },
    ...[...new Map(groups.flatMap((g) => g.dimensions.map((d) => [d.id, d.label] as const)))].map(([id, label]) => ({
      name: label,
      points: groups.map((g) => g.dimensions.find((d) => d.id === id) ?? null),
      bold: false,
    })),
  ];
  const values = series.flatMap((s) => s.points.flatMap((p) => [p?.alpha, p?.low, p?.high])).filter((x): x is number => typeof x === 'number');
  const min = Math.min(0, Math.floor(Math.min(...values, 0) * 10) / 10);
  const H = 380;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => Math.round(PAD.left + (groups.length <= 1 ? plotW / 2 : (i * plotW) / (groups.length - 1)));
  const y = (a: number) => Math.round(PAD.top + ((1 - a) / (1 - min)) * plotH);
  const parts: string[] = [`  <text x="${PAD.left}" y="24" class="heading">${escapeXml(title)}</text>`];
  for (let t = Math.ceil(min * 5) / 5; t <= 1.0001; t += 0.2) {
    const v = Math.round(t * 10) / 10;
    parts.push(`  <line x1="${PAD.left}" y1="${y(v)}" x2="${PAD.left + plotW}" y2="${y(v)}" class="grid"/>`);
    parts.push(`  <text x="${PAD.left - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  for (const th of [0.667, 0.8]) {
    parts.push(`  <line x1="${PAD.left}" y1="${y(th)}" x2="${PAD.left + plotW}" y2="${y(th)}" class="threshold"/>`);
    parts.push(`  <text x="${PAD.left + plotW + 4}" y="${y(th) + 4}" class="small">${th.toFixed(3)}</text>`);
  }
  groups.forEach((g, i) => parts.push(`  <text x="${x(i)}" y="${PAD.top + plotH + 20}" text-anchor="middle">${escapeXml(g.group)}</text>`));
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const cls = s.bold ? 'line bold' : 'line';
    // Consecutive defined points are joined; an undefined alpha breaks the line.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) parts.push(`  <polyline points="${run.join(' ')}" class="${cls}" stroke="${color}"/>`);
      run = [];
    };
    s.points.forEach((p, i) => {
      if (!p || p.alpha === null) return flush();
      run.push(`${x(i)},${y(p.alpha)}`);
      if (p.low !== null && p.high !== null) parts.push(`  <line x1="${x(i)}" y1="${y(p.low)}" x2="${x(i)}" y2="${y(p.high)}" stroke="${color}" class="whisker"/>`);
      parts.push(`  <circle cx="${x(i)}" cy="${y(p.alpha)}" r="${s.bold ? 4 : 3}" fill="${color}"><title>${escapeXml(`${s.name}, ${groups[i].group}: ${p.alpha.toFixed(3)}`)}</title></circle>`);
    });
    flush();
    const ly = PAD.top + 8 + k * 18;
    parts.push(`  <line x1="${PAD.left + plotW + 48}" y1="${ly}" x2="${PAD.left + plotW + 68}" y2="${ly}" stroke="${color}" class="${cls}"/>`);
    parts.push(`  <text x="${PAD.left + plotW + 74}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '  <style>.heading { font-size: 15px; font-weight: bold; } .small { font-size: 10px; fill: #6b7280; } .grid { stroke: #e5e7eb; } .threshold { stroke: #9ca3af; stroke-dasharray: 4 3; } .line { fill: none; stroke-width: 1.5; } .bold { stroke-width: 3; } .whisker { stroke-width: 1; opacity: 0.6; }</style>',
    `  <rect width="${W}" height="${H}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
