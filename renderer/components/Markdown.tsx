import './study-components.css';
import { Fragment, useMemo, type ReactNode } from 'react';
import { parseMarkdown, type MdBlock, type MdInline } from '../../shared/codebook/markdown.ts';

/**
 * A codebook text (definition, "use when" notes) as the team wrote it in Markdown, built as React
 * elements from the parsed tree: text is always text (React escapes it), raw HTML is shown as the
 * characters it is, and a link is made only for http(s) and mailto addresses (opened outside the
 * app, never in it).
 */
export function Markdown({ source, className, testId }: { source: string; className?: string; testId?: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return (
    <div className={`md ${className ?? ''}`} data-testid={testId}>
      {blocks.map((b, i) => (
        <Block key={i} b={b} />
      ))}
    </div>
  );
}

function Block({ b }: { b: MdBlock }): ReactNode {
  switch (b.t) {
    case 'p':
      return <p>{inline(b.children)}</p>;
    case 'code':
      return <pre className="md-code">{b.text}</pre>;
    case 'quote':
      return (
        <blockquote>
          {b.children.map((c, i) => (
            <Block key={i} b={c} />
          ))}
        </blockquote>
      );
    case 'list': {
      const items = b.items.map((item, i) => (
        <li key={i}>
          {item.length === 1 && item[0].t === 'p'
            ? inline(item[0].children)
            : item.map((c, k) => (
                <Block key={k} b={c} />
              ))}
        </li>
      ));
      return b.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
  }
}

function inline(nodes: MdInline[]): ReactNode {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <Fragment key={i}>{n.text}</Fragment>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'br':
        return <br key={i} />;
      case 'em':
        return <em key={i}>{inline(n.children)}</em>;
      case 'strong':
        return <strong key={i}>{inline(n.children)}</strong>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noreferrer noopener">
            {inline(n.children)}
          </a>
        );
    }
  });
}
