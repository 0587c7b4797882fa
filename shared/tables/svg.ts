import { escapeXml } from '../xml.ts';

/**
 * Horizontal bar charts as one standalone SVG (the paper's Figure 8 style): a panel per chart,
 * a bar per value in codebook order, the count and share printed beside each bar. Coordinates are
 * whole pixels, so the same data gives the same bytes.
 */
export interface BarChart {
  title: string;
  bars: { label: string; value: number; note?: string }[];
}

const BAR_MAX = 360;
/** Room for the count and share printed after the longest bar. */
const NOTE_W = 104;
/** A generous width of one character at 12px in Helvetica or Arial, for sizing the label column. */
const CHAR_W = 7;
const BAR_H = 18;
const GAP = 6;
const TITLE_H = 28;
const PANEL_GAP = 18;
const PAD = 16;

export function formatBarChartsSvg(charts: BarChart[], title?: string): string {
  // The label column is as wide as the longest label, so none runs off the left edge.
  const labelWidth = Math.max(220, ...charts.flatMap((c) => c.bars.map((b) => [...b.label].length * CHAR_W + 16)));
  const width = Math.max(720, PAD + labelWidth + BAR_MAX + NOTE_W + PAD);
  const parts: string[] = [];
  let y = PAD;
  if (title) {
    parts.push(`  <text x="${PAD}" y="${y + 16}" class="heading">${escapeXml(title)}</text>`);
    y += TITLE_H + 4;
  }
  for (const chart of charts) {
    parts.push(`  <g class="chart">`);
    parts.push(`    <text x="${PAD}" y="${y + 16}" class="title">${escapeXml(chart.title)}</text>`);
    y += TITLE_H;
    const max = Math.max(1, ...chart.bars.map((b) => b.value));
    for (const bar of chart.bars) {
      const w = Math.round((bar.value / max) * BAR_MAX);
      const x = PAD + labelWidth;
      parts.push(`    <text x="${x - 8}" y="${y + 13}" text-anchor="end">${escapeXml(bar.label)}</text>`);
      parts.push(`    <rect x="${x}" y="${y}" width="${w}" height="${BAR_H}" class="bar"/>`);
      parts.push(`    <text x="${x + w + 6}" y="${y + 13}">${escapeXml(bar.note ?? String(bar.value))}</text>`);
      y += BAR_H + GAP;
    }
    parts.push('  </g>');
    y += PANEL_GAP;
  }
  const height = y + PAD - PANEL_GAP;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '  <style>.heading { font-size: 16px; font-weight: bold; } .title { font-size: 14px; font-weight: bold; } .bar { fill: #4C72B0; }</style>',
    `  <rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
