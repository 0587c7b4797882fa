import { Fragment, useEffect, useMemo, useState } from 'react';
import type { DbCoefficientReport } from '../../../shared/agreement/coefficient-report.ts';
import { MISSING_NOTE, type Coefficient } from '../../../shared/agreement/coefficient-table.ts';
import { intervalChartSvg } from '../../../shared/tables/charts.ts';
import { provenanceText } from '../../../shared/tables/provenance.ts';
import { svgDataUrl } from '../export/download.ts';
import { coefficientKeys, coefficientName, coefficientNotes, coefficientOf, coefficientScale, contractKeyOf, scopesOf, type CoefficientKey } from './coefficients.ts';
import { formatAlpha } from './format.ts';
import { useApp } from '../../store/index.ts';
import { categoriesFor } from '../../store/agreement-slice.ts';
import { CoefficientBar, IntervalScale } from './IntervalBar.tsx';

interface Props {
  report: DbCoefficientReport;
  selected: CoefficientKey;
  onSelect(key: CoefficientKey): void;
  /** Krippendorff's guides; shown for alpha only (the other coefficients have none of their own). */
  thresholds: number[];
}

const ciText = (c: Coefficient) => (c.value === null ? '' : c.ci ? `[${formatAlpha(c.ci[0])}, ${formatAlpha(c.ci[1])}]` : '—');
const howText = (c: Coefficient) => (c.value === null ? '' : c.ciMethod === 'analytic' ? `analytic, df ${c.analytic?.df}` : c.ciMethod === 'bootstrap' ? 'bootstrap' : (c.ciReason ?? ''));

function ValueText({ c }: { c: Coefficient }) {
  if (c.value === null)
    return (
      <span className="alpha alpha-undefined" data-testid="coefficient-undefined" title={c.reason}>
        undefined
      </span>
    );
  return <span className="mono">{formatAlpha(c.value)}</span>;
}

/** One coefficient (value, bar, interval, how it was found, units) as a table row. */
function Row({ label, sub, c, name, scale, thresholds, testId, scope, extra }: { label: React.ReactNode; sub?: string; c: Coefficient; name: string; scale: { min: number; max: number }; thresholds: number[]; testId: string; scope: string; extra?: Record<string, string> }) {
  return (
    <tr className="ag-row is-static" data-testid={testId} data-scope={scope} data-value={c.value ?? ''} data-low={c.ci?.[0] ?? ''} data-high={c.ci?.[1] ?? ''} data-units={c.units} {...extra}>
      <td className="ag-dim">
        {label}
        {sub && <span className="muted small"> {sub}</span>}
      </td>
      <td className="num">
        <ValueText c={c} />
      </td>
      {c.value === null ? (
        <td colSpan={3} className="ag-undefined-reason small">
          {c.reason}
        </td>
      ) : (
        <>
          <td className="ag-barcell">
            <CoefficientBar c={c} name={name} scale={scale} thresholds={thresholds} />
          </td>
          <td className="fig-ci mono small" data-testid="coefficient-ci">
            {ciText(c)}
          </td>
          <td className="muted small">{howText(c)}</td>
        </>
      )}
      <td className="num">{c.units}</td>
    </tr>
  );
}

function TableHead({ first, scale, guides }: { first: string; scale: { min: number; max: number }; guides: number[] }) {
  return (
    <thead>
      <tr>
        <th>{first}</th>
        <th className="num">Value</th>
        <th className="ag-barcell">
          95% interval
          <IntervalScale scale={scale} thresholds={guides} compact />
        </th>
        <th />
        <th>Interval</th>
        <th className="num" title="Units the value rests on">
          Units
        </th>
      </tr>
    </thead>
  );
}

/**
 * Every chance-corrected coefficient beside alpha: a selector (alpha, the primary figure, first),
 * the chosen coefficient pooled and per dimension with its interval bar, what it assumes and how
 * it treats a missing rating, its per-category figures, every coefficient at a glance, and the
 * interval chart exactly as the export writes it.
 */
export function CoefficientsPanel({ report, selected, onSelect, thresholds }: Props) {
  const scopes = useMemo(() => scopesOf(report), [report]);
  const gwetName = scopes[0]?.set.gwetName ?? 'AC1';
  const guides = selected === 'alpha' ? thresholds : [];
  const name = coefficientName(selected, gwetName);
  const scale = useMemo(
    () => coefficientScale(scopes.flatMap((s) => [coefficientOf(s.set, selected), ...(selected === 'cohen' ? s.set.cohen.pairs : [])])),
    [scopes, selected],
  );
  // The report carries the first dimension's per-category figures; another's are computed when it is chosen.
  const withCategories = report.dimensions.filter((d) => d.table?.perCategory.length || d.categoriesLeftOut);
  const [categoryDim, setCategoryDim] = useState<string | null>(null);
  const catDim = withCategories.find((d) => d.id === categoryDim) ?? withCategories[0];
  const fetched = useApp((st) => (catDim && st.agreementCategories.for === categoriesFor(st.agreementFigures.coefficients) ? st.agreementCategories.byDimension[catDim.id] : undefined));
  const loadCategories = useApp((st) => st.loadCoefficientCategories);
  const leftOut = !!catDim && !catDim.table?.perCategory.length;
  useEffect(() => {
    if (catDim && leftOut) void loadCategories(catDim.id);
  }, [catDim, leftOut, loadCategories]);
  const categories = leftOut ? (fetched?.data ?? null) : (catDim?.table?.perCategory ?? null);
  const catScale = useMemo(() => coefficientScale(categories?.map((c) => coefficientOf(c.coefficients, selected)) ?? []), [categories, selected]);
  const chart = useMemo(() => svgDataUrl(intervalChartSvg(report, provenanceText(report.provenance))), [report]);
  const note = coefficientNotes[selected];

  return (
    <div className="fig-panel" data-testid="coefficients-panel" data-raters={report.raters.join(',')}>
      <section className="ag-section">
        <div className="ag-section-head">
          <h3>Coefficient</h3>
          <span className="muted small">on the same units as alpha; 95% intervals</span>
        </div>
        <div className="segmented fig-choices" role="radiogroup" aria-label="Coefficient">
          {coefficientKeys.map((k) => (
            <button key={k} role="radio" aria-checked={k === selected} className={k === selected ? 'is-on' : ''} data-testid="coefficient-option" data-key={k} onClick={() => onSelect(k)}>
              {coefficientName(k, gwetName)}
              {k === 'alpha' && <span className="fig-primary">primary</span>}
            </button>
          ))}
        </div>
        <div className="fig-note" data-testid="coefficient-note" data-key={selected}>
          <div className="fig-note-title">{name}</div>
          <p>
            <strong>Assumes:</strong> {note.assumes}
          </p>
          <p>
            <strong>Missing ratings:</strong> {note.missing}
          </p>
        </div>
      </section>

      <section className="ag-section">
        <div className="ag-section-head">
          <h3>{name}, pooled and per dimension</h3>
        </div>
        <div className="ag-table-wrap">
          <table className="ag-table fig-table" data-testid="coefficient-table" data-key={selected} data-contract-key={contractKeyOf(selected, gwetName)}>
            <TableHead first="Dimension" scale={scale} guides={guides} />
            <tbody>
              {scopes.map((s) => {
                const c = coefficientOf(s.set, selected);
                return (
                  <Fragment key={s.id}>
                    <Row
                      label={<strong>{s.label}</strong>}
                      sub={s.kind ?? undefined}
                      c={c}
                      name={name}
                      scale={scale}
                      thresholds={guides}
                      testId="coefficient-row"
                      scope={s.id}
                    />
                    {selected === 'cohen' &&
                      s.set.cohen.pairs.map((p) => (
                        <Row
                          key={p.raters.join('/')}
                          label={<span className="fig-indent">{p.raters.join(' / ')}</span>}
                          c={p}
                          name={`Cohen's κ of ${p.raters.join(' and ')}`}
                          scale={scale}
                          thresholds={guides}
                          testId="cohen-pair-row"
                          scope={s.id}
                          extra={{ 'data-pair': p.raters.join('/') }}
                        />
                      ))}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="muted small">
          {report.bootstrap.resamples > 0
            ? `Analytic intervals where the literature gives one (Gwet's standard error, conditional on the units, t on units - 1 df); else the percentile bootstrap over ${report.bootstrap.resamples} resamples of units, seed ${report.bootstrap.seed}.`
            : 'Analytic intervals only: computed without bootstrap.'}{' '}
          {MISSING_NOTE}
          {selected === 'alpha' &&
            ' Alpha here reads each label as one category, as every other coefficient does (a set of bug types is compared whole): nominal alpha. The Alpha tab gives sets partial credit (MASI), so its pooled and bug figures differ.'}
        </div>
      </section>

      {catDim && (
        <section className="ag-section" data-testid="coefficient-categories">
          <div className="ag-section-head">
            <h3>{name}, each category against the rest</h3>
            <div className="grow" />
            <select className="select select-sm" value={catDim.id} onChange={(e) => setCategoryDim(e.target.value)} data-testid="coefficient-category-dimension">
              {withCategories.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label} ({d.table!.perCategory.length || d.categoriesLeftOut})
                </option>
              ))}
            </select>
          </div>
          {!categories && (
            <div className={fetched?.error ? 'error small' : 'splash muted'} data-testid="coefficient-categories-loading" data-dimension={catDim.id}>
              {fetched?.error
                ? `The categories of ${catDim.label} could not be computed: ${fetched.error}`
                : `Computing every coefficient for each of the ${catDim.categoriesLeftOut} categories of ${catDim.label}…`}
            </div>
          )}
          {categories && (
          <div className="ag-table-wrap fig-scroll">
            <table className="ag-table fig-table" data-testid="coefficient-category-table" data-dimension={catDim.id}>
              <TableHead first="Category" scale={catScale} guides={guides} />
              <tbody>
                {categories.map((c) => (
                  <Row
                    key={c.id}
                    label={c.label}
                    sub={c.kind === 'category' ? undefined : c.kind}
                    c={coefficientOf(c.coefficients, selected)}
                    name={`${name} of ${c.label}`}
                    scale={catScale}
                    thresholds={guides}
                    testId="category-row"
                    scope={catDim.id}
                    extra={{ 'data-category': c.id }}
                  />
                ))}
              </tbody>
            </table>
          </div>
          )}
        </section>
      )}

      <section className="ag-section">
        <div className="ag-section-head">
          <h3>Every coefficient at a glance</h3>
          <span className="muted small">click a column to show its bars above</span>
        </div>
        <div className="ag-table-wrap">
          <table className="ag-table fig-glance" data-testid="coefficient-glance">
            <thead>
              <tr>
                <th>Dimension</th>
                {coefficientKeys.map((k) => (
                  <th key={k} className={`num fig-glance-head ${k === selected ? 'is-on' : ''}`} onClick={() => onSelect(k)}>
                    {coefficientName(k, gwetName)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {scopes.map((s) => (
                <tr key={s.id} className="ag-row is-static">
                  <td className="ag-dim">
                    <strong>{s.label}</strong>
                  </td>
                  {coefficientKeys.map((k) => {
                    const c = coefficientOf(s.set, k);
                    return (
                      <td
                        key={k}
                        className={`num fig-glance-cell ${k === selected ? 'is-on' : ''}`}
                        data-testid="coefficient-cell"
                        data-scope={s.id}
                        data-key={contractKeyOf(k, s.set.gwetName)}
                        data-value={c.value ?? ''}
                        data-low={c.ci?.[0] ?? ''}
                        data-high={c.ci?.[1] ?? ''}
                        title={c.value === null ? c.reason : `${ciText(c)} ${howText(c)}`}
                      >
                        <div className="mono">{c.value === null ? 'undefined' : formatAlpha(c.value)}</div>
                        <div className="muted small mono">{ciText(c)}</div>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="ag-section">
        <div className="ag-section-head">
          <h3>Interval chart</h3>
          <span className="muted small">the SVG the export writes (Export › Agreement coefficients › SVG)</span>
        </div>
        <div className="fig-chart">
          <img src={chart} alt="Every coefficient with its 95% interval, pooled and per dimension" data-testid="interval-chart" />
        </div>
        <div className="muted small" data-testid="coefficient-provenance">
          Computed by {provenanceText(report.provenance)}.
        </div>
      </section>
    </div>
  );
}
