import './study-components.css';
import { useMemo } from 'react';
import { diffWordsWithSpace } from 'diff';

/**
 * A rewrite against its original, word by word: removed words struck through, added ones marked.
 * Whitespace counts, so a new line in the rewrite shows where it starts.
 */
export function RevisionDiff({ original, revised, testId }: { original: string; revised: string; testId?: string }) {
  const parts = useMemo(() => diffWordsWithSpace(original, revised), [original, revised]);
  const added = parts.filter((p) => p.added).reduce((n, p) => n + p.value.trim().split(/\s+/).filter(Boolean).length, 0);
  const removed = parts.filter((p) => p.removed).reduce((n, p) => n + p.value.trim().split(/\s+/).filter(Boolean).length, 0);
  return (
    <div className="revision-diff" data-testid={testId} data-added={added} data-removed={removed}>
      <div className="revision-diff-head small muted">
        against the original prompt: <span className="diff-add-count">+{added}</span> <span className="diff-del-count">−{removed}</span> words
      </div>
      <pre className="revision-diff-body">
        {parts.map((p, i) =>
          p.added ? (
            <ins key={i}>{p.value}</ins>
          ) : p.removed ? (
            <del key={i}>{p.value}</del>
          ) : (
            <span key={i}>{p.value}</span>
          ),
        )}
      </pre>
    </div>
  );
}
