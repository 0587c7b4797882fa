import { openDatabase } from '../../db/database.ts';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { exportPack, importPacks, writeStarter } from '../../db/packs/index.ts';
import type { Db } from '../../db/database.ts';
import { badInput } from '../../shared/errors.ts';
import { parseFlags, printJson, requireFlag, UsageError, type CliIO, type Command } from '../command.ts';

const usage = [
  'concord pack export --db <file> --annotator <name> --out <file> [--json]',
  '       concord pack import <file>... --db <file> [--json]',
  '       concord pack starter --db <file> --annotator <name> --out <file> [--json]',
].join('\n');

function openExisting(file: string): Db {
  if (!existsSync(file)) throw badInput(`${file}: no such project file`);
  return openDatabase(file);
}

/** Writes beside the target and renames, so a reader never sees half a pack. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function runExport(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, { db: { type: 'string' }, annotator: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } });
  const file = requireFlag(values.db, '--db');
  const annotator = requireFlag(values.annotator, '--annotator');
  const out = requireFlag(values.out, '--out');
  const db = openExisting(file);
  try {
    const r = exportPack(db, { annotator });
    writeAtomically(out, r.text);
    const c = r.counts;
    if (values.json) printJson(io, { out, annotator, ...c });
    else io.stdout(`wrote ${out}: ${c.labels} labels (${c.cleared} cleared), ${c.notes} notes, ${c.submissions} submissions on ${c.entries} entries\n`);
    return 0;
  } finally {
    db.close();
  }
}

async function runImport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' } }, true);
  const file = requireFlag(values.db, '--db');
  if (!positionals.length) throw new UsageError('name at least one pack file');
  const sources = positionals.map((p) => {
    if (!existsSync(p)) throw badInput(`${p}: no such pack file`, { file: p });
    return { name: basename(p), text: readFileSync(p, 'utf8') };
  });
  const db = openExisting(file);
  try {
    const s = importPacks(db, sources);
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
  } finally {
    db.close();
  }
}

async function runStarter(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, { db: { type: 'string' }, annotator: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } });
  const file = requireFlag(values.db, '--db');
  const annotator = requireFlag(values.annotator, '--annotator');
  const out = requireFlag(values.out, '--out');
  const db = openExisting(file);
  try {
    const r = writeStarter(db, { annotator, out });
    if (values.json) printJson(io, r);
    else io.stdout(`wrote ${r.file}: starter for ${r.annotator} with ${r.entries} entries${r.labels ? ` and ${r.labels} of their labels` : ''}\n`);
    return 0;
  } finally {
    db.close();
  }
}

export default {
  name: 'pack',
  summary: 'Annotation packs: starter files for annotators, export their work, merge it back (any order, any number of times).',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'export') return runExport(rest, io);
    if (sub === 'import') return runImport(rest, io);
    if (sub === 'starter') return runStarter(rest, io);
    throw new UsageError(sub ? `unknown pack command "${sub}"` : 'pack needs a command: export, import or starter');
  },
} satisfies Command;
