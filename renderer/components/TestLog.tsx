import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../store/index.ts';
import { classifyLog } from '../lib/log-lines.ts';

/** The pytest log with failing and error lines marked; "only marked lines" for long logs. */
export function TestLog() {
  const entry = useApp((s) => s.current?.entry ?? null);
  const [onlyMarked, setOnlyMarked] = useState(false);
  const lines = useMemo(() => (entry ? classifyLog(entry.testLog, entry.failingTests) : []), [entry]);
  const body = useRef<HTMLDivElement>(null);
  const entryId = entry?.id;
  // A new entry opens its log at the first failure, past pytest's banner.
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const first = el.querySelector<HTMLElement>('[data-kind=fail], [data-kind=error]');
    el.scrollTop = first ? Math.max(0, first.offsetTop - 2 * 17) : 0;
  }, [entryId, onlyMarked]);
  if (!entry) return null;
  const marked = lines.filter((l) => l.kind === 'fail' || l.kind === 'error');
  const shown = onlyMarked ? marked : lines;
  return (
    <section className="test-log" data-testid="test-log">
      <header className="pane-title">
        Test log
        {entry.failingTests.length > 0 && (
          <span className="muted small" data-testid="failing-tests" title={entry.failingTests.join('\n')}>
            {entry.failingTests.length} failing test{entry.failingTests.length === 1 ? '' : 's'}
          </span>
        )}
        <span className="grow" />
        {lines.length > 0 && (
          <label className="small muted check">
            <input type="checkbox" checked={onlyMarked} onChange={(e) => setOnlyMarked(e.target.checked)} /> only failures ({marked.length})
          </label>
        )}
      </header>
      <div className="log-body mono" ref={body}>
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
    </section>
  );
}
