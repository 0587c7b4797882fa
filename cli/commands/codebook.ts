import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadCodebook } from '../../db/codebook-file.ts';
import type { Service } from '../../db/service.ts';
import { diffCodebooks, type CodebookChange, type Remap, type Split } from '../../shared/codebook/diff.ts';
import { markdownToPlain } from '../../shared/codebook/markdown.ts';
import { builtInCodebooks, parseCodebook, type Codebook, type CodebookValue } from '../../shared/codebook/index.ts';
import { appliesIfNote } from '../../shared/codebook/values.ts';
import { ConcordError, badInput } from '../../shared/errors.ts';
import { codebookLatex, codebookMarkdown } from '../../shared/tables/codebook.ts';
import type { Caller } from '../../shared/door.ts';
import type { CodebookPreview } from '../../shared/types.ts';
import { parseFlags, printJson, UsageError, type CliIO, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';
import { textTable, wrapText } from '../text-table.ts';

const usage = [
  'concord codebook list [--db <file>] [--json]',
  '       concord codebook show [<id>|<file.json>] [--db <file>] [--version <v> | --revision <n>] [--json]',
  '       concord codebook export [<id>|<file.json>] [--db <file>] [--version <v> | --revision <n>] --format md|tex|json [--out <file>]',
  '       concord codebook import <file.json> --db <file> [--map <dim>:<old value>=<new value>|<dim>:<old value>=]... [--split <dim>:<value>=<a>,<b>...]...',
  '                               [--wording-only <change key>]... [--note <text>] [--round <name>] [--dry-run] [--as <name>] [--json]',
  '       concord codebook diff (<a.json> <b.json> | --db <file> <from> <to>) [--json]     from/to: a version (2.0.0) or a revision (r3)',
].join('\n');

const help = `list: the built-in codebooks, or with --db the project's codebook history (each revision, its version and what changed).
show: a codebook as text; export: as a paper's appendix (md, tex) or as JSON to edit and import.
import: publishes a codebook file to the project, as the codebook editor does: a change of meaning (a definition, a value retired, merged or split) makes a new version and lists the labels it touches for re-review; wording, aliases, hotkeys, order and new values keep the version. A value that leaves the codebook while labels hold it needs a destination: --map stage:inference=training moves its labels there, --map stage:inference= removes it from them. --dry-run says what would happen and writes nothing. A problem exits 2 and changes nothing. ${AS_HELP}`;

const options = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  version: { type: 'string' },
  revision: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  map: { type: 'string', multiple: true },
  split: { type: 'string', multiple: true },
  'wording-only': { type: 'string', multiple: true },
  note: { type: 'string' },
  round: { type: 'string' },
  'dry-run': { type: 'boolean' },
  ...asOption,
} as const;

type Values = ReturnType<typeof parseFlags<typeof options>>['values'];

/** A version or "r<n>" (a revision) as the service's reference to a codebook of the history. */
function refOf(spec: string): { revision?: number; version?: string } {
  const r = /^r(\d+)$/.exec(spec);
  return r ? { revision: Number(r[1]) } : { version: spec };
}

function ref(values: Values): { revision?: number; version?: string } {
  if (values.version !== undefined && values.revision !== undefined) throw new UsageError('choose --version or --revision, not both');
  if (values.revision !== undefined) {
    if (!/^\d+$/.test(values.revision)) throw new UsageError(`--revision takes a number, not "${values.revision}"`);
    return { revision: Number(values.revision) };
  }
  return values.version === undefined ? {} : { version: values.version };
}

function needDb(values: Values): string {
  if (!values.db) throw new UsageError('missing --db');
  if (!existsSync(values.db)) throw new ConcordError('bad-input', `${values.db}: no such project file`);
  return values.db;
}

/** The codebook a command reads: a built-in one or a file, or the project's (at a version) with --db. */
async function readCodebook(values: Values, spec: string | undefined, caller: Caller): Promise<Codebook> {
  if (values.db) {
    if (spec !== undefined) throw new UsageError('name a codebook or give --db, not both');
    return withService(needDb(values), (s) => s.call('codebook.get', ref(values), caller));
  }
  if (values.version !== undefined || values.revision !== undefined) throw new UsageError('--version and --revision read a project\'s history: add --db');
  return loadCodebook(spec ?? Object.keys(builtInCodebooks)[0]);
}

function showValue(v: CodebookValue, path: string, indent: string): string[] {
  const lines = [`${indent}${v.label}  (${path}${v.hotkey ? `, key ${v.hotkey}` : ''})`];
  const pad = ' '.repeat(indent.length);
  const text = (label: string, s: string | undefined) => {
    if (!s?.trim()) return;
    for (const line of wrapText(`${label}${markdownToPlain(s).replace(/\n+/g, ' ')}`, 98 - pad.length, '  ')) lines.push(`${pad}${line}`);
  };
  text('', v.definition);
  text('use when: ', v.useWhen);
  text('do not use when: ', v.doNotUseWhen);
  if (v.examples?.length) text('examples: ', v.examples.join('; '));
  if (v.aliases?.length) text('also written: ', v.aliases.join('; '));
  return lines;
}

function showCodebook(cb: Codebook): string {
  const out = [`${cb.name}  (${cb.id} ${cb.version})`, ...wrapText(cb.description, 100, ''), ''];
  for (const d of cb.dimensions) {
    const facts = [d.kind, d.hotkey ? `key ${d.hotkey}` : '', d.appliesNote ?? '', appliesIfNote(cb, d) ?? '', d.revises ? `rewrites the ${d.revises}` : ''].filter(Boolean);
    out.push(`${d.label}  (${d.id}: ${facts.join(', ')})`);
    for (const line of wrapText(markdownToPlain(d.definition).replace(/\n+/g, ' '), 98, '')) out.push(`  ${line}`);
    for (const v of d.values) {
      out.push(...showValue(v, v.id, '  - '));
      for (const c of v.children ?? []) out.push(...showValue(c, `${v.id}::${c.id}`, '      - '));
    }
    out.push('');
  }
  if (cb.retired?.length) out.push(`retired: ${cb.retired.map((r) => `${r.dimension}${r.value ? `/${r.value}` : ''}`).join(', ')}`, '');
  return out.join('\n');
}

function showChanges(changes: CodebookChange[]): string {
  if (!changes.length) return '  (no changes)\n';
  return `${changes.map((c) => `  ${c.meaning ? '*' : ' '} ${c.text}`).join('\n')}\n  (* changes meaning)\n`;
}

/** --map stage:inference=training (or = nothing: removed from the labels). */
function parseMaps(specs: string[] | undefined): Remap[] {
  return (specs ?? []).map((spec) => {
    const m = /^([^:=]+):([^=]+)=(.*)$/.exec(spec);
    if (!m) throw new UsageError(`--map takes <dimension>:<old value>=<new value> (or nothing after = to remove it), not "${spec}"`);
    return { dimension: m[1].trim(), from: m[2].trim(), to: m[3].trim() === '' ? null : m[3].trim() };
  });
}

/** --split stage:inference=batch-inference,online-inference */
function parseSplits(specs: string[] | undefined): Split[] {
  return (specs ?? []).map((spec) => {
    const m = /^([^:=]+):([^=]+)=(.+)$/.exec(spec);
    if (!m) throw new UsageError(`--split takes <dimension>:<value>=<part>,<part>..., not "${spec}"`);
    return { dimension: m[1].trim(), value: m[2].trim(), into: m[3].split(',').map((p) => p.trim()).filter(Boolean) };
  });
}

function describePreview(p: CodebookPreview, applied: boolean): string {
  const lines = [`${applied ? 'published' : 'would publish'} version ${p.version}${p.newVersion ? ' (a new version: the meaning changed)' : ' (the same version: wording only)'}`, showChanges(p.changes).trimEnd()];
  if (p.needsDestination.length) {
    lines.push('  labels of values that leave the codebook:');
    for (const n of p.needsDestination)
      lines.push(`    ${n.dimension}:${n.value}  ${n.labels} labels, ${n.decisions} decisions, ${n.gold} gold  -> ${n.to === undefined ? 'NOT SAID (use --map)' : n.to === null ? 'removed' : n.to}`);
  }
  lines.push(`  labels listed for re-review: ${p.reviews}`);
  return `${lines.join('\n')}\n`;
}

async function importCodebook(values: Values, positionals: string[], io: CliIO, caller: Caller): Promise<number> {
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('which codebook file? concord codebook import <file.json> --db <file>');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const remap = parseMaps(values.map);
  const splits = parseSplits(values.split);
  const db = needDb(values);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw badInput(`cannot read the codebook: ${(e as Error).message}`, { file });
  }
  const codebook = parseCodebook(json, file);
  const args = { codebook: codebook as unknown as Record<string, unknown>, remap, splits, wordingOnly: values['wording-only'], note: values.note, round: values.round };
  return withService(db, (s: Service) => {
    const preview = s.call('codebook.preview', args, caller);
    if (values['dry-run'] || preview.problems.length) {
      if (values.json) printJson(io, preview);
      else io.stdout(describePreview(preview, false));
      if (preview.problems.length) {
        for (const p of preview.problems) io.stderr(`concord: ${file}: ${p}\n`);
        return 2;
      }
      return 0;
    }
    const r = s.call('codebook.publish', args, caller);
    if (values.json) printJson(io, r);
    else io.stdout(describePreview({ ...preview, reviews: r.reviews }, true) + `  revision ${r.revision.revision}; moved ${r.moved.labels} labels, ${r.moved.decisions} decisions, ${r.moved.gold} gold answers\n`);
    return 0;
  });
}

export default {
  name: 'codebook',
  usage,
  help,
  async run(argv, io) {
    const [action, ...rest] = argv;
    const { values, positionals } = parseFlags(rest, options, true);
    const caller = callerOf(values.as);
    switch (action) {
      case 'list': {
        if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
        if (!values.db) {
          const list = Object.values(builtInCodebooks).map((c) => ({ id: c.id, version: c.version, name: c.name, dimensions: c.dimensions.map((d) => d.id) }));
          if (values.json) printJson(io, { builtIn: list });
          else io.stdout(`${textTable([{ header: 'id' }, { header: 'version' }, { header: 'name' }, { header: 'dimensions', maxWidth: 60 }], list.map((c) => [c.id, c.version, c.name, c.dimensions.join(', ')]), { indent: 0 })}\n`);
          return 0;
        }
        const history = await withService(needDb(values), (s) => s.call('codebook.history', {}, caller));
        if (values.json) printJson(io, { history });
        else {
          const rows = history.map((h) => [`r${h.revision}`, h.version + (h.newVersion ? ' (new)' : ''), h.at.slice(0, 16).replace('T', ' '), h.by, h.round ?? '', h.note || h.changes.map((c) => c.text).join('; ') || '-']);
          io.stdout(`${textTable([{ header: 'revision' }, { header: 'version' }, { header: 'when' }, { header: 'by' }, { header: 'after round' }, { header: 'what changed', maxWidth: 60 }], rows, { indent: 0 })}\n`);
        }
        return 0;
      }
      case 'show': {
        if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
        const cb = await readCodebook(values, positionals[0], caller);
        if (values.json) printJson(io, cb);
        else io.stdout(showCodebook(cb));
        return 0;
      }
      case 'export': {
        if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
        const format = values.format;
        if (format !== 'md' && format !== 'tex' && format !== 'json') throw new UsageError('choose --format md, tex or json');
        const cb = await readCodebook(values, positionals[0], caller);
        const text = format === 'md' ? codebookMarkdown(cb) : format === 'tex' ? codebookLatex(cb) : `${JSON.stringify(cb, null, 2)}\n`;
        if (values.out) {
          writeFileSync(values.out, text);
          io.stderr(`concord: wrote ${values.out}\n`);
        } else io.stdout(text);
        return 0;
      }
      case 'import':
        return importCodebook(values, positionals, io, caller);
      case 'diff': {
        if (positionals.length !== 2) throw new UsageError('diff takes two codebooks: two .json files, or two versions (or r<n> revisions) with --db');
        const [from, to] = positionals;
        let changes: CodebookChange[];
        if (values.db) changes = await withService(needDb(values), (s) => s.call('codebook.diff', { from: refOf(from), to: refOf(to) }, caller));
        else changes = diffCodebooks(loadCodebook(from), loadCodebook(to));
        if (values.json) printJson(io, { from, to, newVersion: changes.some((c) => c.meaning), changes });
        else io.stdout(`${from} -> ${to}\n${showChanges(changes)}`);
        return 0;
      }
      default:
        throw new UsageError(action ? `unknown codebook action "${action}" (list, show, export, import, diff)` : 'which action? list, show, export, import or diff');
    }
  },
} satisfies Command;
