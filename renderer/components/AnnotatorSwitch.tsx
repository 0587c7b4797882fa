import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';

const ADD = '\u0000add';

/** "Who am I": the annotator whose queue and labels are on screen. */
export function AnnotatorSwitch() {
  const { me, annotators, chooseAnnotator, addAnnotator } = useApp(
    useShallow((s) => ({ me: s.me, annotators: s.annotators, chooseAnnotator: s.chooseAnnotator, addAnnotator: s.addAnnotator })),
  );
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const people = annotators.filter((a) => a.role !== 'reference');

  if (adding)
    return (
      <form
        className="annotator-switch"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          void addAnnotator(name.trim()).then(() => setAdding(false));
          setName('');
        }}
      >
        <input
          autoFocus
          className="input input-sm"
          data-testid="annotator-add-input"
          placeholder="Your name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setAdding(false)}
        />
        <button className="btn btn-sm btn-primary" data-testid="annotator-add-submit" type="submit">
          Add
        </button>
      </form>
    );

  return (
    <label className="annotator-switch" title="Who is labelling. Each annotator sees only their own labels.">
      <span className="topbar-caption">Annotator</span>
      <select
        className="select select-sm"
        data-testid="annotator-switch"
        value={me ?? ''}
        onChange={(e) => {
          e.currentTarget.blur();
          if (e.target.value === ADD) setAdding(true);
          else if (e.target.value) void chooseAnnotator(e.target.value);
        }}
      >
        {!me && <option value="">Choose…</option>}
        {people.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
            {a.role === 'adjudicator' ? ' (adjudicator)' : ''}
          </option>
        ))}
        <option value={ADD}>+ Add annotator…</option>
      </select>
    </label>
  );
}
