import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Codebook } from '../../shared/codebook/schema.ts';
import { dimensionApplies } from '../../shared/codebook/values.ts';
import type { EntrySummary } from '../../shared/types.ts';
import { isLabelled } from '../lib/label-edit.ts';
import { useApp } from '../store/index.ts';
import { QueueFilters } from './QueueFilters.tsx';
import { VirtualList } from './VirtualList.tsx';

const ROW_HEIGHT = 46;

/** How many of the dimensions that apply to the entry carry a label. */
function labelledCount(codebook: Codebook | null, row: EntrySummary): [number, number] {
  if (!codebook) return [0, 0];
  const dims = codebook.dimensions.filter((d) => d.kind !== 'text' && dimensionApplies(d, row));
  return [dims.filter((d) => isLabelled(d, row.labels[d.id])).length, dims.length];
}

/** The annotator's queue: filters on top, a virtualized list of entries below; `onFold` folds it to a strip. */
export function EntryQueue({ onFold }: { onFold?: () => void } = {}) {
  const { rows, selectedId, selectedIndex, select, codebook, loading, ensureRows } = useApp(
    useShallow((s) => ({
      rows: s.rows,
      selectedId: s.selectedId,
      selectedIndex: s.selectedIndex,
      select: s.select,
      codebook: s.codebook,
      loading: s.queueLoading,
      ensureRows: s.ensureRows,
    })),
  );
  const active = selectedIndex ?? -1;
  // The list reads the pages of the rows it draws (the queue arrives a page at a time).
  const onRange = useCallback((first: number, last: number) => void ensureRows(first, last), [ensureRows]);
  return (
    <aside className="queue" data-testid="queue">
      <QueueFilters />
      <div className="queue-count muted small">
        {loading ? 'Loading…' : `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}`}
        <span className="kbd-hint">
          <kbd>j</kbd>
          <kbd>k</kbd> move
          {onFold && (
            <button className="pane-fold" data-testid="queue-fold" onClick={onFold} title="Fold the queue away (j and k still move)" aria-label="Fold the queue">
              ‹
            </button>
          )}
        </span>
      </div>
      {rows.length === 0 && !loading ? (
        <div className="empty muted" data-testid="queue-empty">
          No entries match.
        </div>
      ) : (
        <VirtualList
          testId="queue-list"
          items={rows}
          rowHeight={ROW_HEIGHT}
          activeIndex={active}
          onRange={onRange}
          renderRow={(row, index) => {
            if (!row)
              return (
                <div className="queue-row is-pending muted small" data-testid="queue-row-pending">
                  …
                </div>
              );
            const [n, of] = labelledCount(codebook, row);
            return (
              <button
                className={`queue-row ${row.id === selectedId ? 'is-selected' : ''}`}
                data-testid="queue-row"
                data-entry-id={row.id}
                data-status={row.status}
                aria-selected={row.id === selectedId}
                onClick={() => void select(row.id, index)}
                title={row.id}
              >
                <span className={`status-dot status-${row.status}`} title={row.status} />
                <span className="queue-row-main">
                  <span className="queue-row-id">{row.function ?? row.id}</span>
                  <span className="queue-row-sub muted">{row.repo ? `${row.repo} · ${row.id}` : row.id}</span>
                </span>
                <span className="queue-row-side">
                  {row.passed !== null && <span className={`badge ${row.passed ? 'badge-pass' : 'badge-fail'}`}>{row.passed ? 'pass' : 'fail'}</span>}
                  <span className="muted small" data-testid="queue-row-progress">
                    {n}/{of}
                  </span>
                </span>
              </button>
            );
          }}
        />
      )}
    </aside>
  );
}
