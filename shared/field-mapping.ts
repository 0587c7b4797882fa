import { z } from 'zod';
import { fieldName } from './codebook/field-schema.ts';
import { badInput } from './errors.ts';

/**
 * How the columns of a JSONL or CSV file become an entry's named texts: `fields` maps a field
 * name (as the codebook shows it) to the column that holds it, `id` names the column of the
 * entry's id. The command line takes it as `--field trace=reasoning --id qid` or a mapping file,
 * the import dialog as a column per field.
 */
export const fieldMappingSchema = z.object({
  /** The column with the entry's id (default "id"). */
  id: z.string().min(1).max(200).optional(),
  /** Field name -> column. */
  fields: z.record(fieldName, z.string().min(1).max(200)),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** `name=column` from the command line, e.g. `trace=reasoning`. */
export function parseFieldSpec(spec: string): { name: string; column: string } {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? '' : spec.slice(0, eq).trim();
  const column = eq < 0 ? '' : spec.slice(eq + 1).trim();
  if (!name || !column) throw badInput(`--field takes <field>=<column>, e.g. trace=reasoning (got "${spec}")`, { field: 'field' });
  const ok = fieldName.safeParse(name);
  if (!ok.success) throw badInput(`--field ${spec}: ${ok.error.issues[0].message}`, { field: name });
  return { name, column };
}

/** A mapping file's JSON, checked; the message names the file and the offending part. */
export function parseMappingJson(json: unknown, file: string): FieldMapping {
  const fields = (json as { fields?: unknown } | null)?.fields;
  if (fields && typeof fields === 'object')
    for (const name of Object.keys(fields)) {
      const ok = fieldName.safeParse(name);
      if (!ok.success) throw badInput(`field "${name}": ${ok.error.issues[0].message}`, { file, field: name });
    }
  const r = fieldMappingSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.path.join('.');
    throw badInput(`${path ? `${path}: ` : ''}${issue.message} (a mapping file is {"id": "<column>", "fields": {"<field>": "<column>", ...}})`, { file, field: path || 'fields' });
  }
  return r.data;
}

/** The closest of `names` to `typed` (a typo's likely meaning), if it is close enough. */
export function closest(typed: string, names: string[]): string | undefined {
  const t = typed.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(t, name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(typed.length / 3)) ? best.name : undefined;
}

/** Edits between two names, a swap of two neighbouring letters counting as one (the optimal string alignment distance). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}
