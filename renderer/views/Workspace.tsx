import { useShallow } from 'zustand/react/shallow';
import { CodePanes } from '../components/CodePanes.tsx';
import { EntryQueue } from '../components/EntryQueue.tsx';
import { LabelPanel } from '../components/LabelPanel.tsx';
import { TestLog } from '../components/TestLog.tsx';
import { useWorkspaceKeys } from '../keyboard/useWorkspaceKeys.ts';
import { useApp } from '../store/index.ts';

/** The labelling workspace: queue on the left, code and log in the centre, labels on the right. */
export function Workspace() {
  const { me, entries, setImportOpen } = useApp(
    useShallow((s) => ({ me: s.me, entries: s.info?.counts.entries ?? 0, setImportOpen: s.setImportOpen })),
  );
  useWorkspaceKeys(true);

  if (entries === 0)
    return (
      <div className="splash" data-testid="no-entries">
        <p className="muted">This project has no entries yet.</p>
        <button className="btn btn-primary" onClick={() => setImportOpen(true)}>
          Import a Deep-Bench folder…
        </button>
      </div>
    );
  return (
    <main className="body" data-testid="workspace" data-annotator={me ?? ''}>
      <EntryQueue />
      <div className="center">
        <CodePanes />
        <TestLog />
      </div>
      <LabelPanel />
    </main>
  );
}
