import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RoundInfo } from '../../../shared/types.ts';
import { api } from '../../store/client.ts';
import { findDimension } from '../../../shared/codebook/values.ts';
import { STALE_REASON } from '../../../shared/consensus/consensus.ts';
import { VirtualList } from '../../components/VirtualList.tsx';
import { useApp } from '../../store/index.ts';
import { StatusSummary } from './StatusSummary.tsx';

const ROW_HEIGHT = 46;

/** The open disagreements, most split first, under the meeting's progress and the bulk action. */
export function AdjudicationQueue() {
  const { queue, active, ensureRows, selectedId, select, codebook, summary, loading, busy, confirm, setView, conflictsOnly, setConflictsOnly, round, setRound } = useApp(
    useShallow((s) => ({
      round: s.adjRound,
      setRound: s.setAdjRound,
      active: s.adjSelectedIndex ?? -1,
      ensureRows: s.ensureAdjRows,
      setView: s.setView,
      conflictsOnly: s.adjConflictsOnly,
      setConflictsOnly: s.setAdjConflictsOnly,
      queue: s.adjQueue,
      selectedId: s.adjSelectedId,
      select: s.selectAdjEntry,
      codebook: s.codebook,
      summary: s.adjSummary,
      loading: s.adjLoading,
      busy: s.adjBusy,
      confirm: s.setConfirmAccept,
    })),
  );
  const majorities = summary?.dimensions.reduce((n, d) => n + d.counts.majority, 0) ?? 0;
  // The list reads the pages of the rows it draws (the queue arrives a page at a time).
  const onRange = useCallback((first: number, last: number) => void ensureRows(first, last), [ensureRows]);
  const label = (id: string) => (codebook && findDimension(codebook, id)?.label) ?? id;
  const conflicts = summary?.openConflicts ?? 0;
  // Calibration rounds: the queue of one round is the agenda of its meeting.
  const [rounds, setRounds] = useState<RoundInfo[]>([]);
  useEffect(() => {
    api()
      .call('rounds.list', {})
      .then(setRounds)
      .catch(() => setRounds([]));
  }, []);
  return (
    <aside className="queue adj-side" data-testid="adj-queue">
      <StatusSummary />
      {(rounds.length > 0 || round) && (
        <div className="adj-round-filter">
          <select className="select select-sm grow" data-testid="adj-round" value={round ?? ''} onChange={(e) => (e.currentTarget.blur(), void setRound(e.target.value || null))}>
            <option value="">Every entry</option>
            {round && !rounds.some((r) => r.name === round) && <option value={round}>Round: {round}</option>}
            {rounds.map((r) => (
              <option key={r.name} value={r.name}>
                Round: {r.name} ({r.entries}
                {r.closedAt ? ', closed' : ''})
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="adj-bulk">
        <button
          className="btn btn-sm grow"
          data-testid="adj-accept-majorities"
          disabled={!majorities || busy}
          onClick={() => confirm(true)}
          title="Every value a strict majority chose becomes the decision; unanimous values need none"
        >
          Accept all majorities{majorities ? ` (${majorities})` : ''}
        </button>
      </div>
      {(conflicts > 0 || conflictsOnly) && (
        <div className="adj-filter" role="group" aria-label="Which open entries to list">
          <button className={`btn btn-sm ${conflictsOnly ? '' : 'is-on'}`} data-testid="adj-filter-all" aria-pressed={!conflictsOnly} onClick={() => void setConflictsOnly(false)}>
            All open
          </button>
          <button
            className={`btn btn-sm ${conflictsOnly ? 'is-on' : ''}`}
            data-testid="adj-filter-conflicts"
            aria-pressed={conflictsOnly}
            onClick={() => void setConflictsOnly(true)}
            title="Entries labelled on a dimension that does not apply to them, such as a bug on an output that passed: the labels and the test result disagree"
          >
            Conflicts <span className="adj-conflict-count">{conflicts}</span>
          </button>
        </div>
      )}
      <div className="queue-count muted small">
        <span data-testid="adj-left" data-left={queue.length}>
          {loading && !queue.length ? 'Loading…' : `${queue.length} ${conflictsOnly ? 'with a conflict' : `entr${queue.length === 1 ? 'y' : 'ies'} left`}`}
        </span>
        <span className="kbd-hint">
          <kbd>j</kbd>
          <kbd>k</kbd> entries
        </span>
      </div>
      {queue.length === 0 && !loading ? (
        <div className="empty muted stack" data-testid="adj-queue-empty">
          <span>{conflictsOnly ? 'No open conflicts: every one is decided.' : 'No open disagreements: every value is agreed or decided.'}</span>
          <button className="btn btn-sm" data-testid="adj-to-export" onClick={() => setView('export')}>
            Export the labels…
          </button>
        </div>
      ) : (
        <VirtualList
          testId="adj-queue-list"
          items={queue}
          rowHeight={ROW_HEIGHT}
          activeIndex={active}
          onRange={onRange}
          renderRow={(item) =>
            !item ? (
              <div className="queue-row is-pending muted small" data-testid="adj-queue-row-pending">
                …
              </div>
            ) : (
            <button
              className={`queue-row ${item.entryId === selectedId ? 'is-selected' : ''}`}
              data-testid="adj-queue-row"
              data-entry-id={item.entryId}
              aria-selected={item.entryId === selectedId}
              onClick={() => void select(item.entryId)}
              title={item.entryId}
            >
              <span className={`adj-dot ${item.needsDecision ? 'adj-dot-split' : item.open.every((o) => o.stale) ? 'adj-dot-stale' : 'adj-dot-majority'}`} />
              <span className="queue-row-main">
                <span className="queue-row-id mono">{item.entryId}</span>
                <span className="queue-row-sub muted">
                  {item.open.map((o, i) => (
                    <span
                      key={o.dimension}
                      className={o.conflict ? 'adj-open-conflict' : o.stale ? 'adj-open-stale' : o.status === 'needs-decision' ? 'adj-open-split' : ''}
                      title={o.stale || o.conflict ? `${label(o.dimension)}: ${o.reason ?? STALE_REASON}` : undefined}
                    >
                      {i > 0 && ' · '}
                      {label(o.dimension)}
                      {o.stale && ' (changed)'}
                    </span>
                  ))}
                </span>
              </span>
              {item.conflicts > 0 ? (
                <span className="adj-conflict-badge" data-testid="adj-queue-conflict" title={item.open.find((o) => o.conflict)?.reason ?? undefined}>
                  conflict
                </span>
              ) : item.needsDecision > 0 ? (
                <span className="adj-split-count" title="Dimensions with no majority">
                  {item.needsDecision} split
                </span>
              ) : (
                item.open.some((o) => o.stale) && (
                  <span className="adj-stale-badge" data-testid="adj-queue-stale" title={`Decided, but ${STALE_REASON}`}>
                    stale
                  </span>
                )
              )}
            </button>
            )
          }
        />
      )}
    </aside>
  );
}
