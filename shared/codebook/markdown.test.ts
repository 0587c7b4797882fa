import { describe, expect, it } from 'vitest';
import { escapeLatex } from '../tables/latex.ts';
import { markdownCell } from '../tables/formats.ts';
import { isSafeHref, markdownToLatex, markdownToPlain, markdownToSafeMarkdown, parseMarkdown } from './markdown.ts';

describe('codebook Markdown', () => {
  it('reads emphasis, code, lists and links into the blocks we show', () => {
    expect(parseMarkdown('Use *when* the `loss` is **custom**:\n\n- one\n- [docs](https://example.org/a)')).toEqual([
      {
        t: 'p',
        children: [
          { t: 'text', text: 'Use ' },
          { t: 'em', children: [{ t: 'text', text: 'when' }] },
          { t: 'text', text: ' the ' },
          { t: 'code', text: 'loss' },
          { t: 'text', text: ' is ' },
          { t: 'strong', children: [{ t: 'text', text: 'custom' }] },
          { t: 'text', text: ':' },
        ],
      },
      {
        t: 'list',
        ordered: false,
        items: [[{ t: 'p', children: [{ t: 'text', text: 'one' }] }], [{ t: 'p', children: [{ t: 'link', href: 'https://example.org/a', children: [{ t: 'text', text: 'docs' }] }] }]],
      },
    ]);
  });

  it('keeps raw HTML, scripts and unsafe links as the text they are', () => {
    const blocks = parseMarkdown('<script>alert(1)</script> a < b & c\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<div>raw block</div>');
    const texts = JSON.stringify(blocks);
    expect(texts).not.toContain('"t":"link"');
    expect(markdownToPlain('<script>alert(1)</script> a < b & c')).toBe('<script>alert(1)</script> a < b & c');
    expect(markdownToPlain('[x](javascript:alert(1))')).toBe('[x](javascript:alert(1))');
    expect(markdownToPlain('<div>raw block</div>')).toBe('<div>raw block</div>');
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:x', ' data:text/html,x', 'file:///etc/passwd', 'vbscript:x', '/relative', '#anchor']) expect(isSafeHref(bad)).toBe(false);
    for (const ok of ['https://a.org', 'http://a.org/x?y', 'mailto:a@b.org']) expect(isSafeHref(ok)).toBe(true);
  });

  it('writes Markdown back with HTML shown as text and line starts that cannot become headings', () => {
    const md = markdownToSafeMarkdown('Use <b>this</b> *now*\n\n\\# not a heading', markdownCell);
    expect(md).toBe('Use &lt;b&gt;this&lt;/b&gt; *now*\n\n\\# not a heading');
  });

  it('turns into LaTeX with every special escaped and long code breakable', () => {
    const tex = markdownToLatex('A *b* `x_y` 50% & [site](https://e.org/a_b)\n\n1. one\n2. two', escapeLatex);
    expect(tex).toBe(
      'A \\emph{b} \\texttt{x\\_y} 50\\% \\& site (\\texttt{https:/\\allowbreak{}/\\allowbreak{}e.\\allowbreak{}org/\\allowbreak{}a\\_b})\n\n\\begin{enumerate}\n  \\item one\n  \\item two\n\\end{enumerate}',
    );
  });
});
