import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { table6Dir } from '../../fixtures/table6/generate.ts';
import { formatsOf, exportKinds } from '../../shared/tables/export-kinds.ts';
import { formatLatex } from '../../shared/tables/formats.ts';
import type { Db } from '../database.ts';
import { runImport, seedDemo } from '../import/index.ts';
import { renderExport } from './render.ts';
import { addModelResult, freshProject } from '../../test/helpers/export-project.ts';
import { createRound } from '../rounds.ts';

/**
 * The LaTeX exports go into a paper as they are: each one compiles in a plain
 * `\documentclass{article}` that loads the packages its first line names, and fits the text
 * width (no "Overfull \hbox" in the log). They need pdflatex (Debian's texlive-latex-base and
 * -recommended, which .ci/run installs): without it they fail, saying so, rather than pass unchecked.
 */
const hasPdflatex = spawnSync('pdflatex', ['--version']).status === 0;
const golden = fileURLToPath(new URL('../../fixtures/golden', import.meta.url));

/** The packages a Concord .tex export asks for on its first line. */
function packagesOf(tex: string): string {
  const m = /^% Concord export\. In the preamble: \\usepackage\{([a-z,]+)\}\n/.exec(tex);
  if (!m) throw new Error(`no package line at the top of:\n${tex.slice(0, 200)}`);
  return m[1];
}

interface Compiled {
  ok: boolean;
  /** Errors (lines starting with "!"). */
  errors: string;
  /** Overfull and underfull box warnings, and floats too large for the page. */
  boxes: string[];
}

function compile(body: string, packages = 'booktabs'): Compiled {
  const dir = mkdtempSync(join(tmpdir(), 'concord-tex-'));
  try {
    writeFileSync(join(dir, 'paper.tex'), `\\documentclass{article}\n\\usepackage{${packages}}\n\\begin{document}\n${body}\n\\end{document}\n`);
    let ok = true;
    try {
      execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'paper.tex'], { cwd: dir, stdio: 'pipe', timeout: 60_000 });
    } catch {
      ok = false;
    }
    const log = readFileSync(join(dir, 'paper.log'), 'utf8');
    const lines = log.split('\n');
    return {
      ok,
      errors: lines.filter((l) => l.startsWith('!')).join('\n'),
      boxes: lines.filter((l) => /^Overfull \\hbox|Float too large/.test(l) || /^LaTeX Warning: Float too large/.test(l)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectFits(name: string, tex: string): void {
  const r = compile(tex, packagesOf(tex));
  expect({ name, errors: r.errors, boxes: r.boxes }).toEqual({ name, errors: '', boxes: [] });
  expect(r.ok).toBe(true);
}

describe('LaTeX exports compile in a plain article and fit its text width', () => {
  beforeAll(() => {
    if (!hasPdflatex) throw new Error('pdflatex is missing: apt-get install texlive-latex-base texlive-latex-recommended (as .ci/run does)');
  });

  const files = readdirSync(golden, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tex'));

  it('finds the golden LaTeX exports', () => expect(files.length).toBeGreaterThanOrEqual(5));

  for (const f of files) it(`golden ${f} compiles with no overfull box`, () => expectFits(f, readFileSync(join(golden, f), 'utf8')));

  describe('every kind offered in LaTeX, on projects of real size and shape', () => {
    let demo: Db;
    let table6: Db;
    const cleanups: (() => void)[] = [];
    beforeAll(async () => {
      const a = freshProject();
      cleanups.push(a.cleanup);
      demo = a.db;
      await seedDemo(demo);
      // The paper's four models, names as long as they come.
      const ids = (demo.prepare('SELECT ext_id FROM entry ORDER BY ext_id').all() as { ext_id: string }[]).map((r) => r.ext_id);
      ids.forEach((id, i) => {
        addModelResult(demo, id, 'GPT-4o (2024-08-06)', i % 3 === 0);
        addModelResult(demo, id, 'Claude 3.5 Sonnet', i % 4 === 0);
        addModelResult(demo, id, 'Llama 3.1 70B Instruct', i % 5 === 0);
        addModelResult(demo, id, 'Mistral 7B Instruct v0.3', i % 7 === 0);
      });
      const b = freshProject();
      cleanups.push(b.cleanup);
      table6 = b.db;
      await runImport(table6, join(table6Dir, 'entries.jsonl'), { format: 'jsonl' });
      await runImport(table6, join(table6Dir, 'annotations.csv'), { format: 'annotations' });
      // Calibration rounds, so alpha per round has something to print.
      for (const db of [demo, table6]) {
        createRound(db, { as: 'lead', name: 'Pilot (first 20)', sample: { size: 20, seed: 3 } });
        createRound(db, { as: 'lead', name: 'Round 2 after the codebook change', sample: { size: 10, seed: 4 } });
      }
    });
    afterAll(() => cleanups.forEach((c) => c()));

    const texKinds = exportKinds.filter((k) => formatsOf[k].includes('tex'));
    it('covers every kind that offers LaTeX', () =>
      expect(texKinds).toEqual(['bug-distribution', 'category-distribution', 'agreement', 'pass-at-1', 'coefficients', 'drift', 'machine-coders', 'codebook', 'rounds', 'gold', 'disagreements']));

    for (const kind of texKinds)
      for (const project of ['demo', 'table6'] as const)
        it(`${kind} of the ${project} project`, () => {
          const db = project === 'demo' ? demo : table6;
          const r = renderExport(db, { kind, format: 'tex', bootstrap: 50, seed: 1 });
          if (r.shape !== 'file') throw new Error('expected one file');
          expectFits(`${kind} (${project})`, r.file.content);
        });
  });

  it('user text with every LaTeX special character compiles once escaped (and would not unescaped)', () => {
    const nasty = 'gpt_4o & co #1 50% ~$x^2$ {a} \\emph{b} <i>|›';
    const tex = formatLatex([
      { id: 'nasty', title: nasty, columns: [{ key: 'm', label: 'Model' }, { key: 'n', label: 'n', align: 'right' }], rows: [{ cells: { m: nasty, n: 3 } }] },
    ]);
    expect(compile(tex, packagesOf(tex))).toEqual({ ok: true, errors: '', boxes: [] });
    expect(compile(`\\begin{tabular}{l}\\toprule ${nasty} \\\\ \\bottomrule\\end{tabular}`).ok).toBe(false);
  });

  it('the check itself sees a table that runs off the page', () => {
    const wide = `\\begin{tabular}{l}\\toprule ${'A long unbreakable value '.repeat(8)} \\\\ \\bottomrule\\end{tabular}`;
    expect(compile(wide).boxes.some((b) => b.startsWith('Overfull \\hbox'))).toBe(true);
  });
});
