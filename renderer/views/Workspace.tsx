import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CodePanes } from '../components/CodePanes.tsx';
import { EntryQueue } from '../components/EntryQueue.tsx';
import { ImportDialog } from '../components/ImportDialog.tsx';
import { LabelPanel } from '../components/LabelPanel.tsx';
import { NoticeBar } from '../components/NoticeBar.tsx';
import { TestLog } from '../components/TestLog.tsx';
import { TopBar } from '../components/TopBar.tsx';
import { WhoAmI } from '../components/WhoAmI.tsx';
import { useWorkspaceKeys } from '../keyboard/useWorkspaceKeys.ts';
import { useApp } from '../store/index.ts';

/** The labelling workspace: queue on the left, code and log in the centre, labels on the right. */
export function Workspace() {
  const { phase, fatal, me, importOpen, boot, entries, setImportOpen } = useApp(
    useShallow((s) => ({
      phase: s.phase,
      fatal: s.fatal,
      me: s.me,
      importOpen: s.importOpen,
      boot: s.boot,
      entries: s.info?.counts.entries ?? 0,
      setImportOpen: s.setImportOpen,
    })),
  );
  useEffect(() => {
    void boot();
  }, [boot]);
  useWorkspaceKeys(phase === 'ready');

  if (phase === 'loading') return <div className="splash muted" data-testid="loading">Opening project…</div>;
  if (phase === 'failed')
    return (
      <div className="splash" data-testid="fatal">
        <div className="callout callout-error">{fatal}</div>
        <button className="btn" onClick={() => void boot()}>
          Try again
        </button>
      </div>
    );

  return (
    <div className="app" data-testid="workspace" data-annotator={me ?? ''}>
      <TopBar />
      {entries === 0 ? (
        <div className="splash" data-testid="no-entries">
          <p className="muted">This project has no entries yet.</p>
          <button className="btn btn-primary" onClick={() => setImportOpen(true)}>
            Import a Deep-Bench folder…
          </button>
        </div>
      ) : (
        <main className="body">
          <EntryQueue />
          <div className="center">
            <CodePanes />
            <TestLog />
          </div>
          <LabelPanel />
        </main>
      )}
      {!me && !importOpen && entries > 0 && <WhoAmI />}
      {importOpen && <ImportDialog />}
      <NoticeBar />
    </div>
  );
}
