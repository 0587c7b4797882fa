import { cellKey, type CoincidenceTable } from '../../../shared/agreement/types.ts';

/** Which figure of the report a matrix belongs to. */
export type MeasureRef =
  | { scope: 'pooled'; measure: 'masi' | 'nominal'; dimensions: string[] }
  | { scope: 'dimension'; dimension: string; measure: string }
  | { scope: 'value'; dimension: string; valueId: string };

/** One entry behind a coincidence cell; `parts` names the dimensions or checklist items when an entry has several units. */
export interface CellEntry {
  entryId: string;
  parts: string[];
}

/**
 * The entries behind cell (row, col) of a coincidence matrix, read from the units the report lists
 * for it (shared/agreement/report.ts decides which units those are); an entry with several units
 * behind the cell is listed once, with its parts. Null when the table lists no units at all.
 */
export function entriesBehindCell(table: CoincidenceTable, row: number, col: number): CellEntry[] | null {
  if (!table.cellUnits) return null;
  const byEntry = new Map<string, CellEntry>();
  for (const u of table.cellUnits[cellKey(row, col)] ?? []) {
    let e = byEntry.get(u.entry);
    if (!e) byEntry.set(u.entry, (e = { entryId: u.entry, parts: [] }));
    if (u.part !== undefined) e.parts.push(u.part);
  }
  return [...byEntry.values()];
}
