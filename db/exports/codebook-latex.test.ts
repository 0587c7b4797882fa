import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtInCodebooks, parseCodebook, type Codebook } from '../../shared/codebook/index.ts';
import { codebookLatex, codebookMarkdown } from '../../shared/tables/codebook.ts';

/**
 * The codebook printed for a paper's appendix: every built-in codebook, and one written to break
 * the printer (LaTeX specials, long ids and addresses, HTML and script in definitions), compiles in
 * a plain article with no overfull box, as the table exports do (db/exports/latex-compile.test.ts).
 */
const hasPdflatex = spawnSync('pdflatex', ['--version']).status === 0;

function compile(tex: string): { ok: boolean; errors: string; boxes: string[] } {
  const packages = /^% Concord export\. In the preamble: \\usepackage\{([a-z,]+)\}\n/.exec(tex)?.[1];
  if (!packages) throw new Error('no package line');
  const dir = mkdtempSync(join(tmpdir(), 'concord-cbtex-'));
  try {
    writeFileSync(join(dir, 'paper.tex'), `\\documentclass{article}\n\\usepackage{${packages}}\n\\begin{document}\n${tex}\n\\end{document}\n`);
    let ok = true;
    try {
      execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'paper.tex'], { cwd: dir, stdio: 'pipe', timeout: 60_000 });
    } catch {
      ok = false;
    }
    const lines = readFileSync(join(dir, 'paper.log'), 'utf8').split('\n');
    return { ok, errors: lines.filter((l) => l.startsWith('!')).join('\n'), boxes: lines.filter((l) => /^Overfull \\hbox/.test(l)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A codebook that tries to break the printers. */
function hostile(): Codebook {
  const cb = structuredClone(builtInCodebooks['reasoning-trace']);
  cb.name = 'Traces & co #1: 50% ~$x^2$ {a} \\emph{b}';
  cb.description = 'See <script>alert(1)</script> and [here](javascript:alert(1)).';
  const err = cb.dimensions[2];
  err.values.push({
    id: 'a-very-long-category-identifier-that-does-not-fit-on-one-line-of-an-article',
    label: 'Incorrect or Undefined Variable/Method References in Long Loop Bodies',
    definition: 'Uses `a_very_long_function_name_without_any_break_point_in_it_at_all()` and <img src=x onerror=alert(1)>.\n\n- one *item*\n- [docs](https://docs.python.org/3/library/functions.html#a-very-long-anchor-name-here)',
    useWhen: 'The trace says `x = 5` while x is 6; **always**.',
    doNotUseWhen: '<b>Never</b> when the branch is wrong.',
    examples: ['counts 4 where there are 5', 'x_1 & y_2'],
  });
  return parseCodebook(cb);
}

describe('the codebook as an appendix', () => {
  beforeAll(() => {
    if (!hasPdflatex) throw new Error('pdflatex is missing: apt-get install texlive-latex-base texlive-latex-recommended (as .ci/run does)');
  });

  for (const [id, cb] of [...Object.entries(builtInCodebooks), ['hostile', hostile()] as const])
    it(`${id} compiles in a plain article with no overfull box`, () => {
      expect(compile(codebookLatex(cb as Codebook))).toEqual({ ok: true, errors: '', boxes: [] });
    });

  it('prints definitions, notes and examples; HTML and unsafe links stay text', () => {
    const cb = hostile();
    const md = codebookMarkdown(cb);
    expect(md).toContain('## 3. Inference error');
    expect(md).toContain('*`inference-error` · any number of types per entry, each with a subtype where one fits · applies only when Prediction correct is No · key `e`*');
    expect(md).toContain('- **Use when:** The trace says `x = 5` while x is 6; **always**.');
    expect(md).toContain('&lt;b&gt;Never&lt;/b&gt;');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // "](" is broken with a backslash: the text stays, no link is made.
    expect(md).toContain("[here\\](javascript:alert(1))");
    expect(md).not.toMatch(/[^\\]\]\(javascript:/);
    expect(md).toContain('[docs](https://docs.python.org/3/library/functions.html#a-very-long-anchor-name-here)');
    const tex = codebookLatex(cb);
    expect(tex).toContain('\\emph{Use when:} The trace says \\texttt{x =\\allowbreak{} 5} while x is 6; \\textbf{always}.');
    expect(tex).toContain('\\textless{}script\\textgreater{}');
  });
});
