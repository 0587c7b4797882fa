import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { AgreementControls } from './AgreementControls.tsx';
import { AgreementTabs } from './AgreementTabs.tsx';
import { CodersPanel } from './CodersPanel.tsx';
import { CoefficientsPanel } from './CoefficientsPanel.tsx';
import { DriftPanel } from './DriftPanel.tsx';
import { MachinesPanel } from './MachinesPanel.tsx';
import type { FigureTab, LoadedFigures } from '../../store/agreement-slice.ts';
import './figures.css';
import { AgreementTable } from './AgreementTable.tsx';
import { AlphaValue } from './AlphaValue.tsx';
import { CellEntries } from './CellEntries.tsx';
import { CoincidenceHeatmap, TopConfusions } from './CoincidenceHeatmap.tsx';
import { formatAlpha } from './format.ts';
import { scaleOf, thresholdsOf } from './format.ts';
import { PairwiseHeatmap } from './PairwiseHeatmap.tsx';
import { LineDisagreements } from './LineDisagreements.tsx';
import { PerValueAlphas } from './PerValueAlphas.tsx';
import { PooledFigure } from './PooledFigure.tsx';
import { pick, refKey } from './select.ts';

/** How many confusions the list under the matrix names before it sums up the rest. */
const CONFUSIONS_SHOWN = 8;

/**
 * The lead's view of agreement after labelling: the pooled figure, a table per dimension, and for
 * the chosen figure its pairwise grid, coincidence matrix and the entries behind a cell.
 * Aggregate figures only: entries are listed by id, never with the annotators' values.
 */
export function AgreementView() {
  const { report, loading, error, ref, cell, codebook, load, selectFigure, openCell, closeCell, openEntry, tab, setTab, figures, progress, cancelled, cancel } = useApp(
    useShallow((s) => ({
      progress: s.agreementProgress,
      cancelled: s.agreementCancelled,
      cancel: s.cancelAgreement,
      report: s.agreementReport,
      loading: s.agreementLoading,
      error: s.agreementError,
      ref: s.agreementRef,
      cell: s.agreementCell,
      codebook: s.codebook,
      load: s.loadAgreement,
      selectFigure: s.selectAgreementFigure,
      openCell: s.openAgreementCell,
      closeCell: s.closeAgreementCell,
      openEntry: s.openEntryInLabel,
      tab: s.agreementTab,
      setTab: s.setAgreementTab,
      figures: s.agreementFigures,
    })),
  );
  // Labels may have changed in another view (or another pack merged) since the last visit.
  useEffect(() => {
    void load();
  }, [load]);

  const thresholds = useMemo(() => (report ? thresholdsOf(report) : []), [report]);
  const scale = useMemo(() => (report ? scaleOf(report) : { min: 0, max: 1 }), [report]);
  const picked = report ? pick(report, ref) : null;
  const table = picked ? (picked.kind === 'measure' ? picked.measure.coincidence : picked.value.coincidence) : null;
  const activeCell = cell && ref && cell.ref === refKey(ref) ? cell : null;

  const alphaTab = (
    <div className={`ag-main ${loading && report ? 'is-stale' : ''}`}>
      {error && (
        <div className="callout callout-error" data-testid="agreement-error">
          {error}
        </div>
      )}
      {!report && !error && <div className="splash muted">Computing agreement…</div>}
      {report && (
        <>
          <PooledFigure report={report} scale={scale} thresholds={thresholds} selected={ref} onSelect={selectFigure} />
          <section className="ag-section">
            <div className="ag-section-head">
              <h3>Per dimension</h3>
              <span className="muted small">click a row for its pairwise agreement and coincidence matrix</span>
            </div>
            <div className="ag-table-wrap">
              <AgreementTable report={report} scale={scale} thresholds={thresholds} selected={ref} onSelect={selectFigure} />
            </div>
          </section>
          {picked && table && (
            <section className="ag-section" data-testid="figure-detail" data-ref={ref ? refKey(ref) : ''}>
              <div className="ag-section-head">
                <h3>{picked.title}</h3>
                <span className="muted small">
                  α{' '}
                  {picked.kind === 'measure' ? (
                    <AlphaValue result={picked.measure.figure} thresholds={thresholds} full />
                  ) : (
                    <AlphaValue result={picked.value.figure} thresholds={thresholds} full />
                  )}
                  {picked.kind === 'measure' ? ` · ${picked.measure.description}` : ' · binary: present or absent'}
                </span>
              </div>
              <div className="ag-detail">
                <div className="ag-detail-col ag-detail-main">
                  <div className="ag-subhead">Coincidence matrix</div>
                  <CoincidenceHeatmap table={table} active={activeCell} onCell={openCell} />
                  <div className="ag-subhead">Top confusions</div>
                  <TopConfusions table={table} limit={CONFUSIONS_SHOWN} onCell={openCell} />
                </div>
                <div className="ag-detail-col ag-detail-side">
                  <div className="ag-subhead">Entries behind a cell</div>
                  <CellEntries cell={activeCell} table={table} codebook={codebook} onOpen={(id) => void openEntry(id)} onClose={closeCell} />
                </div>
                {picked.kind === 'measure' && (
                  // The whole width: a team of six or more needs it; beyond that the grid scrolls in its own box.
                  <div className="ag-detail-col ag-detail-wide">
                    <div className="ag-subhead">Pairwise</div>
                    <PairwiseHeatmap raters={report.raters} pairs={picked.measure.pairwise} thresholds={thresholds} />
                    <div className="muted small">Each pair on the units both labelled; percent of identical values.</div>
                  </div>
                )}
              </div>
            </section>
          )}
          <PerValueAlphas report={report} scale={scale} thresholds={thresholds} selected={ref} onSelect={selectFigure} />
          <LineDisagreements report={report} onOpen={(id) => void openEntry(id)} />
          {progress && (
            <div className="ag-progress small" data-testid="agreement-progress" data-done={progress.done} data-total={progress.total}>
              <span className="muted">
                Intervals: {progress.total ? `${Math.floor((100 * progress.done) / progress.total)}% of ${progress.total.toLocaleString('en')} bootstrap resamples` : 'starting the bootstrap'}…
              </span>
              <div className="progress ag-progress-bar">
                <div className="progress-bar" style={{ width: `${progress.total ? (100 * progress.done) / progress.total : 0}%` }} />
              </div>
              <button className="btn btn-sm" data-testid="agreement-cancel" onClick={() => void cancel()}>
                Cancel
              </button>
            </div>
          )}
          <div className="muted small ag-foot">
            {cancelled && 'Bootstrap cancelled: the figures stand without intervals. '}
            {report.bootstrap.resamples > 0
              ? `Intervals: 2.5th and 97.5th percentiles of ${report.bootstrap.resamples} bootstrap resamples of units, seed ${report.bootstrap.seed}.`
              : 'Computed without bootstrap: no intervals.'}{' '}
            {thresholds.length > 0 && `Guides at ${thresholds.map((t) => formatAlpha(t)).join(' and ')}.`}
          </div>
        </>
      )}
    </div>
  );
  const busy = { alpha: loading, coefficients: figures.coefficients.loading, coders: figures.coders.loading, drift: figures.drift.loading, machines: figures.machines.loading };
  return (
    <main className="ag-view" data-testid="agreement-view" data-loading={loading} data-ready={!!report && !loading} data-tab={tab}>
      <AgreementControls />
      <div className="ag-column">
        <AgreementTabs tab={tab} onTab={setTab} busy={busy} />
        {tab === 'alpha' ? alphaTab : <FigureTabView tab={tab} loaded={figures[tab]} thresholds={thresholds} />}
      </div>
    </main>
  );
}

const computing: Record<FigureTab, string> = {
  coefficients: 'Computing every coefficient with its interval…',
  coders: 'Comparing each coder with the consensus…',
  drift: 'Following alpha over labelling time…',
  machines: 'Holding the machine coders against the people…',
};

/** What a tab is computing off the request thread, for how long so far, and a way to stop it. */
function FigureProgress({ tab, stage, since, onCancel }: { tab: FigureTab; stage: 'figures' | 'intervals'; since: number | null; onCancel: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const seconds = since ? Math.max(0, Math.round((now - since) / 1000)) : 0;
  return (
    <div className="ag-progress small" data-testid="figure-progress" data-tab={tab} data-stage={stage}>
      <span className="muted">
        {stage === 'figures' ? 'Computing the figures' : 'Intervals: resampling every figure'}, in the background{seconds >= 2 ? ` (${seconds} s so far)` : ''}…
      </span>
      <button className="btn btn-sm" data-testid="figure-cancel" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** One of the figure tabs: asked for when opened, shown when it arrives, kept (dimmed) while a newer one computes. */
function FigureTabView({ tab, loaded, thresholds }: { tab: FigureTab; loaded: LoadedFigures<unknown>; thresholds: number[] }) {
  const s = useApp(
    useShallow((st) => ({
      coefficient: st.agreementCoefficient,
      setCoefficient: st.setAgreementCoefficient,
      driftBy: st.agreementDriftBy,
      driftDimension: st.agreementDriftDimension,
      setDrift: st.setAgreementDrift,
      coderDimension: st.agreementCoderDimension,
      coderReference: st.agreementCoderReference,
      coderCell: st.agreementCoderCell,
      setCoderView: st.setAgreementCoderView,
      openCoderCell: st.openCoderCell,
      openInAdjudicate: st.openEntryInAdjudicate,
      codebook: st.codebook,
      figures: st.agreementFigures,
      cancel: st.cancelAgreementFigures,
      load: st.loadAgreementFigures,
    })),
  );
  const f = s.figures;
  return (
    <div className={`ag-main ${loaded.loading && loaded.data ? 'is-stale' : ''}`} data-testid="figure-tab" data-tab={tab} data-ready={!!loaded.data && !loaded.loading}>
      {loaded.error && (
        <div className="callout callout-error" data-testid="figure-error">
          {loaded.error}
        </div>
      )}
      {!loaded.data && !loaded.error && !loaded.computing && loaded.cancelled && (
        <div className="splash muted" data-testid="figure-cancelled">
          Cancelled: nothing computed.{' '}
          <button className="btn btn-sm" onClick={() => void s.load(tab, true)}>
            Compute
          </button>
        </div>
      )}
      {!loaded.data && !loaded.error && !loaded.cancelled && <div className="splash muted">{computing[tab]}</div>}
      {loaded.computing && <FigureProgress tab={tab} stage={loaded.computing} since={loaded.since} onCancel={() => void s.cancel(tab)} />}
      {!!loaded.data && !loaded.computing && loaded.cancelled && (
        <div className="muted small" data-testid="figure-cancelled">
          Intervals cancelled: the figures stand without them.
        </div>
      )}
      {!!loaded.data && !loaded.computing && loaded.tooMuch && (
        <div className="callout small ag-too-much" data-testid="figure-too-much" data-fits={loaded.tooMuch.fits}>
          The intervals shown are analytic. Resampling every figure {loaded.tooMuch.asked.toLocaleString('en-US')} times would take more than about a minute at this size; up to{' '}
          {loaded.tooMuch.fits.toLocaleString('en-US')} resamples fit.{' '}
          {loaded.tooMuch.fits > 0 && (
            <button className="btn btn-sm" data-testid="figure-resample-fitting" onClick={() => void s.load(tab, true, loaded.tooMuch!.fits)}>
              Resample {loaded.tooMuch.fits.toLocaleString('en-US')} times
            </button>
          )}
        </div>
      )}
      {tab === 'coefficients' && f.coefficients.data && (
        <CoefficientsPanel report={f.coefficients.data} selected={s.coefficient} onSelect={s.setCoefficient} thresholds={thresholds} />
      )}
      {tab === 'coders' && f.coders.data && (
        <CodersPanel
          report={f.coders.data}
          dimension={s.coderDimension}
          reference={s.coderReference}
          cell={s.coderCell}
          onView={s.setCoderView}
          onCell={s.openCoderCell}
          onOpenEntry={(id) => void s.openInAdjudicate(id)}
        />
      )}
      {tab === 'drift' && f.drift.data && (
        <DriftPanel report={f.drift.data} by={s.driftBy} dimension={s.driftDimension} codebook={s.codebook} thresholds={thresholds} onChange={s.setDrift} />
      )}
      {tab === 'machines' && f.machines.data && <MachinesPanel report={f.machines.data} onOpenEntry={(id) => void s.openInAdjudicate(id)} />}
    </div>
  );
}
