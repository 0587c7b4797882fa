import { monaco } from './setup.ts';

/**
 * Monaco models for entry texts, kept between entries: switching entries swaps an editor's model
 * (already made, often made ahead for the neighbours) instead of replacing its text, which would
 * make Monaco tokenize and lay out the whole text again. A model is named by the entry, its
 * content hash (an import that changes the text makes a new one) and the pane. The least recently
 * used models beyond `KEEP` are disposed, never one an editor shows.
 */
export const KEEP = 90;

const models = new Map<string, monaco.editor.ITextModel>();

function uriOf(key: string): monaco.Uri {
  return monaco.Uri.parse(`concord://entry/${encodeURIComponent(key)}`);
}

/** The model of a text, made now if it is not kept yet; it becomes the most recently used. */
export function modelFor(key: string, text: string, language: string): monaco.editor.ITextModel {
  let model = models.get(key);
  if (model && !model.isDisposed() && model.getValue().length === text.length) {
    models.delete(key);
    models.set(key, model);
    return model;
  }
  if (model && !model.isDisposed()) model.dispose();
  model = monaco.editor.createModel(text, language, uriOf(key));
  models.set(key, model);
  trim();
  return model;
}

function trim(): void {
  for (const [key, model] of models) {
    if (models.size <= KEEP) return;
    if (model.isAttachedToEditor()) continue;
    model.dispose();
    models.delete(key);
  }
}

/** How many models are kept (for tests). */
export function keptModels(): number {
  return models.size;
}
