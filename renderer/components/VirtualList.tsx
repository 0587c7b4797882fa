import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface Props<T> {
  items: T[];
  rowHeight: number;
  /** Index to keep in view (the selected row). */
  activeIndex: number;
  renderRow: (item: T, index: number) => ReactNode;
  testId?: string;
  /** Told which rows are drawn (a paged list reads the pages they are on). */
  onRange?: (first: number, last: number) => void;
}

const OVERSCAN = 8;

/** Renders only the rows in view (fixed row height), so a queue of thousands stays fast. */
export function VirtualList<T>({ items, rowHeight, activeIndex, renderRow, testId, onRange }: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Scrolls only when the active row is out of view, judged from the scroll position and height
  // the list keeps: reading them from the element would make the browser lay the page out on every move.
  const seen = useRef({ scrollTop, height });
  seen.current = { scrollTop, height };
  useEffect(() => {
    const el = ref.current;
    if (!el || activeIndex < 0) return;
    const { scrollTop: at, height: shown } = seen.current;
    const top = activeIndex * rowHeight;
    const to = top < at ? top : top + rowHeight > at + shown ? top + rowHeight - shown : null;
    if (to === null) return;
    // Written at the next frame, where the browser lays the page out anyway, with the rows for it drawn now.
    setScrollTop(to);
    const frame = requestAnimationFrame(() => (el.scrollTop = to));
    return () => cancelAnimationFrame(frame);
  }, [activeIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  useEffect(() => onRange?.(first, last - 1), [first, last, onRange]);
  const visible = [];
  for (let i = first; i < last; i++)
    visible.push(
      <div key={i} className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>
        {renderRow(items[i], i)}
      </div>,
    );

  return (
    <div ref={ref} className="vlist" data-testid={testId} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} role="listbox">
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{visible}</div>
    </div>
  );
}
