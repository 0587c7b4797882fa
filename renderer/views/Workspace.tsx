import { useEffect, useMemo, useRef } from 'react';
import { lineMarks } from '../lib/line-marks.ts';
import { useShallow } from 'zustand/react/shallow';
import { CodePanes, LowerPanes } from '../components/CodePanes.tsx';
import { lowerIsTestLog, useFieldLayout } from '../components/field-layout.ts';
import { EntryQueue } from '../components/EntryQueue.tsx';
import { LabelPanel } from '../components/LabelPanel.tsx';
import { clamp, LIMITS } from '../components/pane-layout.ts';
import { SplitHandle } from '../components/SplitHandle.tsx';
import { TestLog } from '../components/TestLog.tsx';
import { useWorkspaceKeys } from '../keyboard/useWorkspaceKeys.ts';
import { useApp } from '../store/index.ts';

/**
 * The labelling workspace: queue on the left, code and log in the centre, labels on the right.
 * The borders between them move, the queue folds to a strip, and each person's layout is kept.
 */
export function Workspace() {
  const { me, entries, rows, setImportOpen, layout, setLayout, loadLayoutOf } = useApp(
    useShallow((s) => ({
      me: s.me,
      entries: s.info?.counts.entries ?? 0,
      rows: s.rows.length,
      setImportOpen: s.setImportOpen,
      layout: s.layout,
      setLayout: s.setLayout,
      loadLayoutOf: s.loadLayoutOf,
    })),
  );
  const { codebook, labels, setLineSelection } = useApp(useShallow((s) => ({ codebook: s.codebook, labels: s.current?.labels, setLineSelection: s.setLineSelection })));
  // This person's lines labels, drawn on the lines they pin.
  const marks = useMemo(() => lineMarks(codebook, labels ? [{ who: '', values: labels }] : []), [codebook, labels]);
  const fields = useFieldLayout();
  const center = useRef<HTMLDivElement>(null);
  useWorkspaceKeys(true);
  useEffect(() => loadLayoutOf(me), [me, loadLayoutOf]);

  if (entries === 0)
    return (
      <div className="splash" data-testid="no-entries">
        <p className="muted">This project has no entries yet.</p>
        <button className="btn btn-primary" onClick={() => setImportOpen(true)}>
          Import entries…
        </button>
      </div>
    );

  /** A drag that sets one size from its value when the drag began. */
  const dragging = <K extends 'queueWidth' | 'panelWidth'>(key: K, sign: 1 | -1, limits: { min: number; max: number }) => () => {
    const from = useApp.getState().layout;
    return (delta: number) => setLayout({ ...from, [key]: clamp(from[key] + sign * delta, limits.min, limits.max) });
  };
  const resizeLog = () => {
    const from = useApp.getState().layout;
    const height = center.current?.getBoundingClientRect().height ?? 1;
    return (delta: number) => setLayout({ ...from, logShare: clamp(from.logShare - delta / height, LIMITS.log.min, LIMITS.log.max) });
  };
  const queue = layout.queueCollapsed ? '32px' : `${layout.queueWidth}px`;
  // The lower row: Deep-Bench's test log, another codebook's fields, or nothing.
  const lower = !fields.bottom?.length ? null : lowerIsTestLog(fields) ? (
    <TestLog />
  ) : (
    <LowerPanes />
  );
  const log = !lower ? '' : layout.logCollapsed ? 'auto' : `${(layout.logShare * 100).toFixed(2)}%`;
  return (
    <main className="body" data-testid="workspace" data-annotator={me ?? ''} style={{ gridTemplateColumns: `${queue} minmax(0, 1fr) ${layout.panelWidth}px` }}>
      {layout.queueCollapsed ? (
        <button className="queue-strip" data-testid="queue-unfold" onClick={() => setLayout({ ...layout, queueCollapsed: false })} title="Show the queue">
          <span className="pane-strip-mark">›</span>
          <span className="pane-strip-title">Queue · {rows}</span>
        </button>
      ) : (
        <div className="with-handle">
          <EntryQueue onFold={() => setLayout({ ...layout, queueCollapsed: true })} />
          <SplitHandle axis="x" label="Resize the queue" testId="split-queue" begin={dragging('queueWidth', 1, LIMITS.queue)} />
        </div>
      )}
      <div className="center" ref={center} style={{ gridTemplateRows: `minmax(0, 1fr) ${log}`.trim() }}>
        <CodePanes marks={marks} onSelectLines={(pane, start, end) => setLineSelection({ pane, start, end })} />
        {lower && (
          <div className="with-handle-y">
            {!layout.logCollapsed && <SplitHandle axis="y" label={`Resize the ${fields.bottom!.map((p) => p.label.toLowerCase()).join(', ')}`} testId="split-log" begin={resizeLog} />}
            {lower}
          </div>
        )}
      </div>
      <div className="with-handle">
        <SplitHandle axis="x" label="Resize the label panel" testId="split-panel" begin={dragging('panelWidth', -1, LIMITS.panel)} />
        <LabelPanel />
      </div>
    </main>
  );
}
