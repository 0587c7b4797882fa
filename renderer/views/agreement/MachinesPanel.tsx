import { Fragment, useMemo, useState } from 'react';
import type { Coefficient } from '../../../shared/agreement/coefficient-table.ts';
import type { Comparison } from '../../../shared/agreement/coders.ts';
import type { DbMachineReport, MachineComparison } from '../../../shared/agreement/machines.ts';
import { coefficientScale } from './coefficients.ts';
import { formatAlpha } from './format.ts';
import { CoefficientBar } from './IntervalBar.tsx';

const share = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);

function Figure({ c, name, scale }: { c: Coefficient; name: string; scale: { min: number; max: number } }) {
  if (c.value === null)
    return (
      <span className="alpha alpha-undefined small" title={c.reason}>
        undefined
      </span>
    );
  return (
    <div className="mc-figure">
      <span className="mono">{formatAlpha(c.value)}</span>
      <CoefficientBar c={c} name={name} scale={scale} thresholds={[]} />
      <span className="muted mono small">{c.ci ? `[${formatAlpha(c.ci[0])}, ${formatAlpha(c.ci[1])}]` : ''}</span>
    </div>
  );
}

function Details({ m, onOpenEntry }: { m: MachineComparison; onOpenEntry(id: string): void }) {
  const cats = m.perCategory.filter((p) => p.support || p.chosen);
  return (
    <div className="mc-details" data-testid="machine-details" data-coder={m.coder}>
      <div>
        <div className="ag-subhead">Accuracy per category</div>
        <table className="coder-scores">
          <thead>
            <tr>
              <th>Category (the people's)</th>
              <th className="num">Entries</th>
              <th className="num" title="Of the entries where the people chose it, the share where the machine did too">
                Accuracy
              </th>
              <th className="num" title="Of the entries where the machine chose it, the share where the people did too">
                Precision
              </th>
            </tr>
          </thead>
          <tbody>
            {cats.map((p) => (
              <tr key={p.id} data-testid="machine-category" data-category={p.id} data-recall={p.recall ?? ''}>
                <td className="coder-score-label" title={p.label}>
                  {p.label}
                </td>
                <td className="num">{p.support}</td>
                <td className="num mono">{share(p.recall)}</td>
                <td className="num mono">{share(p.precision)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div>
        <div className="ag-subhead">Where it departs ({m.departureCount})</div>
        {m.departureCount > m.departures.length && (
          <div className="muted small" data-testid="machine-departures-listed">
            The first {m.departures.length} in the order of ids; Export's “Machine coders” file lists all {m.departureCount}.
          </div>
        )}
        {m.departures.length === 0 ? (
          <div className="muted small">Nowhere: the machine chose the people's category on every entry compared.</div>
        ) : (
          <ul className="cell-entry-list mc-departures">
            {m.departures.map((d) => (
              <li key={d.entry}>
                <button className="cell-entry" data-testid="machine-departure" data-entry-id={d.entry} onClick={() => onOpenEntry(d.entry)}>
                  <span className="cell-entry-text">
                    <span className="mono">{d.entry}</span>
                    <span className="small">
                      <span className="mc-machine">{d.machine.label}</span> <span className="muted">where the people chose</span> {d.consensus.label}
                    </span>
                  </span>
                  <span className="cell-entry-go">↗</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/**
 * Each machine coder against the human consensus, side by side per dimension, with each person
 * against the other people beside them as the bar; a machine opens to its accuracy per category
 * and the entries where it departs (they open in Adjudicate).
 */
export function MachinesPanel({ report, onOpenEntry }: { report: DbMachineReport; onOpenEntry(id: string): void }) {
  const [open, setOpen] = useState<string | null>(null);
  const scale = useMemo(() => coefficientScale(report.dimensions.flatMap((d) => [...d.machines, ...d.humans]).flatMap((c) => [c.kappa, c.gwet, c.alpha])), [report]);
  if (!report.machines.length)
    return (
      <div className="fig-panel" data-testid="machines-panel" data-machines="0">
        <div className="fig-note">
          <strong>No machine coders in this project.</strong> Import a model's labels as one, in the annotations format (its annotator column naming the model):
          <pre className="mono fig-code">concord import labels.jsonl --db study.db --format annotations --machine gpt-4o</pre>
          Its labels stay out of agreement, consensus and adjudication unless you tick it among the annotators; here it is held against the people.
        </div>
      </div>
    );
  const row = (d: string, c: Comparison, kind: 'machine' | 'person') => {
    const key = `${d}/${c.coder}`;
    const m = kind === 'machine' ? (c as MachineComparison) : null;
    return (
      <Fragment key={key}>
        <tr className={`ag-row ${kind === 'person' ? 'is-secondary is-static' : ''} ${open === key ? 'is-selected' : ''}`} data-testid="machine-row" data-dimension={d} data-coder={c.coder} data-kind={kind} data-kappa={c.kappa.value ?? ''} data-accuracy={c.accuracy ?? ''} onClick={m ? () => setOpen(open === key ? null : key) : undefined}>
          <td className="ag-dim">
            {kind === 'machine' ? <strong>{c.coder}</strong> : c.coder}
            <span className={`mc-kind mc-kind-${kind}`} title={kind === 'machine' ? 'against the human consensus' : 'this person against the majority of the other people'}>
              {kind === 'machine' ? 'machine' : 'person'}
            </span>
          </td>
          <td className="num">{c.units}</td>
          <td className="num mono">{share(c.accuracy)}</td>
          <td>
            <Figure c={c.kappa} name={`Cohen's κ of ${c.coder}`} scale={scale} />
          </td>
          <td>
            <Figure c={c.gwet} name={`Gwet's AC1 of ${c.coder}`} scale={scale} />
          </td>
          <td>
            <Figure c={c.alpha} name={`α of ${c.coder}`} scale={scale} />
          </td>
          <td className="num">{m ? <button className="link-button" data-testid="machine-departures" onClick={(e) => (e.stopPropagation(), setOpen(open === key ? null : key))}>{m.departureCount} {open === key ? '▴' : '▾'}</button> : ''}</td>
        </tr>
        {m && open === key && (
          <tr className="ag-row is-static">
            <td colSpan={7}>
              <Details m={m} onOpenEntry={onOpenEntry} />
            </td>
          </tr>
        )}
      </Fragment>
    );
  };
  return (
    <div className="fig-panel" data-testid="machines-panel" data-machines={report.machines.length}>
      {report.dimensions.map((d) => (
        <section key={d.id} className="ag-section" data-testid="machine-dimension" data-dimension={d.id}>
          <div className="ag-section-head">
            <h3>{d.label}</h3>
            <span className="muted small">read as {d.treatment.split(';')[0]}</span>
          </div>
          <div className="ag-table-wrap">
            <table className="ag-table mc-table">
              <thead>
                <tr>
                  <th>Coder</th>
                  <th className="num" title="Entries with both this coder's label and the reference">
                    Entries
                  </th>
                  <th className="num">Accuracy</th>
                  <th>Cohen's κ</th>
                  <th>Gwet's AC1</th>
                  <th>Krippendorff's α</th>
                  <th className="num">Departures</th>
                </tr>
              </thead>
              <tbody>
                {d.machines.map((m) => row(d.id, m, 'machine'))}
                {d.humans.map((h) => row(d.id, h, 'person'))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      <div className="muted small">
        Machines are held against the human consensus; each person (below them) against the majority of the other people. Click a machine for its accuracy per category and
        the entries where it departs. {report.notes.join(' ')}
      </div>
    </div>
  );
}
