import { useMemo } from 'react';
import { coderCellKey, confusionsOf, describeConfusion, referenceNames, type Comparison, type DbCoderReport } from '../../../shared/agreement/coders.ts';
import type { CoderCell } from '../../store/agreement-slice.ts';
import { coefficientScale } from './coefficients.ts';
import { formatAlpha, formatCount } from './format.ts';
import { CoefficientBar } from './IntervalBar.tsx';

interface Props {
  report: DbCoderReport;
  dimension: string | null;
  reference: 'final' | 'others';
  cell: CoderCell | null;
  onView(patch: { dimension?: string; reference?: 'final' | 'others' }): void;
  onCell(cell: CoderCell | null): void;
  onOpenEntry(entryId: string): void;
}

const share = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(0)}%`);

/** The categories worth a row or a column: those the coder or the reference used. */
function usedCategories(c: Comparison): number[] {
  return c.categories.map((_, i) => i).filter((i) => c.counts[i].some((x) => x > 0) || c.counts.some((row) => row[i] > 0));
}

function CoderCard({ dim, c, active, onCell, scale }: { dim: string; c: Comparison; active: CoderCell | null; onCell(cell: CoderCell): void; scale: { min: number; max: number } }) {
  const used = usedCategories(c);
  const maxOff = Math.max(1, ...used.flatMap((i) => used.filter((j) => j !== i).map((j) => c.counts[i][j])));
  const maxDiag = Math.max(1, ...used.map((i) => c.counts[i][i]));
  return (
    <div className="fig-card coder-card" data-testid="coder-card" data-coder={c.coder} data-reference={c.reference} data-kappa={c.kappa.value ?? ''} data-accuracy={c.accuracy ?? ''} data-units={c.units}>
      <div className="coder-head">
        <div className="coder-name">{c.coder}</div>
        <div className="coder-figures">
          <span>
            agrees on <strong className="mono">{share(c.accuracy)}</strong> of {c.units} entr{c.units === 1 ? 'y' : 'ies'}
          </span>
          <span>
            Cohen's κ{' '}
            <strong className="mono" data-testid="coder-kappa">
              {c.kappa.value === null ? 'undefined' : formatAlpha(c.kappa.value)}
            </strong>
            {c.kappa.ci && <span className="muted mono small"> [{formatAlpha(c.kappa.ci[0])}, {formatAlpha(c.kappa.ci[1])}]</span>}
          </span>
          {c.withoutReference > 0 && (
            <span className="muted small">
              {c.withoutReference} more without {c.reference === 'final' ? 'a final label' : 'a majority of the others'}
            </span>
          )}
        </div>
        <div className="coder-bar">
          <CoefficientBar c={c.kappa} name={`Cohen's κ of ${c.coder}`} scale={scale} thresholds={[]} />
        </div>
      </div>
      {c.kappa.value === null && c.kappa.reason && <div className="ag-undefined-reason small">κ undefined: {c.kappa.reason}</div>}
      {used.length > 0 ? (
        // Many categories (sets of bug types): the matrix takes the card's width, the scores go under it.
        <div className={`coder-body ${used.length > 7 ? 'is-stacked' : ''}`}>
          <div className="hm-scroll coder-matrix">
            <table className="heatmap">
              <thead>
                <tr>
                  <th className="hm-corner muted small">{c.coder} \ {c.reference === 'final' ? 'final' : 'others'}</th>
                  {used.map((j, n) => (
                    <th key={j} className="hm-col hm-num" title={c.categories[j].label}>
                      {n + 1}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {used.map((i, n) => (
                  <tr key={i}>
                    <th className="hm-row" title={c.categories[i].label}>
                      <span className="hm-index">{n + 1}</span>
                      {c.categories[i].label}
                    </th>
                    {used.map((j) => {
                      const x = c.counts[i][j];
                      const diag = i === j;
                      const on = active && active.coder === c.coder && active.row === i && active.col === j;
                      return (
                        <td
                          key={j}
                          className={`hm-cell co-cell ${diag ? 'is-diag' : 'is-off'} ${x > 0 ? 'has-count' : ''} ${on ? 'is-active' : ''}`}
                          style={x > 0 ? { ['--heat' as string]: String(0.15 + (0.85 * x) / (diag ? maxDiag : maxOff)) } : undefined}
                          title={`${c.coder} chose ${c.categories[i].label} where ${c.reference === 'final' ? 'the final label is' : 'the others chose'} ${c.categories[j].label}: ${x}`}
                          data-testid="coder-cell"
                          data-row={i}
                          data-col={j}
                          data-count={x}
                          onClick={x > 0 ? () => onCell({ dimension: dim, coder: c.coder, reference: c.reference as 'final' | 'others', row: i, col: j }) : undefined}
                        >
                          {x > 0 ? formatCount(x) : ''}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <table className="coder-scores" data-testid="coder-scores">
            <thead>
              <tr>
                <th>Category</th>
                <th className="num" title="Entries where the reference has the category">
                  n
                </th>
                <th className="num" title="Of the entries where this coder chose it, the share where the reference has it">
                  Precision
                </th>
                <th className="num" title="Of the entries where the reference has it, the share where this coder chose it">
                  Recall
                </th>
              </tr>
            </thead>
            <tbody>
              {used.map((i) => {
                const p = c.perCategory[i];
                return (
                  <tr key={i} data-testid="coder-score" data-category={p.id} data-precision={p.precision ?? ''} data-recall={p.recall ?? ''}>
                    <td className="coder-score-label" title={p.label}>
                      {p.label}
                    </td>
                    <td className="num">{p.support}</td>
                    <td className="num mono">{share(p.precision)}</td>
                    <td className="num mono">{share(p.recall)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="muted small">Nothing to compare: no entry has both this coder's label and {c.reference === 'final' ? 'a final label' : 'a majority of the others'}.</div>
      )}
    </div>
  );
}

/**
 * Each annotator against the final labels or against the majority of the others, one dimension at
 * a time: a confusion matrix, precision and recall per category, Cohen's kappa; beside it, who
 * disagrees how, in words, each with the entries behind it (they open in Adjudicate).
 */
export function CodersPanel({ report, dimension, reference, cell, onView, onCell, onOpenEntry }: Props) {
  const dim = report.dimensions.find((d) => d.id === dimension) ?? report.dimensions[0];
  const comparisons = useMemo(() => dim?.comparisons.filter((c) => c.reference === reference) ?? [], [dim, reference]);
  const confusions = useMemo(() => (dim ? comparisons.flatMap((c) => confusionsOf(dim, c)).sort((a, b) => b.count - a.count || (a.coder < b.coder ? -1 : 1)) : []), [dim, comparisons]);
  const scale = useMemo(() => coefficientScale(comparisons.map((c) => c.kappa)), [comparisons]);
  if (!dim) return <div className="muted">This codebook has no categorical dimension to compare coders on.</div>;
  const open = cell && cell.dimension === dim.id && cell.reference === reference ? cell : null;
  const openComparison = open ? comparisons.find((c) => c.coder === open.coder) : undefined;
  // The entries behind the open cell are asked for when it opens (`agreement.coderCell`): undefined until they come.
  const entries = open && openComparison ? openComparison.cellEntries?.[coderCellKey(open.row, open.col)] : undefined;

  return (
    <div className="fig-panel" data-testid="coders-panel" data-dimension={dim.id} data-reference={reference}>
      <section className="ag-section">
        <div className="ag-section-head fig-controls">
          <label className="field fig-inline">
            <span>Dimension</span>
            <select className="select select-sm" value={dim.id} onChange={(e) => onView({ dimension: e.target.value })} data-testid="coders-dimension">
              {report.dimensions.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <div className="segmented" role="radiogroup" aria-label="Compared with">
            {(['others', 'final'] as const).map((r) => (
              <button key={r} role="radio" aria-checked={r === reference} className={r === reference ? 'is-on' : ''} data-testid={`coders-reference-${r}`} onClick={() => onView({ reference: r })}>
                {r === 'others' ? 'Against the majority of the others' : 'Against the final labels'}
              </button>
            ))}
          </div>
        </div>
        <div className="muted small">
          Each coder against {referenceNames[reference]}; {dim.label.toLowerCase()} read as {dim.treatment}.
        </div>
      </section>
      <div className="coders-layout">
        <div className="coders-cards">
          {comparisons.map((c) => (
            <CoderCard key={c.coder} dim={dim.id} c={c} active={open} onCell={onCell} scale={scale} />
          ))}
        </div>
        <aside className="coders-side">
          <div className="ag-subhead">Who disagrees how</div>
          {confusions.length === 0 ? (
            <div className="muted small" data-testid="confusion-none">
              No disagreement with {referenceNames[reference]} on {dim.label.toLowerCase()}.
            </div>
          ) : (
            <ol className="confusions" data-testid="who-disagrees">
              {confusions.slice(0, 12).map((x) => {
                const on = open && open.coder === x.coder && open.row === x.row && open.col === x.col;
                return (
                  <li key={`${x.coder}-${x.row}-${x.col}`}>
                    <button className={`confusion ${on ? 'is-on' : ''}`} data-testid="confusion-sentence" data-coder={x.coder} data-count={x.count} onClick={() => onCell({ dimension: dim.id, coder: x.coder, reference, row: x.row, col: x.col })}>
                      <span className="confusion-count mono">{x.count}</span>
                      <span className="confusion-text">{describeConfusion(x).replace(/ \(\d+ entr(y|ies)\)$/, '')}</span>
                    </button>
                  </li>
                );
              })}
              {confusions.length > 12 && <li className="muted small">and {confusions.length - 12} smaller ones</li>}
            </ol>
          )}
          <div className="ag-subhead">Entries behind a cell</div>
          {open && openComparison ? (
            <div className="cell-entries" data-testid="coder-entries" data-coder={open.coder} data-row={open.row} data-col={open.col} data-listed={entries ? 'true' : 'false'}>
              <div className="cell-entries-head">
                <div className="grow">
                  <div className="cell-entries-title">
                    {open.coder}: {openComparison.categories[open.row].label} <span className="muted">where {reference === 'final' ? 'the final label is' : 'the others put'}</span> {openComparison.categories[open.col].label}
                  </div>
                  <div className="small muted">
                    {entries ? `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}` : `${formatCount(openComparison.counts[open.row][open.col])} entries, being listed…`} · open one in Adjudicate, every
                    annotator's value side by side
                  </div>
                </div>
                <button className="chip-x" title="Close" onClick={() => onCell(null)}>
                  ×
                </button>
              </div>
              <ul className="cell-entry-list">
                {(entries ?? []).map((e) => (
                  <li key={e}>
                    <button className="cell-entry" data-testid="coder-entry" data-entry-id={e} onClick={() => onOpenEntry(e)}>
                      <span className="cell-entry-text">
                        <span className="mono">{e}</span>
                      </span>
                      <span className="cell-entry-go">↗</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <div className="cell-entries is-empty muted small">Click a cell of a matrix, or a line above, to list the entries behind it.</div>
          )}
        </aside>
      </div>
      <div className="muted small">{report.notes.join(' ')}</div>
    </div>
  );
}
