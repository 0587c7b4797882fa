import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { badInput } from '../../shared/errors.ts';
import { parseFlags, printJson, requireFlag, UsageError, type CliIO, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';

const usage = [
  'concord pack export --db <file> --annotator <name> --out <file> [--as <name>] [--json]',
  '       concord pack import <file>... --db <file> [--as <name>] [--json]',
  '       concord pack starter --db <file> --annotator <name> --out <file> [--as <name>] [--json]',
].join('\n');

function requireProject(file: string): void {
  if (!existsSync(file)) throw badInput(`${file}: no such project file`);
}

/** Writes beside the target and renames, so a reader never sees half a pack. */
function writeAtomically(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
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
    const r = service.call('packs.export', { annotator }, caller);
    writeAtomically(out, r.text);
    const c = r.counts;
    if (values.json) printJson(io, { out, annotator, ...c });
    else io.stdout(`wrote ${out}: ${c.labels} labels (${c.cleared} cleared), ${c.notes} notes, ${c.submissions} submissions on ${c.entries} entries\n`);
    return 0;
  });
}

async function runImport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' }, ...asOption }, true);
  const file = requireFlag(values.db, '--db');
  if (!positionals.length) throw new UsageError('name at least one pack file');
  const caller = callerOf(values.as);
  const packs = positionals.map((p) => {
    if (!existsSync(p)) throw badInput(`${p}: no such pack file`, { file: p });
    return { name: basename(p), text: readFileSync(p, 'utf8') };
  });
  requireProject(file);
  return withService(file, (service) => {
    const s = service.call('packs.import', { packs }, caller);
    if (values.json) printJson(io, s);
    else {
      const lines = s.packs.map((p) => `  ${p.name}: ${p.annotator}, ${p.labels} labels, ${p.notes} notes, ${p.submissions} submissions`);
      lines.push(
        s.changed
          ? `merged: ${s.labelsSet} labels set, ${s.labelsCleared} cleared, ${s.notesSet} notes, ${s.submissionsSet} submissions, ${s.retimed} newer times` +
              (s.annotatorsCreated.length ? `; new annotators: ${s.annotatorsCreated.join(', ')}` : '') +
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
    writeAtomically(out, Buffer.from(r.base64, 'base64'));
    const result = { file: out, annotator: r.annotator, entries: r.entries, labels: r.labels };
    if (values.json) printJson(io, result);
    else io.stdout(`wrote ${out}: starter for ${r.annotator} with ${r.entries} entries${r.labels ? ` and ${r.labels} of their labels` : ''}\n`);
    return 0;
  });
}

export default {
  name: 'pack',
  summary: 'Annotation packs: starter files for annotators, export their work, merge it back (any order, any number of times).',
  usage,
  help: `${AS_HELP} An annotator may export their own pack (--as <their name>).`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'export') return runExport(rest, io);
    if (sub === 'import') return runImport(rest, io);
    if (sub === 'starter') return runStarter(rest, io);
    throw new UsageError(sub ? `unknown pack command "${sub}"` : 'pack needs a command: export, import or starter');
  },
} satisfies Command;
