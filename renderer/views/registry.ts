import type { ComponentType } from 'react';
import type { ViewId } from '../store/ui-slice.ts';
import { Workspace } from './Workspace.tsx';

/** The app's screens, in tab order. Each view is a component that fills the area under the top bar. */
export interface ViewDef {
  id: ViewId;
  title: string;
  Component: ComponentType;
}

export const views: ViewDef[] = [{ id: 'label', title: 'Label', Component: Workspace }];
