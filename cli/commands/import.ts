import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseFieldSpec, parseMappingJson, type FieldMapping } from '../../shared/field-mapping.ts';
import { loadCodebook } from '../../db/codebook-file.ts';
import { detectFormat, parseMapSpec } from '../../db/import/index.ts';
import { openProject } from '../../db/project.ts';
import type { Service } from '../../db/service.ts';
import { ConcordError } from '../../shared/errors.ts';
import { importFormats, type ImportFormat, type ImportProgress, type ImportSummary } from '../../shared/types.ts';
import { parseFlags, printJson, requireFlag, UsageError, type CliIO, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf } from '../project.ts';

const usage = `concord import <path>... --db <file> [--format ${importFormats.join('|')}] [--codebook <id|file.json>] [--map <dim>:<published>=<value-id>]... [--machine <name>]... [--new-version]
       [--field <field>=<column>]... [--id <column>] [--mapping <file.json>] [--as <name>] [--json]
  --field <f>=<col>  a JSONL or CSV file of entries: the entries' text <f> (a field the codebook shows: code, trace ...)
                     is in column <col>; repeat for each field (e.g. --field trace=reasoning --field code=snippet)
  --id <column>      the column with the entries' ids (default: id)
  --mapping <file>   the same as a JSON file: {"id": "<column>", "fields": {"<field>": "<column>", ...}}; --field and --id add to it
  --machine <name>   the annotations file holds a model's labels: its annotator column names this machine coder
                     (repeat for several); machine coders stay out of agreement, consensus and adjudication unless named
  --new-version      an entry whose content differs from the one here is kept as a new version, its labels flagged for review
                     (without it such an import is refused)
  several paths are imported one after another, entries before results and annotations, each all or nothing:
  concord import fixtures/reasoning-trace-demo/*.jsonl --codebook fixtures/reasoning-trace-demo/codebook.json --db trace.db`;

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
  if (s.machines?.length) lines.push(`  machine coders   ${s.machines.join(', ')} (left out of agreement, consensus and adjudication unless named)`);
  if (s.format === 'results' || s.modelResults) lines.push(`  model results    ${s.modelResults}`);
  if (s.kept.length) lines.push(`  labels kept      ${s.kept.length} (the annotator's own label in Concord is newer than the file's; see the warning)`);
  for (const v of s.newVersions) lines.push(`  new version      ${v.entryId}: version ${v.version} (${v.fields.join(', ')} changed); ${v.flagged} label${v.flagged === 1 ? '' : 's'} flagged for review`);
  if (s.backup) lines.push(`  backup taken first: ${s.backup.name}`);
  lines.push(`  warnings         ${s.warnings.length}`);
  if (s.conflicts.length) {
    lines.push(`  conflicts        ${s.conflicts.length} (labels on a dimension that does not apply to the entry; resolve them in Adjudicate, filter "conflicts")`);
    for (const c of s.conflicts.slice(0, CONFLICTS_SHOWN)) lines.push(`    ${c.entryId}  ${c.annotator}  ${c.dimension}: ${c.reason}`);
    if (s.conflicts.length > CONFLICTS_SHOWN) lines.push(`    ... and ${s.conflicts.length - CONFLICTS_SHOWN} more (see --json)`);
  }
  return `${lines.join('\n')}\n`;
}

const CONFLICTS_SHOWN = 10;

/** Paths ordered entries first, then model results, then annotations (the order they depend on each other); otherwise as given. */
async function entriesFirst(paths: string[], format: ImportFormat | undefined): Promise<string[]> {
  const rank = (f: ImportFormat) => (f === 'annotations' ? 2 : f === 'results' ? 1 : 0);
  const ranked = await Promise.all(paths.map(async (path, i) => ({ path, i, rank: rank(format ?? (await detectFormat(path))) })));
  return ranked.sort((a, b) => a.rank - b.rank || a.i - b.i).map((r) => r.path);
}

/** The field mapping of --mapping, --field and --id together (the flags add to the file), or none. */
function fieldMapping(file: string | undefined, specs: string[], id: string | undefined): FieldMapping | undefined {
  if (file === undefined && !specs.length && id === undefined) return undefined;
  let mapping: FieldMapping = { fields: {} };
  if (file !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConcordError('bad-input', `the mapping file cannot be read as JSON (${(e as Error).message})`, { file, field: 'mapping' });
    }
    mapping = parseMappingJson(json, file);
  }
  for (const spec of specs) {
    const { name, column } = parseFieldSpec(spec);
    mapping.fields[name] = column;
  }
  if (id !== undefined) {
    if (!id.trim()) throw new UsageError('--id takes the name of the column with the entries\' ids');
    mapping.id = id.trim();
  }
  return mapping;
}

/**
 * Warnings go to stderr one line per kind, with a count (never a line per empty field); the
 * full list, file by file, is in the --json summary.
 */
function printWarnings(io: CliIO, s: ImportSummary): void {
  for (const g of s.groups) io.stderr(`warning: ${g.message}\n`);
  if (s.groups.some((g) => g.count > 1)) io.stderr('concord: every warning, file by file, is in the --json summary\n');
  if (s.unplaced.length)
    io.stderr(`concord: to place a value, import again with --map <dimension>:<published value>=<value id>, e.g. --map ${s.unplaced[0].field === 'data' ? 'input' : s.unplaced[0].field}:${s.unplaced[0].value}=<value id>\n`);
}

export default {
  name: 'import',
  usage,
  help: `${AS_HELP} A new file becomes a project with the codebook --codebook names (Deep-Bench by default). An entry already in the project whose content (prompt, ground truth, output, passed) differs in the file is refused, naming what differs; --new-version keeps the file's content as a new version of the entry, and labels made on the earlier content are flagged for review. An annotator's own label (made in Concord, or cleared there) is never replaced by a file's; the summary says which were kept. An import that changes anything about an entry already in the project is backed up first.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        db: { type: 'string' },
        format: { type: 'string' },
        codebook: { type: 'string' },
        map: { type: 'string', multiple: true },
        machine: { type: 'string', multiple: true },
        'new-version': { type: 'boolean' },
        field: { type: 'string', multiple: true },
        id: { type: 'string' },
        mapping: { type: 'string' },
        json: { type: 'boolean' },
        ...asOption,
      },
      true,
    );
    const file = requireFlag(values.db, '--db');
    if (positionals.length === 0) throw new UsageError('missing <path> to import');
    const format = values.format as ImportFormat | undefined;
    if (format !== undefined && !importFormats.includes(format)) throw new UsageError(`unknown --format "${format}" (known: ${importFormats.join(', ')})`);
    const machines = (values.machine ?? []).map((m) => m.trim());
    if (machines.some((m) => !m)) throw new UsageError('--machine takes the name of a machine coder');
    if (machines.length && format !== undefined && format !== 'annotations') throw new UsageError(`--machine names the machine coders of an annotations file (--format annotations), not ${format}`);
    // Checked against the project's codebook once it is open; a bad map is a usage error (exit 1).
    const maps = (values.map ?? []).map((spec) => {
      try {
        return parseMapSpec(spec);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    });

    const mapping = fieldMapping(values.mapping, values.field ?? [], values.id);
    if (mapping && format !== undefined && format !== 'jsonl' && format !== 'csv')
      throw new UsageError(`--field, --id and --mapping read entries from JSONL or CSV (--format jsonl or csv), not ${format}`);

    const caller = callerOf(values.as);

    const isNew = !existsSync(file);
    let service: Service | undefined;
    try {
      const codebook = loadCodebook(values.codebook ?? 'deep-bench');
      // A new file becomes a project with that codebook; an existing one keeps its own.
      service = await openProject(file, { codebook, name: `${codebook.name} study`, onImportProgress: progressPrinter(io) });
      const current = service.call('project.codebook', {}, caller);
      if (values.codebook !== undefined && current.id !== codebook.id)
        throw new ConcordError('bad-input', `${file} already uses the codebook "${current.id}"; --codebook ${values.codebook} only chooses the codebook of a new project`, { field: 'codebook' });
      // Entries first, so that the labels and results of the same command find them.
      const paths = positionals.length === 1 ? positionals : await entriesFirst(positionals, format);
      const summaries = [];
      for (const path of paths) {
        const summary = await service.call('imports.run', { path, format, maps, machines, newVersion: values['new-version'], mapping }, caller);
        summaries.push(summary);
        if (!values.json) io.stdout(describe(summary));
        printWarnings(io, summary);
      }
      if (values.json) printJson(io, summaries.length === 1 ? summaries[0] : { imports: summaries });
      return 0;
    } catch (e) {
      // A refused import into a file we just created leaves no empty project behind.
      if (isNew) {
        service?.close();
        service = undefined;
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      }
      throw e;
    } finally {
      service?.close();
    }
  },
} satisfies Command;
