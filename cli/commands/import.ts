import { existsSync, rmSync } from 'node:fs';
import { openDatabase, type Db } from '../../db/database.ts';
import { runImport } from '../../db/import/index.ts';
import { loadCodebook } from '../../db/codebook-file.ts';
import { ensureProject, readCodebook } from '../../db/service.ts';
import { ConcordError } from '../../shared/errors.ts';
import { importFormats, type ImportFormat, type ImportProgress, type ImportSummary } from '../../shared/types.ts';
import { parseFlags, printJson, requireFlag, UsageError, type CliIO, type Command } from '../command.ts';

const usage = `concord import <path> --db <file> [--format ${importFormats.join("|")}] [--codebook <id|file.json>] [--json]`;

/** Reports reading progress on stderr every tenth of the way, so a long import shows it is alive. */
function progressPrinter(io: CliIO): (p: ImportProgress) => void {
  let lastStep = -1;
  return (p) => {
    if (p.phase === 'writing') {
      io.stderr('concord: writing to the database\n');
      return;
    }
    if (p.phase !== 'reading' || p.total < 20) return;
    const step = Math.floor((p.done / p.total) * 10);
    if (step === lastStep) return;
    lastStep = step;
    io.stderr(`concord: read ${p.done}/${p.total} files (${Math.round((p.done / p.total) * 100)}%)\n`);
  };
}

function describe(s: ImportSummary): string {
  const lines = [
    `imported ${s.path} as ${s.format}: ${s.files} file${s.files === 1 ? '' : 's'}`,
    `  entries created  ${s.entriesCreated}`,
    `  entries updated  ${s.entriesUpdated}`,
    `  labels           ${s.labels}`,
    `  annotators added ${s.annotatorsCreated}`,
  ];
  if (s.format === 'results' || s.modelResults) lines.push(`  model results    ${s.modelResults}`);
  lines.push(`  warnings         ${s.warnings.length}`);
  return `${lines.join('\n')}\n`;
}

/** Warnings go to stderr, the first ones in full; the rest are in the --json summary. */
function printWarnings(io: CliIO, s: ImportSummary, limit = 20): void {
  for (const w of s.warnings.slice(0, limit)) {
    const place = [w.file, w.line !== undefined ? `line ${w.line}` : '', w.field ? `field "${w.field}"` : ''].filter(Boolean).join(', ');
    io.stderr(`warning: ${place}: ${w.message}\n`);
  }
  if (s.warnings.length > limit) io.stderr(`warning: ... and ${s.warnings.length - limit} more (see --json)\n`);
}

export default {
  name: 'import',
  summary: 'Import Deep-Bench entries, Taxonomy-Data results, JSONL/CSV entries, annotations or model results (all or nothing).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, format: { type: 'string' }, codebook: { type: 'string' }, json: { type: 'boolean' } }, true);
    const file = requireFlag(values.db, '--db');
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'import takes one path' : 'missing <path> to import');
    const format = values.format as ImportFormat | undefined;
    if (format !== undefined && !importFormats.includes(format)) throw new UsageError(`unknown --format "${format}" (known: ${importFormats.join(', ')})`);

    const isNew = !existsSync(file);
    let db: Db | undefined;
    try {
      const codebook = loadCodebook(values.codebook ?? 'deep-bench');
      db = openDatabase(file);
      ensureProject(db, `${codebook.name} study`, codebook);
      const current = readCodebook(db);
      if (values.codebook !== undefined && current.id !== codebook.id)
        throw new ConcordError('bad-input', `${file} already uses the codebook "${current.id}"; --codebook ${values.codebook} only chooses the codebook of a new project`, { field: 'codebook' });
      const summary = await runImport(db, positionals[0], { format, actor: 'cli', onProgress: progressPrinter(io) });
      if (values.json) printJson(io, summary);
      else io.stdout(describe(summary));
      printWarnings(io, summary);
      return 0;
    } catch (e) {
      // A refused import into a file we just created leaves no empty project behind.
      if (isNew && db) {
        db.close();
        db = undefined;
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      }
      throw e;
    } finally {
      db?.close();
    }
  },
} satisfies Command;
