import { lazy, type ComponentType } from 'react';
import type { ViewId } from '../store/ui-slice.ts';
import { Workspace } from './Workspace.tsx';

// Every view but labelling is loaded when it is first opened: a page opens on the Label view, and
// its script is then all that the browser compiles before the first entry.
const Adjudication = lazy(() => import('./adjudication/Adjudication.tsx').then((m) => ({ default: m.Adjudication })));
const Export = lazy(() => import('./export/Export.tsx').then((m) => ({ default: m.Export })));
const AgreementView = lazy(() => import('./agreement/AgreementView.tsx').then((m) => ({ default: m.AgreementView })));
const TeamView = lazy(() => import('./team/TeamView.tsx').then((m) => ({ default: m.TeamView })));
const ActivityView = lazy(() => import('./activity/ActivityView.tsx').then((m) => ({ default: m.ActivityView })));
const CodebookView = lazy(() => import('./codebook/CodebookView.tsx').then((m) => ({ default: m.CodebookView })));
const RoundsView = lazy(() => import('./rounds/RoundsView.tsx').then((m) => ({ default: m.RoundsView })));

/** The app's screens, in tab order. Each view is a component that fills the area under the top bar. */
export interface ViewDef {
  id: ViewId;
  title: string;
  Component: ComponentType;
  /** Shows everyone's labels (or their traces), so only an adjudicator sees it: labelling stays blind. */
  lead?: boolean;
}

export const views: ViewDef[] = [
  { id: 'label', title: 'Label', Component: Workspace },
  { lead: true, id: 'agreement', title: 'Agreement', Component: AgreementView },
  { lead: true, id: 'adjudicate', title: 'Adjudicate', Component: Adjudication },
  { lead: true, id: 'export', title: 'Export', Component: Export },
  { lead: true, id: 'codebook', title: 'Codebook', Component: CodebookView },
  { lead: true, id: 'rounds', title: 'Rounds', Component: RoundsView },
  { id: 'team', title: 'Team', Component: TeamView },
  { lead: true, id: 'activity', title: 'Activity', Component: ActivityView },
];

/** The views a person may open: everyone labels; the lead's views need the adjudicator role. */
export function viewsFor(lead: boolean): ViewDef[] {
  return views.filter((v) => lead || !v.lead);
}
