/**
 * The key of one text of one entry: the name of its Monaco model (models.ts). Apart from models.ts
 * so that the panes can name a text's model before Monaco has loaded.
 */
export function modelKey(entryId: string, contentHash: string, pane: string): string {
  return `${entryId}\u0000${contentHash}\u0000${pane}`;
}
