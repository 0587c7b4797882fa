import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { saveBytes } from '../../lib/files.ts';

/** base64 (as the API sends bytes) to the bytes to save. */
function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** One starter project file per annotator, to hand over before they label offline. */
export function StarterFiles() {
  const { annotators, progress, busy, outcome, makeStarter } = useApp(
    useShallow((s) => ({ annotators: s.annotators, progress: s.teamProgress, busy: s.teamBusy, outcome: s.starterOutcome, makeStarter: s.makeStarter })),
  );
  const labellers = annotators.filter((a) => a.role === 'annotator').map((a) => a.name);
  return (
    <div className="team-starters" data-testid="starters">
      <div className="muted small">
        A starter file is a project file for one annotator: the project, the codebook and that annotator's assigned entries, no one else's labels. They
        open it with <span className="mono">npm run web -- --db &lt;file&gt;</span> or the desktop app.
      </div>
      {labellers.length === 0 && <div className="muted small">No annotators yet.</div>}
      {labellers.map((name) => {
        const p = progress?.find((x) => x.annotator === name);
        const mine = outcome?.annotator === name ? outcome : null;
        return (
          <div key={name} className="team-starter" data-testid="starter-row" data-annotator={name}>
            <span className="team-starter-name">{name}</span>
            <span className="muted small team-starter-queue">{p ? (p.assigned ? `${p.assigned} assigned` : `no assignments: all ${p.queue}`) : ''}</span>
            <button
              className="btn btn-sm"
              data-testid="starter-download"
              data-annotator={name}
              disabled={busy !== null}
              onClick={async () => {
                const file = await makeStarter(name);
                if (file) saveBytes(file.fileName, 'application/vnd.sqlite3', decodeBase64(file.base64));
              }}
            >
              {busy === `starter:${name}` ? 'Preparing…' : 'Starter file'}
            </button>
            {mine?.ok && (
              <span className="small team-starter-result" data-testid="starter-result" data-entries={mine.result.entries} data-labels={mine.result.labels}>
                Saved <span className="mono">{mine.result.fileName}</span>: {mine.result.entries} entr{mine.result.entries === 1 ? 'y' : 'ies'},{' '}
                {mine.result.labels} of {name}'s own label{mine.result.labels === 1 ? '' : 's'}
              </span>
            )}
            {mine?.ok === false && (
              <span className="callout callout-error small team-starter-result" data-testid="starter-error">
                {mine.error}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
