import { Lexer, type Token, type Tokens } from 'marked';

/**
 * Codebook texts (definitions, "use when", "do not use when") are Markdown. `marked` reads them
 * (its lexer only; its HTML renderer is never used) and we keep a small tree of what we show:
 * paragraphs, lists, code, emphasis, links. Raw HTML is kept as the text it is, and a link whose
 * address is not http(s) or mailto is shown as its source text, so nothing a codebook says can
 * run or navigate. Every output (React, LaTeX, plain text) is built from this tree.
 */
export type MdInline =
  | { t: 'text'; text: string }
  | { t: 'em'; children: MdInline[] }
  | { t: 'strong'; children: MdInline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; href: string; children: MdInline[] }
  | { t: 'br' };

export type MdBlock =
  | { t: 'p'; children: MdInline[] }
  | { t: 'list'; ordered: boolean; items: MdBlock[][] }
  | { t: 'code'; text: string }
  | { t: 'quote'; children: MdBlock[] };

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
/** marked hands text over HTML-escaped; we show text, never HTML, so it is read back as written. */
const unescape = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => entities[e]);

/** Addresses a link may point at; anything else (javascript:, data:, file:, relative) stays text. */
export function isSafeHref(href: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(href.trim());
}

function inline(tokens: Token[] | undefined): MdInline[] {
  const out: MdInline[] = [];
  const text = (s: string) => {
    const last = out[out.length - 1];
    if (last?.t === 'text') last.text += s;
    else out.push({ t: 'text', text: s });
  };
  for (const tok of tokens ?? []) {
    switch (tok.type) {
      case 'strong':
      case 'em':
        out.push({ t: tok.type, children: inline((tok as Tokens.Strong).tokens) });
        break;
      case 'codespan':
        out.push({ t: 'code', text: unescape((tok as Tokens.Codespan).text) });
        break;
      case 'link': {
        const l = tok as Tokens.Link;
        if (isSafeHref(l.href)) out.push({ t: 'link', href: l.href.trim(), children: inline(l.tokens) });
        else text(l.raw);
        break;
      }
      case 'br':
        out.push({ t: 'br' });
        break;
      case 'del':
        for (const c of inline((tok as Tokens.Del).tokens)) (c.t === 'text' ? text(c.text) : out.push(c));
        break;
      case 'text': {
        const t = tok as Tokens.Text;
        if (t.tokens?.length) for (const c of inline(t.tokens)) (c.t === 'text' ? text(c.text) : out.push(c));
        else text(unescape(t.text));
        break;
      }
      case 'escape':
        text(unescape((tok as Tokens.Escape).text));
        break;
      default:
        // Raw HTML, images and anything else: the source as written, shown as text.
        text(tok.raw);
    }
  }
  return out;
}

function blocks(tokens: Token[]): MdBlock[] {
  const out: MdBlock[] = [];
  for (const tok of tokens) {
    switch (tok.type) {
      case 'space':
      case 'hr':
        break;
      case 'paragraph':
      case 'text':
        out.push({ t: 'p', children: inline((tok as Tokens.Paragraph).tokens ?? [{ type: 'text', raw: tok.raw, text: (tok as Tokens.Text).text }]) });
        break;
      case 'heading':
        out.push({ t: 'p', children: [{ t: 'strong', children: inline((tok as Tokens.Heading).tokens) }] });
        break;
      case 'list': {
        const l = tok as Tokens.List;
        out.push({ t: 'list', ordered: l.ordered, items: l.items.map((item) => blocks(item.tokens)) });
        break;
      }
      case 'code':
        out.push({ t: 'code', text: (tok as Tokens.Code).text });
        break;
      case 'blockquote':
        out.push({ t: 'quote', children: blocks((tok as Tokens.Blockquote).tokens) });
        break;
      default:
        // Raw HTML blocks, tables: shown as the text they are.
        if (tok.raw.trim()) out.push({ t: 'p', children: [{ t: 'text', text: tok.raw.trim() }] });
    }
  }
  return out;
}

/** Reads Markdown into the blocks we show. */
export function parseMarkdown(source: string): MdBlock[] {
  if (!source.trim()) return [];
  return blocks(new Lexer({ gfm: true, breaks: false }).lex(source));
}

function inlinePlain(nodes: MdInline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
        case 'code':
          return n.text;
        case 'br':
          return '\n';
        case 'link': {
          const label = inlinePlain(n.children);
          return label === n.href ? label : `${label} (${n.href})`;
        }
        default:
          return inlinePlain(n.children);
      }
    })
    .join('');
}

/** Markdown as plain text (tooltips, the command line): the words without the marks. */
export function markdownToPlain(source: string): string {
  const block = (b: MdBlock, indent: string): string => {
    switch (b.t) {
      case 'p':
        return indent + inlinePlain(b.children);
      case 'code':
        return b.text
          .split('\n')
          .map((l) => indent + '    ' + l)
          .join('\n');
      case 'quote':
        return b.children.map((c) => block(c, indent + '> ')).join('\n');
      case 'list':
        return b.items.map((item, i) => `${indent}${b.ordered ? `${i + 1}.` : '-'} ${item.map((c) => block(c, '')).join(' ')}`).join('\n');
    }
  };
  return parseMarkdown(source)
    .map((b) => block(b, ''))
    .join('\n\n');
}

/** Text safe in a LaTeX document (the same escapes as the table exports). */
export type LatexEscaper = (s: string) => string;

/** Markdown as LaTeX body text: \emph, \textbf, \texttt, itemize/enumerate, a link's address after its text. */
export function markdownToLatex(source: string, escape: LatexEscaper): string {
  // Long addresses and code may break after these characters, so a line never runs past the margin.
  const breakable = (s: string) => escape(s).replace(/([/.=&-])/g, '$1\\allowbreak{}');
  const inl = (nodes: MdInline[]): string =>
    nodes
      .map((n) => {
        switch (n.t) {
          case 'text':
            return escape(n.text);
          case 'code':
            return `\\texttt{${breakable(n.text)}}`;
          case 'br':
            return '\\newline{}';
          case 'em':
            return `\\emph{${inl(n.children)}}`;
          case 'strong':
            return `\\textbf{${inl(n.children)}}`;
          case 'link': {
            const label = inl(n.children);
            return inlinePlain(n.children) === n.href ? `\\texttt{${breakable(n.href)}}` : `${label} (\\texttt{${breakable(n.href)}})`;
          }
        }
      })
      .join('');
  const block = (b: MdBlock): string => {
    switch (b.t) {
      case 'p':
        return inl(b.children);
      case 'code':
        return `{\\ttfamily\\raggedright ${b.text.split('\n').map(breakable).join('\\\\\n')}\\par}`;
      case 'quote':
        return `\\begin{quote}\n${b.children.map(block).join('\n\n')}\n\\end{quote}`;
      case 'list': {
        const env = b.ordered ? 'enumerate' : 'itemize';
        return `\\begin{${env}}\n${b.items.map((item) => `  \\item ${item.map(block).join('\n\n')}`).join('\n')}\n\\end{${env}}`;
      }
    }
  };
  return parseMarkdown(source).map(block).join('\n\n');
}

/**
 * Markdown written back from what we read: the same emphasis, code, links and lists, with every
 * text run passed through `escape` (so raw HTML in a definition is printed as text, as in the
 * other Markdown exports). `indent` starts every line (a definition nested under a list item).
 */
export function markdownToSafeMarkdown(source: string, escape: (s: string) => string, indent = ''): string {
  const code = (s: string) => {
    const ticks = '`'.repeat(Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
    return ticks.length > 1 ? `${ticks} ${s} ${ticks}` : `\`${s}\``;
  };
  const inl = (nodes: MdInline[]): string =>
    nodes
      .map((n) => {
        switch (n.t) {
          case 'text':
            return escape(n.text);
          case 'code':
            return code(n.text);
          case 'br':
            return ' ';
          case 'em':
            return `*${inl(n.children)}*`;
          case 'strong':
            return `**${inl(n.children)}**`;
          case 'link':
            return `[${inl(n.children)}](${n.href.replace(/[()\s]/g, encodeURIComponent)})`;
        }
      })
      .join('');
  const block = (b: MdBlock, pad: string): string => {
    switch (b.t) {
      case 'p':
        // Text that would start a heading, quote or list at the start of a line is escaped.
        return pad + inl(b.children).replace(/^(#|>|[-+*] |\d+[.)] )/, '\\$1');
      case 'code':
        return [pad + '```', ...b.text.split('\n').map((l) => pad + l), pad + '```'].join('\n');
      case 'quote':
        return b.children.map((c) => block(c, pad + '> ')).join(`\n${pad}>\n`);
      case 'list':
        return b.items
          .map((item, i) => {
            const mark = b.ordered ? `${i + 1}. ` : '- ';
            const inner = item.map((c) => block(c, pad + ' '.repeat(mark.length))).join('\n\n');
            return pad + mark + inner.slice(pad.length + mark.length);
          })
          .join('\n');
    }
  };
  return parseMarkdown(source)
    .map((b) => block(b, indent))
    .join('\n\n');
}
