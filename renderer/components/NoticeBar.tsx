import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';

/** One short message at a time (undo done, a refused write); errors stay until dismissed. */
export function NoticeBar() {
  const { notice, dismiss } = useApp(useShallow((s) => ({ notice: s.notice, dismiss: s.dismissNotice })));
  useEffect(() => {
    if (!notice || notice.tone === 'error') return;
    const t = setTimeout(dismiss, 3000);
    return () => clearTimeout(t);
  }, [notice, dismiss]);
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.tone}`} data-testid="notice" role={notice.tone === 'error' ? 'alert' : 'status'}>
      {notice.text}
      <button className="chip-x" onClick={dismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
