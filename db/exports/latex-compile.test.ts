import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatLatex } from '../../shared/tables/formats.ts';

/**
 * The LaTeX exports must compile in a paper that loads only booktabs. CI installs pdflatex
 * (Debian's texlive-latex-recommended); elsewhere the check runs where pdflatex is present.
 */
const hasPdflatex = spawnSync('pdflatex', ['--version']).status === 0;
const golden = fileURLToPath(new URL('../../fixtures/golden', import.meta.url));

function compile(body: string): { ok: boolean; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'concord-tex-'));
  writeFileSync(join(dir, 'paper.tex'), `\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n${body}\n\\end{document}\n`);
  try {
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'paper.tex'], { cwd: dir, stdio: 'pipe', timeout: 60_000 });
    return { ok: true, log: '' };
  } catch {
    return { ok: false, log: readFileSync(join(dir, 'paper.log'), 'utf8').split('\n').filter((l) => l.startsWith('!')).join('\n') };
  }
}

describe.runIf(hasPdflatex || process.env.CI)('LaTeX exports compile with booktabs', () => {
  const files = readdirSync(golden, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tex'));

  it('finds the golden LaTeX exports', () => expect(files.length).toBeGreaterThanOrEqual(5));

  it('every golden .tex export compiles with pdflatex', () => {
    const body = files.map((f) => readFileSync(join(golden, f), 'utf8')).join('\n\\clearpage\n');
    const r = compile(body);
    expect(r.log).toBe('');
    expect(r.ok).toBe(true);
  });

  it('user text with every LaTeX special character compiles once escaped (and would not unescaped)', () => {
    const nasty = 'gpt_4o & co #1 50% ~$x^2$ {a} \\emph{b} <i>|›';
    const tex = formatLatex([
      { id: 'nasty', title: nasty, columns: [{ key: 'm', label: 'Model' }, { key: 'n', label: 'n', align: 'right' }], rows: [{ cells: { m: nasty, n: 3 } }] },
    ]);
    expect(compile(tex)).toEqual({ ok: true, log: '' });
    expect(compile(`\\begin{tabular}{l}\\toprule ${nasty} \\\\ \\bottomrule\\end{tabular}`).ok).toBe(false);
  });
});
