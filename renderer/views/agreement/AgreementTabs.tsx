import type { AgreementTab } from '../../store/agreement-slice.ts';

const tabs: { id: AgreementTab; title: string; about: string }[] = [
  { id: 'alpha', title: 'Alpha', about: "Krippendorff's alpha: the primary figure, per dimension and value, pairwise, coincidences" },
  { id: 'coefficients', title: 'Coefficients', about: "Percent, Cohen's, Fleiss', Conger's kappa, Gwet's AC1, Brennan-Prediger and alpha, each with its interval" },
  { id: 'coders', title: 'Coders vs consensus', about: 'Each annotator against the final labels and the rest of the team: who disagrees how' },
  { id: 'drift', title: 'Drift', about: 'Alpha per week of labelling time or per batch of 50 entries' },
  { id: 'machines', title: 'Machine coders', about: 'Imported model labels against the human consensus' },
];

/** The Agreement view's tabs: alpha first, the figures beside it computed when their tab is opened. */
export function AgreementTabs({ tab, onTab, busy }: { tab: AgreementTab; onTab(tab: AgreementTab): void; busy: Partial<Record<AgreementTab, boolean>> }) {
  return (
    <nav className="ag-tabs" role="tablist" aria-label="Agreement figures">
      {tabs.map((t) => (
        <button
          key={t.id}
          role="tab"
          aria-selected={t.id === tab}
          className={`ag-tab ${t.id === tab ? 'is-on' : ''}`}
          title={t.about}
          data-testid={`agreement-tab-${t.id}`}
          onClick={() => onTab(t.id)}
        >
          {t.title}
          {busy[t.id] && <span className="ag-tab-busy" aria-label="computing" />}
        </button>
      ))}
    </nav>
  );
}
