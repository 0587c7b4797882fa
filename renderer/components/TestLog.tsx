import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';
import { classifyLog } from '../lib/log-lines.ts';

/**
 * The pytest log with failing and error lines marked; "only marked lines" for long logs. Long
 * lines wrap, or scroll sideways (the person's choice, kept with their layout): none is cut.
 */
export function TestLog() {
  const { entry, layout, setLayout } = useApp(useShallow((s) => ({ entry: s.current?.entry ?? null, layout: s.layout, setLayout: s.setLayout })));
  const folded = layout.logCollapsed;
  const wrap = layout.logWrap;
  const [onlyMarked, setOnlyMarked] = useState(false);
  const lines = useMemo(() => (entry ? classifyLog(entry.testLog, entry.failingTests) : []), [entry]);
  const body = useRef<HTMLDivElement>(null);
  const entryId = entry?.id;
  // A new entry opens its log at the first failure, past pytest's banner: placed at the next frame,
  // where the browser lays the page out anyway (measured now, it would lay it out in the middle of the key press).
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const frame = requestAnimationFrame(() => {
      const first = el.querySelector<HTMLElement>('[data-kind=fail], [data-kind=error]');
      el.scrollTop = first ? Math.max(0, first.offsetTop - 2 * 17) : 0;
    });
    return () => cancelAnimationFrame(frame);
  }, [entryId, onlyMarked, folded]);
  if (!entry) return null;
  const marked = lines.filter((l) => l.kind === 'fail' || l.kind === 'error');
  const shown = onlyMarked ? marked : lines;
  return (
    <section className={`test-log ${folded ? 'is-folded' : ''}`} data-testid="test-log" data-wrap={wrap}>
      <header className="pane-title">
        <button
          className="pane-fold"
          data-testid="log-fold"
          onClick={() => setLayout({ ...layout, logCollapsed: !folded })}
          title={folded ? 'Show the test log' : 'Fold the test log away'}
          aria-expanded={!folded}
        >
          {folded ? '▸' : '▾'}
        </button>
        Test log
        {entry.failingTests.length > 0 && (
          <span className="muted small" data-testid="failing-tests" title={entry.failingTests.join('\n')}>
            {entry.failingTests.length} failing test{entry.failingTests.length === 1 ? '' : 's'}
          </span>
        )}
        <span className="grow" />
        {lines.length > 0 && !folded && (
          <>
            <label className="small muted check" title="Wrap long lines; unticked, they scroll sideways">
              <input type="checkbox" data-testid="log-wrap" checked={wrap} onChange={(e) => setLayout({ ...layout, logWrap: e.target.checked })} /> wrap
            </label>
            <label className="small muted check">
              <input type="checkbox" checked={onlyMarked} onChange={(e) => setOnlyMarked(e.target.checked)} /> only failures ({marked.length})
            </label>
          </>
        )}
      </header>
      {!folded && (
        <div className={`log-body mono ${wrap ? 'is-wrapped' : 'is-scrolled'}`} ref={body} data-testid="log-body">
          {lines.length === 0 ? (
            <div className="muted pad">No test log for this entry.</div>
          ) : (
            shown.map((l) => (
              <div key={l.n} className={`log-line log-${l.kind}`} data-kind={l.kind}>
                <span className="log-n">{l.n}</span>
                <span className="log-text">{l.text || ' '}</span>
              </div>
            ))
          )}
        </div>
      )}
    </section>
  );
}
