import './study-components.css';
import { useState } from 'react';
import type { EntryComment } from '../../shared/types.ts';
import { formatTime } from '../lib/format-time.ts';

/**
 * A thread of comments on an entry. While labelling it holds only the writer's own comments (the
 * service never sends anyone else's), so it says so; in adjudication it holds everyone's.
 */
export function CommentThread({
  comments,
  onAdd,
  onDelete,
  mine,
  hint,
  testId = 'comments',
}: {
  comments: EntryComment[];
  onAdd: (text: string) => Promise<boolean | void>;
  onDelete?: (id: number) => void;
  /** Whose comments may be deleted here. */
  mine?: string | null;
  hint: string;
  testId?: string;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    const ok = await onAdd(text);
    setBusy(false);
    if (ok !== false) setText('');
  };
  return (
    <div className="comment-thread" data-testid={testId} data-count={comments.length}>
      {comments.length > 0 && (
        <ol className="comments">
          {comments.map((c) => (
            <li key={c.id} className="comment" data-testid="comment">
              <div className="comment-head small">
                <strong>{c.author}</strong> <span className="muted">{formatTime(c.at)}</span>
                {onDelete && mine === c.author && (
                  <button className="chip-x" aria-label="Delete this comment" data-testid="comment-delete" onClick={() => onDelete(c.id)}>
                    ×
                  </button>
                )}
              </div>
              <div className="comment-text">{c.text}</div>
            </li>
          ))}
        </ol>
      )}
      <textarea
        className="input textarea"
        rows={2}
        data-testid={`${testId}-input`}
        placeholder={hint}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.stopPropagation();
            void send();
          }
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      />
      <div className="row gap">
        <button className="btn btn-sm" data-testid={`${testId}-add`} disabled={!text.trim() || busy} onClick={() => void send()}>
          Add comment
        </button>
      </div>
    </div>
  );
}
