/**
 * The code panes and Monaco, in a chunk of their own: most of the app's script. main.tsx starts
 * loading it at once, so the browser compiles Monaco while the first entry is read from the
 * service, instead of reading nothing until the whole script has run.
 */
let loading: Promise<typeof import('./CodePanes.tsx')> | null = null;

export function loadCodePanes(): Promise<typeof import('./CodePanes.tsx')> {
  loading ??= import('./CodePanes.tsx');
  return loading;
}
