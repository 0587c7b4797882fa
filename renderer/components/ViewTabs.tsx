import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';
import { views } from '../views/registry.ts';

/** Switches between the app's screens (label, agreement, adjudicate, ...). */
export function ViewTabs() {
  const { view, setView } = useApp(useShallow((s) => ({ view: s.view, setView: s.setView })));
  return (
    <nav className="view-tabs" data-testid="view-tabs">
      {views.map((v) => (
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
