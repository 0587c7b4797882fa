import { useRef } from 'react';

interface SplitHandleProps {
  /** 'x' moves a vertical border sideways; 'y' moves a horizontal border up and down. */
  axis: 'x' | 'y';
  /** Called when a drag (or a key press) begins; returns what to do as the border moves by `delta` px from there. */
  begin(): (delta: number) => void;
  label: string;
  testId?: string;
}

/** How far one arrow key press moves a border. */
const KEY_STEP = 24;

/**
 * A border between two panes that the pointer drags (pointer capture, so the drag survives the
 * pointer crossing an editor) and the arrow keys move. The owner turns the movement into sizes.
 */
export function SplitHandle({ axis, begin, label, testId }: SplitHandleProps) {
  const drag = useRef<{ from: number; move: (delta: number) => void } | null>(null);
  const at = (e: { clientX: number; clientY: number }) => (axis === 'x' ? e.clientX : e.clientY);
  return (
    <div
      className={`split-handle split-${axis}`}
      role="separator"
      aria-orientation={axis === 'x' ? 'vertical' : 'horizontal'}
      aria-label={label}
      title={label}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { from: at(e), move: begin() };
        document.body.classList.add(`is-resizing-${axis}`);
      }}
      onPointerMove={(e) => drag.current?.move(at(e) - drag.current.from)}
      onPointerUp={(e) => {
        drag.current = null;
        e.currentTarget.releasePointerCapture(e.pointerId);
        document.body.classList.remove(`is-resizing-${axis}`);
      }}
      onLostPointerCapture={() => {
        drag.current = null;
        document.body.classList.remove(`is-resizing-${axis}`);
      }}
      onKeyDown={(e) => {
        const back = axis === 'x' ? 'ArrowLeft' : 'ArrowUp';
        const forward = axis === 'x' ? 'ArrowRight' : 'ArrowDown';
        if (e.key !== back && e.key !== forward) return;
        e.preventDefault();
        e.stopPropagation();
        begin()(e.key === forward ? KEY_STEP : -KEY_STEP);
      }}
    />
  );
}
