/**
 * Horizontal bar charts as one standalone SVG (the paper's Figure 8 style): a panel per chart,
 * a bar per value in codebook order, the count and share printed beside each bar. Coordinates are
 * whole pixels, so the same data gives the same bytes.
 */
export interface BarChart {
  title: string;
  bars: { label: string; value: number; note?: string }[];
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

const WIDTH = 720;
const LABEL_W = 220;
const BAR_MAX = 360;
const BAR_H = 18;
const GAP = 6;
const TITLE_H = 28;
const PANEL_GAP = 18;
const PAD = 16;

export function formatBarChartsSvg(charts: BarChart[], title?: string): string {
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
      const x = PAD + LABEL_W;
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
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '  <style>.heading { font-size: 16px; font-weight: bold; } .title { font-size: 14px; font-weight: bold; } .bar { fill: #4C72B0; }</style>',
    `  <rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
