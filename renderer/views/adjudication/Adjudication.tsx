import { useEffect, useMemo } from 'react';
import { lineMarks } from '../../lib/line-marks.ts';
import { useShallow } from 'zustand/react/shallow';
import { CodePanes } from '../../components/CodePanes.tsx';
import { useApp } from '../../store/index.ts';
import { AcceptMajoritiesDialog } from './AcceptMajoritiesDialog.tsx';
import { AdjudicationQueue } from './AdjudicationQueue.tsx';
import { DecisionGrid } from './DecisionGrid.tsx';
import { DiscussionPanel } from './DiscussionPanel.tsx';
import { freeKeys, useAdjudicationKeys } from './useAdjudicationKeys.ts';

/** Editor type on the projector: large enough to read from the back of a meeting room. */
const MEETING_FONT_SIZE = 17;

/** The adjudication meeting: open disagreements, every annotator's value, the decision. */
export function Adjudication() {
  const { load, entry, meeting, confirmOpen, queueLength, busy } = useApp(
    useShallow((s) => ({
      load: s.loadAdjudication,
      entry: s.adjEntry,
      meeting: s.adjMeeting,
      confirmOpen: s.adjConfirmAccept,
      queueLength: s.adjQueue.length,
      busy: s.adjBusy || s.adjLoading,
    })),
  );
  const codebook = useApp((s) => s.codebook);
  // Each annotator's lines labels in their own colour, so their ranges show side by side.
  const marks = useMemo(
    () =>
      lineMarks(
        codebook,
        (entry?.annotators ?? []).map((who) => ({ who, values: Object.fromEntries((entry?.dimensions ?? []).map((d) => [d.dimension, d.values.find((v) => v.annotator === who)?.value])) })),
      ),
    [codebook, entry],
  );
  useAdjudicationKeys();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className={`adj has-discussion ${meeting ? 'adj-meeting' : ''}`} data-testid="adjudication" data-meeting={meeting} data-busy={busy}>
      {!meeting && <AdjudicationQueue />}
      <div className="adj-main">
        {meeting ? <MeetingHeader /> : <AdjToolbar />}
        {entry ? (
          <>
            <div className="adj-code">
              <CodePanes entry={entry.entry} fontSize={meeting ? MEETING_FONT_SIZE : undefined} marks={marks} lowerRow />
            </div>
            <DecisionGrid />
            <KeyHints />
          </>
        ) : (
          <div className="splash muted" data-testid="adj-done">
            {queueLength === 0 ? 'No open disagreements: every value is agreed or decided.' : 'Choose an entry in the queue.'}
          </div>
        )}
      </div>
      {entry && <DiscussionPanel />}
      {confirmOpen && <AcceptMajoritiesDialog />}
    </main>
  );
}

/** Position in the queue, the names toggle, meeting mode and undo. */
function AdjToolbar() {
  const { queue, at, selectedId, hideNames, setHideNames, setMeeting, undo, busy, codebook } = useApp(
    useShallow((s) => ({
      queue: s.adjQueue,
      at: s.adjSelectedIndex ?? -1,
      selectedId: s.adjSelectedId,
      hideNames: s.adjHideNames,
      setHideNames: s.setHideNames,
      setMeeting: s.setMeeting,
      undo: s.undoAdj,
      busy: s.adjBusy,
      codebook: s.codebook,
    })),
  );
  const free = freeKeys(codebook);
  return (
    <div className="adj-toolbar">
      <span className="muted small" data-testid="adj-position">
        {at >= 0 ? `Entry ${at + 1} of ${queue.length} open` : selectedId ? 'Settled: no open dimension left' : ''}
      </span>
      <span className="grow" />
      <label className="small check" title="Show annotators as Annotator A, B, C so nobody argues for their own label">
        <input type="checkbox" data-testid="adj-hide-names" checked={hideNames} onChange={(e) => void setHideNames(e.target.checked)} /> Hide names
      </label>
      <button className="btn btn-sm" data-testid="adj-undo" disabled={busy} onClick={() => void undo()} title="Undo your last decision">
        Undo {free.undo && <kbd>u</kbd>}
        <kbd>Ctrl</kbd>
        <kbd>Z</kbd>
      </button>
      <button className="btn btn-sm" data-testid="adj-meeting-on" onClick={() => setMeeting(true)} title="Large type and one entry at a time, for a projector">
        Meeting mode
      </button>
    </div>
  );
}

/** "12 of 47 left", large, with the way back. */
function MeetingHeader() {
  const { left, seen, entryId, hideNames, setHideNames, setMeeting } = useApp(
    useShallow((s) => ({
      left: s.adjQueue.length,
      seen: s.adjSeen,
      entryId: s.adjEntry?.entry.id ?? null,
      hideNames: s.adjHideNames,
      setHideNames: s.setHideNames,
      setMeeting: s.setMeeting,
    })),
  );
  const total = Math.max(seen, left);
  const done = total ? ((total - left) / total) * 100 : 100;
  return (
    <div className="adj-meeting-head">
      <div className="adj-meeting-count" data-testid="adj-meeting-left" data-left={left}>
        <strong>{left}</strong> of {total} left
      </div>
      <div className="progress adj-meeting-progress">
        <div className="progress-bar" style={{ width: `${done}%` }} />
      </div>
      <span className="mono adj-meeting-entry">{entryId}</span>
      <label className="check" title="Show annotators as Annotator A, B, C">
        <input type="checkbox" data-testid="adj-hide-names" checked={hideNames} onChange={(e) => void setHideNames(e.target.checked)} /> Hide names
      </label>
      <button className="btn" data-testid="adj-meeting-off" onClick={() => setMeeting(false)}>
        Leave meeting <kbd>Esc</kbd>
      </button>
    </div>
  );
}

function KeyHints() {
  const codebook = useApp((s) => s.codebook);
  const free = freeKeys(codebook);
  return (
    <div className="adj-hints muted small">
      <span>
        <kbd>↑</kbd>
        <kbd>↓</kbd> or <kbd>Tab</kbd> dimension
      </span>
      <span>
        <kbd>←</kbd>
        <kbd>→</kbd> or codebook keys: value
      </span>
      <span>
        <kbd>↵</kbd> decide
      </span>
      <span>
        {free.undo && (
          <>
            <kbd>u</kbd> /{' '}
          </>
        )}
        <kbd>Ctrl</kbd>
        <kbd>Z</kbd> undo
      </span>
      <span>
        {free.next && free.previous && (
          <>
            <kbd>n</kbd>
            <kbd>p</kbd> /{' '}
          </>
        )}
        <kbd>j</kbd>
        <kbd>k</kbd> entry
      </span>
      <span>
        <kbd>Alt</kbd>
        <kbd>D</kbd> diff
      </span>
    </div>
  );
}
