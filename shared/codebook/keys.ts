// How labels and ids are compared and made. Apart from the codebook's schemas (schema.ts) because
// the labelling page reads labels with them as it opens, and building zod's schemas would hold it up.

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
