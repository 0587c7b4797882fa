import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileProblem } from '../../db/import/guards.ts';
import { join } from 'node:path';
import { writeFileAtomically } from '../../db/exports/streaming.ts';
import { ConcordError } from '../../shared/errors.ts';
import { checkExport, exportKinds, formatsOf, type ExportFile } from '../../shared/tables/export-kinds.ts';
import { intFlag, parseFlags, UsageError, type Command } from '../command.ts';
import { AS_HELP, asOption, callerOf, withService } from '../project.ts';

const usage = [
  'concord export <kind> --db <file> --format <format> [--out <file>] [--per-annotator] [--annotator <name>] [--as <name>]',
  '       [--dimension <id>] [--drafts] [--bootstrap <n>] [--seed <s>] [--by week|batch]',
  '  kinds and their formats:',
  ...exportKinds.map((k) => `    ${k.padEnd(22)} ${formatsOf[k].join(', ')}`),
  '  dlbench writes a folder of Deep-Bench entry files (.txt) to --out <folder>; its format, txt, may be left out.',
  '  --annotator <name>     category-distribution: count that annotator\'s labels (deepbench-published: the published ones)',
  '  --per-annotator        labels: each annotator\'s own value beside the final one',
  '  --dimension <id>       reliability-matrix: one dimension (CSV holds one); coefficients, drift, machine-coders, r-script: one dimension',
  '  --by week|batch        drift: per week of labelling time (default) or per batch of 50 entries',
  '  --by round|version     rounds: alpha per calibration round (default) or per codebook version',
  '  k-alpha writes a folder (--out <folder>): one K-Alpha calculator file per dimension and codes.csv naming the codes.',
  '  ratings-long, ratings-wide and every analysis CSV start with one provenance line (app version, SHA-256 of the labels):',
  '  read them with pandas.read_csv(path, skiprows=1) or read.csv(path, skip = 1).',
  '  --revised-prompts      dlbench: the team\'s final rewrite of each prompt, where there is one',
  '  --round <name>         gold, disagreements: only the entries of one calibration round',
  '  --with-fields <f,...>  labels: each entry\'s texts beside its labels (fields the codebook shows, e.g. input,predicted_output, or all)',
].join('\n');

const options = {
  db: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'per-annotator': { type: 'boolean' },
  dimension: { type: 'string' },
  annotator: { type: 'string' },
  drafts: { type: 'boolean' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  'revised-prompts': { type: 'boolean' },
  by: { type: 'string' },
  round: { type: 'string' },
  'with-fields': { type: 'string' },
  ...asOption,
} as const;

function bytesOf(f: ExportFile): Buffer {
  return f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : Buffer.from(f.content, 'utf8');
}

/** The exports that write a folder of files (--out names the folder). */
const FOLDER_KINDS = new Set(['dlbench', 'k-alpha']);

/** Most bytes a file name may have on the file systems Concord runs on. */
const MAX_FILE_NAME_BYTES = 255;

export default {
  name: 'export',
  usage,
  help: AS_HELP,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, options, true);
    const [kind, ...extra] = positionals;
    if (!kind) throw new UsageError(`which export? (${exportKinds.join(', ')})`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    // Kind and format are checked before the database is opened: a usage error touches nothing.
    const checked = checkExport(kind, values.format);
    const { format } = checked;
    if (!values.db) throw new UsageError('missing --db');
    if (kind === 'dlbench' && !values.out) throw new UsageError('dlbench writes a folder of entry files: give it with --out <folder>');
    if (kind === 'k-alpha' && !values.out) throw new UsageError('k-alpha writes a folder of files (one per dimension): give it with --out <folder>');
    if (values.by !== undefined && !['week', 'batch', 'round', 'version'].includes(values.by))
      throw new UsageError(`--by is week or batch (drift), round or version (rounds), not "${values.by}"`);
    if (format === 'xlsx' && !values.out) throw new UsageError('xlsx is a binary file: give it with --out <file>');
    const caller = callerOf(values.as);
    if (!existsSync(values.db)) throw new ConcordError('bad-input', `${values.db}: no such project file`);

    const args = {
      kind: checked.kind,
      format,
      perAnnotator: values['per-annotator'],
      dimension: values.dimension,
      annotator: values.annotator,
      includeDrafts: values.drafts,
      bootstrap: values.bootstrap === undefined ? undefined : intFlag(values.bootstrap, '--bootstrap', 0),
      seed: values.seed === undefined ? undefined : intFlag(values.seed, '--seed', 0),
      revisedPrompts: values['revised-prompts'],
      by: values.by as 'week' | 'batch' | 'round' | 'version' | undefined,
      round: values.round,
      fields: values['with-fields']?.split(',').map((f) => f.trim()).filter(Boolean),
    };
    return withService(values.db, (service) => {
      if (values.out && !FOLDER_KINDS.has(checked.kind)) {
        // One file: written as it is made where the export can be (the labels), so a large one is never held whole.
        service.writeFile.export({ ...args, out: values.out }, caller);
        io.stderr(`wrote ${values.out}\n`);
        return 0;
      }
      const result = service.call('exports.render', args, caller);
      if (result.shape === 'folder' || result.shape === 'files') {
        const dir = values.out!;
        if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ConcordError('bad-input', `${dir} exists and is not a folder`);
        // Checked before anything is written: a release is written whole or not at all.
        const tooLong = result.files.filter((f) => Buffer.byteLength(f.fileName) > MAX_FILE_NAME_BYTES);
        if (tooLong.length)
          throw new ConcordError(
            'bad-input',
            `${tooLong.length} entry id${tooLong.length === 1 ? ' is' : 's are'} too long to be a file name (at most ${MAX_FILE_NAME_BYTES} bytes): ${tooLong
              .slice(0, 3)
              .map((f) => `"${f.fileName.slice(0, 40)}..." (${Buffer.byteLength(f.fileName)} bytes)`)
              .join(', ')}; nothing was written. Give ${tooLong.length === 1 ? 'that entry a shorter id' : 'those entries shorter ids'} (ids hold at most 200 characters) and export again`,
            { file: dir },
          );
        try {
          mkdirSync(dir, { recursive: true });
        } catch (e) {
          const problem = fileProblem(e, 'write');
          if (problem) throw new ConcordError('bad-input', `the folder ${problem}`, { file: dir });
          throw e;
        }
        for (const f of result.files) writeFileAtomically(join(dir, f.fileName), [bytesOf(f)]);
        io.stderr(`wrote ${result.files.length} ${result.shape === 'folder' ? 'entry files' : 'files'} to ${dir}\n`);
        for (const note of result.notes) io.stderr(`  ${note}\n`);
        return 0;
      }
      io.stdout(result.file.content);
      return 0;
    });
  },
} satisfies Command;
