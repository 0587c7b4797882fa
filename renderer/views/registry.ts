import type { ComponentType } from 'react';
import type { ViewId } from '../store/ui-slice.ts';
import { Workspace } from './Workspace.tsx';
import { Adjudication } from './adjudication/Adjudication.tsx';
import { Export } from './export/Export.tsx';
import { AgreementView } from './agreement/AgreementView.tsx';
import { TeamView } from './team/TeamView.tsx';
import { ActivityView } from './activity/ActivityView.tsx';
import { CodebookView } from './codebook/CodebookView.tsx';
import { RoundsView } from './rounds/RoundsView.tsx';

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
