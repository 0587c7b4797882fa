import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';

/** Asked once per machine: labels are recorded under this name, and blind to everyone else's. */
export function WhoAmI() {
  const { annotators, chooseAnnotator, addAnnotator, projectName } = useApp(
    useShallow((s) => ({ annotators: s.annotators, chooseAnnotator: s.chooseAnnotator, addAnnotator: s.addAnnotator, projectName: s.info?.name })),
  );
  const [name, setName] = useState('');
  const [lead, setLead] = useState(false);
  const people = annotators.filter((a) => a.role !== 'reference');
  return (
    <div className="overlay overlay-below-bar" data-testid="whoami">
      <div className="dialog dialog-narrow">
        <h2>Who is labelling?</h2>
        <p className="muted">
          Labels in <strong>{projectName}</strong> are recorded under your name. You see only your own labels; the others’ stay hidden until
          adjudication.
        </p>
        {people.length > 0 && (
          <div className="whoami-list">
            {people.map((a) => (
              <button key={a.name} className="btn whoami-person" data-testid="whoami-person" onClick={() => void chooseAnnotator(a.name)}>
                <span className="avatar">{a.name.slice(0, 1).toUpperCase()}</span>
                {a.name}
                {a.role === 'adjudicator' && <span className="muted"> · adjudicator</span>}
              </button>
            ))}
          </div>
        )}
        <form
          className="row gap"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void addAnnotator(name.trim(), lead ? 'adjudicator' : 'annotator');
          }}
        >
          <input
            autoFocus
            className="input grow"
            data-testid="whoami-name"
            placeholder={people.length ? 'Or add a new annotator' : 'Your name'}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button className="btn btn-primary" data-testid="whoami-add" type="submit" disabled={!name.trim()}>
            {lead ? 'Start as lead' : 'Start labelling'}
          </button>
        </form>
        <label className="check whoami-lead">
          <input type="checkbox" data-testid="whoami-lead" checked={lead} onChange={(e) => setLead(e.target.checked)} />
          <span>
            I lead this study (adjudicator): I see agreement, everyone’s labels for adjudication, exports and the team’s work. My own labels
            never count in agreement.
          </span>
        </label>
      </div>
    </div>
  );
}
