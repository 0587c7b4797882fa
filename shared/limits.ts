/**
 * How much one imported field may hold, whatever file it comes from (CSV, JSONL, an entry file,
 * a reliability matrix): far above a real test log, far below what strains memory.
 */
export const MAX_FIELD_CHARS = 8 * 1024 * 1024;

export const megabytes = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** The one message for a field over the limit (`where` names the file, line and field). */
export function fieldTooLongMessage(chars: number): string {
  const size = megabytes(chars);
  const limit = megabytes(MAX_FIELD_CHARS);
  return `is ${size === limit ? 'over ' : ''}${size}; a field may hold at most ${limit}`;
}
