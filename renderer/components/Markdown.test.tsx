import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown.tsx';

const html = (source: string) => renderToStaticMarkup(<Markdown source={source} />);

describe('Markdown from the codebook, on screen', () => {
  it('shows emphasis, code, lists and safe links as elements', () => {
    expect(html('Use *when* the `loss` is **custom**.\n\n- a [guide](https://example.org/x)')).toBe(
      '<div class="md "><p>Use <em>when</em> the <code>loss</code> is <strong>custom</strong>.</p><ul><li>a <a href="https://example.org/x" target="_blank" rel="noreferrer noopener">guide</a></li></ul></div>',
    );
  });

  it('shows a script, raw HTML and a javascript: link as the text they are', () => {
    const out = html('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> and <b>bold?</b>\n\n[click](javascript:alert(1)) [data](data:text/html,<b>x</b>)');
    expect(out).not.toMatch(/<script|<img|<b>|href="javascript|href="data/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt; and &lt;b&gt;bold?&lt;/b&gt;');
    expect(out).toContain('[click](javascript:alert(1))');
  });
});
