import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EventRecord } from '../../../shared/api.ts';
import type { Codebook } from '../../../shared/codebook/schema.ts';
import { findDimension } from '../../../shared/codebook/values.ts';
import { formatTime } from '../../lib/format-time.ts';
import { useApp } from '../../store/index.ts';
import { describeChange, KIND_FAMILIES, kindText } from './describe-event.ts';

/** Typing in a filter waits this long before asking again. */
const TYPING_MS = 250;

/**
 * The audit trail: every write the project logged (labels, decisions, merges, imports), newest
 * first, filterable, a page at a time. A lead's view: it shows every annotator's changes.
 */
export function ActivityView() {
  const { load, events, next, loading, error } = useApp(
    useShallow((s) => ({ load: s.loadActivity, events: s.activityEvents, next: s.activityNext, loading: s.activityLoading, error: s.activityError })),
  );
  // Fresh on every visit: the log grows while other views are open.
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <main className="activity-view" data-testid="activity-view" data-ready={!loading}>
      <ActivityFilters />
      {error && (
        <div className="callout callout-error" data-testid="activity-error">
          {error}
        </div>
      )}
      <ActivityTable events={events} />
      <div className="activity-foot muted small">
        <span data-testid="activity-count">
          {events.length} event{events.length === 1 ? '' : 's'} shown{next === null ? (events.length ? ', back to the first' : '') : ''}
        </span>
        {next !== null && <LoadMore />}
      </div>
    </main>
  );
}

function LoadMore() {
  const { more, loading } = useApp(useShallow((s) => ({ more: s.loadMoreActivity, loading: s.activityLoading })));
  return (
    <button className="btn btn-sm" data-testid="activity-more" disabled={loading} onClick={() => void more()}>
      {loading ? 'Loading…' : 'Load older events'}
    </button>
  );
}

/** A text filter that applies once the typing stops. */
function useDebounced(value: string, apply: (v: string) => void): [string, (v: string) => void] {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => apply(text), TYPING_MS);
    return () => clearTimeout(t);
  }, [text, value, apply]);
  return [text, setText];
}

function ActivityFilters() {
  const { filters, setFilters, annotators, events, reload, loading } = useApp(
    useShallow((s) => ({
      filters: s.activityFilters,
      setFilters: s.setActivityFilters,
      annotators: s.annotators,
      events: s.activityEvents,
      reload: s.loadActivity,
      loading: s.activityLoading,
    })),
  );
  const [actor, setActor] = useDebounced(filters.actor, (v) => setFilters({ actor: v }));
  const [entry, setEntry] = useDebounced(filters.entry, (v) => setFilters({ entry: v }));
  // Everyone who can act: the project's people, and whoever the log shows (system, import...).
  const actors = [...new Set([...annotators.map((a) => a.name), ...events.map((e) => e.actor)])].sort((a, b) => a.localeCompare(b));
  return (
    <div className="activity-filters">
      <label className="activity-filter">
        <span className="small muted">Actor</span>
        <input
          className="input input-sm"
          data-testid="activity-actor-filter"
          list="activity-actors"
          placeholder="Everyone"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
        />
        <datalist id="activity-actors">
          {actors.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label className="activity-filter">
        <span className="small muted">What</span>
        <select className="select select-sm" data-testid="activity-kind-filter" value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value })}>
          <option value="">Everything</option>
          {KIND_FAMILIES.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.title}
            </option>
          ))}
        </select>
      </label>
      <label className="activity-filter">
        <span className="small muted">Entry</span>
        <input
          className="input input-sm mono"
          data-testid="activity-entry-filter"
          type="search"
          placeholder="Part of an entry id"
          value={entry}
          onChange={(e) => setEntry(e.target.value)}
        />
      </label>
      <span className="grow" />
      <button className="btn btn-sm" data-testid="activity-refresh" disabled={loading} onClick={() => void reload()} title="Load the newest events">
        Refresh
      </button>
    </div>
  );
}

function ActivityTable({ events }: { events: EventRecord[] }) {
  const { codebook, loading, filters } = useApp(useShallow((s) => ({ codebook: s.codebook, loading: s.activityLoading, filters: s.activityFilters })));
  if (!events.length)
    return (
      <div className="empty muted pad" data-testid="activity-empty">
        {loading ? 'Loading…' : filters.actor || filters.kind || filters.entry ? 'No event matches these filters.' : 'Nothing logged yet.'}
      </div>
    );
  return (
    <div className="activity-table-wrap">
      <table className="activity-table" data-testid="activity-table">
        <thead>
          <tr>
            <th className="activity-col-time">When</th>
            <th>Who</th>
            <th>What</th>
            <th>Entry</th>
            <th>Dimension</th>
            <th>Change</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <EventRow key={e.id} e={e} codebook={codebook} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EventRow({ e, codebook }: { e: EventRecord; codebook: Codebook | null }) {
  const open = useApp((s) => s.openActivityEntry);
  const change = describeChange(e, codebook);
  const dim = e.dimension ? ((codebook && findDimension(codebook, e.dimension)?.label) ?? e.dimension) : '';
  return (
    <tr className="activity-row" data-testid="activity-row" data-event-id={e.id} data-kind={e.kind} data-actor={e.actor} data-entry-id={e.entryId ?? ''}>
      <td className="activity-time mono small" title={`${e.at} (event ${e.id})`}>
        {formatTime(e.at)}
      </td>
      <td className="activity-actor" data-testid="activity-actor">
        {e.actor}
      </td>
      <td className="activity-kind" title={e.kind}>
        <span className={`activity-pill activity-pill-${e.kind.split('.')[0]}`}>{kindText(e.kind)}</span>
        {e.reverts !== null && <span className="muted small"> of #{e.reverts}</span>}
      </td>
      <td className="activity-entry">
        {e.entryId && (
          <button className="link-button mono" data-testid="activity-entry" data-entry-id={e.entryId} title="Open in the Adjudicate view" onClick={() => void open(e.entryId!)}>
            {e.entryId}
          </button>
        )}
      </td>
      <td className="activity-dim small">{dim}</td>
      <td className="activity-change" data-testid="activity-change">
        {change.before !== null && (
          <>
            <span className="activity-before">{change.before}</span>
            <span className="activity-arrow muted"> → </span>
          </>
        )}
        <span className="activity-after">{change.after}</span>
        {change.forWhom && <span className="muted small"> (for {change.forWhom})</span>}
        {change.note && <div className="muted small activity-note">{change.note}</div>}
      </td>
    </tr>
  );
}
