import { fieldLayoutOf, type FieldLayout } from '../../shared/codebook/fields.ts';
import type { Entry } from '../../shared/types.ts';
import { useApp } from '../store/index.ts';

/** One named text of an entry (an entry read before it had named fields has only the Deep-Bench four). */
export function textOf(entry: Entry, field: string): string {
  const legacy: Record<string, string | undefined> = { prompt: entry.prompt, ground_truth: entry.groundTruth, output: entry.output, test_log: entry.testLog };
  return entry.fields?.[field] ?? legacy[field] ?? '';
}

/** The layout of the project's codebook: which fields show where. */
export const useFieldLayout = (): FieldLayout => fieldLayoutOf(useApp((s) => s.codebook));

/** Whether the workspace shows the lower row as the pytest log view (Deep-Bench's test log, alone in its row). */
export function lowerIsTestLog(fields: FieldLayout): boolean {
  return fields.bottom?.length === 1 && fields.bottom[0].field === 'test_log';
}
