import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { parseEntryIds } from './entry-ids.ts';

/** How many of the changed entries the result lists before it sums up the rest. */
const RESULT_ROWS = 8;

/** Assignment by hand: these entries go to exactly the ticked annotators (replacing whoever had them). */
export function ManualAssign() {
  const { annotators, busy, outcome, assignByHand } = useApp(
    useShallow((s) => ({ annotators: s.annotators, busy: s.teamBusy, outcome: s.assignSetOutcome, assignByHand: s.assignByHand })),
  );
  const labellers = annotators.filter((a) => a.role === 'annotator').map((a) => a.name);
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const ids = parseEntryIds(text);
  const who = labellers.filter((n) => picked.includes(n));
  const unassign = who.length === 0;
  return (
    <form
      className="team-form"
      data-testid="assign-by-hand"
      onSubmit={(e) => {
        e.preventDefault();
        if (ids.length) void assignByHand(ids, who);
      }}
    >
      <div className="team-sub">By hand</div>
      <div className="team-hand">
        <label className="field team-hand-ids">
          <span>Entry ids, one per line</span>
          <textarea
            className="textarea input mono small"
            data-testid="assign-ids"
            rows={4}
            spellCheck={false}
            placeholder={'detkit_nms23\nclasses-resnetliteResidualBlockforward, 10'}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <div className="field">
          <span>To exactly</span>
          <div className="team-hand-people">
            {labellers.map((name) => (
              <label key={name} className="check">
                <input
                  type="checkbox"
                  data-testid="assign-hand-annotator"
                  data-name={name}
                  checked={picked.includes(name)}
                  onChange={() => setPicked(picked.includes(name) ? picked.filter((x) => x !== name) : [...picked, name])}
                />
                {name}
              </label>
            ))}
          </div>
          <button className={`btn btn-sm ${unassign ? '' : 'btn-primary'}`} data-testid="assign-hand-run" type="submit" disabled={!ids.length || busy !== null}>
            {busy === 'assign-set' ? 'Assigning…' : unassign ? `Unassign ${ids.length || ''}`.trim() : `Assign ${ids.length || ''}`.trim()}
          </button>
        </div>
      </div>
      <div className="muted small">
        {ids.length === 0
          ? 'Ids may contain commas and spaces, so only line breaks separate them.'
          : unassign
            ? `No one ticked: ${ids.length} entr${ids.length === 1 ? 'y loses' : 'ies lose'} their assignees.`
            : `${ids.length} entr${ids.length === 1 ? 'y goes' : 'ies go'} to ${who.join(', ')} only; whoever had ${ids.length === 1 ? 'it' : 'them'} before is replaced. All or nothing.`}
      </div>
      {outcome?.ok === false && (
        <div className="callout callout-error" data-testid="assign-hand-error">
          Nothing was assigned. {outcome.error}
        </div>
      )}
      {outcome?.ok && (
        <div className="callout callout-ok small" data-testid="assign-hand-result" data-count={outcome.result.length}>
          {outcome.result.length} entr{outcome.result.length === 1 ? 'y' : 'ies'} now assigned:
          <ul className="team-hand-list">
            {outcome.result.slice(0, RESULT_ROWS).map((a) => (
              <li key={a.entryId} data-testid="assign-hand-row" data-entry-id={a.entryId}>
                <span className="mono">{a.entryId}</span> → {a.annotators.length ? a.annotators.join(', ') : <span className="muted">nobody</span>}
              </li>
            ))}
            {outcome.result.length > RESULT_ROWS && <li className="muted">and {outcome.result.length - RESULT_ROWS} more</li>}
          </ul>
        </div>
      )}
    </form>
  );
}
