import { z } from 'zod';

/**
 * A codebook is data: dimensions to label, each with values that carry a stable id, a label,
 * our definition, examples, aliases (to read messy imports) and an optional hotkey.
 */
export const dimensionKinds = ['single', 'multi', 'tree', 'ordinal', 'checklist', 'text'] as const;
export type DimensionKind = (typeof dimensionKinds)[number];

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const id = z.string().regex(idPattern, 'ids are kebab-case slugs (a-z, 0-9, -)');

export interface CodebookValue {
  id: string;
  label: string;
  definition: string;
  examples?: string[];
  aliases?: string[];
  hotkey?: string;
  /** Second level of a `tree` dimension. */
  children?: CodebookValue[];
}

const valueSchema: z.ZodType<CodebookValue> = z.lazy(() =>
  z.object({
    id,
    label: z.string().min(1),
    definition: z.string().min(1),
    examples: z.array(z.string()).optional(),
    aliases: z.array(z.string()).optional(),
    hotkey: z.string().length(1).optional(),
    children: z.array(valueSchema).optional(),
  }),
);

export const conditionSchema = z.object({
  /** The dimension applies only to entries whose output passed (true) or failed (false). */
  passed: z.boolean(),
});
export type Condition = z.infer<typeof conditionSchema>;

export const dimensionSchema = z.object({
  id,
  label: z.string().min(1),
  kind: z.enum(dimensionKinds),
  definition: z.string().min(1),
  values: z.array(valueSchema),
  /** Key that focuses (or opens) this dimension in the label panel. */
  hotkey: z.string().length(1).optional(),
  appliesWhen: conditionSchema.optional(),
  /** Shown next to the dimension when `appliesWhen` holds, e.g. "applies only to failing outputs". */
  appliesNote: z.string().optional(),
});
export type Dimension = z.infer<typeof dimensionSchema>;

export const codebookSchema = z
  .object({
    id,
    version: z.string().min(1),
    name: z.string().min(1),
    description: z.string(),
    dimensions: z.array(dimensionSchema).min(1),
  })
  .superRefine((cb, ctx) => {
    const seenDims = new Set<string>();
    const hotkeys = new Map<string, string>();
    const claim = (key: string | undefined, owner: string, path: (string | number)[]) => {
      if (!key) return;
      const k = key.toLowerCase();
      if (hotkeys.has(k)) ctx.addIssue({ code: 'custom', path, message: `hotkey "${key}" of ${owner} is already used by ${hotkeys.get(k)}` });
      hotkeys.set(k, owner);
    };
    for (const reserved of ['j', 'k']) hotkeys.set(reserved, 'entry navigation');
    cb.dimensions.forEach((dim, di) => {
      if (seenDims.has(dim.id)) ctx.addIssue({ code: 'custom', path: ['dimensions', di, 'id'], message: `duplicate dimension id "${dim.id}"` });
      seenDims.add(dim.id);
      claim(dim.hotkey, `dimension ${dim.id}`, ['dimensions', di, 'hotkey']);
      if (dim.kind !== 'tree' && dim.values.some((v) => v.children?.length))
        ctx.addIssue({ code: 'custom', path: ['dimensions', di], message: `only tree dimensions have subtypes (${dim.id})` });
      if (dim.kind === 'text' && dim.values.length)
        ctx.addIssue({ code: 'custom', path: ['dimensions', di], message: `text dimension ${dim.id} takes no values` });
      if (dim.kind !== 'text' && dim.values.length === 0)
        ctx.addIssue({ code: 'custom', path: ['dimensions', di], message: `dimension ${dim.id} needs values` });
      const checkLevel = (values: CodebookValue[], where: string, path: (string | number)[]) => {
        const keys = new Map<string, string>();
        values.forEach((v, vi) => {
          claim(v.hotkey, `${where} value ${v.id}`, [...path, vi, 'hotkey']);
          for (const name of [v.id, v.label, ...(v.aliases ?? [])]) {
            const k = matchKey(name);
            const other = keys.get(k);
            if (other !== undefined && other !== v.id)
              ctx.addIssue({ code: 'custom', path: [...path, vi], message: `"${name}" in ${where} matches both ${other} and ${v.id}` });
            keys.set(k, v.id);
          }
          if (v.children) checkLevel(v.children, `${where}/${v.id}`, [...path, vi, 'children']);
        });
      };
      checkLevel(dim.values, dim.id, ['dimensions', di, 'values']);
    });
  });
export type Codebook = z.infer<typeof codebookSchema>;

/**
 * The key under which ids, labels and aliases are compared: case, spaces and punctuation are
 * ignored, so "Evaluating & Metrics", "evaluating&metrics" and "EVALUATING-METRICS" meet.
 */
export function matchKey(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** kebab-case slug of a label: "Wrong Input Type" -> "wrong-input-type". */
export function slugify(label: string): string {
  return label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
