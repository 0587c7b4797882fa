import { useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { readFiles, saveText } from '../../lib/files.ts';
import { isLead } from '../../store/session-slice.ts';
import { StarterFiles } from './StarterFiles.tsx';

/** Annotation packs: an annotator's work out as one file, and packs from the team merged in. */
export function PacksPanel() {
  const { annotators, busy, exported, imported, exportPack, importPacks } = useApp(
    useShallow((s) => ({
      annotators: s.annotators,
      busy: s.teamBusy,
      exported: s.packExportOutcome,
      imported: s.packImportOutcome,
      exportPack: s.exportPack,
      importPacks: s.importPacks,
    })),
  );
  const me = useApp((s) => s.me);
  const lead = useApp(isLead);
  // An annotator exports only their own work; the lead any annotator's (and merges them).
  const people = lead ? annotators.filter((a) => a.role !== 'reference').map((a) => a.name) : me ? [me] : [];
  const [who, setWho] = useState<string>('');
  const chosen = who || (me && people.includes(me) ? me : people[0]) || '';
  const fileInput = useRef<HTMLInputElement>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [trustUnsigned, setTrustUnsigned] = useState(false);

  return (
    <section className="team-card" data-testid="packs">
      <div className="team-card-head">
        <h3>{lead ? 'Annotation packs' : 'Your annotation pack'}</h3>
        <span className="muted small">
          {lead
            ? 'bring work done offline together, in any order, any number of times'
            : 'one file with your labels, notes and submissions: send it to the lead of the study, as often as you like'}
        </span>
      </div>

      {lead && (
        <>
          <div className="team-sub">Starter files</div>
          <StarterFiles />
        </>
      )}

      <div className="team-sub">Export</div>
      <div className="row gap">
        <select className="select select-sm" data-testid="pack-annotator" value={chosen} onChange={(e) => setWho(e.target.value)}>
          {people.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button
          className="btn btn-sm"
          data-testid="pack-export"
          disabled={!chosen || busy !== null}
          onClick={async () => {
            const pack = await exportPack(chosen);
            if (pack) saveText(pack.text, pack.fileName);
          }}
        >
          {busy === 'export' ? 'Exporting…' : 'Download pack'}
        </button>
      </div>
      {exported?.ok === false && <div className="callout callout-error" data-testid="pack-export-error">{exported.error}</div>}
      {exported?.ok && (
        <div className="muted small" data-testid="pack-export-result">
          Saved <span className="mono">{exported.result.fileName}</span>: {exported.result.counts.entries} entries, {exported.result.counts.labels} labels,{' '}
          {exported.result.counts.cleared} cleared, {exported.result.counts.notes} notes, {exported.result.counts.submissions} submissions.
        </div>
      )}

      {lead && (
        <>
      <div className="team-sub">Import</div>
      <div className="row gap">
        <input
          ref={fileInput}
          type="file"
          multiple
          accept=".json,application/json"
          className="visually-hidden"
          data-testid="pack-import-input"
          onChange={async (e) => {
            const files = e.target.files;
            if (!files?.length) return;
            setReadError(null);
            try {
              const packs = await readFiles(files);
              await importPacks(packs, trustUnsigned);
            } catch (err) {
              setReadError(`Could not read the files: ${String(err)}`);
            } finally {
              e.target.value = '';
            }
          }}
        />
        <button className="btn btn-sm" data-testid="pack-import" disabled={busy !== null} onClick={() => fileInput.current?.click()}>
          {busy === 'import' ? 'Merging…' : 'Merge packs…'}
        </button>
        <span className="muted small">
          Each annotator&apos;s later change wins, whatever their computer&apos;s clock said; a backup is taken first; every pack is checked, its signature included, before
          anything is written.
        </span>
      </div>
      <label className="row gap small team-trust" title="Packs from a Concord before packs were signed carry no signature: anyone could have written them. Merge them only if you know where they come from; the Activity log records that you did.">
        <input type="checkbox" data-testid="pack-trust-unsigned" checked={trustUnsigned} onChange={(e) => setTrustUnsigned(e.target.checked)} />
        Also merge unsigned packs (made before packs were signed): I know where they come from
      </label>
      {readError && <div className="callout callout-error">{readError}</div>}
      {imported?.ok === false && (
        <div className="callout callout-error" data-testid="pack-import-error">
          <strong>Nothing was merged.</strong> {imported.error}
        </div>
      )}
      {imported?.ok && <MergeSummary summary={imported.result} />}
        </>
      )}
    </section>
  );
}

function MergeSummary({ summary: s }: { summary: import('../../../shared/types.ts').PackImportSummary }) {
  return (
    <div className="team-merge" data-testid="pack-import-summary" data-changed={s.changed}>
      <div className={`callout ${s.changed ? 'callout-ok' : ''} small`}>
        {s.changed ? (
          <>
            Merged: {s.labelsSet} labels set, {s.labelsCleared} cleared, {s.notesSet} notes, {s.submissionsSet} submissions, {s.retimed} retimed.
            {s.annotatorsCreated.length > 0 && ` New annotators: ${s.annotatorsCreated.join(', ')}.`}
            {s.flagged > 0 && ` ${s.flagged} ${s.flagged === 1 ? 'label was' : 'labels were'} made on an earlier version of ${s.flagged === 1 ? 'its entry' : 'their entries'}: flagged for review.`}
            {s.packs.some((p) => !p.signed) && ' Unsigned packs were merged on your word; the Activity log records it.'}
            {s.backup && (
              <>
                {' '}
                Backup taken first: <span className="mono">{s.backup.name}</span>.
              </>
            )}
          </>
        ) : (
          'Every pack was already merged: nothing was written and no backup was taken.'
        )}
      </div>
      <table className="team-table">
        <thead>
          <tr>
            <th>Pack</th>
            <th>Annotator</th>
            <th>Signed</th>
            <th className="num">Entries</th>
            <th className="num">Labels</th>
            <th className="num">Notes</th>
            <th className="num">Submissions</th>
          </tr>
        </thead>
        <tbody>
          {s.packs.map((p) => (
            <tr key={p.name} data-testid="merged-pack" data-annotator={p.annotator}>
              <td className="mono small team-file">{p.name}</td>
              <td>{p.annotator}</td>
              <td data-testid="merged-pack-signed" title={p.signed ? "signed with this annotator's key" : 'not signed: merged on your word'}>
                {p.signed ? 'yes' : <span className="ag-warn">no</span>}
              </td>
              <td className="num">{p.entries}</td>
              <td className="num">{p.labels}</td>
              <td className="num">{p.notes}</td>
              <td className="num">{p.submissions}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
