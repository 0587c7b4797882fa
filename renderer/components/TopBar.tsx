import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';
import { AnnotatorSwitch } from './AnnotatorSwitch.tsx';
import { ViewTabs } from './ViewTabs.tsx';

/** Project, codebook, who is labelling, and the way in for new data. */
export function TopBar() {
  const { info, pending, rows, submitted, setImportOpen } = useApp(
    useShallow((s) => ({ info: s.info, pending: s.pendingWrites, rows: s.rows, submitted: s.queueSubmitted, setImportOpen: s.setImportOpen })),
  );
  return (
    <header className="topbar" data-testid="topbar">
      <div className="brand">
        <span className="brand-mark">◆</span> Concord
      </div>
      <div className="topbar-project" data-testid="project-name" title={info?.name}>
        {info?.name}
      </div>
      <ViewTabs />
      {info && (
        <div className="topbar-meta" data-testid="codebook-name" title="Codebook">
          {info.codebook.name} <span className="muted">v{info.codebook.version}</span>
        </div>
      )}
      {info && (
        <div className="topbar-meta muted is-optional">
          {info.counts.entries} entries · {info.counts.failingEntries} failing
        </div>
      )}
      <div className="grow" />
      {rows.length > 0 && (
        <div className="topbar-meta muted" data-testid="progress-count">
          {submitted} / {rows.length} submitted
        </div>
      )}
      <div className={`save-state ${pending ? 'is-saving' : ''}`} data-testid="save-state" data-pending={pending}>
        {pending ? 'Saving…' : 'Saved'}
      </div>
      <AnnotatorSwitch />
      <button className="btn btn-sm" data-testid="import-open" onClick={() => setImportOpen(true)}>
        Import…
      </button>
    </header>
  );
}
