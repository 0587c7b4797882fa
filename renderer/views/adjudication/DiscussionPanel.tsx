import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { findDimension } from '../../../shared/codebook/values.ts';
import { disagreementReasons, disagreementReasonText, type RevisionProposals } from '../../../shared/types.ts';
import { CommentThread } from '../../components/CommentThread.tsx';
import { RevisionDiff } from '../../components/RevisionDiff.tsx';
import { useApp } from '../../store/index.ts';
import { showValue } from './DecisionGrid.tsx';
import './discussion.css';

/**
 * Beside the grid: what the annotators wrote while labelling (their comments, private until now),
 * why they disagreed (the lead's tag per dimension), their rewrites of the prompt and the final
 * one, and the entry's gold answer and rounds.
 */
export function DiscussionPanel() {
  const { entry, discussion, load, hideNames } = useApp(useShallow((s) => ({ entry: s.adjEntry, discussion: s.discussion, load: s.loadDiscussion, hideNames: s.adjHideNames })));
  const entryId = entry?.entry.id;
  useEffect(() => {
    if (entryId) void load(entryId);
  }, [entryId, hideNames, load]);
  if (!entry) return null;
  const d = discussion?.entryId === entry.entry.id ? discussion : null;
  return (
    <aside className="adj-discussion" data-testid="adj-discussion" data-entry-id={entry.entry.id} data-ready={!!d}>
      <div className="adj-discussion-head">
        <span className="panel-title">Discussion</span>
        {d?.rounds.map((r) => (
          <span key={r} className="badge disc-round" data-testid="disc-round">
            {r}
          </span>
        ))}
        {d && d.gold.length > 0 && (
          <span className="badge badge-pass" data-testid="disc-gold-badge" title={d.gold.map((g) => g.dimension).join(', ')}>
            gold
          </span>
        )}
      </div>
      {!d ? (
        <p className="muted small pad">Loading…</p>
      ) : (
        <div className="adj-discussion-scroll">
          <Reasons />
          <section className="disc-section">
            <h4>
              Comments <span className="muted small">written while labelling</span>
            </h4>
            <LeadThread />
          </section>
          {d.revisions
            .filter((r) => r.proposals.length || r.final)
            .map((r) => (
              <Revision key={r.dimension} r={r} />
            ))}
          <Gold />
        </div>
      )}
    </aside>
  );
}

/** A "why we disagreed" tag for each dimension the annotators split on, and one for the entry. */
function Reasons() {
  const { entry, d, setReason, codebook } = useApp(useShallow((s) => ({ entry: s.adjEntry!, d: s.discussion!, setReason: s.setReason, codebook: s.codebook })));
  const split = entry.dimensions.filter((c) => new Set(c.values.map((v) => JSON.stringify(v.value))).size > 1);
  const rows = [...split.map((c) => ({ id: c.dimension, label: c.label })), { id: '', label: 'The entry as a whole' }];
  return (
    <section className="disc-section" data-testid="disc-reasons">
      <h4>Why we disagreed</h4>
      {split.length === 0 && <p className="muted small">The annotators agree on every dimension.</p>}
      {rows.map((r) => {
        const current = d.reasons.find((x) => x.dimension === r.id)?.reason ?? '';
        return (
          <label key={r.id} className="disc-reason">
            <span className="small">{r.label}</span>
            <select
              className="select select-sm"
              data-testid={`reason-${r.id || 'entry'}`}
              value={current}
              onChange={(e) => void setReason(r.id, (e.target.value || null) as (typeof disagreementReasons)[number] | null)}
            >
              <option value="">—</option>
              {disagreementReasons.map((x) => (
                <option key={x} value={x}>
                  {disagreementReasonText[x]}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      {codebook && split.length > 0 && (
        <p className="muted small">
          {split.map((c) => `${c.label}: ${c.values.map((v) => showValue(findDimension(codebook, c.dimension), v.value)).join(' / ')}`).join(' · ')}
        </p>
      )}
    </section>
  );
}

function LeadThread() {
  const { d, add, me } = useApp(useShallow((s) => ({ d: s.discussion!, add: s.addLeadComment, me: s.me })));
  return (
    <CommentThread
      comments={d.comments}
      mine={me}
      onAdd={async (t) => {
        await add(t);
      }}
      hint="A note for the team on this entry"
      testId="disc-comments"
    />
  );
}

/** Each annotator's rewrite against the original, one click to take it, and the final text to edit. */
function Revision({ r }: { r: RevisionProposals }) {
  const decide = useApp((s) => s.decideRevision);
  const [text, setText] = useState(r.final?.text ?? r.proposals[0]?.text ?? '');
  useEffect(() => setText(r.final?.text ?? r.proposals[0]?.text ?? ''), [r.final?.text, r.proposals]);
  return (
    <section className="disc-section" data-testid={`disc-revision-${r.dimension}`}>
      <h4>{r.label}</h4>
      {r.proposals.map((p) => (
        <div key={p.annotator} className="disc-proposal" data-testid="disc-proposal" data-annotator={p.annotator}>
          <div className="row gap small">
            <strong className="grow">{p.annotator}</strong>
            <button className="btn btn-sm" data-testid="disc-use-proposal" onClick={() => setText(p.text)}>
              Use this
            </button>
          </div>
          <RevisionDiff original={r.original} revised={p.text} />
        </div>
      ))}
      <label className="field">
        <span className="small">
          Final rewrite{' '}
          {r.final && (
            <span className="muted" data-testid="disc-final-state">
              ({r.final.method} by {r.final.decidedBy})
            </span>
          )}
        </span>
        <textarea className="input textarea mono" rows={5} data-testid="disc-final-text" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      {text.trim() && text !== r.original && <RevisionDiff original={r.original} revised={text} testId="disc-final-diff" />}
      <div className="row gap">
        <button className="btn btn-sm btn-primary" data-testid="disc-final-save" disabled={!text.trim() || text === r.final?.text} onClick={() => void decide(r.dimension, text)}>
          Record as final
        </button>
        {r.final && (
          <button className="btn btn-sm" data-testid="disc-final-clear" onClick={() => void decide(r.dimension, null)}>
            No rewrite
          </button>
        )}
      </div>
    </section>
  );
}

function Gold() {
  const { d, mark, codebook } = useApp(useShallow((s) => ({ d: s.discussion!, mark: s.markGold, codebook: s.codebook })));
  return (
    <section className="disc-section" data-testid="disc-gold">
      <h4>Gold answer</h4>
      {d.gold.length > 0 ? (
        <ul className="small disc-gold-list">
          {d.gold.map((g) => (
            <li key={g.dimension}>
              {codebook ? (findDimension(codebook, g.dimension)?.label ?? g.dimension) : g.dimension}: <strong>{showValue(codebook ? findDimension(codebook, g.dimension) : undefined, g.value)}</strong>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">Once settled, an entry can serve as a gold item: each annotator’s labels on it are then counted right or wrong.</p>
      )}
      <button className="btn btn-sm" data-testid="disc-mark-gold" onClick={() => void mark()}>
        {d.gold.length ? 'Update from the final values' : 'Mark as gold (its final values)'}
      </button>
    </section>
  );
}
