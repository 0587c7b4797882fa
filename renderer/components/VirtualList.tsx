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

  useEffect(() => {
    const el = ref.current;
    if (!el || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
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
