import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Dimension } from '../../shared/codebook/schema.ts';
import { filterTreeOptions, treeOptions } from '../lib/label-edit.ts';
import { useApp } from '../store/index.ts';

/**
 * Type-to-filter picker for a two-level taxonomy: arrows move, Enter adds (or removes) the pair,
 * Escape closes. It stays open so several type/subtype pairs can be added in a row.
 */
export function BugTreePicker({ dim, selected, placeholder }: { dim: Dimension; selected: string[]; placeholder?: string }) {
  const { toggle, close } = useApp(useShallow((s) => ({ toggle: s.toggleLabel, close: s.closePicker })));
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const all = useMemo(() => treeOptions(dim), [dim]);
  const options = useMemo(() => filterTreeOptions(all, query), [all, query]);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const choose = (path: string) => {
    void toggle(dim.id, path);
    setQuery('');
  };
  const current = options[Math.min(active, options.length - 1)];

  return (
    <div className="tree-picker" data-testid="bug-picker">
      <input
        autoFocus
        className="input input-sm"
        data-testid="bug-picker-input"
        placeholder={placeholder ?? 'Type to filter types and subtypes'}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onBlur={(e) => {
          // Clicking an option keeps the picker; leaving it elsewhere closes it.
          if (!e.relatedTarget || !(e.currentTarget.parentElement?.contains(e.relatedTarget as Node) ?? false)) close();
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(options.length - 1, a + 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
          else if (e.key === 'Enter' && current) choose(current.path);
          else if (e.key === 'Escape') close();
          else return;
          e.preventDefault();
          e.stopPropagation();
        }}
      />
      <ul className="tree-options" ref={listRef} role="listbox">
        {options.length === 0 && <li className="muted small pad">Nothing matches “{query}”.</li>}
        {options.map((o, i) => {
          const on = selected.includes(o.path);
          return (
            <li
              key={o.path}
              data-index={i}
              data-testid="bug-option"
              data-path={o.path}
              role="option"
              aria-selected={i === active}
              tabIndex={-1}
              className={`tree-option ${o.subLabel ? 'is-sub' : 'is-type'} ${i === active ? 'is-active' : ''} ${on ? 'is-on' : ''}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(o.path)}
              title={o.definition}
            >
              <span className="value-mark mark-box" />
              <span className="tree-option-text">{o.subLabel ? (query ? `${o.typeLabel} › ${o.subLabel}` : o.subLabel) : o.typeLabel}</span>
            </li>
          );
        })}
      </ul>
      {current && <div className="tree-def small muted">{current.definition}</div>}
    </div>
  );
}
