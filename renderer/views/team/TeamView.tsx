import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/index.ts';
import { isLead } from '../../store/session-slice.ts';
import { AssignmentsPanel } from './AssignmentsPanel.tsx';
import { BackupsPanel } from './BackupsPanel.tsx';
import { PacksPanel } from './PacksPanel.tsx';

/** The lead's desk for the team: who labels what, packs in and out, backups. */
export function TeamView() {
  const lead = useApp(isLead);
  const { load, error, loading, progress } = useApp(
    useShallow((s) => ({ load: s.loadTeam, error: s.teamError, loading: s.teamLoading, progress: s.teamProgress })),
  );
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <main className="team-view" data-testid="team-view" data-ready={!!progress && !loading}>
      {error && (
        <div className="callout callout-error" data-testid="team-error">
          {error}
        </div>
      )}
      {/* An annotator comes here only to save their pack; assignments, merges and backups are the lead's. */}
      <div className="team-grid">
        {lead && <AssignmentsPanel />}
        <PacksPanel />
        {lead && <BackupsPanel />}
      </div>
    </main>
  );
}
