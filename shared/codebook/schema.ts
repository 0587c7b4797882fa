import { z } from 'zod';
import { fieldsSchema } from './field-schema.ts';
import { fieldLayoutProblems } from './fields.ts';

import { matchKey } from './keys.ts';

export { matchKey, slugify } from './keys.ts';

/**
 * A codebook is data: dimensions to label, each with values that carry a stable id, a label,
 * our definition, examples, aliases (to read messy imports) and an optional hotkey.
 */
export const dimensionKinds = ['single', 'multi', 'tree', 'ordinal', 'checklist', 'text', 'lines'] as const;
export type DimensionKind = (typeof dimensionKinds)[number];

/** The entry texts a `lines` dimension can pin values to. */
export const pinnedTexts = ['output', 'groundTruth', 'prompt', 'testLog'] as const;
export type PinnedText = (typeof pinnedTexts)[number];

/** Kinds whose values form a tree (types with subtypes): a `lines` dimension pins values of its own tree to lines. */
export const treeKinds: readonly DimensionKind[] = ['tree', 'lines'];

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const id = z.string().regex(idPattern, 'ids are kebab-case slugs (a-z, 0-9, -)');

export interface CodebookValue {
  id: string;
  label: string;
  definition: string;
  examples?: string[];
  aliases?: string[];
  hotkey?: string;
  /** When to choose this value, and when not to (Markdown, like the definition). */
  useWhen?: string;
  doNotUseWhen?: string;
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
    useWhen: z.string().optional(),
    doNotUseWhen: z.string().optional(),
    children: z.array(valueSchema).optional(),
  }),
);

export const conditionSchema = z.object({
  /** The dimension applies only to entries whose output passed (true) or failed (false). */
  passed: z.boolean(),
});
export type Condition = z.infer<typeof conditionSchema>;

/**
 * A condition on the annotator's own label of another dimension: the inference-error tree applies
 * only when the annotator said the prediction was wrong. Checked against each annotator's own
 * labels (labelling stays blind), so it never depends on anyone else's.
 */
export const labelConditionSchema = z.object({
  dimension: id,
  /** The dimension applies when the annotator's label there holds one of these value ids. */
  values: z.array(id).min(1),
});
export type LabelCondition = z.infer<typeof labelConditionSchema>;

/**
 * A dimension or value that was in use and is no longer: its id stays taken, so an old label, a
 * pack or an event that names it is never read as something else. `into` says where the labels
 * that held it went when it was retired (null: removed).
 */
export const retiredSchema = z.object({
  dimension: id,
  /** The value's path (`type` or `type::subtype`); absent when the whole dimension was retired. */
  value: z.string().min(1).optional(),
  label: z.string().min(1),
  definition: z.string(),
  /** The last codebook version it belonged to. */
  version: z.string().min(1),
  into: z.string().nullable().optional(),
});
export type RetiredItem = z.infer<typeof retiredSchema>;

export const dimensionSchema = z.object({
  id,
  label: z.string().min(1),
  kind: z.enum(dimensionKinds),
  definition: z.string().min(1),
  values: z.array(valueSchema),
  /** Key that focuses (or opens) this dimension in the label panel. */
  hotkey: z.string().length(1).optional(),
  appliesWhen: conditionSchema.optional(),
  /** Applies only when the annotator's own label on another dimension holds one of some values. */
  appliesIf: labelConditionSchema.optional(),
  /** Shown next to the dimension when `appliesWhen` holds, e.g. "applies only to failing outputs". */
  appliesNote: z.string().optional(),
  /** A text dimension that proposes a rewrite of one of the entry's texts (the prompt): shown as a diff against it. */
  revises: z.enum(['prompt']).optional(),
  /** A lines dimension: the text whose lines its values are pinned to (default: the output). */
  pinsTo: z.enum(pinnedTexts).optional(),
});
export type Dimension = z.infer<typeof dimensionSchema>;

export const codebookSchema = z
  .object({
    id,
    version: z.string().min(1),
    name: z.string().min(1),
    description: z.string(),
    dimensions: z.array(dimensionSchema).min(1),
    /** Ids once used and retired since: never used again for another meaning. */
    retired: z.array(retiredSchema).optional(),
    /** Which texts of an entry show, where, highlighted how, and which two form the diff (absent: Deep-Bench's layout). */
    fields: fieldsSchema.optional(),
  })
  .superRefine((cb, ctx) => {
    if (cb.fields) for (const p of fieldLayoutProblems(cb.fields)) ctx.addIssue({ code: 'custom', path: ['fields', ...p.path], message: p.message });
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
      if (!treeKinds.includes(dim.kind) && dim.values.some((v) => v.children?.length))
        ctx.addIssue({ code: 'custom', path: ['dimensions', di], message: `only tree and lines dimensions have subtypes (${dim.id})` });
      if (dim.pinsTo && dim.kind !== 'lines')
        ctx.addIssue({ code: 'custom', path: ['dimensions', di, 'pinsTo'], message: `only a lines dimension pins values to a text's lines (${dim.id} is ${dim.kind})` });
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
      if (dim.revises && dim.kind !== 'text')
        ctx.addIssue({ code: 'custom', path: ['dimensions', di, 'revises'], message: `only a text dimension proposes a rewrite (${dim.id} is ${dim.kind})` });
      if (dim.appliesIf) {
        const on = cb.dimensions.find((d) => d.id === dim.appliesIf!.dimension);
        const where = ['dimensions', di, 'appliesIf'];
        if (!on || on.id === dim.id) ctx.addIssue({ code: 'custom', path: where, message: `${dim.id} applies if a label of "${dim.appliesIf.dimension}", which is not another dimension of this codebook` });
        else if (!['single', 'ordinal', 'multi'].includes(on.kind))
          ctx.addIssue({ code: 'custom', path: where, message: `${dim.id} can depend on a dimension of single, ordinal or multi values, not on ${on.id} (${on.kind})` });
        else if (on.appliesIf) ctx.addIssue({ code: 'custom', path: where, message: `${dim.id} depends on ${on.id}, which itself depends on ${on.appliesIf.dimension}: one step only` });
        else
          for (const v of dim.appliesIf.values)
            if (!on.values.some((x) => x.id === v)) ctx.addIssue({ code: 'custom', path: where, message: `${dim.id} applies if ${on.id} is "${v}", which ${on.id} does not have` });
      }
    });
    // A retired id stays taken: a new dimension or value may not take it for another meaning.
    (cb.retired ?? []).forEach((r, ri) => {
      const dim = cb.dimensions.find((d) => d.id === r.dimension);
      if (r.value === undefined) {
        if (dim) ctx.addIssue({ code: 'custom', path: ['retired', ri], message: `dimension id "${r.dimension}" was retired (it meant "${r.label}") and cannot be used again` });
        return;
      }
      if (!dim) return;
      const [type, sub] = r.value.split('::');
      const t = dim.values.find((v) => v.id === type);
      const taken = sub === undefined ? t : t?.children?.find((c) => c.id === sub);
      if (taken) ctx.addIssue({ code: 'custom', path: ['retired', ri], message: `value id "${r.value}" of ${r.dimension} was retired (it meant "${r.label}") and cannot be used again` });
    });
  });
export type Codebook = z.infer<typeof codebookSchema>;
