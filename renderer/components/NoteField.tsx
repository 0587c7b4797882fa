import { useEffect, useRef, useState } from 'react';
import { useApp } from '../store/index.ts';

/** A free note per entry, saved shortly after typing stops and when the field is left. */
export function NoteField({ entryId, saved }: { entryId: string; saved: string }) {
  const saveNote = useApp((s) => s.saveNote);
  const [text, setText] = useState(saved);
  const pending = useRef<string | null>(null);

  function flush() {
    if (pending.current === null) return;
    const t = pending.current;
    pending.current = null;
    void saveNote(entryId, t);
  }
  useEffect(() => {
    if (text === saved) return;
    pending.current = text;
    const t = setTimeout(flush, 400);
    return () => clearTimeout(t);
  });
  // The component is keyed by entry: leaving the entry saves what was typed.
  useEffect(() => () => flush(), []);

  return (
    <section className="dimension" data-testid="note-section">
      <header className="dimension-head">
        <span className="dimension-label">Note</span>
        <span className="muted small">only you see it</span>
      </header>
      <textarea
        className="input textarea"
        data-testid="note"
        value={text}
        rows={3}
        placeholder="Anything worth remembering about this entry"
        onChange={(e) => setText(e.target.value)}
        onBlur={flush}
        onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()}
      />
    </section>
  );
}
