import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CodebookChange } from '../../../shared/codebook/diff.ts';
import { formatTime } from '../../lib/format-time.ts';
import { api } from '../../store/client.ts';
import { describeError } from '../../store/session-slice.ts';
import { useApp } from '../../store/index.ts';
import { AlphaTable } from '../rounds/AlphaTable.tsx';

/** Every revision of the codebook, a diff of any two versions, and alpha per version. */
export function CodebookHistory() {
  const { history, groups, intervals, cancelIntervals, loadGroups, notify } = useApp(
    useShallow((s) => ({
      history: s.cbHistory,
      groups: s.versionGroups,
      intervals: s.versionIntervals,
      cancelIntervals: s.cancelIntervals,
      loadGroups: s.loadVersionGroups,
      notify: s.notify,
    })),
  );
  const versions = [...new Set(history.map((h) => h.version))];
  const [from, setFrom] = useState<string>('');
  const [to, setTo] = useState<string>('');
  const [diff, setDiff] = useState<CodebookChange[] | null>(null);
  useEffect(() => {
    void loadGroups();
  }, [loadGroups]);
  useEffect(() => {
    if (!from && versions.length) setFrom(versions[Math.max(0, versions.length - 2)]);
    if (!to && versions.length) setTo(versions[versions.length - 1]);
  }, [versions, from, to]);
  useEffect(() => {
    if (!from || !to) return;
    let live = true;
    api()
      .call('codebook.diff', { from: { version: from }, to: { version: to } })
      .then((d) => live && setDiff(d))
      .catch((e) => notify(describeError(e), 'error'));
    return () => {
      live = false;
    };
  }, [from, to, notify]);

  return (
    <div className="cb-history" data-testid="cb-history">
      <section className="cb-card">
        <h3>Revisions</h3>
        <table className="table-plain cb-revisions" data-testid="cb-revisions">
          <thead>
            <tr>
              <th>Revision</th>
              <th>Version</th>
              <th>When</th>
              <th>By</th>
              <th>After round</th>
              <th>What changed</th>
            </tr>
          </thead>
          <tbody>
            {[...history].reverse().map((h) => (
              <tr key={h.revision} data-testid="cb-revision" data-version={h.version}>
                <td className="mono">r{h.revision}</td>
                <td>
                  {h.version}
                  {h.newVersion && h.revision > 1 && <span className="badge cb-badge-new">new meaning</span>}
                </td>
                <td className="muted small">{formatTime(h.at)}</td>
                <td>{h.by}</td>
                <td>{h.round ?? ''}</td>
                <td className="small">
                  {h.note && <div className="cb-note">{h.note}</div>}
                  {h.changes.length > 0 && (
                    <ul className="cb-changes-inline">
                      {h.changes.map((c) => (
                        <li key={c.key} className={c.meaning ? 'is-meaning' : ''}>
                          {c.text}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="cb-history-side">
        <section className="cb-card">
          <h3>Compare two versions</h3>
          <div className="row gap">
            <select className="select select-sm" data-testid="cb-diff-from" value={from} onChange={(e) => setFrom(e.target.value)}>
              {versions.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
            <span className="muted">→</span>
            <select className="select select-sm" data-testid="cb-diff-to" value={to} onChange={(e) => setTo(e.target.value)}>
              {versions.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </div>
          <ul className="cb-changes" data-testid="cb-diff">
            {diff?.length === 0 && <li className="muted">No difference.</li>}
            {diff?.map((c) => (
              <li key={c.key} className={c.meaning ? 'is-meaning' : ''} data-kind={c.kind}>
                {c.meaning && <span className="cb-meaning-mark" title="Changes what labels mean" />}
                <span className="cb-change-text">{c.text}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="cb-card">
          <h3>Agreement per version</h3>
          <p className="muted small">Krippendorff’s alpha on the labels made under each version (a moved label keeps the version it was made under).</p>
          {groups ? <AlphaTable groups={groups} by="version" testId="cb-version-alpha" intervals={intervals} onCancel={() => void cancelIntervals('version')} /> : <p className="muted small">Computing…</p>}
        </section>
      </div>
    </div>
  );
}
