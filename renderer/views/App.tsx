import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ImportDialog } from '../components/ImportDialog.tsx';
import { NoticeBar } from '../components/NoticeBar.tsx';
import { TopBar } from '../components/TopBar.tsx';
import { WhoAmI } from '../components/WhoAmI.tsx';
import { useApp } from '../store/index.ts';
import { views } from './registry.ts';

/** Opens the project, then shows the top bar and the chosen view. */
export function App() {
  const { phase, fatal, me, importOpen, boot, entries, view } = useApp(
    useShallow((s) => ({
      phase: s.phase,
      fatal: s.fatal,
      me: s.me,
      importOpen: s.importOpen,
      boot: s.boot,
      entries: s.info?.counts.entries ?? 0,
      view: s.view,
    })),
  );
  useEffect(() => {
    void boot();
  }, [boot]);

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

  const Current = (views.find((v) => v.id === view) ?? views[0]).Component;
  return (
    <div className="app" data-testid="app" data-view={view} data-annotator={me ?? ''}>
      <TopBar />
      <Current />
      {/* Labelling and deciding are done as someone; the lead's overview views are not. */}
      {!me && !importOpen && entries > 0 && (view === 'label' || view === 'adjudicate') && <WhoAmI />}
      {importOpen && <ImportDialog />}
      <NoticeBar />
    </div>
  );
}
