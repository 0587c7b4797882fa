import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { writeFileAtomically } from '../../db/exports/streaming.ts';
import { readTextFile } from '../../db/import/guards.ts';
import { MAX_PACK_BYTES } from '../../db/packs/format.ts';
import { badInput } from '../../shared/errors.ts';
import { printable } from '../../shared/names.ts';
import { parseFlags, printJson, requireFlag, UsageError, type CliIO, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';

const usage = [
  'concord pack export --db <file> --annotator <name> --out <file> [--as <name>] [--json]',
  '       concord pack import <file>... --db <file> [--trust-unsigned] [--as <name>] [--json]',
  '       concord pack starter --db <file> --annotator <name> --out <file> [--as <name>] [--json]',
].join('\n');

function requireProject(file: string): void {
  if (!existsSync(file)) throw badInput(`${file}: no such project file`);
}

const fileFlags = { db: { type: 'string' }, annotator: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, ...asOption } as const;

async function runExport(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, fileFlags);
  const file = requireFlag(values.db, '--db');
  const annotator = requireFlag(values.annotator, '--annotator');
  const out = requireFlag(values.out, '--out');
  const caller = callerOf(values.as);
  requireProject(file);
  return withService(file, (service) => {
    // Written as it is read: a large study's pack is never held whole.
    const c = service.writeFile.pack({ annotator, out }, caller).counts;
    if (values.json) printJson(io, { out, annotator, ...c });
    else io.stdout(`wrote ${out}: ${c.labels} labels (${c.cleared} cleared), ${c.notes} notes, ${c.submissions} submissions on ${c.entries} entries\n`);
    return 0;
  });
}

async function runImport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' }, 'trust-unsigned': { type: 'boolean' }, ...asOption }, true);
  const file = requireFlag(values.db, '--db');
  if (!positionals.length) throw new UsageError('name at least one pack file');
  const caller = callerOf(values.as);
  const packs: { name: string; text: string }[] = [];
  // Only regular files, refused by their size before they are read, read as checked UTF-8.
  for (const p of positionals) packs.push({ name: basename(p), text: await readTextFile(p, { maxBytes: MAX_PACK_BYTES, what: 'a pack' }) });
  requireProject(file);
  return withService(file, (service) => {
    const s = service.call('packs.import', { packs, trustUnsigned: values['trust-unsigned'] }, caller);
    if (values.json) printJson(io, s);
    else {
      const lines = s.packs.map(
        (p) => `  ${printable(p.name)}: ${printable(p.annotator)}, ${p.labels} labels, ${p.notes} notes, ${p.submissions} submissions${p.signed ? '' : ' (unsigned, trusted on your word: the event log says so)'}`,
      );
      lines.push(
        s.changed
          ? `merged: ${s.labelsSet} labels set, ${s.labelsCleared} cleared, ${s.notesSet} notes, ${s.submissionsSet} submissions, ${s.retimed} newer clocks` +
              (s.annotatorsCreated.length ? `; new annotators: ${s.annotatorsCreated.map(printable).join(', ')}` : '') +
              (s.flagged ? `\n${s.flagged} label${s.flagged === 1 ? ' was' : 's were'} made on an earlier version of ${s.flagged === 1 ? 'its entry' : 'their entries'}: flagged for review` : '') +
              (s.backup ? `\nbackup taken first: ${s.backup.name}` : '')
          : 'nothing new: these packs were already merged',
      );
      io.stdout(`${lines.join('\n')}\n`);
    }
    return 0;
  });
}

async function runStarter(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, fileFlags);
  const file = requireFlag(values.db, '--db');
  const annotator = requireFlag(values.annotator, '--annotator');
  const out = requireFlag(values.out, '--out');
  const caller = callerOf(values.as);
  requireProject(file);
  if (existsSync(out)) throw badInput(`${out} already exists; a starter file never replaces a database (it may hold labels)`, { file: out });
  return withService(file, (service) => {
    const r = service.call('packs.starter', { annotator }, caller);
    writeFileAtomically(out, [Buffer.from(r.base64, 'base64')]);
    const result = { file: out, annotator: r.annotator, entries: r.entries, labels: r.labels };
    if (values.json) printJson(io, result);
    else io.stdout(`wrote ${out}: starter for ${r.annotator} with ${r.entries} entries${r.labels ? ` and ${r.labels} of their labels` : ''}\n`);
    return 0;
  });
}

export default {
  name: 'pack',
  usage,
  help: `${AS_HELP} An annotator may export their own pack (--as <their name>). A pack is signed with the secret its annotator's starter file carries; one that names someone else, the lead or the published reference, or that was edited, is refused. Packs from a Concord before signing are merged only with --trust-unsigned, which the event log records. Of two versions of a label, the one written later by its annotator's own logical clock wins, whatever the machines' clocks said.`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'export') return runExport(rest, io);
    if (sub === 'import') return runImport(rest, io);
    if (sub === 'starter') return runStarter(rest, io);
    throw new UsageError(sub ? `unknown pack command "${sub}"` : 'pack needs a command: export, import or starter');
  },
} satisfies Command;
