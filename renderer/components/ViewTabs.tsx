import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';
import { isLead } from '../store/session-slice.ts';
import { viewsFor } from '../views/registry.ts';

/** Switches between the app's screens (label, agreement, adjudicate, ...). */
export function ViewTabs() {
  const { view, setView, lead } = useApp(useShallow((s) => ({ view: s.view, setView: s.setView, lead: isLead(s) })));
  return (
    <nav className="view-tabs" data-testid="view-tabs">
      {viewsFor(lead).map((v) => (
        <button
          key={v.id}
          className={`view-tab ${v.id === view ? 'is-active' : ''}`}
          data-testid={`view-tab-${v.id}`}
          aria-current={v.id === view ? 'page' : undefined}
          onClick={() => setView(v.id)}
        >
          {v.title}
        </button>
      ))}
    </nav>
  );
}
