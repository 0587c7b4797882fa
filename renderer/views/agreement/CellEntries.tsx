import type { Codebook } from '../../../shared/codebook/schema.ts';
import type { CoincidenceTable } from '../../../shared/agreement/types.ts';
import type { AgreementCell } from '../../store/agreement-slice.ts';
import { entriesBehindCell } from './cell-entries.ts';
import { formatCount } from './format.ts';

interface Props {
  cell: AgreementCell | null;
  table: CoincidenceTable;
  codebook: Codebook | null;
  onOpen(entryId: string): void;
  onClose(): void;
}

/** The entries behind a coincidence cell, by id only (never the annotators' values): click one to open it in the Label view. */
export function CellEntries({ cell, table, codebook, onOpen, onClose }: Props) {
  if (!cell)
    return (
      <div className="cell-entries is-empty muted small" data-testid="cell-entries-hint">
        Click a cell of the matrix, or a confusion, to list the entries behind it.
      </div>
    );
  const a = table.values[cell.row];
  const b = table.values[cell.col];
  const count = table.counts[cell.row]?.[cell.col] ?? 0;
  const entries = entriesBehindCell(table, cell.row, cell.col);
  const partLabel = (id: string) => {
    for (const d of codebook?.dimensions ?? []) {
      if (d.id === id) return d.label;
      const item = d.kind === 'checklist' ? d.values.find((v) => v.id === id) : undefined;
      if (item) return item.label;
    }
    return id;
  };
  return (
    <div className="cell-entries" data-testid="cell-entries" data-row={cell.row} data-col={cell.col} data-a={a?.id} data-b={b?.id}>
      <div className="cell-entries-head">
        <div className="grow">
          <div className="small muted">{cell.row === cell.col ? 'Raters agreed on' : 'Raters paired'}</div>
          <div className="cell-entries-title">
            {a?.label}
            {cell.row !== cell.col && (
              <>
                {' '}
                <span className="muted">with</span> {b?.label}
              </>
            )}
          </div>
          <div className="small muted">{formatCount(count)} coincidences</div>
        </div>
        <button className="chip-x" title="Close" onClick={onClose} data-testid="cell-entries-close">
          ×
        </button>
      </div>
      {entries === null && <div className="callout callout-error small">This report does not list the entries behind its cells.</div>}
      {entries && (
        <>
          <div className="small muted pad">
            {entries.length} entr{entries.length === 1 ? 'y' : 'ies'} · open one in the Label view
          </div>
          <ul className="cell-entry-list">
            {entries.map((e) => (
              <li key={e.entryId}>
                <button className="cell-entry" data-testid="cell-entry" data-entry-id={e.entryId} onClick={() => onOpen(e.entryId)}>
                  <span className="cell-entry-text">
                    <span className="mono">{e.entryId}</span>
                    {e.parts.length > 0 && <span className="muted small">{e.parts.map(partLabel).join(' · ')}</span>}
                  </span>
                  <span className="cell-entry-go">↗</span>
                </button>
              </li>
            ))}
          </ul>
          {entries.length === 0 && <div className="muted small pad">No entry stands behind this cell: no two raters paired these values.</div>}
        </>
      )}
    </div>
  );
}
