import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { pathsOf } from './draft.ts';

/**
 * What publishing the draft will do, and the choices it needs: the version it makes, every
 * change (a definition edit may be marked as wording only), where the labels of each value that
 * leaves go, a note, and the round it follows. Nothing is written until Publish.
 */
export function PublishDialog({ onClose }: { onClose: () => void }) {
  const s = useApp(
    useShallow((st) => ({
      preview: st.cbPreview,
      draft: st.cbDraft,
      wording: st.cbWordingOnly,
      note: st.cbNote,
      round: st.cbRound,
      rounds: st.rounds,
      busy: st.cbPublishing,
      previewDraft: st.previewDraft,
      setDestination: st.setDestination,
      setOptions: st.setPublishOptions,
      publish: st.publishDraft,
    })),
  );
  useEffect(() => {
    void s.previewDraft();
    // Once, on opening: later choices ask again themselves.
  }, []);
  const p = s.preview;
  const missing = p?.needsDestination.filter((n) => n.to === undefined).length ?? 0;
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Publish the codebook" data-testid="cb-publish" data-ready={!!p}>
      <div className="dialog cb-publish">
        <h2>Publish the codebook</h2>
        {!p ? (
          <p className="muted">Working out what changes…</p>
        ) : (
          <>
            <p data-testid="cb-publish-version" data-version={p.version} data-new={p.newVersion}>
              {p.newVersion ? (
                <>
                  The meaning changes: this makes version <strong>{p.version}</strong>. Labels made under the older meaning keep their version and{' '}
                  <strong>{p.reviews}</strong> are listed for their annotators to look at again.
                </>
              ) : (
                <>
                  Wording only: the version stays <strong>{p.version}</strong>, and no label needs another look.
                </>
              )}
            </p>
            <ul className="cb-changes" data-testid="cb-publish-changes">
              {p.changes.map((c) => (
                <li key={c.key} className={c.meaning ? 'is-meaning' : ''} data-kind={c.kind}>
                  <span className="cb-change-text">{c.text}</span>
                  {(c.kind === 'value-definition' || c.kind === 'value-notes' || c.kind === 'dimension-definition') && (
                    <label className="check small" title="A typo fixed or a clearer phrasing: the version stays and no label is listed">
                      <input
                        type="checkbox"
                        data-testid={`cb-wording-${c.key}`}
                        checked={s.wording.includes(c.key)}
                        onChange={(e) => s.setOptions({ wordingOnly: e.target.checked ? [...s.wording, c.key] : s.wording.filter((k) => k !== c.key) })}
                      />
                      wording only
                    </label>
                  )}
                </li>
              ))}
            </ul>
            {p.needsDestination.length > 0 && (
              <section className="cb-destinations" data-testid="cb-destinations">
                <h3>Where do their labels go?</h3>
                <p className="muted small">These values leave the codebook while labels, decisions or gold answers hold them. Choose for each.</p>
                <table className="table-plain">
                  <tbody>
                    {p.needsDestination.map((n) => {
                      const dim = s.draft?.dimensions.find((d) => d.id === n.dimension);
                      return (
                        <tr key={`${n.dimension}/${n.value}`} data-testid={`cb-dest-${n.dimension}-${n.value}`}>
                          <td>
                            <strong>{n.label}</strong> <span className="muted small mono">{n.value}</span>
                          </td>
                          <td className="small muted">
                            {n.labels} labels{n.decisions ? `, ${n.decisions} decisions` : ''}
                            {n.gold ? `, ${n.gold} gold` : ''}
                          </td>
                          <td>
                            <select
                              className="select select-sm"
                              data-testid="cb-dest-select"
                              value={n.to === undefined ? '' : n.to === null ? '\u0000' : n.to}
                              onChange={(e) => s.setDestination(n.dimension, n.value, e.target.value === '\u0000' ? null : e.target.value)}
                            >
                              <option value="">Choose…</option>
                              <option value={'\u0000'}>Remove it from the labels</option>
                              {(dim ? pathsOf(dim) : []).map((x) => (
                                <option key={x.path} value={x.path}>
                                  {x.label}
                                </option>
                              ))}
                            </select>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </section>
            )}
            <div className="cb-grid2">
              <label className="field">
                <span className="cb-field-label">Note for the history</span>
                <textarea className="input textarea" rows={2} data-testid="cb-publish-note" value={s.note} onChange={(e) => s.setOptions({ note: e.target.value })} />
              </label>
              <label className="field">
                <span className="cb-field-label">Follows the calibration round</span>
                <select className="select" data-testid="cb-publish-round" value={s.round ?? ''} onChange={(e) => s.setOptions({ round: e.target.value || null })}>
                  <option value="">(none)</option>
                  {s.rounds.map((r) => (
                    <option key={r.name} value={r.name}>
                      {r.name}
                      {r.closedAt ? ' (closed)' : ''}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {p.problems.filter((x) => !/say where they go/.test(x)).map((x) => (
              <div key={x} className="callout callout-error small" role="alert">
                {x}
              </div>
            ))}
          </>
        )}
        <div className="row gap end">
          <button className="btn" onClick={onClose}>
            Keep editing
          </button>
          <button
            className="btn btn-primary"
            data-testid="cb-publish-confirm"
            disabled={!p || s.busy || p.problems.length > 0}
            title={missing ? 'Say where the labels of each leaving value go' : undefined}
            onClick={async () => {
              if (await s.publish()) onClose();
            }}
          >
            {s.busy ? 'Publishing…' : p?.newVersion ? `Publish version ${p.version}` : 'Publish'}
          </button>
        </div>
      </div>
    </div>
  );
}
