import { lazy, Suspense } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { NoticeBar } from '../components/NoticeBar.tsx';
import { TopBar } from '../components/TopBar.tsx';
import { WhoAmI } from '../components/WhoAmI.tsx';
import { useApp } from '../store/index.ts';
import { isLead } from '../store/session-slice.ts';
import { viewsFor } from './registry.ts';

// Opened now and then, and it brings the import mapping's schemas: not part of the page's first script.
const ImportDialog = lazy(() => import('../components/ImportDialog.tsx').then((m) => ({ default: m.ImportDialog })));

/** The top bar and the chosen view, once the project is open (main.tsx starts opening it). */
export function App() {
  const { phase, fatal, me, importOpen, boot, entries, view, lead } = useApp(
    useShallow((s) => ({
      phase: s.phase,
      fatal: s.fatal,
      me: s.me,
      importOpen: s.importOpen,
      boot: s.boot,
      entries: s.info?.counts.entries ?? 0,
      view: s.view,
      lead: isLead(s),
    })),
  );
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

  // A view the person may not open (an annotator, or nobody chosen yet) falls back to labelling.
  const allowed = viewsFor(lead);
  const shown = allowed.find((v) => v.id === view) ?? allowed[0];
  const Current = shown.Component;
  return (
    <div className="app" data-testid="app" data-view={shown.id} data-annotator={me ?? ''}>
      <TopBar />
      <Suspense fallback={<div className="splash muted" data-testid="view-loading" />}>
        <Current />
      </Suspense>
      {/* Labelling and deciding are done as someone; the lead's overview views are not. */}
      {!me && !importOpen && entries > 0 && (shown.id === 'label' || shown.id === 'adjudicate') && <WhoAmI />}
      {importOpen && (
        <Suspense fallback={null}>
          <ImportDialog />
        </Suspense>
      )}
      <NoticeBar />
    </div>
  );
}
