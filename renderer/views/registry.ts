import type { ComponentType } from 'react';
import type { ViewId } from '../store/ui-slice.ts';
import { Workspace } from './Workspace.tsx';
import { Adjudication } from './adjudication/Adjudication.tsx';
import { Export } from './export/Export.tsx';
import { AgreementView } from './agreement/AgreementView.tsx';
import { TeamView } from './team/TeamView.tsx';
import { ActivityView } from './activity/ActivityView.tsx';

/** The app's screens, in tab order. Each view is a component that fills the area under the top bar. */
export interface ViewDef {
  id: ViewId;
  title: string;
  Component: ComponentType;
}

export const views: ViewDef[] = [
  { id: 'label', title: 'Label', Component: Workspace },
  { id: 'agreement', title: 'Agreement', Component: AgreementView },
  { id: 'adjudicate', title: 'Adjudicate', Component: Adjudication },
  { id: 'export', title: 'Export', Component: Export },
  { id: 'team', title: 'Team', Component: TeamView },
  { id: 'activity', title: 'Activity', Component: ActivityView },
];
