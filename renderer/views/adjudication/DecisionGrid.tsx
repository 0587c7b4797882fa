import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Dimension } from '../../../shared/codebook/schema.ts';
import { describeValue, findDimension, isEmptyValue, type LabelValue } from '../../../shared/codebook/values.ts';
import { STALE_REASON, valueKey, type ConsensusStatus } from '../../../shared/consensus/consensus.ts';
import type { AdjudicationEntry } from '../../../shared/consensus/results.ts';
import { keepsRationale, needsRationale } from '../../store/adjudication-slice.ts';
import { useApp } from '../../store/index.ts';
import { MARK_TONES } from '../../lib/line-marks.ts';
import { candidatesOf, shownInGrid } from './choices.ts';

type GridDimension = AdjudicationEntry['dimensions'][number];

/** A value as the grid prints it; a checklist with nothing ticked says so. */
export function showValue(dim: Dimension | undefined, value: LabelValue | null | undefined): string {
  if (value === null || value === undefined || isEmptyValue(value)) return '—';
  if (!dim) return JSON.stringify(value);
  const text = describeValue(dim, value);
  return text || (dim.kind === 'checklist' ? 'none ticked' : '—');
}

const STATUS_TEXT: Record<ConsensusStatus, string> = {
  agreed: 'agreed',
  majority: 'majority',
  'needs-decision': 'needs decision',
  decided: 'decided',
  single: 'one label',
  unlabelled: 'no labels',
};

function StatusCell({ c }: { c: GridDimension }) {
  const n = c.values.filter((v) => !isEmptyValue(v.value)).length;
  const votes = Math.round(c.support * n);
  return (
    <td className="adj-status-cell">
      <span className={`adj-pill adj-pill-${c.status}`} data-testid={`adj-status-${c.dimension}`}>
        {STATUS_TEXT[c.status]}
        {c.status === 'majority' && ` ${votes}/${n}`}
      </span>
      {c.conflict && (
        <span
          className="adj-conflict-badge"
          data-testid={`adj-conflict-${c.dimension}`}
          title={`${c.conflict}. The labels and the test result disagree: decide the final value (none, if the result is right), with a rationale.`}
        >
          conflicts with the result
        </span>
      )}
      {c.stale && (
        <span
          className="adj-stale-badge"
          data-testid={`adj-stale-${c.dimension}`}
          title="An annotator's label changed after this decision was recorded. The decision still stands; decide again (Enter) to confirm or change it."
        >
          {STALE_REASON}
        </span>
      )}
      {c.decision && (
        <div className="adj-decided small muted">
          {c.decision.method === 'adjudicated' ? 'adjudicated' : `${c.decision.method} accepted`}
          {c.decision.decidedBy && ` by ${c.decision.decidedBy}`}
        </div>
      )}
    </td>
  );
}

function DecisionCell({ c, dim, focused }: { c: GridDimension; dim: Dimension | undefined; focused: boolean }) {
  const { choice, rationale, error, entry, choose, setRationale, decide } = useApp(
    useShallow((s) => ({
      choice: s.adjChoices[c.dimension] ?? null,
      rationale: s.adjRationales[c.dimension] ?? '',
      error: s.adjError?.dimension === c.dimension ? s.adjError.message : null,
      entry: s.adjEntry,
      choose: s.chooseAdj,
      setRationale: s.setAdjRationale,
      decide: s.decideAdj,
    })),
  );
  const input = useRef<HTMLInputElement>(null);
  const override = needsRationale(entry, c.dimension, choice);
  // A stale decision is decided again even unchanged, so its rationale can be looked at too.
  const changed = c.decision && !c.stale ? choice !== null && valueKey(choice) !== valueKey(c.decision.value) : true;
  // The rationale takes the keyboard the moment the choice overrides a majority.
  useEffect(() => {
    if (override && focused && changed) input.current?.focus();
  }, [override, focused, changed, choice]);
  if (c.labelStatus === 'unlabelled') return <td className="adj-decision-cell muted small">Nobody labelled this.</td>;
  const cands = candidatesOf(c, choice, dim);
  const chosenKey = choice === null ? null : valueKey(choice);
  const others = dim && (dim.kind === 'single' || dim.kind === 'ordinal') ? dim.values.filter((v) => !cands.some((x) => x.value === v.id)) : [];
  return (
    <td className="adj-decision-cell">
      <div className="adj-cands" role="radiogroup" aria-label={`${c.label}: final value`}>
        {cands.map((x) => (
          <button
            key={x.key}
            type="button"
            tabIndex={-1}
            className={`adj-cand ${x.key === chosenKey ? 'is-on' : ''} ${x.isProposal ? 'is-proposal' : ''}`}
            data-testid={`adj-cand-${c.dimension}`}
            data-value={x.key}
            aria-pressed={x.key === chosenKey}
            onClick={() => choose(c.dimension, x.value)}
            title={
              x.voters.length
                ? `Chosen by ${x.voters.join(', ')}${x.combined ? ` (also the ${x.combined} of everyone's lines)` : ''}`
                : x.combined
                  ? x.combined === 'union' ? 'Every line any annotator pinned' : 'Only the lines every annotator pinned'
                : x.isProposal
                  ? 'What a majority chose, element by element'
                  : isEmptyValue(x.value) && c.conflict
                    ? `No value: ${c.conflict}`
                    : 'Not chosen by any annotator'
            }
          >
            <span className="adj-cand-text">{isEmptyValue(x.value) ? 'none' : showValue(dim, x.value)}</span>
            <span className="adj-cand-votes">
              {x.isProposal ? (c.labelStatus === 'agreed' ? 'all' : 'majority') : x.voters.length ? `${x.voters.length}×${x.combined ? ` · ${x.combined}` : ''}` : x.combined ? x.combined : isEmptyValue(x.value) && c.conflict ? 'result' : 'other'}
            </span>
          </button>
        ))}
        {others.length > 0 && (
          <select
            className="select select-sm adj-other"
            data-testid={`adj-other-${c.dimension}`}
            value=""
            tabIndex={-1}
            onChange={(e) => e.target.value && choose(c.dimension, e.target.value)}
            aria-label={`Another ${c.label} value`}
          >
            <option value="">Other…</option>
            {others.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
                {v.hotkey ? `  (${v.hotkey})` : ''}
              </option>
            ))}
          </select>
        )}
      </div>
      {override && changed && (
        <form
          className="adj-rationale"
          onSubmit={(e) => {
            e.preventDefault();
            void decide(c.dimension);
          }}
        >
          <input
            ref={input}
            className="input input-sm grow"
            data-testid="adj-rationale"
            data-dimension={c.dimension}
            placeholder={
              keepsRationale(c, choice)
                ? `Enter keeps “${c.decision!.rationale}”, or say why anew`
                : `Why override the ${c.labelStatus === 'agreed' ? 'unanimous value' : 'majority'}? (required)`
            }
            value={rationale}
            onChange={(e) => setRationale(c.dimension, e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') e.currentTarget.blur();
            }}
          />
          <button className="btn btn-sm" type="submit">
            Decide <kbd>↵</kbd>
          </button>
        </form>
      )}
      {c.decision?.rationale && !(override && changed) && (
        <div className="adj-rationale-shown small" data-testid={`adj-rationale-shown-${c.dimension}`}>
          “{c.decision.rationale}”
        </div>
      )}
      {error && (
        <div className="adj-error small" role="alert" data-testid="adj-error">
          {error}
        </div>
      )}
    </td>
  );
}

/** Annotators x dimensions: every annotator's value, the status, and the value to decide. */
export function DecisionGrid() {
  const { entry, codebook, focus, choices, focusAdj, meeting } = useApp(
    useShallow((s) => ({ entry: s.adjEntry, codebook: s.codebook, focus: s.adjFocus, choices: s.adjChoices, focusAdj: s.focusAdj, meeting: s.adjMeeting })),
  );
  const focusedRow = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    focusedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [focus, entry]);
  if (!entry || !codebook) return null;
  const rows = entry.dimensions.filter((c) => shownInGrid(c, meeting) || c.dimension === focus);
  const pinsLines = codebook.dimensions.some((d) => d.kind === 'lines');
  const folded = entry.dimensions.filter((c) => !rows.includes(c) && c.labelStatus === 'agreed');
  return (
    <div className="adj-grid-wrap" data-testid="adj-grid" data-entry-id={entry.entry.id}>
      <table className="adj-grid">
        <thead>
          <tr>
            <th className="adj-dim-col">Dimension</th>
            {entry.annotators.map((a, i) => (
              <th key={a} className="adj-ann-col" data-testid="adj-annotator">
                {pinsLines && <span className={`tone-dot tone-dot-${i % MARK_TONES}`} title={`${a}'s lines are marked in this colour in the code`} />}
                {a}
              </th>
            ))}
            <th className="adj-status-col">Status</th>
            <th>Final value</th>
          </tr>
        </thead>
        <tbody>
          {folded.length > 0 && (
            <tr className="adj-folded" data-testid="adj-folded">
              <td colSpan={entry.annotators.length + 3}>
                <span className="muted">Agreed by all:</span>{' '}
                {folded.map((c, i) => (
                  <span key={c.dimension}>
                    {i > 0 && ' · '}
                    {c.label} <strong>{showValue(findDimension(codebook, c.dimension), c.final)}</strong>
                  </span>
                ))}
              </td>
            </tr>
          )}
          {rows.map((c) => {
            const dim = findDimension(codebook, c.dimension);
            const focused = c.dimension === focus;
            const choice = choices[c.dimension] ?? null;
            const chosenKey = choice === null ? null : valueKey(choice);
            return (
              <tr
                key={c.dimension}
                ref={focused ? focusedRow : undefined}
                className={`adj-row ${focused ? 'is-focused' : ''} ${c.stale ? 'is-stale' : ''} ${c.conflict ? 'is-conflict' : ''}`}
                data-testid={`adj-row-${c.dimension}`}
                data-status={c.status}
                data-stale={c.stale}
                data-conflict={!!c.conflict}
                data-focused={focused}
                onClick={() => focusAdj(c.dimension)}
              >
                <th scope="row" className="adj-dim">
                  {c.label}
                  {dim?.hotkey && <kbd>{dim.hotkey}</kbd>}
                </th>
                {entry.annotators.map((a) => {
                  const v = c.values.find((x) => x.annotator === a);
                  const same = v && chosenKey !== null && !isEmptyValue(v.value) && valueKey(v.value) === chosenKey;
                  return (
                    <td key={a} className={`adj-value ${same ? 'is-chosen' : ''} ${v ? '' : 'is-missing'}`} data-testid={`adj-value-${c.dimension}`}>
                      {v ? showValue(dim, v.value) : '—'}
                    </td>
                  );
                })}
                <StatusCell c={c} />
                <DecisionCell c={c} dim={dim} focused={focused} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
