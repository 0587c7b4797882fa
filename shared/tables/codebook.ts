import { markdownToLatex, markdownToSafeMarkdown } from '../codebook/markdown.ts';
import type { Codebook, CodebookValue, Dimension } from '../codebook/schema.ts';
import { appliesIfNote } from '../codebook/values.ts';
import { escapeLatex } from './latex.ts';
import { markdownCell } from './formats.ts';

/**
 * The codebook as a paper's appendix prints it: each dimension with its definition and when it
 * applies, each value with its definition, "use when" and "do not use when" notes and examples,
 * the subtypes of a taxonomy under their type. Markdown for a repository, LaTeX for the paper
 * (it compiles in a plain article and fits its text width). Definitions are Markdown and keep
 * their emphasis, code and lists; any HTML in them is printed as text.
 */

const KIND_TEXT: Record<Dimension['kind'], string> = {
  single: 'one value per entry',
  ordinal: 'one value per entry, on an ordered scale',
  multi: 'any number of values per entry',
  tree: 'any number of types per entry, each with a subtype where one fits',
  checklist: 'each item ticked or not',
  lines: 'types (with a subtype where one fits) pinned to ranges of lines of a text',
  text: 'free text',
};

function applies(cb: Codebook, dim: Dimension): string[] {
  const out: string[] = [];
  if (dim.appliesWhen) out.push(dim.appliesNote ?? `applies only to ${dim.appliesWhen.passed ? 'passing' : 'failing'} outputs`);
  const note = appliesIfNote(cb, dim);
  if (note) out.push(note);
  if (dim.revises) out.push(`a rewrite of the entry's ${dim.revises}`);
  return out;
}

const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.') : '');

// ---------------------------------------------------------------------------------------------
// Markdown

const md = (s: string) => markdownCell(s);
const mdText = (s: string, indent = '') => markdownToSafeMarkdown(s, md, indent);

function mdValue(v: CodebookValue, path: string, heading: string): string[] {
  const lines = [`${heading} ${md(v.label)}`, '', `\`${path}\`${v.hotkey ? ` · key \`${v.hotkey}\`` : ''}`, '', mdText(v.definition)];
  const notes: string[] = [];
  if (v.useWhen?.trim()) notes.push(`- **Use when:** ${mdText(v.useWhen, '  ').trimStart()}`);
  if (v.doNotUseWhen?.trim()) notes.push(`- **Do not use when:** ${mdText(v.doNotUseWhen, '  ').trimStart()}`);
  if (v.examples?.length) notes.push(`- **Examples:** ${v.examples.map(md).join('; ')}`);
  if (v.aliases?.length) notes.push(`- **Also written:** ${v.aliases.map(md).join('; ')}`);
  if (notes.length) lines.push('', ...notes);
  lines.push('');
  return lines;
}

export function codebookMarkdown(cb: Codebook): string {
  const lines = [`# ${md(cb.name)}`, '', `Codebook \`${cb.id}\`, version ${md(cb.version)}.`, ''];
  if (cb.description.trim()) lines.push(mdText(cb.description), '');
  cb.dimensions.forEach((dim, i) => {
    lines.push(`## ${i + 1}. ${md(dim.label)}`, '');
    const facts = [`\`${dim.id}\``, KIND_TEXT[dim.kind], ...applies(cb, dim).map(md), ...(dim.hotkey ? [`key \`${dim.hotkey}\``] : [])];
    lines.push(`*${facts.join(' · ')}*`, '', mdText(dim.definition), '');
    for (const v of dim.values) {
      lines.push(...mdValue(v, v.id, '###'));
      for (const c of v.children ?? []) lines.push(...mdValue(c, `${v.id}::${c.id}`, '####'));
    }
  });
  if (cb.retired?.length) {
    lines.push('## Retired', '', 'Values and dimensions once used and no longer; their ids are not used again.', '');
    for (const r of cb.retired)
      lines.push(`- \`${r.dimension}${r.value ? `/${r.value}` : ''}\` ${md(r.label)} (until version ${md(r.version)})${r.into ? `: labels moved to \`${r.into}\`` : ''}`);
    lines.push('');
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

// ---------------------------------------------------------------------------------------------
// LaTeX

/** An id in typewriter type that may break after its hyphens, so a long one never runs into the margin. */
const texId = (s: string) => `\\texttt{${escapeLatex(s).replace(/([-:])/g, '$1\\allowbreak{}')}}`;
const texText = (s: string) => markdownToLatex(s, escapeLatex);

function texValue(v: CodebookValue, path: string): string[] {
  const lines = [`\\noindent\\textbf{${escapeLatex(v.label)}} (${texId(path)}${v.hotkey ? `, key ${texId(v.hotkey)}` : ''}). ${texText(v.definition)}`, ''];
  const notes: string[] = [];
  if (v.useWhen?.trim()) notes.push(`\\item \\emph{Use when:} ${texText(v.useWhen)}`);
  if (v.doNotUseWhen?.trim()) notes.push(`\\item \\emph{Do not use when:} ${texText(v.doNotUseWhen)}`);
  if (v.examples?.length) notes.push(`\\item \\emph{Examples:} ${v.examples.map(escapeLatex).join('; ')}`);
  if (notes.length) lines.push('\\begin{itemize}', ...notes.map((n) => `  ${n}`), '\\end{itemize}', '');
  return lines;
}

export function codebookLatex(cb: Codebook): string {
  const lines = [
    '% Concord export. In the preamble: \\usepackage{booktabs}',
    `\\section*{Codebook: ${escapeLatex(cb.name)}}`,
    `\\label{sec:codebook-${cb.id}}`,
    // Ragged right: long ids and addresses break where they may without stretching a line.
    '\\begingroup\\raggedright',
    '',
    `Codebook ${texId(cb.id)}, version ${escapeLatex(cb.version)}. ${cb.description.trim() ? texText(cb.description) : ''}`,
    '',
  ];
  for (const dim of cb.dimensions) {
    lines.push(`\\subsection*{${escapeLatex(dim.label)}}`, '');
    const facts = [KIND_TEXT[dim.kind], ...applies(cb, dim)].map(escapeLatex);
    lines.push(`\\noindent ${texId(dim.id)}: \\emph{${sentence(facts.join('; '))}} ${texText(dim.definition)}`, '');
    for (const v of dim.values) {
      if (dim.kind === 'tree') lines.push(`\\subsubsection*{${escapeLatex(v.label)}}`, '');
      lines.push(...texValue(v, v.id));
      for (const c of v.children ?? []) lines.push(...texValue(c, `${v.id}::${c.id}`));
    }
  }
  if (cb.retired?.length) {
    lines.push('\\subsection*{Retired}', '', 'Values and dimensions once used and no longer; their ids are not used again.', '', '\\begin{itemize}');
    for (const r of cb.retired)
      lines.push(`  \\item ${texId(r.value ? `${r.dimension}/${r.value}` : r.dimension)} ${escapeLatex(r.label)} (until version ${escapeLatex(r.version)})${r.into ? `: labels moved to ${texId(r.into)}` : ''}`);
    lines.push('\\end{itemize}', '');
  }
  lines.push('\\par\\endgroup', '');
  return lines.join('\n');
}
