import { useShallow } from 'zustand/react/shallow';
import { findDimension } from '../../../shared/codebook/values.ts';
import { showValue } from '../adjudication/DecisionGrid.tsx';
import { formatTime } from '../../lib/format-time.ts';
import { DEFAULT_REVIEW_PAGE } from '../../../shared/queue-page.ts';
import { useApp } from '../../store/index.ts';

/** Labels made under an older meaning, for the lead: who has which to look at again, and why. */
export function ReviewList() {
  const { page, codebook, more } = useApp(useShallow((s) => ({ page: s.cbReviews, codebook: s.codebook, more: s.loadMoreReviews })));
  const reviews = page?.items ?? [];
  const total = page?.total ?? 0;
  return (
    <div className="cb-review" data-testid="cb-review-list" data-count={total}>
      <p className="muted small">
        A change of meaning lists the labels it touched. Each annotator sees their own under “Re-review” in their queue; an item closes when they label that dimension
        again or keep the label as it is.
        {page && page.byAnnotator.length > 0 && ` Open: ${page.byAnnotator.map((a) => `${a.annotator} ${a.open}`).join(', ')}.`}
      </p>
      {reviews.length === 0 ? (
        <div className="empty muted">Nothing to look at again: every label was made under the current meaning.</div>
      ) : (
        <table className="table-plain">
          <thead>
            <tr>
              <th>Annotator</th>
              <th>Entry</th>
              <th>Dimension</th>
              <th>Label now</th>
              <th>Made under</th>
              <th>Why</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {reviews.map((r) => {
              const dim = codebook ? findDimension(codebook, r.dimension) : undefined;
              return (
                <tr key={`${r.annotator}/${r.entryId}/${r.dimension}`} data-testid="cb-review-row" data-entry-id={r.entryId} data-annotator={r.annotator}>
                  <td>{r.annotator}</td>
                  <td className="mono">{r.entryId}</td>
                  <td>{dim?.label ?? r.dimension}</td>
                  <td>{r.value === null ? <span className="muted">removed</span> : showValue(dim, r.value)}</td>
                  <td>{r.labelVersion ?? ''}</td>
                  <td className="small">{r.reason}</td>
                  <td className="muted small">{formatTime(r.since)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {reviews.length < total && (
        <div className="cb-review-more">
          <span className="muted small" data-testid="cb-review-shown">
            {reviews.length} of {total} shown
          </span>
          <button className="btn" data-testid="cb-review-more" onClick={() => void more()}>
            Show {Math.min(DEFAULT_REVIEW_PAGE, total - reviews.length)} more
          </button>
        </div>
      )}
    </div>
  );
}
