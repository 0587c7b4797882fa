import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatTrendSvg } from '../../../shared/tables/trend-chart.ts';
import { formatTime } from '../../lib/format-time.ts';
import { useApp } from '../../store/index.ts';
import { AlphaTable } from './AlphaTable.tsx';
import '../codebook/codebook.css';

/**
 * Calibration rounds (the lead's): make a round of entries (a seeded sample, or ids), watch alpha
 * per round and its trend, close a round and discuss it in Adjudicate, and see each annotator's
 * accuracy on the gold answers.
 */
export function RoundsView() {
  const { rounds, groups, intervals, cancelIntervals, acc, load, loading } = useApp(
    useShallow((s) => ({
      rounds: s.rounds,
      groups: s.roundGroups,
      intervals: s.roundIntervals,
      cancelIntervals: s.cancelIntervals,
      acc: s.goldAcc,
      load: s.loadRounds,
      loading: s.roundsLoading,
    })),
  );
  useEffect(() => {
    void load();
  }, [load]);
  const chart = useMemo(() => (groups && groups.length ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(formatTrendSvg(groups, 'Krippendorff’s alpha across calibration rounds'))}` : null), [groups]);
  return (
    <main className="rounds-view" data-testid="rounds-view" data-ready={groups !== null && !loading}>
      <aside className="rounds-side">
        <h3>Calibration rounds</h3>
        <ol className="rounds-list">
          {rounds.map((r) => (
            <RoundCard key={r.name} name={r.name} />
          ))}
        </ol>
        {!rounds.length && <p className="muted small">No rounds yet. A pilot of 20 to 50 entries is a good start.</p>}
        <NewRound />
      </aside>
      <div className="rounds-main">
        <section className="cb-card">
          <h3>Alpha across rounds</h3>
          {chart ? <img className="trend-chart" data-testid="rounds-chart" src={chart} alt="Alpha per calibration round, pooled and per dimension, with 95% intervals" /> : null}
          {groups ? <AlphaTable groups={groups} by="round" testId="rounds-alpha" intervals={intervals} onCancel={() => void cancelIntervals('round')} /> : <p className="muted small">Computing…</p>}
        </section>
        <section className="cb-card" data-testid="gold-accuracy">
          <h3>Accuracy on gold answers</h3>
          {!acc || acc.goldEntries === 0 ? (
            <p className="muted small">No gold entries yet. In Adjudicate, “Mark as gold” takes an entry’s final values as its known answer.</p>
          ) : (
            <>
              <p className="muted small">
                {acc.goldEntries} gold entries. An item is a gold answer on an entry the annotator submitted; correct means exactly the known value.
              </p>
              <table className="table-plain alpha-table">
                <thead>
                  <tr>
                    <th>Annotator</th>
                    <th className="num">All</th>
                    {acc.dimensions.map((d) => (
                      <th key={d.id} className="num">
                        {d.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {acc.annotators.map((a) => (
                    <tr key={a.annotator} data-testid="gold-row" data-annotator={a.annotator} data-accuracy={a.accuracy ?? ''}>
                      <td>{a.annotator}</td>
                      <td className="num">
                        <strong>{a.accuracy === null ? '—' : `${Math.round(a.accuracy * 1000) / 10}%`}</strong> <span className="muted small">{a.correct}/{a.items}</span>
                      </td>
                      {acc.dimensions.map((d) => {
                        const x = a.byDimension[d.id];
                        return (
                          <td key={d.id} className="num">
                            {x.items ? `${x.correct}/${x.items}` : '—'}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      </div>
    </main>
  );
}

function RoundCard({ name }: { name: string }) {
  const { round, close, discuss } = useApp(useShallow((s) => ({ round: s.rounds.find((r) => r.name === name)!, close: s.closeRound, discuss: s.discussRound })));
  return (
    <li className="round-card" data-testid="round-card" data-round={round.name} data-closed={!!round.closedAt}>
      <div className="row gap">
        <strong className="grow">{round.name}</strong>
        <span className={`badge ${round.closedAt ? 'badge-pass' : 'cb-badge-open'}`}>{round.closedAt ? 'closed' : 'open'}</span>
      </div>
      <div className="muted small">
        {round.entries} entries · made by {round.createdBy} {formatTime(round.createdAt)}
        {round.closedAt && ` · closed by ${round.closedBy}`}
      </div>
      {round.note && <div className="small">{round.note}</div>}
      {round.followedBy.length > 0 && (
        <div className="small" data-testid="round-followed-by">
          Followed by codebook {round.followedBy.map((f) => `${f.version} (r${f.revision})`).join(', ')}
        </div>
      )}
      <div className="row gap">
        <button className="btn btn-sm" data-testid="round-discuss" onClick={() => void discuss(round.name)}>
          Discuss in Adjudicate
        </button>
        <button className="btn btn-sm" data-testid="round-close" onClick={() => void close(round.name, !!round.closedAt)}>
          {round.closedAt ? 'Reopen' : 'Close round'}
        </button>
      </div>
    </li>
  );
}

function NewRound() {
  const create = useApp((s) => s.createRound);
  const [name, setName] = useState('');
  const [how, setHow] = useState<'sample' | 'ids'>('sample');
  const [size, setSize] = useState(30);
  const [seed, setSeed] = useState(1);
  const [ids, setIds] = useState('');
  return (
    <form
      className="cb-card round-new"
      data-testid="round-new"
      onSubmit={async (e) => {
        e.preventDefault();
        const entryIds = ids.split(/[\s,]+/).filter(Boolean);
        const ok = await create({ name: name.trim(), ...(how === 'sample' ? { sample: { size, seed } } : { entryIds }) });
        if (ok) (setName(''), setIds(''));
      }}
    >
      <h4>New round</h4>
      <input className="input input-sm" placeholder="Name, e.g. Pilot" data-testid="round-name" value={name} onChange={(e) => setName(e.target.value)} />
      <div className="segmented">
        <button type="button" className={how === 'sample' ? 'is-on' : ''} onClick={() => setHow('sample')}>
          Random sample
        </button>
        <button type="button" className={how === 'ids' ? 'is-on' : ''} data-testid="round-by-ids" onClick={() => setHow('ids')}>
          These entries
        </button>
      </div>
      {how === 'sample' ? (
        <div className="row gap small">
          <label className="field">
            <span>Entries</span>
            <input className="input input-sm" type="number" min={1} data-testid="round-size" value={size} onChange={(e) => setSize(Number(e.target.value))} />
          </label>
          <label className="field">
            <span>Seed</span>
            <input className="input input-sm" type="number" data-testid="round-seed" value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
          </label>
          <span className="muted">from entries in no round yet; the same seed draws the same entries</span>
        </div>
      ) : (
        <textarea className="input textarea" rows={3} placeholder="Entry ids, separated by spaces, commas or lines" data-testid="round-ids" value={ids} onChange={(e) => setIds(e.target.value)} />
      )}
      <button className="btn btn-sm btn-primary" type="submit" data-testid="round-create" disabled={!name.trim()}>
        Make the round
      </button>
    </form>
  );
}
